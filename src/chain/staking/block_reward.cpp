#include "chain/staking/block_reward.hpp"

#include "chain/staking/penalties.hpp"

namespace qtm::chain::staking {

Address fee_recipient(state::WorldState& world, const Address& proposer) {
    Meter meter{world, staking_address(), Meter::kUnlimited};
    Store store{meter};
    return operator_of_consensus(store, proposer) ? staking_address() : proposer;
}

BlockIssuance pay_block_reward(state::WorldState& world, const state::BlockEnv& env,
                               const Address& proposer, const U256& reward,
                               std::span<const TransactionResult> results) {
    BlockIssuance out;
    out.minted = reward;
    for (const auto& result : results) {
        const U256 gas{result.gas_used};
        out.tips = out.tips + (result.effective_gas_price - env.base_fee) * gas;
        out.burned_fees = out.burned_fees + env.base_fee * gas;
    }
    world.add_balance(env.coinbase, reward);
    if (env.coinbase == staking_address()) {
        Meter meter{world, staking_address(), Meter::kUnlimited};
        Store store{meter};
        distribute_block_reward(store, proposer, reward + out.tips);
    }
    return out;
}

}  // namespace qtm::chain::staking
