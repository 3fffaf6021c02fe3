// The staking contract's block-level primitives (docs/staking.md, "Rewards" and
// "Penalties"): what the block executor does to the staking state outside any transaction.
// Each works on the staking storage through a Store (the executor's has an unlimited meter)
// and moves value only between the staking address and the accounts it pays, or burns it.
//
// No transaction runs them: the events they emit through the Store's meter (Slashed, Jailed,
// Tombstoned) are the block's block-level logs, which the executor collects after the
// block's last transaction (ExecutedBlock::block_logs; docs/protocol.md, "Block-level logs").
// What they did is also in the staking storage (getValidator: jailed, jailedUntil,
// tombstoned, totalSlashed; getTotals' totals).
#pragma once

#include <cstdint>
#include <optional>

#include "base/bytes.hpp"
#include "base/u256.hpp"
#include "chain/staking/store.hpp"

namespace qtm::chain::staking {

// The reasons of a slash or a jail (the events' `reason`).
inline constexpr std::uint8_t kReasonDoubleSign = 1;
inline constexpr std::uint8_t kReasonDowntime = 2;

// Looks a validator up by the address blocks and votes name (its consensus address).
[[nodiscard]] std::optional<Address> operator_of_consensus(Store& store,
                                                           const Address& consensus_address);

// Burns `percent` (at most 100) of what was bonded to the validator at `infraction_height`:
// its current bonded stake (every delegation loses the same fraction, through the pool's
// exchange rate) and every unbonding entry from it created at or after that height; each
// part is rounded down. Returns the amount burned (0 for an unknown validator). Emits
// Slashed(validator, infractionHeight, amount burned, reason) for a known validator.
U256 slash(Store& store, const Address& operator_address, std::uint32_t percent,
           std::uint64_t infraction_height, std::uint8_t reason);

// Jails the validator (out of the active set from the next epoch, and until `unjail()`),
// not before `until_unix_seconds`; a later jail never shortens an earlier one. No effect on
// an unknown or tombstoned validator. Emits Jailed(validator, jailedUntil after it, reason).
void jail(Store& store, const Address& operator_address, std::uint64_t until_unix_seconds,
          std::uint8_t reason);

// Jails the validator for ever (jailedUntil = 2^64 - 1): it can never unjail and takes no
// new delegations. Emits Tombstoned(validator).
void tombstone(Store& store, const Address& operator_address);

// Pays the block's reward and tips, `amount`, which the caller has already put into the
// staking address's balance: the commission (commissionBps of it, rounded down) to the
// validator's reward address, the rest into its reward index for its delegators (all of it
// to the reward address if the validator has no shares). If the proposer is not a
// registered validator, all of `amount` goes to the proposer's address instead.
void distribute_block_reward(Store& store, const Address& proposer_consensus_address,
                             const U256& amount);

}  // namespace qtm::chain::staking
