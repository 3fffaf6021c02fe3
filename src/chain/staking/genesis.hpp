// Genesis for the staking contract: the chain spec's validators registered in the
// contract's storage (docs/staking.md), as createValidator would leave them: operator = the
// key's own address, self-delegation = the stake, the reward address and commission from
// the spec.
#pragma once

#include "chain/chain_spec.hpp"
#include "state/world_state.hpp"

namespace qtm::chain::staking {

// Writes the records into `world` (journaled writes, outside any transaction; the caller
// finalizes and commits). The staking address's balance (the stakes) is the caller's.
void register_genesis_validators(state::WorldState& world, const ChainSpec& spec);

}  // namespace qtm::chain::staking
