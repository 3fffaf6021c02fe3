// The block's issuance and fees as the executor pays them (docs/protocol.md, "Block
// reward"): when the proposer is a registered validator, the block's fee recipient
// (COINBASE) is the staking address, so the transactions' tips accrue there, and at the end
// of the block the reward is minted there too and both are distributed to the proposer's
// validator (distribute_block_reward). A proposer that is not a registered validator (a
// chain spec without validators in the staking contract) keeps the plain rule: tips and
// reward to the proposer's address.
#pragma once

#include <span>

#include "base/bytes.hpp"
#include "base/u256.hpp"
#include "chain/executor.hpp"
#include "state/transaction.hpp"
#include "state/world_state.hpp"

namespace qtm::chain::staking {

// COINBASE for a block proposed by `proposer` (a consensus address), decided from the state
// at the block's start.
[[nodiscard]] Address fee_recipient(state::WorldState& world, const Address& proposer);

struct BlockIssuance {
    U256 minted{};       // the block reward
    U256 tips{};         // what the transactions paid above the base fee
    U256 burned_fees{};  // the base fee part of the fees, burned
};

// After the block's transactions: mints `reward` to env.coinbase and, if that is the staking
// address, distributes reward + tips to the proposer's validator.
BlockIssuance pay_block_reward(state::WorldState& world, const state::BlockEnv& env,
                               const Address& proposer, const U256& reward,
                               std::span<const TransactionResult> results);

}  // namespace qtm::chain::staking
