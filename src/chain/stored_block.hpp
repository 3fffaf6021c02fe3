// A block without transactions in the form the chain store keeps (storage::StoredBlock): the
// genesis block as the node writes it, and the empty blocks tests and benchmarks write.
#pragma once

#include "chain/block.hpp"
#include "storage/chain_store.hpp"

namespace qtm::chain {

// Hash, number and encoded header from `header`; an empty body and no receipts.
[[nodiscard]] storage::StoredBlock stored_empty_block(const Header& header);

}  // namespace qtm::chain
