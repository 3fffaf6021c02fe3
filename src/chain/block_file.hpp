// The block file of `qtm chain export` / `qtm chain import`: the blocks one after another,
// each as its RLP encoding (block.hpp: rlp([header, [transaction, ...]]); the header carries
// the parent's commit certificate), with nothing between them, as geth's export. A reader
// takes one RLP list at a time, so files of any length stream.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <ostream>
#include <string>

#include "base/result.hpp"
#include "chain/block.hpp"

namespace qtm::chain {

// A frame larger than this is refused before it is read (no block comes near it).
inline constexpr std::uint64_t kMaxBlockFrameBytes = 256ULL << 20;

void write_block_frame(std::ostream& out, const Block& block);

class BlockFileReader {
public:
    explicit BlockFileReader(std::istream& in) noexcept : in_{in} {}

    // The next block; nullopt at the end of the file; an error (naming the byte offset) for
    // a truncated frame, a frame that is not an RLP list, or a block that does not decode.
    [[nodiscard]] Result<std::optional<Block>, std::string> next();
    [[nodiscard]] std::uint64_t offset() const noexcept { return offset_; }

private:
    std::istream& in_;
    std::uint64_t offset_{0};
};

}  // namespace qtm::chain
