#include "qtmd/servers.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>

#include "qtm_version.hpp"
#include "rpc/eth_api.hpp"
#include "rpc/jwt.hpp"

namespace qtm::qtmd {

void RpcServers::stop() {
    if (http) http->stop();
    if (metrics) metrics->stop();
    if (ws) ws->stop();
    if (auth) auth->stop();
}

void configure_logging(const std::string& format, const std::string& level) {
    auto logger = spdlog::stderr_color_mt("qtmd");
    if (format == "json") {
        // Messages are written by the node itself and contain no quotes or backslashes.
        logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","msg":"%v"})");
    } else {
        logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
    }
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::from_str(level));
}

Result<std::unique_ptr<RpcServers>, std::string> start_servers(const NodeConfig& config,
                                                               node::Node& node,
                                                               const ExtraMethods& extra,
                                                               rpc::AdminNetwork* network) {
    auto servers = std::make_unique<RpcServers>(node);
    const int http_port = config.http_port;
    node.metrics().set_build_info(QTM_VERSION);
    rpc::Dispatcher& dispatcher = servers->dispatcher;
    dispatcher.set_observer(&node.metrics());
    // The API keeps references to the limits: they live as long as the servers.
    rpc::ApiLimits& limits = servers->limits;
    limits.client_version = std::string{"qtmd/"} + QTM_VERSION;
    rpc::register_api(dispatcher, node, limits);
    // eth_subscribe: registered for both transports (HTTP answers "notifications not
    // supported"); the hub hears of admitted transactions and committed blocks.
    rpc::SubscriptionHub& subscriptions = servers->subscriptions;
    rpc::register_subscription_api(dispatcher, subscriptions);
    if (extra) extra(dispatcher);
    node.pool().subscribe(
        [&subscriptions](const Hash32& hash) { subscriptions.on_pending_transaction(hash); });
    node.subscribe_blocks([&subscriptions](const node::BlockEvent& event) {
        if (!subscriptions.wants_blocks()) return;
        rpc::BlockNotification block{
            event.block.header, event.hash, {}, event.receipts, event.block_logs};
        for (const auto& result : event.results)
            block.transaction_hashes.push_back(result.hash);
        subscriptions.on_block(block);
    });
    rpc::HttpConfig http;
    http.virtual_hosts = config.http_vhosts;
    http.address = config.http_address;
    http.port = static_cast<std::uint16_t>(http_port);
    http.cors_origins = config.http_cors;
    http.rate_limit_per_second = config.http_rate_limit;
    http.observer = &node.metrics();
    if (!config.http_tls.certificate_chain.empty()) http.tls = config.http_tls;
    servers->http_tls = http.tls.has_value();
    servers->http = std::make_unique<rpc::HttpServer>(http, dispatcher);
    if (auto started = servers->http->start(); !started) {
        return unexpected("cannot start JSON-RPC: " + started.error());
    }

    // The authenticated endpoint, on request: the public methods plus admin_*, behind a JWT
    // as the Engine API's (geth --authrpc.*).
    if (config.serve_admin) {
        auto jwt_secret = rpc::load_or_create_jwt_secret(config.authrpc_jwt_secret);
        if (!jwt_secret) {
            return unexpected("cannot start the authenticated RPC: " + jwt_secret.error());
        }
        rpc::Dispatcher& admin_dispatcher = servers->admin_dispatcher;
        admin_dispatcher.set_observer(&servers->audit);
        rpc::register_api(admin_dispatcher, node, limits);
        rpc::register_admin_api(
            admin_dispatcher, node,
            rpc::AdminInfo{limits.client_version,
                           std::filesystem::absolute(config.datadir).string(), network});
        if (extra) extra(admin_dispatcher);
        rpc::HttpConfig auth_http;
        auth_http.address = config.authrpc_address;
        auth_http.port = static_cast<std::uint16_t>(config.authrpc_port);
        auth_http.virtual_hosts = config.http_vhosts;
        auth_http.jwt_secret = *jwt_secret;
        if (!config.authrpc_tls.certificate_chain.empty()) auth_http.tls = config.authrpc_tls;
        servers->auth = std::make_unique<rpc::HttpServer>(auth_http, admin_dispatcher);
        if (auto started = servers->auth->start(); !started) {
            return unexpected("cannot start the authenticated RPC: " + started.error() +
                              " (choose --authrpc-port)");
        }
    }

    if (config.ws) {
        rpc::WsConfig ws_config;
        ws_config.address = config.ws_address;
        ws_config.port = static_cast<std::uint16_t>(
            !config.ws_port_given && http_port == 0 ? 0 : config.ws_port);
        ws_config.allowed_origins = config.http_cors;
        ws_config.rate_limit_per_second = config.http_rate_limit;
        ws_config.max_queued_messages = config.ws_max_queue;
        ws_config.observer = &node.metrics();
        if (!config.ws_tls.certificate_chain.empty()) ws_config.tls = config.ws_tls;
        servers->ws = std::make_unique<rpc::WsServer>(ws_config, dispatcher, subscriptions);
        if (auto started = servers->ws->start(); !started) {
            return unexpected("cannot start JSON-RPC over WebSocket: " + started.error());
        }
    }

    // Added before the first scrape (the server starts below).
    node.metrics().add_sampler([&subscriptions, &node](node::MetricsSample& sample) {
        sample.ws_subscriptions = subscriptions.size();
        sample.ready = node.readiness().ok();
    });
    if (config.metrics) {
        servers->metrics = std::make_unique<node::MetricsServer>(
            node::MetricsServerConfig{
                config.metrics_address,
                static_cast<std::uint16_t>(
                    !config.metrics_port_given && http_port == 0 ? 0 : config.metrics_port)},
            [&node] { return node.metrics().render(); }, [&node] { return node.readiness(); });
        if (auto started = servers->metrics->start(); !started) {
            return unexpected("cannot serve metrics: " + started.error());
        }
    }
    return servers;
}

void print_endpoints(const RpcServers& servers, const NodeConfig& config) {
    std::printf("JSON-RPC      %s://%s:%u\n", servers.http_tls ? "https" : "http",
                config.http_address.c_str(), servers.http->port());
    if (servers.ws) {
        std::printf("WebSocket     %s://%s:%u\n",
                    config.ws_tls.certificate_chain.empty() ? "ws" : "wss",
                    config.ws_address.c_str(), servers.ws->port());
    } else {
        std::printf("WebSocket     off (--ws serves JSON-RPC and eth_subscribe over WebSocket)\n");
    }
    if (servers.auth) {
        std::printf("Admin RPC     %s://%s:%u (JWT, secret in %s)\n",
                    config.authrpc_tls.certificate_chain.empty() ? "http" : "https",
                    config.authrpc_address.c_str(), servers.auth->port(),
                    std::filesystem::absolute(config.authrpc_jwt_secret).string().c_str());
    } else {
        std::printf("Admin RPC     off (--authrpc-port serves admin_* behind a JWT)\n");
    }
    if (servers.metrics) {
        std::printf("Metrics       http://%s:%u/metrics (/health, /ready)\n",
                    config.metrics_address.c_str(), servers.metrics->port());
    } else {
        std::printf("Metrics       off (--metrics serves /metrics, /health and /ready)\n");
    }
}

}  // namespace qtm::qtmd
