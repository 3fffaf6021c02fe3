// qtmd: the QTM node. `qtmd --dev` runs a one-validator development chain with prefunded
// accounts whose keys the node holds, JSON-RPC over HTTP, and its data in --datadir.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

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

// Decrypts a keystore with the password file's first line. Errors never quote either.
qtm::Result<qtm::chain::AccountKey, std::string> unlock_keystore(const std::string& path,
                                                                 const std::string& password_path) {
    std::ifstream keystore_file{path};
    std::ostringstream keystore;
    keystore << keystore_file.rdbuf();
    std::ifstream password_stream{password_path};
    std::string password;
    if (!password_stream || !std::getline(password_stream, password)) {
        return qtm::unexpected(std::string{"cannot read the password file"});
    }
    while (!password.empty() && (password.back() == '\r' || password.back() == ' ')) {
        password.pop_back();
    }
    auto secret = qtm::chain::decrypt_keystore(keystore.str(), password);
    qtm::secure_wipe(password.data(), password.size());
    if (!secret) return qtm::unexpected(secret.error().message);
    return qtm::chain::AccountKey{secret->scheme(), secret->seed()};
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "qtmd - the QTM post-quantum proof-of-stake node.\n\n"
        "  qtmd --dev     one-validator development chain: a block every 2 s, 10 prefunded\n"
        "                 accounts whose ML-DSA keys derive from public seeds (printed at\n"
        "                 start; never use them for value), JSON-RPC on 127.0.0.1:8545.\n"
        "Multi-validator networks (--network, --config) arrive with consensus and p2p."};
    app.set_version_flag("-V,--version", std::string{"qtmd "} + QTM_VERSION);
    bool dev = false;
    std::string datadir = "qtm-data";
    std::string http_address = "127.0.0.1";
    int http_port = 8545;
    bool ws = true;
    std::string ws_address = "127.0.0.1";
    int ws_port = 8546;
    std::size_t ws_max_queue = rpc::WsConfig{}.max_queued_messages;
    double block_time = 2.0;
    std::string log_format = "text";
    std::string log_level = "info";
    std::vector<std::string> cors;
    double rate_limit = 0;
    std::vector<std::string> unlock;
    std::string password_file;
    std::vector<std::string> vhosts{"localhost"};
    std::string authrpc_address = "127.0.0.1";
    int authrpc_port = 8551;
    std::string jwt_secret_path;  // default <datadir>/jwtsecret
    rpc::TlsFiles http_tls;
    rpc::TlsFiles authrpc_tls;
    rpc::TlsFiles ws_tls;
    bool metrics = true;
    std::string metrics_address = "127.0.0.1";
    int metrics_port = 9464;
    app.add_flag("--dev", dev, "Run a one-validator development chain");
    app.add_option("--datadir", datadir, "Where the chain's database lives (RocksDB)")
        ->capture_default_str();
    app.add_option("--http-addr", http_address, "JSON-RPC HTTP listen address")
        ->capture_default_str();
    app.add_option("--http-port", http_port, "JSON-RPC HTTP port (0: any free port)")
        ->capture_default_str()
        ->check(CLI::Range(0, 65535));
    app.add_flag("--ws,!--no-ws", ws,
                 "Serve JSON-RPC and eth_subscribe over WebSocket (on by default; --no-ws: off)");
    app.add_option("--ws-addr", ws_address, "JSON-RPC WebSocket listen address")
        ->capture_default_str();
    auto* ws_port_option =
        app.add_option("--ws-port", ws_port,
                       "JSON-RPC WebSocket port (0: any free port; when not given and "
                       "--http-port is 0, any free port too)")
            ->capture_default_str()
            ->check(CLI::Range(0, 65535));
    app.add_option("--ws-max-queue", ws_max_queue,
                   "Messages a WebSocket client may leave unread before it is disconnected "
                   "(close code 1008)")
        ->capture_default_str()
        ->check(CLI::Range(1, 1'000'000));
    std::uint64_t state_history = 128;
    app.add_option("--state-history", state_history,
                   "States kept for RPC reads at past blocks: the head's and the N-1 before it "
                   "(older trie nodes are pruned every 32 blocks); 0 keeps every state (archive)")
        ->capture_default_str();
    app.add_option("--block-time", block_time, "Seconds between dev blocks")
        ->capture_default_str()
        ->check(CLI::Range(0.1, 3600.0));
    std::optional<std::uint64_t> dev_unbonding_seconds;
    app.add_option("--dev-unbonding-seconds", dev_unbonding_seconds,
                   "Dev chain only: the staking unbonding period in seconds (default 60), e.g. "
                   "short for tests; it is a chain parameter, so the genesis hash changes");
    std::optional<std::uint64_t> dev_epoch_length;
    app.add_option("--dev-epoch-length", dev_epoch_length,
                   "Dev chain only: blocks per validator-set epoch (default 3600); a chain "
                   "parameter, so the genesis hash changes")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000'000}));
    app.add_option("--log-format", log_format, "Log format: text or json")
        ->capture_default_str()
        ->check(CLI::IsMember({"text", "json"}));
    app.add_option("--log-level", log_level, "Least severe log level shown")
        ->capture_default_str()
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical"}));
    app.add_option("--http-cors", cors, "Allowed CORS origins ('*' for any)");
    app.add_option("--http-rate-limit", rate_limit,
                   "Requests per second allowed per client IP (0: unlimited)")
        ->capture_default_str();
    app.add_option("--unlock", unlock,
                   "Keystore file (qtm account new) whose account the node signs for "
                   "(eth_sendTransaction); repeatable")
        ->check(CLI::ExistingFile);
    app.add_option("--password-file", password_file,
                   "File whose first line is the password of the --unlock keystores");
    app.add_option("--http-vhosts", vhosts,
                   "Host names accepted in the HTTP Host header ('*' for any; IP addresses "
                   "always pass); guards against DNS rebinding")
        ->capture_default_str();
    app.add_option("--authrpc-addr", authrpc_address,
                   "Listen address of the JWT-authenticated endpoint (admin_* and every other "
                   "method)")
        ->capture_default_str();
    auto* authrpc_port_option =
        app.add_option(
               "--authrpc-port", authrpc_port,
               "Serve the JWT-authenticated endpoint on this port (0: any free port); off unless "
               "this or --authrpc-jwtsecret is given")
            ->capture_default_str()
            ->check(CLI::Range(0, 65535));
    auto* jwt_option = app.add_option(
        "--authrpc-jwtsecret", jwt_secret_path,
        "File with the 32-byte HS256 secret as 64 hex digits; created (mode 0600) if "
        "missing. Default: <datadir>/jwtsecret");
    auto* http_tls_cert = app.add_option(
        "--http-tls-cert", http_tls.certificate_chain,
        "PEM certificate chain: serve JSON-RPC over HTTPS (TLS 1.3) instead of HTTP");
    auto* http_tls_key = app.add_option("--http-tls-key", http_tls.private_key,
                                        "PEM private key for --http-tls-cert");
    http_tls_cert->needs(http_tls_key);
    http_tls_key->needs(http_tls_cert);
    auto* authrpc_tls_cert =
        app.add_option("--authrpc-tls-cert", authrpc_tls.certificate_chain,
                       "PEM certificate chain: serve the authenticated endpoint over HTTPS");
    auto* authrpc_tls_key = app.add_option("--authrpc-tls-key", authrpc_tls.private_key,
                                           "PEM private key for --authrpc-tls-cert");
    authrpc_tls_cert->needs(authrpc_tls_key);
    authrpc_tls_key->needs(authrpc_tls_cert);
    auto* ws_tls_cert =
        app.add_option("--ws-tls-cert", ws_tls.certificate_chain,
                       "PEM certificate chain: serve the WebSocket endpoint as wss:// (TLS 1.3)");
    auto* ws_tls_key =
        app.add_option("--ws-tls-key", ws_tls.private_key, "PEM private key for --ws-tls-cert");
    ws_tls_cert->needs(ws_tls_key);
    ws_tls_key->needs(ws_tls_cert);
    app.add_flag("--metrics,!--no-metrics", metrics,
                 "Serve /metrics (Prometheus), /health and /ready (on by default; --no-metrics: "
                 "off)");
    app.add_option("--metrics-addr", metrics_address,
                   "Listen address of /metrics, /health and /ready")
        ->capture_default_str();
    auto* metrics_port_option =
        app.add_option("--metrics-port", metrics_port,
                       "Port of /metrics, /health and /ready (0: any free port; when not given "
                       "and --http-port is 0, any free port too)")
            ->capture_default_str()
            ->check(CLI::Range(0, 65535));
    CLI11_PARSE(app, argc, argv);

    if (!dev) {
        std::printf(
            "qtmd %s\nOnly the development chain is available in this build: run "
            "`qtmd --dev` (see --help).\n",
            QTM_VERSION);
        return 2;
    }
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
    if (dev_unbonding_seconds) options.spec.staking.unbonding_seconds = *dev_unbonding_seconds;
    if (dev_epoch_length) options.spec.epoch_length = *dev_epoch_length;
    options.block_time = std::chrono::milliseconds{static_cast<long>(block_time * 1000)};
    options.state_history = state_history;
    const chain::AccountKey validator{crypto::SignatureScheme::kMlDsa65,
                                      chain::dev_validator_seed(0)};
    options.proposer = validator.address();
    for (std::uint32_t i = 0; i < chain::kDevAccountCount; ++i) {
        options.signers.emplace_back(crypto::SignatureScheme::kMlDsa44, chain::dev_account_seed(i));
    }
    for (const auto& path : unlock) {
        if (password_file.empty()) {
            std::fprintf(stderr, "qtmd: --unlock needs --password-file\n");
            return 2;
        }
        auto unlocked = unlock_keystore(path, password_file);
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
    http.virtual_hosts = vhosts;
    http.address = http_address;
    http.port = static_cast<std::uint16_t>(http_port);
    http.cors_origins = cors;
    http.rate_limit_per_second = rate_limit;
    http.observer = &node.metrics();
    if (http_tls_cert->count() > 0) http.tls = http_tls;
    rpc::HttpServer server{http, dispatcher};
    if (auto started = server.start(); !started) {
        spdlog::critical("cannot start JSON-RPC: {}", started.error());
        return 1;
    }

    // The authenticated endpoint, on request: the public methods plus admin_*, behind a JWT
    // as the Engine API's (geth --authrpc.*).
    const bool serve_admin = authrpc_port_option->count() > 0 || jwt_option->count() > 0;
    rpc::Dispatcher admin_dispatcher;
    node::AuditingObserver audit{node.metrics()};
    admin_dispatcher.set_observer(&audit);
    std::unique_ptr<rpc::HttpServer> auth_server;
    if (serve_admin) {
        if (jwt_secret_path.empty()) {
            jwt_secret_path = (std::filesystem::path{datadir} / "jwtsecret").string();
        }
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
        auth_http.port = static_cast<std::uint16_t>(authrpc_port);
        auth_http.virtual_hosts = vhosts;
        auth_http.jwt_secret = *jwt_secret;
        if (authrpc_tls_cert->count() > 0) auth_http.tls = authrpc_tls;
        auth_server = std::make_unique<rpc::HttpServer>(auth_http, admin_dispatcher);
        if (auto started = auth_server->start(); !started) {
            spdlog::critical("cannot start the authenticated RPC: {} (choose --authrpc-port)",
                             started.error());
            return 1;
        }
    }

    std::unique_ptr<rpc::WsServer> ws_server;
    if (ws) {
        rpc::WsConfig ws_config;
        ws_config.address = ws_address;
        ws_config.port = static_cast<std::uint16_t>(
            ws_port_option->count() == 0 && http_port == 0 ? 0 : ws_port);
        ws_config.allowed_origins = cors;
        ws_config.rate_limit_per_second = rate_limit;
        ws_config.max_queued_messages = ws_max_queue;
        ws_config.observer = &node.metrics();
        if (ws_tls_cert->count() > 0) ws_config.tls = ws_tls;
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
    if (metrics) {
        metrics_server = std::make_unique<node::MetricsServer>(
            node::MetricsServerConfig{
                metrics_address,
                static_cast<std::uint16_t>(
                    metrics_port_option->count() == 0 && http_port == 0 ? 0 : metrics_port)},
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
        std::printf("WebSocket     %s://%s:%u\n", ws_tls_cert->count() > 0 ? "wss" : "ws",
                    ws_address.c_str(), ws_server->port());
    } else {
        std::printf("WebSocket     off (--ws serves JSON-RPC and eth_subscribe over WebSocket)\n");
    }
    if (auth_server) {
        std::printf("Admin RPC     %s://%s:%u (JWT, secret in %s)\n",
                    authrpc_tls_cert->count() > 0 ? "https" : "http", authrpc_address.c_str(),
                    auth_server->port(),
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
