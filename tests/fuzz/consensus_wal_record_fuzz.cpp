// The consensus WAL's decoders fed arbitrary bytes: the file scanner (frames, checksums,
// torn tails) and the record decoder. Never a crash; a decoded record re-encodes to the
// same bytes (one encoding per record), and the scan's records lie within the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "consensus/file_wal.hpp"
#include "consensus/signing_guard.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const qtm::ByteView input{data, size};
    const auto scan = qtm::consensus::scan_wal_file(input);
    if (scan.good_size > size) std::abort();
    std::size_t total = 0;
    for (const auto& record : scan.records)
        total += record.size() + 8;
    if (total != scan.good_size) std::abort();

    if (const auto content = qtm::consensus::decode_wal_record(input)) {
        const auto encoded = qtm::consensus::encode_wal_record(*content);
        if (qtm::Bytes(input.begin(), input.end()) != encoded) std::abort();
    }
    for (const auto& record : scan.records) {
        (void)qtm::consensus::decode_wal_record(record);
    }
    return 0;
}
