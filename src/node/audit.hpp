// The audit trail of admin actions: every request on the JWT-authenticated endpoint is
// logged as one "audit:" line (method and outcome; never parameters, which may hold keys or
// passwords) before it is counted like any other request. Unlocked keystores and config
// changes (admin_setLogLevel) log their own "audit:" lines. docs/operations.md, "Logs".
#pragma once

#include <spdlog/spdlog.h>

#include "rpc/observer.hpp"

namespace qtm::node {

class AuditingObserver final : public rpc::RpcObserver {
public:
    explicit AuditingObserver(rpc::RpcObserver& next) : next_{next} {}

    void on_request(std::string_view method, rpc::RpcOutcome outcome,
                    std::chrono::nanoseconds latency) noexcept override {
        try {
            spdlog::info("audit: authenticated call {} -> {}", method, rpc::to_string(outcome));
        } catch (...) {  // NOLINT(bugprone-empty-catch): logging must not fail the request
        }
        next_.on_request(method, outcome, latency);
    }
    void on_rate_limited(std::string_view transport) noexcept override {
        next_.on_rate_limited(transport);
    }
    void on_ws_connection_opened() noexcept override { next_.on_ws_connection_opened(); }
    void on_ws_connection_closed() noexcept override { next_.on_ws_connection_closed(); }

private:
    rpc::RpcObserver& next_;
};

}  // namespace qtm::node
