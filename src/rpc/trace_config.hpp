// The options object of debug_trace* (geth's TraceConfig / TraceCallConfig) and the tracer
// each transaction runs under: the struct logger (no "tracer"), "callTracer",
// "prestateTracer" or "4byteTracer". Any other name is refused with -32000 "tracer not
// found".
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "evm/status.hpp"
#include "evm/tracer.hpp"
#include "rpc/json_rpc.hpp"
#include "rpc/trace_call_tracer.hpp"
#include "rpc/trace_deadline.hpp"
#include "rpc/trace_prestate.hpp"
#include "rpc/trace_struct_logger.hpp"

namespace qtm::rpc {

struct TraceConfig {
    std::string tracer;  // empty: the struct logger
    StructLoggerOptions logger;
    CallTracerOptions call;
    PrestateOptions prestate;
    std::chrono::nanoseconds timeout{kDefaultTraceTimeout};  // per transaction, as geth
    const Json* state_overrides{nullptr};                    // debug_traceCall only
    const Json* block_overrides{nullptr};                    // debug_traceCall only
};

// Parses `options` (null or absent: defaults). `argument` is its position, for messages.
// Throws RpcError for a malformed object or an unknown tracer.
[[nodiscard]] TraceConfig parse_trace_config(const Json* options, int argument);

// How one transaction ran, for its trace's result.
struct TracedRun {
    std::uint64_t gas_limit{0};
    std::uint64_t gas_used{0};  // the receipt's (intrinsic gas included, refund deducted)
    evm::Status status{evm::Status::kSuccess};
    Bytes output;
};

// One transaction's tracer.
class TxTrace {
public:
    virtual ~TxTrace() = default;
    [[nodiscard]] virtual evm::Tracer& tracer() = 0;
    // Around the run: `world` as the transaction finds it (before its gas is bought) and as
    // it leaves it; the world outlives the trace.
    virtual void begin(state::WorldState& /*world*/, const Address& /*from*/,
                       const std::optional<Address>& /*to*/, const Address& /*coinbase*/) {}
    virtual void end() {}
    // Throws RpcError when the trace is larger than the configured maximum.
    [[nodiscard]] virtual Json result(const TracedRun& run) const = 0;
};

[[nodiscard]] std::unique_ptr<TxTrace> make_trace(const TraceConfig& config);

}  // namespace qtm::rpc
