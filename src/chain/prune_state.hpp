// State pruning (`qtm db prune-state`): trie nodes that no retained state reaches are
// deleted; the retained states are those of the last N canonical blocks (the head's
// included). Nodes are content-addressed and shared between states, so a node is kept when
// any retained root reaches it: the scheme is mark and sweep. Mark walks every retained
// state from its root (the account trie and each account's storage trie, every node loaded
// and verified), skipping a subtree whose root it has marked already (that subtree is the
// same in both states), so N states cost one full walk plus the nodes that differ. Sweep
// deletes every stored node not marked. Nothing is deleted if any retained state is
// incomplete. The node must be stopped (the sweep would race a block that writes a node
// again).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "storage/database.hpp"

namespace qtm::chain {

inline constexpr std::uint64_t kDefaultStateHistory = 128;  // as geth

struct PruneProgress {
    std::string_view stage;  // "marking", "sweeping"
    std::uint64_t done{0};
    std::uint64_t total{0};
};

struct PruneOptions {
    std::uint64_t state_history{kDefaultStateHistory};  // at least 1 (the head)
    std::function<void(const PruneProgress&)> progress;
    bool compact{true};  // compact trie_nodes afterwards so the disk space is returned
};

struct PruneReport {
    std::uint64_t head{0};
    std::uint64_t oldest_retained{0};  // the lowest block whose state is kept
    std::uint64_t nodes_kept{0};
    std::uint64_t nodes_deleted{0};
    std::uint64_t bytes_deleted{0};  // keys + values of the deleted nodes
};

// The metadata record a pruned database carries: the lowest block whose state is kept
// (8 bytes big-endian); `qtm db check` expects no state below it.
inline constexpr std::string_view kPrunedBelowKey = "state_pruned_below";
[[nodiscard]] std::optional<std::uint64_t> load_pruned_below(const storage::ReadView& view);

// The metadata record every committed block writes (the executor puts it in the block's
// batch): the block whose state the validator set of the next height is read from
// (staking::epoch_state_height(number + 1, epoch length)), 8 bytes big-endian. Pruning keeps
// the states from that block on however old it is, so that a restarted node can always
// compute the set it signs and verifies with; the pruner needs no chain spec for it.
inline constexpr std::string_view kValidatorSetStateKey = "validator_set_state_from";
void record_validator_set_state(storage::WriteBatch& batch, std::uint64_t block_number,
                                std::uint64_t epoch_length);
[[nodiscard]] std::optional<std::uint64_t> load_validator_set_state(const storage::ReadView& view);

[[nodiscard]] Result<PruneReport, std::string> prune_state(storage::Database& database,
                                                           const PruneOptions& options);

}  // namespace qtm::chain
