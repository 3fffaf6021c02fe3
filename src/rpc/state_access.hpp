// The header of the block a state-reading method (eth_getBalance, eth_call, eth_getProof,
// ...) names, once it is known that the node still holds that block's state: a node that
// prunes old states (`qtm db prune-state`) or started from a snapshot does not hold the
// states before them, and says so instead of failing on a missing trie node.
#pragma once

#include "chain/block.hpp"
#include "rpc/backend.hpp"
#include "rpc/chain_reader.hpp"
#include "rpc/json_rpc.hpp"

namespace qtm::rpc {

// Throws RpcError "header not found" or "state not available: ...".
[[nodiscard]] chain::Header header_with_state(Backend& backend, const ChainReader& reader,
                                              const Json* block_ref);

}  // namespace qtm::rpc
