// qtmd's options: one table (options.cpp) that the command-line parser (CLI11), the
// node.toml loader (config_file.cpp, toml++) and `qtmd --help` all read. The result of a
// parse is one NodeConfig; qtmd's main and the network wiring consume that struct alone.
//
// Order of precedence: a flag on the command line, else the key of the same long name in
// the --config file, else the default shown by --help. Path-valued keys in the file are
// taken relative to the file's own directory.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "chain/chain_spec.hpp"
#include "chain/txpool.hpp"
#include "p2p/peer_url.hpp"
#include "rpc/tls_files.hpp"

namespace qtm::qtmd {

// A peer's address as operators write it, qtm://<node-id>@host:port: p2p's (the one parser).
using PeerUrl = p2p::PeerUrl;
// p2p::parse_peer_url, its error worded for the operator (what was given and what is wrong).
[[nodiscard]] Result<PeerUrl, std::string> parse_peer_url(std::string_view text);

// Everything qtmd was asked to do, checked (value ranges, peer URLs, files that must exist,
// options that need each other, which chain).
struct NodeConfig {
    std::string config_file;  // --config; empty when none

    // Which chain: exactly one of --dev, --network NAME, --chain-spec FILE.
    bool dev{false};
    std::string network;     // a built-in network name (builtin_networks())
    std::string chain_spec;  // a chain spec JSON file
    std::string datadir{"qtm-data"};
    std::uint64_t state_history{128};

    // Dev chain only.
    double block_time_seconds{2.0};
    std::optional<std::uint64_t> dev_unbonding_seconds;
    std::optional<std::uint64_t> dev_epoch_length;
    std::optional<std::uint64_t> dev_gas_limit;        // --gas-limit
    std::optional<std::uint64_t> dev_max_block_bytes;  // --max-block-bytes

    // The transaction pool's limits; each unset one is chain::pool_config_for(spec)'s.
    struct PoolLimits {
        std::optional<std::size_t> slots;
        std::optional<std::size_t> queue;
        std::optional<std::size_t> account_slots;
        std::optional<std::size_t> account_queue;
        std::optional<std::size_t> max_bytes;
        std::optional<std::uint64_t> lifetime_seconds;
        std::optional<std::uint64_t> price_limit_wei;
        std::optional<std::size_t> verify_threads;
    } txpool;

    // Logging.
    std::string log_format{"text"};
    std::string log_level{"info"};

    // JSON-RPC over HTTP.
    std::string http_address{"127.0.0.1"};
    int http_port{8545};
    std::vector<std::string> http_cors;
    double http_rate_limit{0};
    std::vector<std::string> http_vhosts{"localhost"};
    rpc::TlsFiles http_tls;  // both empty: plain HTTP

    // JSON-RPC over WebSocket.
    bool ws{true};
    std::string ws_address{"127.0.0.1"};
    int ws_port{8546};
    bool ws_port_given{false};    // when not given and http_port is 0, any free port
    std::size_t ws_max_queue{0};  // set from rpc::WsConfig's default by the table
    rpc::TlsFiles ws_tls;

    // The JWT-authenticated endpoint (admin_*): served when serve_admin.
    bool serve_admin{false};  // --authrpc-port or --authrpc-jwtsecret given
    std::string authrpc_address{"127.0.0.1"};
    int authrpc_port{8551};
    std::string authrpc_jwt_secret;  // resolved: default <datadir>/jwtsecret
    rpc::TlsFiles authrpc_tls;

    // /metrics, /health, /ready.
    bool metrics{true};
    std::string metrics_address{"127.0.0.1"};
    int metrics_port{9464};
    bool metrics_port_given{false};  // when not given and http_port is 0, any free port

    // Accounts the node signs for (eth_sendTransaction).
    std::vector<std::string> unlock;  // keystore files
    std::string password_file;        // first line: their password

    // Peer-to-peer (parsed and checked; consumed once the network is wired).
    std::string p2p_address{"0.0.0.0"};
    int p2p_port{30303};
    std::vector<PeerUrl> persistent_peers;
    std::vector<PeerUrl> bootnodes;
    bool peer_exchange{true};  // false: only persistent peers and bootnodes (no pex)
    std::size_t max_inbound_peers{40};
    std::size_t max_outbound_peers{10};
    std::string node_key_file;  // resolved: default <datadir>/node_key

    // The validator's consensus key (ML-DSA-65 keystore) and its password file; both empty
    // for a full node.
    std::string validator_keystore;
    std::string validator_password_file;
};

// The pool of a node of `spec`: chain::pool_config_for(spec) with the --txpool-* options
// that were given.
[[nodiscard]] chain::TxPoolConfig pool_config(const NodeConfig& config,
                                              const chain::ChainSpec& spec);

// The names `--network` accepts (specs compiled in): "dev" only, until a network with its
// own keys launches (the built-in testnet and mainnet specs are placeholders with public
// seeds: chain/chain_spec.hpp).
[[nodiscard]] const std::vector<std::string>& builtin_networks();

// How an option's value is written in node.toml (and which TOML type is accepted).
enum class ValueKind {
    kFlag,      // boolean
    kInteger,   // integer
    kNumber,    // float or integer
    kString,    // string
    kPath,      // string; relative to the config file's directory
    kList,      // array of strings
    kPathList,  // array of strings, each relative to the config file's directory
};

// One row of the table.
struct OptionInfo {
    std::string name;  // the long flag without "--" = the node.toml key
    ValueKind kind;
    std::string default_text;  // as --help prints it: "(default: …)"
};

// A failed parse: the message for the user (naming the file, line and key for node.toml
// problems) and the exit status (0 for --help and --version, which print and stop; 2 for
// bad usage or a bad config file).
struct ParseStop {
    int exit_code;
    std::string message;  // empty for --help and --version (already printed)
};

class Options {
public:
    Options();
    Options(const Options&) = delete;
    Options& operator=(const Options&) = delete;

    // Parses argv, then the --config file for what argv did not set, then checks the whole.
    // Prints --help/--version itself. Once per Options object (one run of qtmd).
    [[nodiscard]] std::variant<NodeConfig, ParseStop> parse(int argc, const char* const* argv);

    // The rows of the table, in --help order.
    [[nodiscard]] const std::vector<OptionInfo>& table() const noexcept { return table_; }
    [[nodiscard]] std::string help() const;

private:
    void build();
    CLI::Option* add(CLI::Option* option, ValueKind kind, std::string default_text);
    [[nodiscard]] std::optional<ParseStop> finish();

    CLI::App app_;
    NodeConfig config_;
    std::vector<OptionInfo> table_;
    std::vector<std::string> persistent_peers_;
    std::vector<std::string> bootnodes_;
    std::vector<std::pair<CLI::Option*, CLI::Option*>> needs_;  // (given, then also needed)
};

// The config file's keys applied to `app`'s options that argv left unset (config_file.cpp).
// `kinds` gives each key's ValueKind. Errors are "FILE:LINE: key 'K': problem".
struct ConfigFileError {
    std::string message;
};
[[nodiscard]] Result<void, ConfigFileError> apply_config_file(CLI::App& app,
                                                              const std::vector<OptionInfo>& table,
                                                              const std::filesystem::path& file);
// The same from TOML text (tests); `file` is used for messages and relative paths.
[[nodiscard]] Result<void, ConfigFileError> apply_config_text(CLI::App& app,
                                                              const std::vector<OptionInfo>& table,
                                                              std::string_view text,
                                                              const std::filesystem::path& file);

}  // namespace qtm::qtmd
