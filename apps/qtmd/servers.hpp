// The servers qtmd runs beside a node, the same in --dev and network mode: JSON-RPC over
// HTTP, the JWT-authenticated admin endpoint (on request), JSON-RPC and eth_subscribe over
// WebSocket, and /metrics, /health, /ready. Started from the NodeConfig; stop() before the
// node stops.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "base/result.hpp"
#include "node/audit.hpp"
#include "node/metrics_server.hpp"
#include "node/node.hpp"
#include "qtmd/options.hpp"
#include "rpc/eth_api.hpp"
#include "rpc/http_server.hpp"
#include "rpc/json_rpc.hpp"
#include "rpc/subscriptions.hpp"
#include "rpc/ws_server.hpp"

namespace qtm::qtmd {

struct RpcServers {
    explicit RpcServers(node::Node& node) : audit{node.metrics()} {}
    rpc::ApiLimits limits;  // the registered methods hold references to it
    rpc::Dispatcher dispatcher;
    rpc::SubscriptionHub subscriptions;
    rpc::Dispatcher admin_dispatcher;
    node::AuditingObserver audit;
    std::unique_ptr<rpc::HttpServer> http;
    std::unique_ptr<rpc::HttpServer> auth;
    std::unique_ptr<rpc::WsServer> ws;
    std::unique_ptr<node::MetricsServer> metrics;
    bool http_tls{false};

    void stop();
};

// Methods a mode adds or replaces (net_peerCount in network mode), registered on both
// dispatchers after the common ones and before any server starts.
using ExtraMethods = std::function<void(rpc::Dispatcher&)>;

// Registers the API on `node`, subscribes the hub to the node's pool and blocks, and starts
// every server the config asks for; `network` (null on a dev node) feeds admin_peers,
// admin_addPeer and admin_nodeInfo. The error is the message for the user.
[[nodiscard]] Result<std::unique_ptr<RpcServers>, std::string> start_servers(
    const NodeConfig& config, node::Node& node, const ExtraMethods& extra = {},
    rpc::AdminNetwork* network = nullptr);

// The JSON-RPC, WebSocket, Admin RPC and Metrics lines of the start-up summary.
void print_endpoints(const RpcServers& servers, const NodeConfig& config);

// spdlog's default logger on stderr, text or JSON lines, at `level`.
void configure_logging(const std::string& format, const std::string& level);

}  // namespace qtm::qtmd
