// Repair of a node's database (`qtm db repair`, and qtmd on start-up when its invariants do
// not hold), by replaying, never by guessing:
//
//   1. the canonical chain is read from genesis up to the first block whose records are
//      missing or damaged; the head can be no higher than the block before it;
//   2. the last block B at or below that whose state trie is complete (every node present
//      and hashing right, walked from the header's state root) becomes the base: the flat
//      tables are rebuilt from that trie (addresses and slots are found by hashing the
//      candidates the database holds, so nothing is assumed that the root does not prove),
//      and the head moves to B, in one synced batch;
//   3. the blocks above B are re-executed one by one with full validation (signatures,
//      roots, receipts) and written as the node writes blocks; the first that fails stops
//      the replay and the head stays below it;
//   4. transaction lookups below B are rewritten from the bodies, stale ones erased.
//
// A block whose receipts are lost is replayed, so the base goes below it. When no base can
// be found (no complete trie, an address with no known preimage) nothing is written and the
// reason is returned.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chain/chain_spec.hpp"
#include "chain/db_check.hpp"
#include "storage/database.hpp"

namespace qtm::chain {

struct RepairReport {
    std::optional<std::uint64_t> head_before;  // nullopt: the head was unreadable
    std::uint64_t head_after{0};
    std::uint64_t base{0};             // the block whose state the replay started from
    std::uint64_t replayed{0};         // blocks re-executed above the base
    std::vector<std::string> actions;  // what was done, in order
    bool changed{false};
};

struct RepairError {
    std::string message;  // why nothing (more) could be repaired
};

// The cheap start-up invariants: the head's header, canonical entry, body and receipts,
// and its state root node. nullopt when they hold, else the first that does not.
[[nodiscard]] std::optional<std::string> quick_check(const storage::ReadView& view);

[[nodiscard]] Result<RepairReport, RepairError> repair_database(storage::Database& database,
                                                                const ChainSpec& spec,
                                                                const CheckOptions& options = {});

}  // namespace qtm::chain
