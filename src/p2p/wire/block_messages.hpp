// The messages of the blocks channel, for sync (docs/protocol.md, "Peer-to-peer messages"):
//
//   type 0  GetBlocks  rlp([request_id, first, count])
//   type 1  Blocks     rlp([request_id, [[block, certificate], ...]])
//
// A node asks for `count` consecutive blocks from number `first`; the answer carries them
// in order, each with the commit certificate that finalized it (the block encoding of
// chain/block.hpp, the certificate encoding of chain/consensus/types.hpp). An answer may
// stop early (the server's byte limit, or the end of its chain); an empty one means the
// server has none of them. Serving is sync/block_server.hpp, fetching sync/sync_manager.hpp.
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "chain/block.hpp"
#include "chain/block_limits.hpp"
#include "chain/consensus/types.hpp"
#include "p2p/message.hpp"
#include "p2p/wire/wire_error.hpp"

namespace qtm::p2p {

enum class BlocksType : std::uint8_t {
    kGetBlocks = 0,
    kBlocks = 1,
};

inline constexpr std::uint64_t kMaxBlocksPerRequest = 128;
inline constexpr std::size_t kMaxGetBlocksBytes = 64;
inline constexpr std::size_t kMaxBlocksBytes = max_payload_size(Channel::kBlocks);
// The largest body a spec allows, with room for its header and certificate (a few KB each,
// the certificate at most a few hundred KB with a large validator set), fits in one answer.
static_assert(chain::kMaxBlockBytesLimit + (1u << 20) <= kMaxBlocksBytes);

struct GetBlocks {
    std::uint64_t request_id{0};
    std::uint64_t first{0};
    std::uint64_t count{0};  // 1 to kMaxBlocksPerRequest
    friend bool operator==(const GetBlocks&, const GetBlocks&) = default;
};

struct CommittedBlock {
    chain::Block block;
    chain::CommitCertificate certificate;
};

struct Blocks {
    std::uint64_t request_id{0};
    std::vector<CommittedBlock> blocks;
};

using BlocksMessage = std::variant<GetBlocks, Blocks>;

// One entry of a Blocks message, rlp([block, certificate]), for a server counting bytes.
[[nodiscard]] Bytes encode_committed_block(const CommittedBlock& entry);
// A Blocks payload around entries already encoded by encode_committed_block.
[[nodiscard]] Bytes encode_blocks_of_encoded(std::uint64_t request_id,
                                             const std::vector<Bytes>& entries);
// The exact size of that payload, for checking a limit before building it.
[[nodiscard]] std::size_t blocks_payload_size(std::uint64_t request_id, std::size_t entries_bytes);

[[nodiscard]] ChannelMessage encode_blocks_message(const BlocksMessage& message);
// `type` and `payload` of a message on the blocks channel. A count of 0 or above
// kMaxBlocksPerRequest is kBadField; more than kMaxBlocksPerRequest entries kTooManyItems.
[[nodiscard]] Result<BlocksMessage, WireError> decode_blocks_message(std::uint8_t type,
                                                                     ByteView payload);

}  // namespace qtm::p2p
