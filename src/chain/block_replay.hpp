// Re-executing a stored block's transactions on its parent's state, for tracing
// (debug_traceTransaction, debug_traceBlockBy*): the same environment and order as the
// executor gave them, each transaction optionally under a tracer; nothing is written.
// The block-level steps that follow the transactions (penalties, issuance) are not run.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>

#include "base/result.hpp"
#include "chain/block.hpp"
#include "chain/chain_spec.hpp"
#include "evm/analysis.hpp"
#include "evm/tracer.hpp"
#include "state/transaction.hpp"
#include "state/world_state.hpp"
#include "storage/database.hpp"
#include "storage/node_cache.hpp"

namespace qtm::chain {

// For transaction `index`, about to run on `world` in `env`: the tracer to run it under
// (null: untraced).
using TracerFor = std::function<evm::Tracer*(std::size_t index, state::WorldState& world,
                                             const state::BlockEnv& env)>;
// Transaction `index` ran with `outcome`, leaving `world`.
using ReplayDone = std::function<void(std::size_t index, const state::TxOutcome& outcome,
                                      state::WorldState& world)>;

// Replays transactions [0, count) of the block with `header` and `transactions` (whose
// parent is `parent`, a state the database still holds) in order. An error if a transaction no
// longer applies (a database failure, or a block that is not the one executed on this parent).
[[nodiscard]] Result<void, std::string> replay_block(
    const ChainSpec& spec, storage::Database& database, storage::NodeCache* node_cache,
    const Header& parent, const Header& header, std::span<const Transaction> transactions,
    std::size_t count, evm::AnalysisCache& analysis_cache, const TracerFor& tracer_for,
    const ReplayDone& done);

}  // namespace qtm::chain
