// Where the validator set of a height comes from (docs/staking.md, "Active set"): the
// interface through which the consensus engine's driver, the block executor (evidence and
// parent_commit checks) and sync read the set that signs a height, and its implementation
// over the stored chain (staking::validator_set_for_height), which keeps the last epochs'
// sets so that a block costs no staking-storage reads outside an epoch's first block.
#pragma once

#include <cstdint>
#include <list>
#include <mutex>

#include "base/result.hpp"
#include "chain/chain_spec.hpp"
#include "chain/consensus/validator_set.hpp"
#include "chain/staking/active_set.hpp"
#include "storage/database.hpp"

namespace qtm::chain {

class ValidatorSetSource {
public:
    virtual ~ValidatorSetSource() = default;
    // The set that signs canonical block `height`, with that height's proposer priorities.
    [[nodiscard]] virtual Result<ValidatorSet, staking::ActiveSetError> at(
        std::uint64_t height) = 0;
};

// Over the stored canonical chain: the set of height h is read from the state after block
// epoch_state_height(h). Thread-safe.
class StoredValidatorSets final : public ValidatorSetSource {
public:
    StoredValidatorSets(const ChainSpec& spec, storage::Database& database)
        : spec_{spec}, database_{database} {}

    [[nodiscard]] Result<ValidatorSet, staking::ActiveSetError> at(std::uint64_t height) override;

private:
    static constexpr std::size_t kCachedEpochs = 4;
    struct Cached {
        std::uint64_t source{0};
        staking::EpochSet epoch;
    };
    const ChainSpec& spec_;
    storage::Database& database_;
    std::mutex mutex_;
    std::list<Cached> cache_;  // most recently used first
};

// The validators hash of the child of `parent` (docs/protocol.md, "Blocks"): the set only
// changes at an epoch's first height, whose set is selected from the parent's post-state
// (`parent_state`); every other height inherits its parent's hash.
[[nodiscard]] Result<Hash32, staking::ActiveSetError> child_validators_hash(
    const ChainSpec& spec, const Header& parent, state::WorldState& parent_state);

}  // namespace qtm::chain
