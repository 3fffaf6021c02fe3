// Pruning as blocks commit (`qtmd --state-history N`): every kInterval blocks, right after a
// block is committed and while no other block can be (the caller holds the node's produce
// lock), chain::prune_state deletes the trie nodes that none of the last N states reach.
// Between runs up to kInterval older states linger; N = 0 keeps every state (archive).
#pragma once

#include <cstdint>

#include "storage/database.hpp"

namespace qtm::node {

class StatePruner {
public:
    static constexpr std::uint64_t kInterval = 32;

    explicit StatePruner(std::uint64_t state_history) noexcept : history_{state_history} {}

    // Called with each committed block's number; a failure is logged (the node goes on with
    // more history than asked for, never less).
    void after_commit(storage::Database& database, std::uint64_t number) const;

private:
    std::uint64_t history_;
};

}  // namespace qtm::node
