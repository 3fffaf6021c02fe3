// Random bytecode run as a transaction's target twice on the same state, untraced and under
// each tracer (struct logger with every option on, callTracer with logs, prestateTracer in
// diff mode): tracing must never crash, hit UB or change the outcome (status, gas used,
// output), and the struct logger's result must carry the transaction's gas.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "evm/analysis.hpp"
#include "rpc/trace_call_tracer.hpp"
#include "rpc/trace_prestate.hpp"
#include "rpc/trace_struct_logger.hpp"
#include "state/transaction.hpp"
#include "state/world_state.hpp"
#include "storage/database.hpp"
#include "trie/trie.hpp"

namespace {

using namespace qtm;

struct Run {
    evm::Status status{};
    std::int64_t gas_used{0};
    Bytes output;
};

Run run_once(ByteView code, std::int64_t gas_limit, evm::Tracer* tracer,
             rpc::PrestateTracer* prestate) {
    auto db = storage::make_memory_database();
    state::WorldState world{*db, trie::kEmptyRoot};
    Address sender{};
    sender[19] = 0x5e;
    Address contract{};
    contract[19] = 0xc0;
    world.add_balance(sender, U256{1'000'000'000'000'000'000ull});
    world.create_contract(contract);
    world.set_nonce(contract, 1);
    world.set_code(contract, Bytes(code.begin(), code.end()));
    world.add_balance(contract, U256{1'000'000});
    world.finalize_transaction();

    state::BlockEnv env;
    env.number = 100;
    env.gas_limit = 30'000'000;
    env.base_fee = U256{7};
    env.chain_id = U256{1};
    state::TxParams tx;
    tx.sender = sender;
    tx.to = contract;
    tx.data = Bytes(code.begin(), code.end());  // something for CALLDATA* to read
    tx.gas_limit = gas_limit;
    tx.max_fee_per_gas = U256{7};
    tx.intrinsic_gas = 21000;
    evm::AnalysisCache cache{16};
    if (prestate != nullptr) prestate->begin(world, sender, contract, env.coinbase);
    auto outcome = state::apply_transaction(world, env, tx, env.gas_limit, cache, tracer);
    if (!outcome) __builtin_trap();
    if (prestate != nullptr) prestate->end();
    return Run{outcome->status, outcome->gas_used, outcome->output};
}

bool same(const Run& a, const Run& b) {
    return a.status == b.status && a.gas_used == b.gas_used && a.output == b.output;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    // The first two bytes choose the execution gas (up to 65,535 beyond the intrinsic
    // 21,000: enough for nested calls, small enough for a fast trace), the rest is the code.
    const std::int64_t gas = 21000 + ((std::int64_t{data[0]} << 8) | std::int64_t{data[1]});
    const ByteView code{data + 2, size - 2};

    const Run plain = run_once(code, gas, nullptr, nullptr);

    rpc::StructLogger logger{rpc::StructLoggerOptions{
        .enable_memory = true, .enable_return_data = true, .max_bytes = 1u << 24}};
    const Run logged = run_once(code, gas, &logger, nullptr);
    if (!same(plain, logged)) __builtin_trap();
    const rpc::Json result =
        logger.result(static_cast<std::uint64_t>(logged.gas_used), logged.status, logged.output);
    if (result["gas"].get<std::int64_t>() != logged.gas_used) __builtin_trap();
    if (result["failed"].get<bool>() != (logged.status != evm::Status::kSuccess)) __builtin_trap();

    rpc::CallTracer calls{rpc::CallTracerOptions{.with_log = true}};
    const Run called = run_once(code, gas, &calls, nullptr);
    if (!same(plain, called)) __builtin_trap();
    const rpc::Json top =
        calls.result(static_cast<std::uint64_t>(gas), static_cast<std::uint64_t>(called.gas_used));
    if (!top.is_object() || top["type"] != "CALL") __builtin_trap();
    if (top.contains("error") != (called.status != evm::Status::kSuccess)) __builtin_trap();

    rpc::PrestateTracer prestate{rpc::PrestateOptions{.diff_mode = true}};
    const Run diffed = run_once(code, gas, &prestate, &prestate);
    if (!same(plain, diffed)) __builtin_trap();
    (void)prestate.result().dump();
    return 0;
}
