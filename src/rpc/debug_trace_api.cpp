// debug_traceTransaction, debug_traceCall, debug_traceBlockByNumber, debug_traceBlockByHash
// (geth's eth/tracers/api.go): a stored transaction is traced by re-executing its block on
// the parent's state up to it (the earlier transactions untraced); a call is traced on the
// state of the block it names, with geth's state and block overrides. The tracers and
// their options are in trace_config.hpp; the states a node no longer holds are refused
// ("state not available", state_access.hpp).
#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "base/hex.hpp"
#include "chain/block_replay.hpp"
#include "rpc/call_executor.hpp"
#include "rpc/chain_reader.hpp"
#include "rpc/eth_api.hpp"
#include "rpc/format.hpp"
#include "rpc/params.hpp"
#include "rpc/state_access.hpp"
#include "rpc/trace_config.hpp"
#include "rpc/trace_deadline.hpp"

namespace qtm::rpc {

namespace {

// Re-executes `block` up to and including transaction `last`, tracing those that
// `traced(i)` selects; one result per traced transaction, in order.
Json trace_block(Backend& backend, const ChainReader& reader, const FullBlock& block,
                 std::size_t last, bool only_last, const TraceConfig& config) {
    if (block.header.number == 0) throw RpcError{code::kServer, "genesis is not traceable"};
    const Json parent_ref = quantity(block.header.number - 1);
    const chain::Header parent = header_with_state(backend, reader, &parent_ref);
    std::vector<std::unique_ptr<TxTrace>> traces(last + 1);
    std::vector<std::optional<DeadlineTracer>> deadlines(last + 1);
    std::vector<TracedRun> runs(last + 1);
    bool timed_out = false;
    evm::AnalysisCache cache{256};
    auto replayed = chain::replay_block(
        backend.spec(), backend.database(), backend.node_cache(), parent, block.header,
        block.transactions, last + 1, cache,
        [&](std::size_t i, state::WorldState& world, const state::BlockEnv& env) -> evm::Tracer* {
            if (only_last && i != last) return nullptr;
            traces[i] = make_trace(config);
            const chain::Transaction& tx = block.transactions[i];
            const std::optional<Address> to =
                tx.to ? tx.to : std::optional<Address>{creation_address(tx.from, tx.nonce)};
            traces[i]->begin(world, tx.from, to, env.coinbase);
            // Each transaction has its own timeout; after one ran out, the rest stop at once.
            const auto now = std::chrono::steady_clock::now();
            deadlines[i].emplace(traces[i]->tracer(), timed_out ? now : now + config.timeout);
            return &*deadlines[i];
        },
        [&](std::size_t i, const state::TxOutcome& outcome, state::WorldState&) {
            if (traces[i]) traces[i]->end();
            if (deadlines[i] && deadlines[i]->expired()) timed_out = true;
            runs[i] = TracedRun{block.transactions[i].gas_limit,
                                static_cast<std::uint64_t>(outcome.gas_used), outcome.status,
                                outcome.output};
        });
    if (timed_out) throw RpcError{code::kServer, "execution timeout"};
    if (!replayed) throw RpcError{code::kServer, replayed.error()};
    if (only_last) return traces[last]->result(runs[last]);
    Json out = Json::array();
    for (std::size_t i = 0; i <= last && i < block.transactions.size(); ++i) {
        out.push_back(Json{{"txHash", to_hex(block.transaction_hashes[i])},
                           {"result", traces[i]->result(runs[i])}});
    }
    return out;
}

Json trace_whole_block(Backend& backend, const ChainReader& reader,
                       const std::shared_ptr<const FullBlock>& block, const Json& params,
                       const char* missing) {
    if (!block) throw RpcError{code::kServer, missing};
    const TraceConfig config = parse_trace_config(param(params, 1, "options", false), 1);
    if (block->transactions.empty()) {
        if (block->header.number == 0) throw RpcError{code::kServer, "genesis is not traceable"};
        return Json::array();
    }
    return trace_block(backend, reader, *block, block->transactions.size() - 1, false, config);
}

}  // namespace

void register_trace_api(Dispatcher& dispatcher, Backend& backend, const ApiLimits& limits) {
    dispatcher.add("debug_traceTransaction", [&backend](const Json& params) -> Json {
        expect_at_most(params, 2);
        const Hash32 hash = to_hash(*param(params, 0, "hash"), "hash");
        const TraceConfig config = parse_trace_config(param(params, 1, "options", false), 1);
        const ChainReader reader{backend};
        const auto location = reader.locate_transaction(hash);
        if (!location) throw RpcError{code::kServer, "transaction not found"};
        const auto block = reader.block(location->number);
        if (!block || location->index >= block->transactions.size()) {
            throw RpcError{code::kServer, "transaction not found"};
        }
        return trace_block(backend, reader, *block, location->index, true, config);
    });
    dispatcher.add("debug_traceBlockByNumber", [&backend](const Json& params) -> Json {
        expect_at_most(params, 2);
        const ChainReader reader{backend};
        const auto number = reader.resolve(to_block_ref(param(params, 0, "block"), "block"));
        const auto block = number ? reader.block(*number) : nullptr;
        return trace_whole_block(backend, reader, block, params, "block not found");
    });
    dispatcher.add("debug_traceBlockByHash", [&backend](const Json& params) -> Json {
        expect_at_most(params, 2);
        const Hash32 hash = to_hash(*param(params, 0, "hash"), "hash");
        const ChainReader reader{backend};
        return trace_whole_block(backend, reader, reader.block_by_hash(hash), params,
                                 "block not found");
    });
    dispatcher.add("debug_traceCall", [&backend, &limits](const Json& params) -> Json {
        expect_at_most(params, 3);
        const CallRequest call = parse_call(*param(params, 0, "transaction"));
        const TraceConfig config = parse_trace_config(param(params, 2, "options", false), 2);
        CallExecutor executor{backend, limits, param(params, 1, "block", false),
                              config.state_overrides, config.block_overrides};
        const std::int64_t gas_limit = executor.call_gas(call);
        const std::int64_t intrinsic = executor.intrinsic(call);
        if (gas_limit < intrinsic) {
            throw RpcError{code::kServer, "intrinsic gas too low: have " +
                                              std::to_string(gas_limit) + ", want " +
                                              std::to_string(intrinsic)};
        }
        const auto trace = make_trace(config);
        const Address from = call.from.value_or(Address{});
        const std::optional<Address> to =
            call.to ? call.to
                    : std::optional<Address>{creation_address(from, executor.world().nonce(from))};
        trace->begin(executor.world(), from, to, executor.block_context().coinbase);
        DeadlineTracer deadline{trace->tracer(), std::chrono::steady_clock::now() + config.timeout};
        const CallOutcome outcome = executor.run(call, gas_limit - intrinsic, nullptr, &deadline,
                                                 [&trace](state::WorldState&) { trace->end(); });
        if (deadline.expired()) throw RpcError{code::kServer, "execution timeout"};
        // The receipt's arithmetic: intrinsic + execution, less the refund (EIP-3529 cap).
        std::int64_t used = intrinsic + outcome.gas_used;
        if (outcome.status == evm::Status::kSuccess) {
            used -= std::min(std::max<std::int64_t>(outcome.gas_refund, 0), used / 5);
        }
        return trace->result(TracedRun{static_cast<std::uint64_t>(gas_limit),
                                       static_cast<std::uint64_t>(used), outcome.status,
                                       outcome.output});
    });
}

}  // namespace qtm::rpc
