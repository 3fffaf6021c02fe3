// The active validator set from the staking contract's state (docs/staking.md, "Active
// set"): the top `maxValidators` by bonded stake among validators that are not jailed and
// hold at least `minValidatorStake`, ties broken by the lower consensus address. It changes
// only at epoch boundaries: the set of every height of epoch e (heights e*L+1 … (e+1)*L,
// L = epochLength) is read from the state after block e*L (epoch 0: the genesis state).
#pragma once

#include <cstdint>
#include <string>

#include "base/result.hpp"
#include "chain/chain_spec.hpp"
#include "chain/consensus/validator_set.hpp"
#include "state/world_state.hpp"
#include "storage/database.hpp"

namespace qtm::chain::staking {

// The block whose post-state decides the set of `height` (0 for heights 0 … L).
[[nodiscard]] std::uint64_t epoch_state_height(std::uint64_t height,
                                               std::uint64_t epoch_length) noexcept;

// The set selected from `world` (no priorities yet: all zero).
[[nodiscard]] Result<ValidatorSet, ValidatorSetError> select_active_set(
    state::WorldState& world, const StakingParams& params);

struct ActiveSetError {
    std::string message;
};

// The set selected from the state after canonical block `source` (no priorities), with that
// block's hash: what every height of the epoch after it shares.
struct EpochSet {
    ValidatorSet set;
    Hash32 source_hash{};
};
[[nodiscard]] Result<EpochSet, ActiveSetError> load_epoch_set(const ChainSpec& spec,
                                                              storage::Database& database,
                                                              std::uint64_t source);
// Gives an epoch's set (zero priorities) the priorities of `height` of that epoch.
void set_priorities_for_height(ValidatorSet& set, std::uint64_t height, std::uint64_t epoch_length);

// The set that signs canonical block `height`, read from the stored chain, with its
// proposer priorities: zero at the epoch's first height, then incremented once per height
// (so the first height's proposer is that of a fresh CometBFT set).
[[nodiscard]] Result<ValidatorSet, ActiveSetError> validator_set_for_height(
    const ChainSpec& spec, storage::Database& database, std::uint64_t height);

}  // namespace qtm::chain::staking
