// qtmd's option table (apps/qtmd/options.hpp): node.toml sets every option, a flag wins over
// the file, unknown keys, wrong types and bad values are refused naming the file, line and
// key, relative paths follow the file, --help shows every option with its default, and the
// peer URLs parse and print back.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "base/hex.hpp"
#include "node_support.hpp"
#include "qtmd/options.hpp"

namespace qtm::qtmd {
namespace {

namespace fs = std::filesystem;

const std::string kId0(64, 'a');
const std::string kId1(64, '1');

class QtmdOptions : public ::testing::Test {
protected:
    void SetUp() override {
        fs::create_directories(dir_.path() / "conf");
        touch("conf/spec.json");
        touch("conf/keystore.json");
        touch("conf/password");
        touch("conf/unlock.json");
    }
    void touch(const std::string& name) { std::ofstream{dir_.path() / name} << "x\n"; }
    fs::path write(const std::string& text) {
        const fs::path file = dir_.path() / "conf" / "node.toml";
        std::ofstream{file} << text;
        return file;
    }
    // Parses `args` (after "qtmd") with a fresh table, as one run of qtmd does.
    static std::variant<NodeConfig, ParseStop> parse(const std::vector<std::string>& args) {
        std::vector<const char*> argv{"qtmd"};
        for (const auto& arg : args)
            argv.push_back(arg.c_str());
        Options options;
        return options.parse(static_cast<int>(argv.size()), argv.data());
    }
    std::string error_of(const std::vector<std::string>& args) {
        auto result = parse(args);
        const auto* stop = std::get_if<ParseStop>(&result);
        if (stop == nullptr) return "(parsed)";
        EXPECT_EQ(stop->exit_code, 2);
        return stop->message;
    }
    std::string conf(const std::string& name) const {
        return (dir_.path() / "conf" / name).lexically_normal().string();
    }

    test::TestDir dir_{"qtmd-options"};
    Options options_;
};

// One value for every key of the table: the test fails when an option is added without one.
const char* const kEveryKey = R"(# every option of qtmd
chain-spec = "spec.json"
datadir = "data"
state-history = 7
log-format = "json"
log-level = "debug"
http-addr = "0.0.0.0"
http-port = 18545
http-cors = ["https://a.example", "https://b.example"]
http-rate-limit = 2.5
http-vhosts = ["node.example"]
http-tls-cert = "http.crt"
http-tls-key = "http.key"
ws = false
ws-addr = "0.0.0.0"
ws-port = 18546
ws-max-queue = 77
ws-tls-cert = "ws.crt"
ws-tls-key = "ws.key"
authrpc-addr = "0.0.0.0"
authrpc-port = 18551
authrpc-jwtsecret = "jwt.hex"
authrpc-tls-cert = "auth.crt"
authrpc-tls-key = "auth.key"
metrics = false
metrics-addr = "0.0.0.0"
metrics-port = 19464
unlock = ["unlock.json"]
password-file = "password"
p2p-addr = "10.0.0.1"
p2p-port = 40404
persistent-peers = ["qtm://AAID@127.0.0.1:30310", "qtm://11ID@[::1]:30320"]
bootnodes = ["qtm://11ID@boot.example:30303"]
peer-exchange = false
max-inbound-peers = 5
max-outbound-peers = 3
node-key-file = "keys/node_key"
validator-keystore = "keystore.json"
validator-password-file = "password"
txpool-slots = 20000
txpool-queue = 3000
txpool-account-slots = 32
txpool-account-queue = 128
txpool-max-bytes = 134217728
txpool-lifetime = 600
txpool-price-limit = 7
txpool-verify-threads = 2
)";

std::string every_key_text() {
    std::string text = kEveryKey;
    for (const auto& [tag, id] : {std::pair{"AAID", kId0}, std::pair{"11ID", kId1}}) {
        for (auto at = text.find(tag); at != std::string::npos; at = text.find(tag)) {
            text.replace(at, 4, id);
        }
    }
    return text;
}

TEST_F(QtmdOptions, EveryKeyOfTheFileSetsItsOption) {
    const fs::path file = write(every_key_text());
    // The dev-only keys cannot be combined with chain-spec; checked in the next test.
    std::set<std::string> covered{
        "config",           "dev",       "network",        "block-time", "dev-unbonding-seconds",
        "dev-epoch-length", "gas-limit", "max-block-bytes"};
    for (const auto& row : options_.table()) {
        if (every_key_text().find("\n" + row.name + " = ") != std::string::npos) {
            covered.insert(row.name);
        }
        EXPECT_TRUE(covered.count(row.name) == 1) << "no test value for key " << row.name;
    }
    auto result = parse({"--config", file.string()});
    ASSERT_TRUE(std::holds_alternative<NodeConfig>(result)) << std::get<ParseStop>(result).message;
    const NodeConfig& c = std::get<NodeConfig>(result);
    EXPECT_FALSE(c.dev);
    EXPECT_EQ(c.chain_spec, conf("spec.json"));
    EXPECT_EQ(c.datadir, conf("data"));
    EXPECT_EQ(c.state_history, 7u);
    EXPECT_EQ(c.log_format, "json");
    EXPECT_EQ(c.log_level, "debug");
    EXPECT_EQ(c.http_address, "0.0.0.0");
    EXPECT_EQ(c.http_port, 18545);
    EXPECT_EQ(c.http_cors, (std::vector<std::string>{"https://a.example", "https://b.example"}));
    EXPECT_DOUBLE_EQ(c.http_rate_limit, 2.5);
    EXPECT_EQ(c.http_vhosts, std::vector<std::string>{"node.example"});
    EXPECT_EQ(c.http_tls.certificate_chain, conf("http.crt"));
    EXPECT_EQ(c.http_tls.private_key, conf("http.key"));
    EXPECT_FALSE(c.ws);
    EXPECT_EQ(c.ws_address, "0.0.0.0");
    EXPECT_EQ(c.ws_port, 18546);
    EXPECT_TRUE(c.ws_port_given);
    EXPECT_EQ(c.ws_max_queue, 77u);
    EXPECT_EQ(c.ws_tls.certificate_chain, conf("ws.crt"));
    EXPECT_EQ(c.ws_tls.private_key, conf("ws.key"));
    EXPECT_EQ(c.authrpc_address, "0.0.0.0");
    EXPECT_EQ(c.authrpc_port, 18551);
    EXPECT_TRUE(c.serve_admin);
    EXPECT_EQ(c.authrpc_jwt_secret, conf("jwt.hex"));
    EXPECT_EQ(c.authrpc_tls.certificate_chain, conf("auth.crt"));
    EXPECT_EQ(c.authrpc_tls.private_key, conf("auth.key"));
    EXPECT_FALSE(c.metrics);
    EXPECT_EQ(c.metrics_address, "0.0.0.0");
    EXPECT_EQ(c.metrics_port, 19464);
    EXPECT_TRUE(c.metrics_port_given);
    EXPECT_EQ(c.unlock, std::vector<std::string>{conf("unlock.json")});
    EXPECT_EQ(c.password_file, conf("password"));
    EXPECT_EQ(c.p2p_address, "10.0.0.1");
    EXPECT_EQ(c.p2p_port, 40404);
    ASSERT_EQ(c.persistent_peers.size(), 2u);
    EXPECT_EQ(to_string(c.persistent_peers[0]), "qtm://" + kId0 + "@127.0.0.1:30310");
    EXPECT_EQ(c.persistent_peers[1].host, "::1");
    EXPECT_EQ(c.persistent_peers[1].port, 30320);
    ASSERT_EQ(c.bootnodes.size(), 1u);
    EXPECT_EQ(c.bootnodes[0].host, "boot.example");
    EXPECT_FALSE(c.peer_exchange);
    EXPECT_EQ(c.max_inbound_peers, 5u);
    EXPECT_EQ(c.max_outbound_peers, 3u);
    EXPECT_EQ(c.node_key_file, conf("keys/node_key"));
    EXPECT_EQ(c.validator_keystore, conf("keystore.json"));
    EXPECT_EQ(c.validator_password_file, conf("password"));
    EXPECT_EQ(c.txpool.slots, std::optional<std::size_t>{20000});
    EXPECT_EQ(c.txpool.queue, std::optional<std::size_t>{3000});
    EXPECT_EQ(c.txpool.account_slots, std::optional<std::size_t>{32});
    EXPECT_EQ(c.txpool.account_queue, std::optional<std::size_t>{128});
    EXPECT_EQ(c.txpool.max_bytes, std::optional<std::size_t>{134217728});
    EXPECT_EQ(c.txpool.lifetime_seconds, std::optional<std::uint64_t>{600});
    EXPECT_EQ(c.txpool.price_limit_wei, std::optional<std::uint64_t>{7});
    EXPECT_EQ(c.txpool.verify_threads, std::optional<std::size_t>{2});
    // Each given limit replaces the chain's default; the chain id and gas limit stay the
    // spec's.
    chain::ChainSpec spec;
    spec.chain_id = 5;
    spec.gas_limit = 90'000'000;
    const chain::TxPoolConfig pool = pool_config(c, spec);
    EXPECT_EQ(pool.chain_id, 5u);
    EXPECT_EQ(pool.block_gas_limit, 90'000'000u);
    EXPECT_EQ(pool.global_slots, 20000u);
    EXPECT_EQ(pool.global_queue, 3000u);
    EXPECT_EQ(pool.account_slots, 32u);
    EXPECT_EQ(pool.account_queue, 128u);
    EXPECT_EQ(pool.max_bytes, 134217728u);
    EXPECT_EQ(pool.lifetime, std::chrono::seconds{600});
    EXPECT_EQ(pool.min_tip, U256{7});
    EXPECT_EQ(pool.verify_threads, 2u);
}

TEST_F(QtmdOptions, UnsetPoolLimitsAreTheChainsDefaults) {
    auto result = parse({"--dev", "--txpool-slots", "9000"});
    ASSERT_TRUE(std::holds_alternative<NodeConfig>(result)) << std::get<ParseStop>(result).message;
    chain::ChainSpec spec;
    spec.gas_limit = 300'000'000;
    spec.max_block_bytes = 12u << 20;
    const chain::TxPoolConfig pool = pool_config(std::get<NodeConfig>(result), spec);
    const chain::TxPoolConfig defaults = chain::pool_config_for(spec);
    EXPECT_EQ(pool.global_slots, 9000u);
    EXPECT_EQ(pool.global_queue, defaults.global_queue);
    EXPECT_EQ(pool.max_bytes, defaults.max_bytes);
    EXPECT_EQ(pool.min_tip, U256{1});
}

TEST_F(QtmdOptions, DevKeysAndDefaults) {
    const fs::path file = write(
        "dev = true\nblock-time = 0.5\ndev-unbonding-seconds = 9\ndev-epoch-length = 4\n"
        "gas-limit = 200000000\nmax-block-bytes = 8388608\n"
        "datadir = \"/abs/data\"\n");
    auto result = parse({"--config", file.string()});
    ASSERT_TRUE(std::holds_alternative<NodeConfig>(result)) << std::get<ParseStop>(result).message;
    const NodeConfig& c = std::get<NodeConfig>(result);
    EXPECT_TRUE(c.dev);
    EXPECT_DOUBLE_EQ(c.block_time_seconds, 0.5);
    EXPECT_EQ(c.dev_unbonding_seconds, std::optional<std::uint64_t>{9});
    EXPECT_EQ(c.dev_epoch_length, std::optional<std::uint64_t>{4});
    EXPECT_EQ(c.dev_gas_limit, std::optional<std::uint64_t>{200'000'000});
    EXPECT_EQ(c.dev_max_block_bytes, std::optional<std::uint64_t>{8u << 20});
    EXPECT_EQ(c.datadir, "/abs/data");  // absolute paths stay
    EXPECT_EQ(c.node_key_file, "/abs/data/node_key");
    EXPECT_EQ(c.authrpc_jwt_secret, "/abs/data/jwtsecret");
    EXPECT_FALSE(c.serve_admin);
    EXPECT_FALSE(c.ws_port_given);
    EXPECT_TRUE(c.ws);
    EXPECT_EQ(c.http_port, 8545);
}

TEST_F(QtmdOptions, NetworkDevIsTheDevChain) {
    auto result = parse({"--network", "dev"});
    ASSERT_TRUE(std::holds_alternative<NodeConfig>(result));
    EXPECT_TRUE(std::get<NodeConfig>(result).dev);
    EXPECT_NE(error_of({"--network", "mainnet"}), "(parsed)");
}

TEST_F(QtmdOptions, FlagsWinOverTheFile) {
    const fs::path file = write(
        "dev = true\nhttp-port = 1000\nhttp-vhosts = [\"file.example\"]\nws = true\n"
        "persistent-peers = [\"qtm://" +
        kId0 + "@a:1\"]\n");
    auto result =
        parse({"--config", file.string(), "--http-port", "2000", "--http-vhosts", "flag.example",
               "--no-ws", "--persistent-peers", "qtm://" + kId1 + "@b:2,qtm://" + kId1 + "@c:3"});
    ASSERT_TRUE(std::holds_alternative<NodeConfig>(result)) << std::get<ParseStop>(result).message;
    const NodeConfig& c = std::get<NodeConfig>(result);
    EXPECT_EQ(c.http_port, 2000);
    EXPECT_EQ(c.http_vhosts, std::vector<std::string>{"flag.example"});  // replaced, not merged
    EXPECT_FALSE(c.ws);
    ASSERT_EQ(c.persistent_peers.size(), 2u);
    EXPECT_EQ(c.persistent_peers[0].host, "b");
    EXPECT_EQ(c.persistent_peers[1].host, "c");
}

TEST_F(QtmdOptions, EmptyListsAreNoneOrRefused) {
    auto result = parse({"--config", write("dev = true\npersistent-peers = []\n").string()});
    ASSERT_TRUE(std::holds_alternative<NodeConfig>(result)) << std::get<ParseStop>(result).message;
    EXPECT_TRUE(std::get<NodeConfig>(result).persistent_peers.empty());
    EXPECT_NE(error_of({"--config", write("dev = true\nhttp-vhosts = []\n").string()})
                  .find(":2: key 'http-vhosts': must not be empty"),
              std::string::npos);
}

TEST_F(QtmdOptions, PairsMayComeHalfFromTheFile) {
    const fs::path file =
        write("chain-spec = \"spec.json\"\nvalidator-keystore = \"keystore.json\"\n");
    auto result = parse({"--config", file.string(), "--validator-password-file", conf("password")});
    ASSERT_TRUE(std::holds_alternative<NodeConfig>(result)) << std::get<ParseStop>(result).message;
    EXPECT_EQ(std::get<NodeConfig>(result).validator_password_file, conf("password"));
}

TEST_F(QtmdOptions, UnknownKeyNamesFileLineAndKey) {
    const fs::path file = write("dev = true\n\nhttp-prot = 8545\n");
    const std::string error = error_of({"--config", file.string()});
    EXPECT_NE(error.find(file.string() + ":3:"), std::string::npos) << error;
    EXPECT_NE(error.find("unknown key 'http-prot'"), std::string::npos) << error;
    // Only the positive name of a flag is a key; tables and `config` are refused too.
    EXPECT_NE(error_of({"--config", write("dev = true\nno-ws = true\n").string()})
                  .find(":2: unknown key 'no-ws'"),
              std::string::npos);
    EXPECT_NE(error_of({"--config", write("[p2p]\nport = 1\n").string()}).find(":1: table 'p2p'"),
              std::string::npos);
    EXPECT_NE(
        error_of({"--config", write("config = \"x\"\n").string()}).find(":1: unknown key 'config'"),
        std::string::npos);
}

TEST_F(QtmdOptions, WrongTypeNamesFileLineAndKey) {
    const std::string port =
        error_of({"--config", write("dev = true\nhttp-port = \"8545\"\n").string()});
    EXPECT_NE(port.find(":2: key 'http-port': must be an integer (got string)"), std::string::npos)
        << port;
    const std::string flag = error_of({"--config", write("ws = 1\n").string()});
    EXPECT_NE(flag.find(":1: key 'ws': must be true or false"), std::string::npos) << flag;
    const std::string list = error_of({"--config", write("http-cors = \"*\"\n").string()});
    EXPECT_NE(list.find(":1: key 'http-cors': must be an array of strings"), std::string::npos)
        << list;
    const std::string items = error_of({"--config", write("bootnodes = [1, 2]\n").string()});
    EXPECT_NE(items.find(":1: key 'bootnodes': must be an array of strings"), std::string::npos)
        << items;
}

TEST_F(QtmdOptions, BadValueNamesFileLineAndKey) {
    const std::string range =
        error_of({"--config", write("dev = true\nhttp-port = 70000\n").string()});
    EXPECT_NE(range.find(":2: key 'http-port':"), std::string::npos) << range;
    EXPECT_NE(range.find("65535"), std::string::npos) << range;
    const std::string member = error_of({"--config", write("log-level = \"loud\"\n").string()});
    EXPECT_NE(member.find(":1: key 'log-level':"), std::string::npos) << member;
    const std::string peer = error_of(
        {"--config", write("dev = true\npersistent-peers = [\"qtm://abc@h:1\"]\n").string()});
    EXPECT_NE(peer.find(":2: key 'persistent-peers':"), std::string::npos) << peer;
    EXPECT_NE(peer.find("64 hex digits"), std::string::npos) << peer;
    const std::string missing =
        error_of({"--config", write("chain-spec = \"nowhere.json\"\n").string()});
    EXPECT_NE(missing.find(":1: key 'chain-spec':"), std::string::npos) << missing;
    const std::string syntax =
        error_of({"--config", write("dev = true\nhttp-port = = 1\n").string()});
    EXPECT_NE(syntax.find(":2: not valid TOML"), std::string::npos) << syntax;
    const std::string duplicate =
        error_of({"--config", write("dev = true\ndev = false\n").string()});
    EXPECT_NE(duplicate.find(":2: not valid TOML"), std::string::npos) << duplicate;
}

TEST_F(QtmdOptions, WholeConfigurationChecks) {
    EXPECT_NE(error_of({}).find("no chain given"), std::string::npos);
    EXPECT_NE(error_of({"--dev", "--chain-spec", conf("spec.json")}).find("two chains"),
              std::string::npos);
    EXPECT_NE(error_of({"--chain-spec", conf("spec.json"), "--block-time", "1"})
                  .find("--block-time is for the dev chain only"),
              std::string::npos);
    for (const char* dev_only : {"--gas-limit", "--max-block-bytes"}) {
        EXPECT_NE(error_of({"--chain-spec", conf("spec.json"), dev_only, "1000000"})
                      .find(std::string{dev_only} + " is for the dev chain only"),
                  std::string::npos)
            << dev_only;
    }
    // The spec's own bounds: at least one 21,000-gas transaction, one maximal transaction,
    // at most the 12 MiB a peer can be sent.
    EXPECT_NE(error_of({"--dev", "--gas-limit", "20999"}), "(parsed)");
    EXPECT_NE(error_of({"--dev", "--max-block-bytes", "131071"}), "(parsed)");
    EXPECT_NE(error_of({"--dev", "--max-block-bytes", "12582913"}), "(parsed)");
    EXPECT_EQ(error_of({"--dev", "--max-block-bytes", "12582912"}), "(parsed)");
    EXPECT_NE(error_of({"--dev", "--txpool-slots", "15"}), "(parsed)");
    EXPECT_NE(error_of({"--dev", "--validator-keystore", conf("keystore.json"),
                        "--validator-password-file", conf("password")})
                  .find("dev chain's validator key is built in"),
              std::string::npos);
    // What CLI11 checks between flags holds for the file too.
    const std::string needs =
        error_of({"--dev", "--config", write("http-tls-cert = \"c.pem\"\n").string()});
    EXPECT_NE(needs.find("--http-tls-cert needs --http-tls-key"), std::string::npos) << needs;
    EXPECT_NE(error_of({"--chain-spec", conf("spec.json"), "--validator-keystore",
                        conf("keystore.json")}),
              "(parsed)");
}

TEST_F(QtmdOptions, HelpShowsEveryOptionWithItsDefault) {
    const std::string help = options_.help();
    ASSERT_GE(options_.table().size(), 40u);
    const auto options_start = help.find("\nOptions:");
    ASSERT_NE(options_start, std::string::npos);
    for (const auto& row : options_.table()) {
        auto at = help.find("\n  --" + row.name, options_start);
        while (at != std::string::npos && help[at + 5 + row.name.size()] != ' ' &&
               help[at + 5 + row.name.size()] != ',') {
            at = help.find("\n  --" + row.name, at + 1);
        }
        ASSERT_NE(at, std::string::npos) << row.name;
        const auto next = help.find("\n  -", at + 1);
        const std::string entry = help.substr(at, next - at);
        EXPECT_NE(entry.find("(default: " + row.default_text + ")"), std::string::npos)
            << row.name << ": " << entry;
    }
    for (const char* name :
         {"p2p-addr", "p2p-port", "persistent-peers", "bootnodes", "max-inbound-peers",
          "max-outbound-peers", "node-key-file", "validator-keystore", "validator-password-file",
          "chain-spec", "network", "config"}) {
        EXPECT_NE(help.find(std::string{"--"} + name), std::string::npos) << name;
    }
}

TEST(PeerUrl, ParsesAndPrintsBack) {
    for (const std::string& text :
         {"qtm://" + kId0 + "@127.0.0.1:30303", "qtm://" + kId1 + "@[2001:db8::1]:1",
          "qtm://" + kId1 + "@node.example:65535"}) {
        auto peer = parse_peer_url(text);
        ASSERT_TRUE(peer) << text << ": " << peer.error();
        EXPECT_EQ(to_string(*peer), text);
    }
    for (const std::string& bad :
         {"qtm://" + kId0 + "@h", "qtm://" + kId0 + "@h:0", "qtm://" + kId0 + "@h:65536",
          "qtm://" + kId0 + "@:1", "qtm://" + kId0 + "@::1:5", "qtm://" + kId0 + "@h:1x",
          "tcp://" + kId0 + "@h:1", "qtm://" + kId0.substr(1) + "@h:1", std::string{"qtm://h:1"},
          "qtm://0x" + kId0.substr(2) + "@h:1"}) {
        EXPECT_FALSE(parse_peer_url(bad)) << bad;
    }
}

}  // namespace
}  // namespace qtm::qtmd
