// One call of the staking contract as its handlers see it (internal to src/chain/staking):
// the metered store, the caller, the value, the decoded arguments, the block's time, and
// the outcome: ABI-encoded output or a revert reason.
#pragma once

#include <string>

#include "base/result.hpp"
#include "chain/staking/abi.hpp"
#include "chain/staking/contract.hpp"
#include "chain/staking/store.hpp"

namespace qtm::chain::staking {

struct Call {
    Meter& meter;
    Store& store;
    const ContractParams& params;
    const evm::TxContext& context;
    const evm::Message& message;
    abi::Reader args;
};

// Output on success; the revert reason otherwise.
using Outcome = Result<Bytes, std::string>;

[[nodiscard]] inline Outcome revert(std::string reason) {
    return unexpected("staking: " + std::move(reason));
}

// The mutating functions (contract.cpp) and the views (views.cpp).
Outcome create_validator(Call& call);
Outcome edit_validator(Call& call);
Outcome delegate(Call& call);
Outcome undelegate(Call& call);
Outcome withdraw(Call& call);
Outcome claim_rewards(Call& call);
Outcome unjail(Call& call);
Outcome pending_rewards_view(Call& call);
Outcome get_validator(Call& call);
Outcome validator_count(Call& call);
Outcome validator_at(Call& call);
Outcome get_delegation(Call& call);
Outcome unbonding_count(Call& call);
Outcome get_unbonding(Call& call);
Outcome get_totals(Call& call);
Outcome get_params(Call& call);

}  // namespace qtm::chain::staking
