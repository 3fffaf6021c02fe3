// Arbitrary bytes as a `qtm chain import` block file: the reader must never crash, never
// read past the input or allocate for a frame it refuses, and it moves forward by whole
// frames until the end or the first error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "chain/block_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::istringstream in{std::string{reinterpret_cast<const char*>(data), size}};
    qtm::chain::BlockFileReader reader{in};
    for (;;) {
        const std::uint64_t start = reader.offset();
        auto next = reader.next();
        if (!next || !*next) break;
        if (reader.offset() <= start || reader.offset() > size) std::abort();
        (void)qtm::chain::encode_block(**next);
    }
    return 0;
}
