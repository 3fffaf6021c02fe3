#include "node/state_pruner.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "chain/prune_state.hpp"

namespace qtm::node {

void StatePruner::after_commit(storage::Database& database, std::uint64_t number) const {
    if (history_ == 0 || number % kInterval != 0 || number < history_) return;
    const auto started = std::chrono::steady_clock::now();
    chain::PruneOptions options;
    options.state_history = history_;
    options.compact = false;  // RocksDB's own compactions reclaim the space over time
    auto pruned = chain::prune_state(database, options);
    if (!pruned) {
        spdlog::warn("state pruning at block {} failed (nothing deleted): {}", number,
                     pruned.error());
        return;
    }
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    spdlog::debug("pruned {} trie nodes ({} bytes) of states below block {} in {} ms",
                  pruned->nodes_deleted, pruned->bytes_deleted, pruned->oldest_retained,
                  elapsed.count());
}

}  // namespace qtm::node
