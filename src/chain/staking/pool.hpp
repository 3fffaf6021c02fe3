// A validator's pool (docs/staking.md, "Shares" and "Rewards"): the tokens bonded to it are
// divided into shares, a delegation holds shares, and slashing lowers the pool's tokens
// without touching the shares, which makes every delegation of the validator lose the same
// fraction in O(1). Rewards follow the same idea (Cosmos F1): a cumulative reward per share
// ("reward index", scaled by index_scale()) per validator; a delegation remembers the index
// of its last settlement, and is settled (its rewards since then moved into `accrued`)
// whenever its shares change or it claims.
//
// Rounding, always in the pool's favour: shares minted are rounded down, shares burned up,
// a delegation's value and its rewards down. What rounding leaves over stays in the staking
// contract's balance (the pool's tokens or the reward pool's dust).
#pragma once

#include <string>

#include "base/result.hpp"
#include "base/u256.hpp"
#include "chain/staking/store.hpp"

namespace qtm::chain::staking {

// Shares minted for `amount` put into a pool of `bonded` tokens and `pool_shares` shares:
// floor(amount * pool_shares / bonded), or `amount` itself while the pool has no shares.
[[nodiscard]] U256 shares_for_deposit(const U256& pool_shares, const U256& bonded,
                                      const U256& amount);
// Shares burned to take `amount` out: ceil(amount * pool_shares / bonded).
[[nodiscard]] U256 shares_for_withdrawal(const U256& pool_shares, const U256& bonded,
                                         const U256& amount);
// What `shares` are worth: floor(shares * bonded / pool_shares); 0 for an empty pool.
[[nodiscard]] U256 value_of_shares(const U256& shares, const U256& pool_shares, const U256& bonded);
// accrued + floor(shares * (index - delegation.index) / index_scale()).
[[nodiscard]] U256 pending_rewards(const Delegation& delegation, const U256& index);
// The reward index after `amount` is shared by `pool_shares` shares (rounded down).
[[nodiscard]] U256 index_after_reward(const U256& index, const U256& amount,
                                      const U256& pool_shares);

// The delegation's current value in wei.
[[nodiscard]] U256 delegation_value(Store& store, const Address& validator,
                                    const Address& delegator);
// Its pending rewards in wei.
[[nodiscard]] U256 delegation_rewards(Store& store, const Address& validator,
                                      const Address& delegator);

// Adds `amount` (already in the contract's balance) to the delegation: settles it, mints
// shares, raises the pool's tokens and the total bonded. The revert reason on refusal.
[[nodiscard]] Result<void, std::string> bond(Store& store, const ValidatorRecord& validator,
                                             const Address& delegator, const U256& amount);
// Takes `amount` of tokens out of the delegation (settled, shares burned) and out of the
// pool and the total bonded; the caller queues them.
[[nodiscard]] Result<void, std::string> unbond(Store& store, const ValidatorRecord& validator,
                                               const Address& delegator, const U256& amount);
// Settles the delegation and takes its accrued rewards out of it and out of the reward
// pool; returns them (the caller pays them).
[[nodiscard]] U256 take_rewards(Store& store, const Address& validator, const Address& delegator);

}  // namespace qtm::chain::staking
