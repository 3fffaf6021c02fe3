// The serving side of sync: answers a GetBlocks request from the chain store, through a
// small interface that the chain side implements (the node's stored blocks and the
// certificates that committed them). The answer holds consecutive blocks from `first`,
// stopping at the first block the store lacks, at the count limit, or before the entry
// that would take the payload past the byte limit (so an answer may be empty).
#pragma once

#include <cstdint>
#include <optional>

#include "p2p/message.hpp"
#include "p2p/wire/block_messages.hpp"

namespace qtm::p2p {

class BlockSource {
public:
    virtual ~BlockSource() = default;
    // The canonical block `number` with its commit certificate, if stored and committed.
    [[nodiscard]] virtual std::optional<CommittedBlock> committed_block(
        std::uint64_t number) const = 0;
};

struct ServeLimits {
    std::uint64_t max_blocks{kMaxBlocksPerRequest};
    std::size_t max_bytes{kMaxBlocksBytes};  // of the whole Blocks payload
};

// The Blocks message (blocks channel, type 1) that answers `request`.
[[nodiscard]] ChannelMessage serve_get_blocks(const GetBlocks& request, const BlockSource& source,
                                              const ServeLimits& limits = {});

}  // namespace qtm::p2p
