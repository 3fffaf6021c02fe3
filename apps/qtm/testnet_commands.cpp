// `qtm testnet init`: the files for N local validators (network_commands.hpp).
#include <cstdio>
#include <ctime>
#include <regex>

#include "base/hex.hpp"
#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"
#include "crypto/random.hpp"
#include "network_commands.hpp"
#include "p2p/node_key_file.hpp"
#include "qtmd/options.hpp"

namespace qtm::cli {

namespace {

namespace fs = std::filesystem;

int failed(const std::string& message) {
    std::fprintf(stderr, "qtm testnet init: %s\n", message.c_str());
    return 1;
}

constexpr std::uint64_t kValidatorStakeQtm = 10'000'000;

struct NodePorts {
    std::uint32_t p2p, http, ws, authrpc, metrics;
};
NodePorts ports_of(const TestnetOptions& options, std::uint32_t index) {
    const std::uint32_t base = options.base_port + 10 * index;
    return {base, base + 1, base + 2, base + 3, base + 4};
}

std::string toml_string(const std::string& text) {
    std::string quoted = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
    }
    return quoted + "\"";
}

// Makes DIR ready: absent or empty, or (--force) emptied of what an earlier init wrote.
Result<void, std::string> prepare_directory(const TestnetOptions& options) {
    const fs::path dir{options.out};
    std::error_code error;
    if (fs::exists(dir, error) && !fs::is_empty(dir, error)) {
        if (!options.force) {
            return unexpected(options.out +
                              " is not empty; choose another --out or pass --force to replace "
                              "an earlier testnet there");
        }
        const std::regex node_dir{"node[0-9]+"};
        for (const auto& entry : fs::directory_iterator{dir}) {
            const std::string name = entry.path().filename().string();
            if (name == "spec.json" || (entry.is_directory() && std::regex_match(name, node_dir))) {
                fs::remove_all(entry.path(), error);
                if (error) return unexpected("cannot remove " + entry.path().string());
            }
        }
    }
    fs::create_directories(dir, error);
    if (error) return unexpected("cannot create " + options.out + ": " + error.message());
    return {};
}

std::string node_toml(const TestnetOptions& options, std::uint32_t index,
                      const std::vector<std::string>& peers) {
    const NodePorts ports = ports_of(options, index);
    std::string text = "# qtm testnet init: node " + std::to_string(index) + " of " +
                       std::to_string(options.validators) + " (chain id " +
                       std::to_string(options.chain_id) +
                       "). Keys are qtmd's long option names (qtmd --help); paths are relative "
                       "to this file.\n";
    text += "chain-spec = \"../spec.json\"\n";
    text += "datadir = \"data\"\n";
    text += "node-key-file = \"node_key\"\n";
    text += std::string{"validator-keystore = \""} + kConsensusKeystore + "\"\n";
    text += "validator-password-file = \"consensus_password\"\n";
    text += "p2p-addr = " + toml_string(options.host) + "\n";
    text += "p2p-port = " + std::to_string(ports.p2p) + "\n";
    text += "persistent-peers = [\n";
    for (const auto& peer : peers)
        text += "  " + toml_string(peer) + ",\n";
    text += "]\n";
    text += "http-addr = " + toml_string(options.host) + "\n";
    text += "http-port = " + std::to_string(ports.http) + "\n";
    text += "ws-addr = " + toml_string(options.host) + "\n";
    text += "ws-port = " + std::to_string(ports.ws) + "\n";
    text += "authrpc-addr = " + toml_string(options.host) + "\n";
    text += "authrpc-port = " + std::to_string(ports.authrpc) + "\n";
    text += "metrics-addr = " + toml_string(options.host) + "\n";
    text += "metrics-port = " + std::to_string(ports.metrics) + "\n";
    return text;
}

}  // namespace

int testnet_init(const TestnetOptions& options) {
    if (options.base_port + 10 * (options.validators - 1) + 4 > 65535) {
        return failed("--base-port leaves no room for " + std::to_string(options.validators) +
                      " nodes (10 ports each)");
    }
    if (auto ready = prepare_directory(options); !ready) return failed(ready.error());
    const fs::path dir{options.out};

    chain::ChainSpec spec;
    spec.name = "testnet-" + std::to_string(options.chain_id);
    spec.chain_id = options.chain_id;
    spec.genesis_time = static_cast<std::uint64_t>(std::time(nullptr));
    spec.block_time_ms = options.block_time_ms;
    spec.gas_limit = options.gas_limit;
    spec.max_block_bytes = options.max_block_bytes;
    spec.block_reward = chain::qtm_to_wei(1);
    spec.staking.unbonding_seconds = 60;  // a local network: short, as the dev chain's

    std::vector<p2p::NodeId> node_ids;
    std::vector<Address> validators;
    std::fprintf(stderr, "encrypting %u consensus keystores (scrypt, about a second each)...\n",
                 options.validators);
    for (std::uint32_t i = 0; i < options.validators; ++i) {
        const fs::path node_dir = dir / ("node" + std::to_string(i));
        std::error_code error;
        fs::create_directory(node_dir, error);
        if (error) return failed("cannot create " + node_dir.string());
        fs::permissions(node_dir, fs::perms::owner_all, error);
        // A random password: 32 hex digits, in a 0600 file beside the keystore.
        auto secret = crypto::random_array<16>();
        std::string password = to_hex(secret, /*with_prefix=*/false);
        secure_wipe(secret.data(), secret.size());
        auto written = write_new_file(node_dir / "consensus_password", password + "\n", 0600);
        if (!written) return failed(written.error());
        auto key = make_validator_key(node_dir, password, options.chain_id, std::nullopt);
        secure_wipe(password.data(), password.size());
        if (!key) return failed(key.error());
        spec.validators.push_back(
            chain::GenesisValidator{key->address, crypto::SignatureScheme::kMlDsa65,
                                    key->public_key, chain::qtm_to_wei(kValidatorStakeQtm)});
        validators.push_back(key->address);
        auto node_key = p2p::load_or_create_node_key(node_dir / "node_key");
        if (!node_key) {
            return failed((node_dir / "node_key").string() + ": " +
                          std::string{p2p::to_string(node_key.error())});
        }
        node_ids.push_back(node_key->id());
    }
    // The dev accounts (public seeds, qtm send --dev-account N) share the rest of the supply.
    const U256 remaining =
        chain::genesis_supply() - chain::qtm_to_wei(kValidatorStakeQtm * options.validators);
    const U256 share = remaining / U256{chain::kDevAccountCount};
    U256 given{};
    for (std::uint32_t i = 0; i < chain::kDevAccountCount; ++i) {
        const chain::AccountKey account{crypto::SignatureScheme::kMlDsa44,
                                        chain::dev_account_seed(i)};
        chain::GenesisAccount funded;
        funded.balance = i + 1 == chain::kDevAccountCount ? remaining - given : share;
        given = given + funded.balance;
        spec.alloc.emplace(account.address(), std::move(funded));
    }
    const std::string spec_json = chain::chain_spec_to_json(spec) + "\n";
    // What qtmd will load: the same parser and the genesis build, before anything points at it.
    auto reloaded = chain::parse_chain_spec(spec_json);
    if (!reloaded) return failed("the spec written does not load: " + reloaded.error().message);
    auto genesis = chain::genesis_hash(*reloaded);
    if (!genesis) return failed("the spec's genesis does not build: " + genesis.error().message);
    if (auto written = write_new_file(dir / "spec.json", spec_json, 0644); !written) {
        return failed(written.error());
    }

    for (std::uint32_t i = 0; i < options.validators; ++i) {
        std::vector<std::string> peers;
        for (std::uint32_t j = 0; j < options.validators; ++j) {
            if (j == i) continue;
            peers.push_back(p2p::to_string(p2p::PeerUrl{
                node_ids[j], options.host, static_cast<std::uint16_t>(ports_of(options, j).p2p)}));
        }
        const fs::path toml = dir / ("node" + std::to_string(i)) / "node.toml";
        if (auto written = write_new_file(toml, node_toml(options, i, peers), 0644); !written) {
            return failed(written.error());
        }
        // Read back by qtmd's own option table and loader: what qtmd will accept.
        qtmd::Options check;
        const std::string toml_path = toml.string();
        const char* argv[] = {"qtmd", "--config", toml_path.c_str()};
        auto parsed = check.parse(3, argv);
        if (const auto* stop = std::get_if<qtmd::ParseStop>(&parsed)) {
            return failed(toml_path + " does not load: " + stop->message);
        }
    }

    std::printf("Testnet: %u validators, chain id %llu, block time %llu ms, in %s\n",
                options.validators, static_cast<unsigned long long>(options.chain_id),
                static_cast<unsigned long long>(options.block_time_ms),
                fs::absolute(dir).string().c_str());
    std::printf("Chain spec    %s (genesis %s)\n\n", (dir / "spec.json").string().c_str(),
                to_hex(*genesis).c_str());
    for (std::uint32_t i = 0; i < options.validators; ++i) {
        const NodePorts ports = ports_of(options, i);
        std::printf(
            "node%u  validator %s\n       node id   %s\n       p2p %s:%u  http %u  ws %u  "
            "authrpc %u  metrics %u\n       start:    qtmd --config %s\n",
            i, chain::to_checksum_address(validators[i]).c_str(),
            p2p::to_string(node_ids[i]).c_str(), options.host.c_str(), ports.p2p, ports.http,
            ports.ws, ports.authrpc, ports.metrics,
            (dir / ("node" + std::to_string(i)) / "node.toml").string().c_str());
    }
    std::printf(
        "\nAll nodes: scripts/testnet.sh start %s (stop, status). Funded accounts: the 10 dev "
        "accounts (qtm send --dev-account N --rpc http://%s:%u). The chain finalizes once more "
        "than 2/3 of the validators run.\n",
        options.out.c_str(), options.host.c_str(), ports_of(options, 0).http);
    return 0;
}

}  // namespace qtm::cli
