// Fuzzes the RLP decoder: arbitrary bytes either fail with a typed error or decode to an
// item whose encoding is exactly the input (decoding is canonical).
#include <cstdint>
#include <cstdlib>

#include "codec/rlp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const qtm::ByteView input{data, size};
    const auto item = qtm::rlp::decode(input);
    if (item && !qtm::equal(qtm::rlp::encode(*item), input)) std::abort();

    // The streaming reads must also never crash on the same bytes.
    qtm::rlp::Decoder decoder{input};
    (void)decoder.read_uint64();
    qtm::rlp::Decoder wide{input};
    (void)wide.read_u256();
    return 0;
}
