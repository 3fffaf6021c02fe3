// The option table of qtmd (options.hpp): every option once, with its help and default.
#include "qtmd/options.hpp"

#include <charconv>
#include <cstdio>

#include "base/hex.hpp"
#include "chain/block_limits.hpp"
#include "chain/transaction.hpp"
#include "qtm_version.hpp"
#include "rpc/ws_server.hpp"

namespace qtm::qtmd {

namespace {

std::string shown(const std::string& value) {
    return value.empty() ? "none" : value;
}
std::string shown(const std::vector<std::string>& values) {
    if (values.empty()) return "none";
    std::string text;
    for (const auto& value : values)
        text += (text.empty() ? "" : ",") + value;
    return text;
}
std::string shown(double value) {
    char buffer[64];
    const auto written = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string{buffer, written.ptr};
}
std::string shown(bool value) {
    return value ? "on" : "off";
}
template <class Integer>
std::string shown(Integer value) requires std::is_integral_v<Integer> {
    return std::to_string(value);
}

CLI::Validator peer_url_check() {
    return CLI::Validator{[](std::string& text) -> std::string {
                              auto parsed = parse_peer_url(text);
                              return parsed ? std::string{} : parsed.error();
                          },
                          "qtm://NODE-ID@HOST:PORT"};
}

}  // namespace

Result<PeerUrl, std::string> parse_peer_url(std::string_view text) {
    auto parsed = p2p::parse_peer_url(text);
    if (!parsed) {
        return unexpected("'" + std::string{text} + "' is not qtm://<node-id>@host:port (" +
                          std::string{p2p::to_string(parsed.error())} + ")");
    }
    return std::move(*parsed);
}

chain::TxPoolConfig pool_config(const NodeConfig& config, const chain::ChainSpec& spec) {
    chain::TxPoolConfig pool = chain::pool_config_for(spec);
    const NodeConfig::PoolLimits& given = config.txpool;
    if (given.slots) pool.global_slots = *given.slots;
    if (given.queue) pool.global_queue = *given.queue;
    if (given.account_slots) pool.account_slots = *given.account_slots;
    if (given.account_queue) pool.account_queue = *given.account_queue;
    if (given.max_bytes) pool.max_bytes = *given.max_bytes;
    if (given.lifetime_seconds) pool.lifetime = std::chrono::seconds{*given.lifetime_seconds};
    if (given.price_limit_wei) pool.min_tip = U256{*given.price_limit_wei};
    if (given.verify_threads) pool.verify_threads = *given.verify_threads;
    return pool;
}

const std::vector<std::string>& builtin_networks() {
    static const std::vector<std::string> names{"dev"};
    return names;
}

Options::Options()
    : app_{
          "qtmd - the QTM post-quantum proof-of-stake node.\n\n"
          "  qtmd --dev                 one-validator development chain: a block every 2 s, 10\n"
          "                             prefunded accounts whose ML-DSA keys derive from public\n"
          "                             seeds (printed at start; never use them for value),\n"
          "                             JSON-RPC on 127.0.0.1:8545.\n"
          "  qtmd --config node.toml    the options in a file (keys: the long option names;\n"
          "                             a flag on the command line wins), e.g. as written by\n"
          "                             `qtm testnet init`.\n"
          "  qtmd --chain-spec FILE / --network NAME   a validator or full node of a chain\n"
          "                             from a spec: consensus with its peers over the\n"
          "                             post-quantum p2p transport (--p2p-port).\n"} {
    config_.ws_max_queue = rpc::WsConfig{}.max_queued_messages;
    build();
}

CLI::Option* Options::add(CLI::Option* option, ValueKind kind, std::string default_text) {
    option->description(option->get_description() + " (default: " + default_text + ")");
    std::string name = option->get_lnames().front();
    table_.push_back(OptionInfo{std::move(name), kind, std::move(default_text)});
    return option;
}

void Options::build() {
    NodeConfig& c = config_;
    app_.set_version_flag("-V,--version", std::string{"qtmd "} + QTM_VERSION);
    app_.get_formatter()->column_width(34);
    using K = ValueKind;

    add(app_.add_option("--config", c.config_file,
                        "A TOML file of options: each key is a long option name (datadir, "
                        "http-port, ...); paths in it are relative to its directory; a flag "
                        "given on the command line wins over the file")
            ->check(CLI::ExistingFile),
        K::kPath, "none");

    // Which chain.
    add(app_.add_flag("--dev", c.dev, "Run a one-validator development chain"), K::kFlag,
        shown(c.dev));
    add(app_.add_option("--network", c.network,
                        "A built-in network: dev (the same as --dev; other names once a "
                        "network with its own keys launches)")
            ->check(CLI::IsMember(builtin_networks())),
        K::kString, shown(c.network));
    add(app_.add_option("--chain-spec", c.chain_spec,
                        "The chain spec JSON file of a network (qtm testnet init writes one; "
                        "qtm spec validate checks one)")
            ->check(CLI::ExistingFile),
        K::kPath, shown(c.chain_spec));
    add(app_.add_option("--datadir", c.datadir, "Where the chain's database lives (RocksDB)"),
        K::kPath, shown(c.datadir));
    add(app_.add_option("--state-history", c.state_history,
                        "States kept for RPC reads at past blocks: the head's and the N-1 before "
                        "it (older trie nodes are pruned every 32 blocks); 0 keeps every state "
                        "(archive)"),
        K::kInteger, shown(c.state_history));

    // Dev chain only.
    add(app_.add_option("--block-time", c.block_time_seconds,
                        "Dev chain only: seconds between blocks (a network's is its spec's "
                        "blockTimeMs)")
            ->check(CLI::Range(0.1, 3600.0)),
        K::kNumber, shown(c.block_time_seconds));
    add(app_.add_option("--dev-unbonding-seconds", c.dev_unbonding_seconds,
                        "Dev chain only: the staking unbonding period in seconds, e.g. short "
                        "for tests; it is a chain parameter, so the genesis hash changes"),
        K::kInteger, "60, the dev spec's");
    add(app_.add_option("--dev-epoch-length", c.dev_epoch_length,
                        "Dev chain only: blocks per validator-set epoch; a chain parameter, so "
                        "the genesis hash changes")
            ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000'000})),
        K::kInteger, "3600, the dev spec's");
    add(app_.add_option("--gas-limit", c.dev_gas_limit,
                        "Dev chain only: the block gas limit; a chain parameter, so the genesis "
                        "hash changes (a network's is its spec's gasLimit)")
            ->check(CLI::Range(std::uint64_t{21'000}, std::uint64_t{1} << 62)),
        K::kInteger, "30000000, the dev spec's");
    add(app_.add_option("--max-block-bytes", c.dev_max_block_bytes,
                        "Dev chain only: the most bytes of transactions in a block; a chain "
                        "parameter (a network's is its spec's maxBlockBytes)")
            ->check(CLI::Range(std::uint64_t{chain::kMaxTransactionSize},
                               std::uint64_t{chain::kMaxBlockBytesLimit})),
        K::kInteger, "4194304, the dev spec's");

    // The transaction pool (docs/txpool.md): defaults sized to the chain.
    add(app_.add_option("--txpool-slots", c.txpool.slots,
                        "Pending and queued transactions the pool holds, in 32 KiB slots (a "
                        "transfer takes one)")
            ->check(CLI::Range(std::size_t{16}, std::size_t{10'000'000})),
        K::kInteger, "5120 or three blocks of 21,000-gas transactions, the larger");
    add(app_.add_option("--txpool-queue", c.txpool.queue,
                        "Of those, how many may be queued (waiting for a lower nonce)")
            ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000})),
        K::kInteger, "1024 or a fifth of --txpool-slots, the larger");
    add(app_.add_option("--txpool-account-slots", c.txpool.account_slots,
                        "Pending transactions an account keeps however full the pool is")
            ->check(CLI::Range(std::size_t{1}, std::size_t{100'000})),
        K::kInteger, "16");
    add(app_.add_option("--txpool-account-queue", c.txpool.account_queue,
                        "Queued transactions an account may have")
            ->check(CLI::Range(std::size_t{1}, std::size_t{100'000})),
        K::kInteger, "64");
    add(app_.add_option("--txpool-max-bytes", c.txpool.max_bytes,
                        "Encoded bytes of all pooled transactions")
            ->check(CLI::Range(std::size_t{chain::kMaxTransactionSize}, std::size_t{1} << 40)),
        K::kInteger, "64 MiB or three blocks' bytes, the larger");
    add(app_.add_option("--txpool-lifetime", c.txpool.lifetime_seconds,
                        "Seconds a queued transaction may wait before it is dropped")
            ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{365} * 86'400)),
        K::kInteger, "10800");
    add(app_.add_option("--txpool-price-limit", c.txpool.price_limit_wei,
                        "The least priority fee (tip) per gas, in wei, a transaction must offer"),
        K::kInteger, "1");
    add(app_.add_option("--txpool-verify-threads", c.txpool.verify_threads,
                        "Threads that verify a batch of signatures (0: one per core)")
            ->check(CLI::Range(std::size_t{0}, std::size_t{256})),
        K::kInteger, "0");

    // Logging.
    add(app_.add_option("--log-format", c.log_format, "Log format: text or json")
            ->check(CLI::IsMember({"text", "json"})),
        K::kString, shown(c.log_format));
    add(app_.add_option("--log-level", c.log_level, "Least severe log level shown")
            ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical"})),
        K::kString, shown(c.log_level));

    // JSON-RPC over HTTP.
    add(app_.add_option("--http-addr", c.http_address, "JSON-RPC HTTP listen address"), K::kString,
        shown(c.http_address));
    add(app_.add_option("--http-port", c.http_port, "JSON-RPC HTTP port (0: any free port)")
            ->check(CLI::Range(0, 65535)),
        K::kInteger, shown(c.http_port));
    add(app_.add_option("--http-cors", c.http_cors, "Allowed CORS origins ('*' for any)"), K::kList,
        shown(c.http_cors));
    add(app_.add_option("--http-rate-limit", c.http_rate_limit,
                        "Requests per second allowed per client IP (0: unlimited)"),
        K::kNumber, shown(c.http_rate_limit));
    add(app_.add_option("--http-vhosts", c.http_vhosts,
                        "Host names accepted in the HTTP Host header ('*' for any; IP addresses "
                        "always pass); guards against DNS rebinding"),
        K::kList, shown(c.http_vhosts));
    auto* http_tls_cert =
        add(app_.add_option("--http-tls-cert", c.http_tls.certificate_chain,
                            "PEM certificate chain: serve JSON-RPC over HTTPS (TLS 1.3) instead of "
                            "HTTP"),
            K::kPath, "none");
    auto* http_tls_key = add(app_.add_option("--http-tls-key", c.http_tls.private_key,
                                             "PEM private key for --http-tls-cert"),
                             K::kPath, "none");
    needs_.emplace_back(http_tls_cert, http_tls_key);
    needs_.emplace_back(http_tls_key, http_tls_cert);

    // JSON-RPC over WebSocket.
    add(app_.add_flag("--ws,!--no-ws", c.ws,
                      "Serve JSON-RPC and eth_subscribe over WebSocket (--no-ws: off)"),
        K::kFlag, shown(c.ws));
    add(app_.add_option("--ws-addr", c.ws_address, "JSON-RPC WebSocket listen address"), K::kString,
        shown(c.ws_address));
    add(app_.add_option("--ws-port", c.ws_port,
                        "JSON-RPC WebSocket port (0: any free port; when not given and "
                        "--http-port is 0, any free port too)")
            ->check(CLI::Range(0, 65535)),
        K::kInteger, shown(c.ws_port));
    add(app_.add_option("--ws-max-queue", c.ws_max_queue,
                        "Messages a WebSocket client may leave unread before it is disconnected "
                        "(close code 1008)")
            ->check(CLI::Range(1, 1'000'000)),
        K::kInteger, shown(c.ws_max_queue));
    auto* ws_tls_cert =
        add(app_.add_option("--ws-tls-cert", c.ws_tls.certificate_chain,
                            "PEM certificate chain: serve the WebSocket endpoint as wss:// (TLS "
                            "1.3)"),
            K::kPath, "none");
    auto* ws_tls_key = add(
        app_.add_option("--ws-tls-key", c.ws_tls.private_key, "PEM private key for --ws-tls-cert"),
        K::kPath, "none");
    needs_.emplace_back(ws_tls_cert, ws_tls_key);
    needs_.emplace_back(ws_tls_key, ws_tls_cert);

    // The authenticated endpoint.
    add(app_.add_option("--authrpc-addr", c.authrpc_address,
                        "Listen address of the JWT-authenticated endpoint (admin_* and every "
                        "other method)"),
        K::kString, shown(c.authrpc_address));
    add(app_.add_option("--authrpc-port", c.authrpc_port,
                        "Serve the JWT-authenticated endpoint on this port (0: any free port); "
                        "off unless this or --authrpc-jwtsecret is given")
            ->check(CLI::Range(0, 65535)),
        K::kInteger, shown(c.authrpc_port));
    add(app_.add_option("--authrpc-jwtsecret", c.authrpc_jwt_secret,
                        "File with the 32-byte HS256 secret as 64 hex digits; created (mode "
                        "0600) if missing"),
        K::kPath, "<datadir>/jwtsecret");
    auto* authrpc_tls_cert =
        add(app_.add_option("--authrpc-tls-cert", c.authrpc_tls.certificate_chain,
                            "PEM certificate chain: serve the authenticated endpoint over HTTPS"),
            K::kPath, "none");
    auto* authrpc_tls_key = add(app_.add_option("--authrpc-tls-key", c.authrpc_tls.private_key,
                                                "PEM private key for --authrpc-tls-cert"),
                                K::kPath, "none");
    needs_.emplace_back(authrpc_tls_cert, authrpc_tls_key);
    needs_.emplace_back(authrpc_tls_key, authrpc_tls_cert);

    // Metrics.
    add(app_.add_flag("--metrics,!--no-metrics", c.metrics,
                      "Serve /metrics (Prometheus), /health and /ready (--no-metrics: off)"),
        K::kFlag, shown(c.metrics));
    add(app_.add_option("--metrics-addr", c.metrics_address,
                        "Listen address of /metrics, /health and /ready"),
        K::kString, shown(c.metrics_address));
    add(app_.add_option("--metrics-port", c.metrics_port,
                        "Port of /metrics, /health and /ready (0: any free port; when not given "
                        "and --http-port is 0, any free port too)")
            ->check(CLI::Range(0, 65535)),
        K::kInteger, shown(c.metrics_port));

    // Accounts the node signs for.
    add(app_.add_option("--unlock", c.unlock,
                        "Keystore file (qtm account new) whose account the node signs for "
                        "(eth_sendTransaction); repeatable")
            ->check(CLI::ExistingFile),
        K::kPathList, shown(c.unlock));
    add(app_.add_option("--password-file", c.password_file,
                        "File whose first line is the password of the --unlock keystores"),
        K::kPath, shown(c.password_file));

    // Peer-to-peer.
    add(app_.add_option("--p2p-addr", c.p2p_address, "Peer-to-peer listen address"), K::kString,
        shown(c.p2p_address));
    add(app_.add_option("--p2p-port", c.p2p_port, "Peer-to-peer TCP port (0: any free port)")
            ->check(CLI::Range(0, 65535)),
        K::kInteger, shown(c.p2p_port));
    add(app_.add_option("--persistent-peers", persistent_peers_,
                        "Peers always kept connected (redialled with backoff): a comma list of "
                        "qtm://<node-id>@host:port")
            ->delimiter(',')
            ->check(peer_url_check()),
        K::kList, "none");
    add(app_.add_option("--bootnodes", bootnodes_,
                        "Peers dialled at start to learn addresses from: a comma list of "
                        "qtm://<node-id>@host:port")
            ->delimiter(',')
            ->check(peer_url_check()),
        K::kList, "none");
    add(app_.add_flag("--peer-exchange,!--no-peer-exchange", c.peer_exchange,
                      "Learn and share peer addresses (--no-peer-exchange: dial only the "
                      "persistent peers and bootnodes, share no address, dial nobody back, "
                      "keep no address book; for a fixed topology)"),
        K::kFlag, shown(c.peer_exchange));
    add(app_.add_option("--max-inbound-peers", c.max_inbound_peers,
                        "Connections accepted from other nodes at most")
            ->check(CLI::Range(0, 10'000)),
        K::kInteger, shown(c.max_inbound_peers));
    add(app_.add_option("--max-outbound-peers", c.max_outbound_peers,
                        "Connections dialled to other nodes at most (persistent peers count)")
            ->check(CLI::Range(0, 10'000)),
        K::kInteger, shown(c.max_outbound_peers));
    add(app_.add_option("--node-key-file", c.node_key_file,
                        "The node's p2p identity key (ML-DSA-65 seed, mode 0600; created on "
                        "first start; qtm node-key new makes one)"),
        K::kPath, "<datadir>/node_key");

    // The validator's consensus key.
    auto* keystore =
        add(app_.add_option("--validator-keystore", c.validator_keystore,
                            "The validator's consensus key (ML-DSA-65), an encrypted keystore "
                            "(qtm validator new); without it the node is a full node")
                ->check(CLI::ExistingFile),
            K::kPath, "none");
    auto* keystore_password =
        add(app_.add_option("--validator-password-file", c.validator_password_file,
                            "File whose first line is the --validator-keystore password")
                ->check(CLI::ExistingFile),
            K::kPath, "none");
    needs_.emplace_back(keystore, keystore_password);
    needs_.emplace_back(keystore_password, keystore);
}

std::string Options::help() const {
    return app_.help();
}

std::variant<NodeConfig, ParseStop> Options::parse(int argc, const char* const* argv) {
    try {
        app_.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        // CLI11 prints the help, the version or the error; bad usage is exit status 2.
        return ParseStop{app_.exit(error) == 0 ? 0 : 2, ""};
    }
    if (!config_.config_file.empty()) {
        if (auto applied = apply_config_file(app_, table_, config_.config_file); !applied) {
            return ParseStop{2, applied.error().message};
        }
    }
    if (auto stop = finish()) return *stop;
    return config_;
}

std::optional<ParseStop> Options::finish() {
    NodeConfig& c = config_;
    const auto given = [this](const std::string& name) {
        return app_.get_option("--" + name)->count() > 0;
    };
    const auto usage = [](std::string message) { return ParseStop{2, std::move(message)}; };
    // Pairs checked here rather than by CLI11, which would see the command line alone: one
    // half may come from the file and the other from a flag.
    for (const auto& [option, needed] : needs_) {
        if (option->count() > 0 && needed->count() == 0) {
            return usage(option->get_name() + " needs " + needed->get_name());
        }
    }
    if (c.network == "dev") c.dev = true;
    if (c.dev && !c.chain_spec.empty()) {
        return usage("--chain-spec and --dev (or --network dev) name two chains; give one");
    }
    if (!c.dev && c.chain_spec.empty()) {
        return usage(
            "no chain given: run `qtmd --dev` (a one-validator development chain), "
            "`qtmd --chain-spec FILE` (e.g. from qtm testnet init), `qtmd --network NAME` or "
            "`qtmd --config node.toml` (see --help)");
    }
    if (!c.dev) {
        for (const char* name : {"block-time", "dev-unbonding-seconds", "dev-epoch-length",
                                 "gas-limit", "max-block-bytes"}) {
            if (given(name)) {
                return usage(std::string{"--"} + name +
                             " is for the dev chain only; a network's parameters are in its "
                             "chain spec");
            }
        }
    }
    if (c.dev && !c.validator_keystore.empty()) {
        return usage(
            "--validator-keystore is for a network's validator; the dev chain's validator key "
            "is built in");
    }
    c.persistent_peers.clear();
    c.bootnodes.clear();
    for (const auto& text : persistent_peers_)
        c.persistent_peers.push_back(*parse_peer_url(text));
    for (const auto& text : bootnodes_)
        c.bootnodes.push_back(*parse_peer_url(text));
    const std::filesystem::path datadir{c.datadir};
    if (c.node_key_file.empty()) c.node_key_file = (datadir / "node_key").string();
    c.serve_admin = given("authrpc-port") || given("authrpc-jwtsecret");
    if (c.authrpc_jwt_secret.empty()) c.authrpc_jwt_secret = (datadir / "jwtsecret").string();
    c.ws_port_given = given("ws-port");
    c.metrics_port_given = given("metrics-port");
    return std::nullopt;
}

}  // namespace qtm::qtmd
