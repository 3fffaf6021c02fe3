// What the RPC servers report to whoever watches them (the node's Prometheus metrics): each
// answered request with its method, outcome and latency, refused (rate-limited) requests, and
// WebSocket connections opening and closing. The interface keeps src/rpc free of the metrics
// library and of src/node; a server without an observer reports nothing.
//
// Calls come from the servers' I/O threads, concurrently; an implementation must be
// thread-safe and quick (it runs on every request), and must not throw.
#pragma once

#include <chrono>
#include <string_view>

namespace qtm::rpc {

// How a request ended, from its JSON-RPC error code (json_rpc.hpp); bounded, so it can be a
// metric label.
enum class RpcOutcome {
    kOk,
    kParseError,
    kInvalidRequest,
    kMethodNotFound,
    kInvalidParams,
    kServerError,  // -32000: a refusal such as "nonce too low"
    kLimitExceeded,
    kReverted,
    kInternalError,
    kOtherError,
};
inline constexpr std::size_t kRpcOutcomeCount = 10;

[[nodiscard]] RpcOutcome outcome_of_code(int error_code) noexcept;  // 0: kOk
[[nodiscard]] std::string_view to_string(RpcOutcome outcome) noexcept;

// The method label used for requests that name no registered method (unknown names, parse
// errors, malformed requests): a client cannot grow the label set.
inline constexpr std::string_view kUnknownMethod = "unknown";

class RpcObserver {
public:
    virtual ~RpcObserver() = default;
    // `method` is a registered method's name or kUnknownMethod.
    virtual void on_request(std::string_view method, RpcOutcome outcome,
                            std::chrono::nanoseconds latency) noexcept = 0;
    // A request refused by the per-client rate limit; transport is "http" or "ws".
    virtual void on_rate_limited(std::string_view transport) noexcept = 0;
    virtual void on_ws_connection_opened() noexcept = 0;
    virtual void on_ws_connection_closed() noexcept = 0;
};

}  // namespace qtm::rpc
