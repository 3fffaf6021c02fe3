// The largest block body a chain spec may allow. Above it a block could not travel: a peer
// catching up receives a committed block in one Blocks message of at most 16 MiB
// (p2p/wire/block_messages.hpp checks that this bound, with the header and certificate,
// fits), so a spec that allowed more would make such blocks unreachable by sync.
#pragma once

#include <cstdint>

namespace qtm::chain {

inline constexpr std::uint64_t kMaxBlockBytesLimit = 12u << 20;

}  // namespace qtm::chain
