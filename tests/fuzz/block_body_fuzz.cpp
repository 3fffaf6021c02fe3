// Fuzzes the block and body decoders (docs/protocol.md, "Blocks"): arbitrary peer or file
// bytes either fail with a typed error or decode to at most 16 pieces of evidence and
// re-encode to bytes that decode to the same thing; without transactions (whose own fuzzing
// is the transaction decoder's) the re-encoding is exactly the input: the header, vote and
// evidence decoders accept only canonical encodings.
#include <cstdint>
#include <cstdlib>

#include "chain/block.hpp"

using namespace qtm;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteView input{data, size};
    if (auto block = chain::decode_block(input)) {
        if (block->evidence.size() > chain::kMaxEvidencePerBlock) std::abort();
        const Bytes again = chain::encode_block(*block);
        const auto back = chain::decode_block(again);
        if (!back || back->header != block->header || back->evidence != block->evidence ||
            back->transactions.size() != block->transactions.size()) {
            std::abort();
        }
        if (block->transactions.empty() && again != Bytes(input.begin(), input.end())) {
            std::abort();
        }
    }
    if (auto body = chain::decode_body(input)) {
        if (body->evidence.size() > chain::kMaxEvidencePerBlock) std::abort();
        if (body->transactions.empty() &&
            chain::encode_body({}, body->evidence) != Bytes(input.begin(), input.end())) {
            std::abort();
        }
    }
    return 0;
}
