// Fuzzes decode_vote: arbitrary bytes either fail with a typed error or decode to a value
// whose encoding is exactly the input (the consensus encodings are canonical).
#include <cstdint>
#include <cstdlib>

#include "chain/consensus/types.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const qtm::ByteView input{data, size};
    const auto decoded = qtm::chain::decode_vote(input);
    if (decoded && !qtm::equal(qtm::chain::encode_vote(*decoded), input)) std::abort();
    return 0;
}
