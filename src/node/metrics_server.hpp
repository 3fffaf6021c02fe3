// The operator's HTTP endpoint (default 127.0.0.1:9464, the port Prometheus client libraries
// use): GET /metrics (Prometheus text format), /health (the process serves: always 200) and
// /ready (200 when every readiness check passes, else 503; the JSON body names the failing
// check). One I/O thread on Boost.Beast; separate from the JSON-RPC ports so that it can be
// exposed to the monitoring network only.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/result.hpp"
#include "node/health.hpp"

namespace qtm::node {

struct MetricsServerConfig {
    std::string address{"127.0.0.1"};
    std::uint16_t port{9464};  // 0: any free port (tests)
};

class MetricsServer {
public:
    using MetricsSource = std::function<std::string()>;
    using ReadinessSource = std::function<HealthReport()>;

    // The sources run on the server's thread for every request; they must outlive it.
    MetricsServer(MetricsServerConfig config, MetricsSource metrics, ReadinessSource readiness);
    ~MetricsServer();
    MetricsServer(const MetricsServer&) = delete;
    MetricsServer& operator=(const MetricsServer&) = delete;

    // Binds and starts serving; an error names the address when it cannot bind.
    [[nodiscard]] Result<void, std::string> start();
    void stop();
    [[nodiscard]] std::uint16_t port() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace qtm::node
