// Arbitrary bytes as a state snapshot's manifest, as one chunk, and as a whole file to
// import: the decoders and the importer must never crash; a manifest or chunk that decodes
// encodes back to the same bytes (its encoding is canonical).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "chain/chain_spec.hpp"
#include "chain/snapshot/format.hpp"
#include "chain/snapshot/snapshot.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace qtm::chain::snapshot;
    const qtm::ByteView bytes{data, size};
    if (auto manifest = decode_manifest(bytes)) {
        const qtm::Bytes again = encode_manifest(*manifest);
        if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
    }
    (void)decode_chunk(bytes);
    static const auto spec = *qtm::chain::builtin_chain_spec("dev");
    auto target = qtm::storage::make_memory_database();
    std::istringstream in{std::string{reinterpret_cast<const char*>(data), size}};
    (void)import_snapshot(in, spec, *target);
    return 0;
}
