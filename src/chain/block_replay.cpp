#include "chain/block_replay.hpp"

#include <algorithm>

#include "chain/executor.hpp"
#include "chain/staking/block_reward.hpp"
#include "chain/staking/contract.hpp"
#include "state/world_state.hpp"

namespace qtm::chain {

Result<void, std::string> replay_block(const ChainSpec& spec, storage::Database& database,
                                       storage::NodeCache* node_cache, const Header& parent,
                                       const Header& header,
                                       std::span<const Transaction> transactions, std::size_t count,
                                       evm::AnalysisCache& analysis_cache,
                                       const TracerFor& tracer_for, const ReplayDone& done) {
    const auto natives = staking::native_contracts(spec);
    state::WorldState world{database, parent.state_root, node_cache,
                            state::WorldState::ReadMode::kTrie};
    state::BlockEnv env =
        block_env(spec, database, parent, header.timestamp, header.proposer, natives.get());
    env.coinbase = staking::fee_recipient(world, header.proposer);
    std::uint64_t gas_used = 0;
    count = std::min(count, transactions.size());
    for (std::size_t i = 0; i < count; ++i) {
        const Transaction& tx = transactions[i];
        const auto remaining =
            static_cast<std::int64_t>(static_cast<std::uint64_t>(env.gas_limit) - gas_used);
        evm::Tracer* tracer = tracer_for ? tracer_for(i, world, env) : nullptr;
        auto outcome = state::apply_transaction(world, env, to_tx_params(tx), remaining,
                                                analysis_cache, tracer);
        if (!outcome) {
            return unexpected(
                "transaction " + std::to_string(i) + " of block " + std::to_string(header.number) +
                " does not apply on replay: " + std::string{state::to_string(outcome.error())});
        }
        if (world.error()) return unexpected("state database failure: " + world.error()->message);
        gas_used += static_cast<std::uint64_t>(outcome->gas_used);
        if (done) done(i, *outcome, world);
    }
    return {};
}

}  // namespace qtm::chain
