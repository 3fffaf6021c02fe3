// qtmd: the QTM node. `qtmd --dev` runs a one-validator development chain with prefunded
// accounts whose keys the node holds, JSON-RPC over HTTP, and its data in --datadir. The
// options (flags and --config node.toml) are options.hpp's table; a chain from a spec
// (--chain-spec, --network) goes to network_mode.hpp.
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <variant>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "base/hex.hpp"
#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"
#include "chain/keystore.hpp"
#include "node/audit.hpp"
#include "node/metrics_server.hpp"
#include "node/node.hpp"
#include "qtm_version.hpp"
#include "qtmd/keystore_file.hpp"
#include "qtmd/network_mode.hpp"
#include "qtmd/options.hpp"
#include "rpc/eth_api.hpp"
#include "rpc/http_server.hpp"
#include "rpc/subscriptions.hpp"
#include "rpc/ws_server.hpp"

namespace {

using namespace qtm;

std::string format_qtm(const U256& wei) {
    const U256 unit = chain::qtm_to_wei(1);
    const U256 whole = wei / unit;
    return whole.to_decimal() + " QTM";
}

void configure_logging(const std::string& format) {
    auto logger = spdlog::stderr_color_mt("qtmd");
    if (format == "json") {
        // Messages are written by the node itself and contain no quotes or backslashes.
        logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","msg":"%v"})");
    } else {
        logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
    }
    spdlog::set_default_logger(logger);
}

}  // namespace

int main(int argc, char** argv) {
    qtmd::Options parser;
    auto parsed = parser.parse(argc, argv);
    if (auto* stop = std::get_if<qtmd::ParseStop>(&parsed)) {
        if (!stop->message.empty()) std::fprintf(stderr, "qtmd: %s\n", stop->message.c_str());
        return stop->exit_code;
    }
    const qtmd::NodeConfig& config = std::get<qtmd::NodeConfig>(parsed);
    if (!config.dev) return qtmd::run_network(config);

    const std::string& datadir = config.datadir;
    const std::string& http_address = config.http_address;
    const int http_port = config.http_port;
    const std::string& ws_address = config.ws_address;
    const double block_time = config.block_time_seconds;
    const std::string& log_format = config.log_format;
    const std::string& log_level = config.log_level;
    const std::string& authrpc_address = config.authrpc_address;
    const std::string& metrics_address = config.metrics_address;
    std::string jwt_secret_path = config.authrpc_jwt_secret;
    configure_logging(log_format);
    spdlog::set_level(spdlog::level::from_str(log_level));

    // Signals are taken by sigwait below; block them before any thread starts.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    auto spec = chain::builtin_chain_spec("dev");
    node::NodeOptions options;
    options.datadir = datadir;
    options.spec = *spec;
    if (config.dev_unbonding_seconds) {
        options.spec.staking.unbonding_seconds = *config.dev_unbonding_seconds;
    }
    if (config.dev_epoch_length) options.spec.epoch_length = *config.dev_epoch_length;
    options.block_time = std::chrono::milliseconds{static_cast<long>(block_time * 1000)};
    options.state_history = config.state_history;
    const chain::AccountKey validator{crypto::SignatureScheme::kMlDsa65,
                                      chain::dev_validator_seed(0)};
    options.proposer = validator.address();
    for (std::uint32_t i = 0; i < chain::kDevAccountCount; ++i) {
        options.signers.emplace_back(crypto::SignatureScheme::kMlDsa44, chain::dev_account_seed(i));
    }
    for (const auto& path : config.unlock) {
        if (config.password_file.empty()) {
            std::fprintf(stderr, "qtmd: --unlock needs --password-file\n");
            return 2;
        }
        auto unlocked = qtmd::unlock_keystore(path, config.password_file);
        if (!unlocked) {
            std::fprintf(stderr, "qtmd: cannot unlock %s: %s\n", path.c_str(),
                         unlocked.error().c_str());
            return 1;
        }
        spdlog::info("audit: unlocked {} from {}", chain::to_checksum_address(unlocked->address()),
                     path);
        options.signers.push_back(std::move(*unlocked));
    }
    std::vector<std::pair<Address, std::string>> printed;
    for (std::uint32_t i = 0; i < chain::kDevAccountCount; ++i) {
        printed.emplace_back(options.signers[i].address(), to_hex(chain::dev_account_seed(i)));
    }

    auto opened = node::Node::open(std::move(options));
    if (!opened) {
        spdlog::critical("cannot start: {}", opened.error().message);
        return 1;
    }
    node::Node& node = **opened;

    node.metrics().set_build_info(QTM_VERSION);
    rpc::Dispatcher dispatcher;
    dispatcher.set_observer(&node.metrics());
    rpc::ApiLimits limits;
    limits.client_version = std::string{"qtmd/"} + QTM_VERSION;
    rpc::register_api(dispatcher, node, limits);
    // eth_subscribe: registered for both transports (HTTP answers "notifications not
    // supported"); the hub hears of admitted transactions and committed blocks.
    rpc::SubscriptionHub subscriptions;
    rpc::register_subscription_api(dispatcher, subscriptions);
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
    http.address = http_address;
    http.port = static_cast<std::uint16_t>(http_port);
    http.cors_origins = config.http_cors;
    http.rate_limit_per_second = config.http_rate_limit;
    http.observer = &node.metrics();
    if (!config.http_tls.certificate_chain.empty()) http.tls = config.http_tls;
    rpc::HttpServer server{http, dispatcher};
    if (auto started = server.start(); !started) {
        spdlog::critical("cannot start JSON-RPC: {}", started.error());
        return 1;
    }

    // The authenticated endpoint, on request: the public methods plus admin_*, behind a JWT
    // as the Engine API's (geth --authrpc.*).
    const bool serve_admin = config.serve_admin;
    rpc::Dispatcher admin_dispatcher;
    node::AuditingObserver audit{node.metrics()};
    admin_dispatcher.set_observer(&audit);
    std::unique_ptr<rpc::HttpServer> auth_server;
    if (serve_admin) {
        auto jwt_secret = rpc::load_or_create_jwt_secret(jwt_secret_path);
        if (!jwt_secret) {
            spdlog::critical("cannot start the authenticated RPC: {}", jwt_secret.error());
            return 1;
        }
        rpc::register_api(admin_dispatcher, node, limits);
        rpc::register_admin_api(
            admin_dispatcher, node,
            rpc::AdminInfo{limits.client_version, std::filesystem::absolute(datadir).string()});
        rpc::HttpConfig auth_http;
        auth_http.address = authrpc_address;
        auth_http.port = static_cast<std::uint16_t>(config.authrpc_port);
        auth_http.virtual_hosts = config.http_vhosts;
        auth_http.jwt_secret = *jwt_secret;
        if (!config.authrpc_tls.certificate_chain.empty()) auth_http.tls = config.authrpc_tls;
        auth_server = std::make_unique<rpc::HttpServer>(auth_http, admin_dispatcher);
        if (auto started = auth_server->start(); !started) {
            spdlog::critical("cannot start the authenticated RPC: {} (choose --authrpc-port)",
                             started.error());
            return 1;
        }
    }

    std::unique_ptr<rpc::WsServer> ws_server;
    if (config.ws) {
        rpc::WsConfig ws_config;
        ws_config.address = ws_address;
        ws_config.port = static_cast<std::uint16_t>(
            !config.ws_port_given && http_port == 0 ? 0 : config.ws_port);
        ws_config.allowed_origins = config.http_cors;
        ws_config.rate_limit_per_second = config.http_rate_limit;
        ws_config.max_queued_messages = config.ws_max_queue;
        ws_config.observer = &node.metrics();
        if (!config.ws_tls.certificate_chain.empty()) ws_config.tls = config.ws_tls;
        ws_server = std::make_unique<rpc::WsServer>(ws_config, dispatcher, subscriptions);
        if (auto started = ws_server->start(); !started) {
            spdlog::critical("cannot start JSON-RPC over WebSocket: {}", started.error());
            return 1;
        }
    }

    // Added before the first scrape (the server starts below).
    node.metrics().add_sampler([&subscriptions, &node](node::MetricsSample& sample) {
        sample.ws_subscriptions = subscriptions.size();
        sample.ready = node.readiness().ok();
    });
    std::unique_ptr<node::MetricsServer> metrics_server;
    if (config.metrics) {
        metrics_server = std::make_unique<node::MetricsServer>(
            node::MetricsServerConfig{
                metrics_address,
                static_cast<std::uint16_t>(
                    !config.metrics_port_given && http_port == 0 ? 0 : config.metrics_port)},
            [&node] { return node.metrics().render(); }, [&node] { return node.readiness(); });
        if (auto started = metrics_server->start(); !started) {
            spdlog::critical("cannot serve metrics: {}", started.error());
            return 1;
        }
    }

    const auto head = node.head();
    std::printf("\nqtmd %s — development chain\n\n", QTM_VERSION);
    std::printf("Chain id      %llu (%s)\n", static_cast<unsigned long long>(node.spec().chain_id),
                node.spec().name.c_str());
    std::printf("Genesis hash  %s\n", to_hex(node.genesis_hash()).c_str());
    std::printf("Head          block %llu %s\n", static_cast<unsigned long long>(head.number),
                to_hex(node.head_hash()).c_str());
    std::printf("Data          %s\n", std::filesystem::absolute(datadir).string().c_str());
    std::printf("JSON-RPC      %s://%s:%u\n", http.tls ? "https" : "http", http_address.c_str(),
                server.port());
    if (ws_server) {
        std::printf("WebSocket     %s://%s:%u\n",
                    config.ws_tls.certificate_chain.empty() ? "ws" : "wss", ws_address.c_str(),
                    ws_server->port());
    } else {
        std::printf("WebSocket     off (--ws serves JSON-RPC and eth_subscribe over WebSocket)\n");
    }
    if (auth_server) {
        std::printf("Admin RPC     %s://%s:%u (JWT, secret in %s)\n",
                    config.authrpc_tls.certificate_chain.empty() ? "http" : "https",
                    authrpc_address.c_str(), auth_server->port(),
                    std::filesystem::absolute(jwt_secret_path).string().c_str());
    } else {
        std::printf("Admin RPC     off (--authrpc-port serves admin_* behind a JWT)\n");
    }
    if (metrics_server) {
        std::printf("Metrics       http://%s:%u/metrics (/health, /ready)\n",
                    metrics_address.c_str(), metrics_server->port());
    } else {
        std::printf("Metrics       off (--metrics serves /metrics, /health and /ready)\n");
    }
    std::printf("Block time    %.1f s\n", block_time);
    std::printf("Validator     %s (ML-DSA-65, dev seed 0)\n\n",
                chain::to_checksum_address(validator.address()).c_str());
    std::printf(
        "Dev accounts (ML-DSA-44; seed = keccak256(\"qtm dev account\" || be32(i)); the node "
        "signs for them: eth_sendTransaction, cast send --unlocked)\n");
    std::printf(
        "PUBLIC TEST KEYS: anyone can spend from these accounts. Never send them value "
        "on a real network.\n\n");
    for (std::size_t i = 0; i < printed.size(); ++i) {
        std::printf("(%zu) %s  %s\n    seed %s\n", i,
                    chain::to_checksum_address(printed[i].first).c_str(),
                    format_qtm(node.head_state().balance(printed[i].first)).c_str(),
                    printed[i].second.c_str());
    }
    std::printf("\n");
    std::fflush(stdout);

    node.start_producing();
    spdlog::info("producing a block every {:.1f} s; Ctrl-C stops", block_time);
    int received = 0;
    sigwait(&signals, &received);
    spdlog::info("received {}, shutting down", received == SIGINT ? "SIGINT" : "SIGTERM");
    server.stop();
    if (metrics_server) metrics_server->stop();
    if (ws_server) ws_server->stop();
    if (auth_server) auth_server->stop();
    node.stop();
    spdlog::info("stopped at block {}", node.head().number);
    return 0;
}
