// The tools for running a network, as a user runs them: `qtm testnet init` (files, modes, a
// spec that validates, keystores that decrypt with their password files, node.toml files
// that qtmd's loader accepts with the other nodes as persistent peers, distinct ports),
// its refusal of a non-empty directory, `qtm node-key new`, `qtm validator new`,
// `qtm spec validate` on good and bad specs, qtmd starting a validator from its node.toml
// (and refusing bad options or a wrong password), and scripts/testnet.sh start/status/stop
// (the consensus itself: validator_network_integration_test.cpp).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <array>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "base/hex.hpp"
#include "chain/chain_spec.hpp"
#include "chain/staking/contract.hpp"
#include "crypto/mldsa.hpp"
#include "node_support.hpp"
#include "p2p/node_key_file.hpp"
#include "qtmd/keystore_file.hpp"
#include "qtmd/options.hpp"

namespace qtm {
namespace {

namespace fs = std::filesystem;

struct ShellRun {
    int status{-1};
    std::string out;  // stdout and stderr
};
ShellRun shell(const std::string& command) {
    ShellRun run;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) return run;
    std::array<char, 4096> chunk{};
    while (std::fgets(chunk.data(), chunk.size(), pipe) != nullptr)
        run.out += chunk.data();
    const int status = ::pclose(pipe);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}
ShellRun qtm(const std::string& arguments) {
    return shell((test::bin_dir() / "qtm").string() + " " + arguments);
}
ShellRun qtmd(const std::string& arguments) {
    return shell((test::bin_dir() / "qtmd").string() + " " + arguments);
}
std::string read(const fs::path& path) {
    std::ifstream in{path};
    return {std::istreambuf_iterator<char>{in}, {}};
}
unsigned mode_of(const fs::path& path) {
    struct stat info {};
    EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
    return info.st_mode & 0777;
}
bool pop_verifies(const nlohmann::json& info) {
    const auto public_key = from_hex(info["publicKey"].get<std::string>(), HexPrefix::kRequired);
    const auto pop = from_hex(info["proofOfPossession"].get<std::string>(), HexPrefix::kRequired);
    const auto operator_address =
        from_hex_fixed<20>(info["operator"].get<std::string>(), HexPrefix::kRequired);
    if (!public_key || !pop || !operator_address) return false;
    const auto context = chain::staking::kPopContext;
    return crypto::verify(
        crypto::SignatureScheme::kMlDsa65, *public_key,
        chain::staking::pop_message(*operator_address, info["chainId"].get<std::uint64_t>()),
        ByteView{reinterpret_cast<const std::uint8_t*>(context.data()), context.size()}, *pop);
}

// One testnet of 4, made once (4 scrypt encryptions).
class Testnet : public ::testing::Test {
protected:
    static constexpr int kNodes = 4;
    static void SetUpTestSuite() {
        dir_ = new test::TestDir{"qtm-testnet"};
        init_ =
            new ShellRun{qtm("testnet init --validators 4 --chain-id 9911 --block-time 1500 "
                             "--base-port 31000 --out " +
                             net().string())};
    }
    static void TearDownTestSuite() {
        delete init_;
        delete dir_;
    }
    static fs::path net() { return dir_->path() / "net"; }
    static fs::path node(int i) { return net() / ("node" + std::to_string(i)); }

    static test::TestDir* dir_;
    static ShellRun* init_;
};
test::TestDir* Testnet::dir_ = nullptr;
ShellRun* Testnet::init_ = nullptr;

TEST_F(Testnet, WritesSpecKeysAndConfigsThatLoad) {
    ASSERT_EQ(init_->status, 0) << init_->out;
    EXPECT_NE(init_->out.find("qtmd --config " + (node(3) / "node.toml").string()),
              std::string::npos)
        << init_->out;
    EXPECT_NE(init_->out.find("scripts/testnet.sh start"), std::string::npos);

    const ShellRun validated = qtm("spec validate " + (net() / "spec.json").string());
    ASSERT_EQ(validated.status, 0) << validated.out;
    EXPECT_NE(validated.out.find("validators    4"), std::string::npos) << validated.out;
    auto spec = chain::load_chain_spec((net() / "spec.json").string());
    ASSERT_TRUE(spec) << spec.error().message;
    EXPECT_EQ(spec->chain_id, 9911u);
    EXPECT_EQ(spec->block_time_ms, 1500u);
    ASSERT_EQ(spec->validators.size(), 4u);
    for (std::uint32_t i = 0; i < chain::kDevAccountCount; ++i) {  // funded dev accounts
        const chain::AccountKey account{crypto::SignatureScheme::kMlDsa44,
                                        chain::dev_account_seed(i)};
        ASSERT_EQ(spec->alloc.count(account.address()), 1u);
        EXPECT_GT(spec->alloc.at(account.address()).balance, chain::qtm_to_wei(1'000'000));
    }

    std::vector<p2p::NodeId> ids;
    for (int i = 0; i < kNodes; ++i) {
        EXPECT_EQ(mode_of(node(i)), 0700u);
        for (const char* name : {"consensus_key.json", "consensus_password", "node_key"}) {
            EXPECT_EQ(mode_of(node(i) / name), 0600u) << i << " " << name;
        }
        auto key = p2p::load_or_create_node_key(node(i) / "node_key");
        ASSERT_TRUE(key);
        ids.push_back(key->id());
        EXPECT_NE(init_->out.find(p2p::to_string(key->id())), std::string::npos);
        // The keystore decrypts with its password file into validator i of the spec.
        auto consensus = qtmd::unlock_keystore((node(i) / "consensus_key.json").string(),
                                               (node(i) / "consensus_password").string());
        ASSERT_TRUE(consensus) << consensus.error();
        EXPECT_EQ(consensus->scheme(), crypto::SignatureScheme::kMlDsa65);
        EXPECT_EQ(consensus->address(), spec->validators[static_cast<std::size_t>(i)].address);
        EXPECT_EQ(consensus->public_key(),
                  spec->validators[static_cast<std::size_t>(i)].public_key);
        const auto info = nlohmann::json::parse(read(node(i) / "validator.json"));
        EXPECT_EQ(info["address"], chain::to_checksum_address(consensus->address()));
        EXPECT_EQ(info["chainId"], 9911u);
        EXPECT_TRUE(pop_verifies(info));
    }
    EXPECT_EQ(std::set<p2p::NodeId>(ids.begin(), ids.end()).size(), 4u);

    std::set<int> ports;
    for (int i = 0; i < kNodes; ++i) {
        qtmd::Options options;
        const std::string file = (node(i) / "node.toml").string();
        const char* argv[] = {"qtmd", "--config", file.c_str()};
        auto parsed = options.parse(3, argv);
        ASSERT_TRUE(std::holds_alternative<qtmd::NodeConfig>(parsed))
            << std::get<qtmd::ParseStop>(parsed).message;
        const auto& config = std::get<qtmd::NodeConfig>(parsed);
        EXPECT_EQ(fs::path{config.chain_spec}, net() / "spec.json");
        EXPECT_EQ(fs::path{config.datadir}, node(i) / "data");
        EXPECT_EQ(fs::path{config.node_key_file}, node(i) / "node_key");
        EXPECT_EQ(fs::path{config.validator_keystore}, node(i) / "consensus_key.json");
        EXPECT_EQ(fs::path{config.validator_password_file}, node(i) / "consensus_password");
        EXPECT_TRUE(config.serve_admin);
        for (const int port : {config.p2p_port, config.http_port, config.ws_port,
                               config.authrpc_port, config.metrics_port}) {
            EXPECT_TRUE(ports.insert(port).second) << "port " << port << " used twice";
        }
        ASSERT_EQ(config.persistent_peers.size(), 3u);
        std::set<p2p::NodeId> peers;
        for (const auto& peer : config.persistent_peers) {
            peers.insert(peer.node_id);
            EXPECT_EQ(peer.host, "127.0.0.1");
            EXPECT_EQ((peer.port - 31000) % 10, 0);
            EXPECT_EQ(ids[static_cast<std::size_t>((peer.port - 31000) / 10)], peer.node_id)
                << "the peer at port " << peer.port << " is not that node";
        }
        EXPECT_EQ(peers.count(ids[static_cast<std::size_t>(i)]), 0u);
        EXPECT_EQ(peers.size(), 3u);
    }
    // The keystore decrypts through the CLI too.
    const ShellRun inspected =
        qtm("account inspect " + (node(0) / "consensus_key.json").string() +
            " --decrypt --password-file " + (node(0) / "consensus_password").string());
    EXPECT_EQ(inspected.status, 0) << inspected.out;
    EXPECT_NE(inspected.out.find(chain::to_checksum_address(spec->validators[0].address)),
              std::string::npos);
}

TEST_F(Testnet, QtmdChecksTheFilesThenStartsAValidator) {
    ASSERT_EQ(init_->status, 0) << init_->out;
    {
        test::QtmdProcess run{test::QtmdProcess::Arguments{},
                              node(2) / "alone",
                              {"--config", (node(2) / "node.toml").string()}};
        EXPECT_NE(run.output().find("validator node"), std::string::npos) << run.output();
        EXPECT_NE(run.output().find("(genesis validator 2)"), std::string::npos) << run.output();
        EXPECT_NE(run.output().find("3 persistent"), std::string::npos) << run.output();
        EXPECT_EQ(run.call("net_version").at("result"), "9911");
        // Alone (1 of 4 validators) it cannot finalize anything.
        EXPECT_EQ(test::block_number(run), 0u);
        EXPECT_EQ(run.terminate(SIGTERM), 0) << run.output();
    }
    EXPECT_TRUE(fs::exists(node(2) / "data"));
    EXPECT_TRUE(fs::exists(node(2) / "data" / "consensus.wal"));
    // A flag wins over the file, and is checked.
    const ShellRun bad = qtmd("--config " + (node(2) / "node.toml").string() + " --p2p-port 70000");
    EXPECT_EQ(bad.status, 2) << bad.out;
    const ShellRun wrong_password =
        qtmd("--config " + (node(2) / "node.toml").string() + " --validator-password-file " +
             (node(1) / "consensus_password").string());
    EXPECT_EQ(wrong_password.status, 1) << wrong_password.out;
    EXPECT_NE(wrong_password.out.find("cannot unlock the validator keystore"), std::string::npos)
        << wrong_password.out;
    EXPECT_EQ(wrong_password.out.find(read(node(1) / "consensus_password").substr(0, 32)),
              std::string::npos)
        << "a password was printed";
}

TEST_F(Testnet, RefusesANonEmptyDirectoryUnlessForced) {
    ASSERT_EQ(init_->status, 0) << init_->out;
    const std::string before = read(net() / "spec.json");
    const ShellRun again = qtm("testnet init --validators 2 --out " + net().string());
    EXPECT_EQ(again.status, 1);
    EXPECT_NE(again.out.find("is not empty"), std::string::npos) << again.out;
    EXPECT_EQ(read(net() / "spec.json"), before);

    const fs::path other = dir_->path() / "other";
    fs::create_directories(other / "node5");
    std::ofstream{other / "keep.txt"} << "mine\n";
    EXPECT_EQ(qtm("testnet init --validators 1 --out " + other.string()).status, 1);
    const ShellRun forced = qtm("testnet init --validators 1 --force --out " + other.string());
    ASSERT_EQ(forced.status, 0) << forced.out;
    EXPECT_TRUE(fs::exists(other / "keep.txt"));  // only what init writes is replaced
    EXPECT_FALSE(fs::exists(other / "node5"));
    EXPECT_TRUE(fs::exists(other / "node0" / "node.toml"));
    EXPECT_EQ(qtm("spec validate " + (other / "spec.json").string()).status, 0);
}

TEST_F(Testnet, ScriptStartsStatusAndStopsTheNodes) {
    ASSERT_EQ(init_->status, 0) << init_->out;
    const std::string script = std::string{QTM_SOURCE_DIR} + "/scripts/testnet.sh";
    // A stand-in qtmd that stays up: the script's process handling, independent of timing.
    const fs::path fake = dir_->path() / "fake-qtmd";
    std::ofstream{fake} << "#!/bin/sh\necho \"fake qtmd $*\"\nexec sleep 300\n";
    fs::permissions(fake, fs::perms::owner_all);
    const std::string with_fake = "QTMD=" + fake.string() + " " + script;
    const ShellRun started = shell(with_fake + " start " + net().string());
    EXPECT_EQ(started.status, 0) << started.out;
    for (int i = 0; i < kNodes; ++i) {
        EXPECT_TRUE(fs::exists(node(i) / "qtmd.pid"));
        EXPECT_NE(read(node(i) / "qtmd.log").find("--config " + (node(i) / "node.toml").string()),
                  std::string::npos);
    }
    const ShellRun status = shell(script + " status " + net().string());
    EXPECT_EQ(status.status, 0) << status.out;
    EXPECT_NE(status.out.find("node3: running"), std::string::npos) << status.out;
    const ShellRun stopped = shell(script + " stop " + net().string());
    EXPECT_EQ(stopped.status, 0) << stopped.out;
    EXPECT_NE(stopped.out.find("node0: stopped"), std::string::npos) << stopped.out;
    const ShellRun after = shell(script + " status " + net().string());
    EXPECT_EQ(after.status, 3) << after.out;
    EXPECT_FALSE(fs::exists(node(0) / "qtmd.pid"));

    // The real qtmd: the four validators run; the script sees them and stops them.
    const ShellRun real = shell("QTMD=" + (test::bin_dir() / "qtmd").string() + " " + script +
                                " start " + net().string());
    EXPECT_EQ(real.status, 0) << real.out;
    EXPECT_EQ(shell(script + " status " + net().string()).status, 0);
    EXPECT_TRUE(test::wait_until(
        [&] { return read(node(1) / "qtmd.log").find("validator node") != std::string::npos; },
        std::chrono::seconds{60}))
        << read(node(1) / "qtmd.log");
    EXPECT_EQ(shell(script + " stop " + net().string()).status, 0);
}

class NetworkCli : public ::testing::Test {
protected:
    test::TestDir dir_{"qtm-network-cli"};
};

TEST_F(NetworkCli, NodeKeyNew) {
    const fs::path file = dir_.path() / "node_key";
    const ShellRun made = qtm("node-key new --out " + file.string());
    ASSERT_EQ(made.status, 0) << made.out;
    EXPECT_EQ(mode_of(file), 0600u);
    auto key = p2p::load_or_create_node_key(file);
    ASSERT_TRUE(key);
    EXPECT_NE(made.out.find("node id   " + p2p::to_string(key->id())), std::string::npos)
        << made.out;
    const std::string before = read(file);
    const ShellRun again = qtm("node-key new --out " + file.string());
    EXPECT_EQ(again.status, 1);
    EXPECT_NE(again.out.find("refusing to overwrite"), std::string::npos);
    EXPECT_EQ(read(file), before);
}

TEST_F(NetworkCli, ValidatorNew) {
    std::ofstream{dir_.path() / "password"} << "validator pass\n";
    const fs::path out = dir_.path() / "val";
    Address raw{};
    raw[19] = 0xab;
    const std::string operator_address = chain::to_checksum_address(raw);
    const ShellRun made =
        qtm("validator new --out " + out.string() + " --chain-id 7357 --operator " +
            operator_address + " --password-file " + (dir_.path() / "password").string());
    ASSERT_EQ(made.status, 0) << made.out;
    const auto printed = nlohmann::json::parse(made.out.substr(made.out.find('{')));
    EXPECT_EQ(printed, nlohmann::json::parse(read(out / "validator.json")));
    EXPECT_EQ(printed["scheme"], "ML-DSA-65");
    EXPECT_EQ(printed["chainId"], 7357u);
    EXPECT_EQ(printed["operator"], operator_address);
    EXPECT_TRUE(pop_verifies(printed));
    auto tampered = printed;
    tampered["chainId"] = 7358u;
    EXPECT_FALSE(pop_verifies(tampered));  // the proof is bound to the chain id
    EXPECT_EQ(mode_of(out / "consensus_key.json"), 0600u);
    auto key = qtmd::unlock_keystore((out / "consensus_key.json").string(),
                                     (dir_.path() / "password").string());
    ASSERT_TRUE(key) << key.error();
    EXPECT_EQ(chain::to_checksum_address(key->address()), printed["address"]);
    EXPECT_EQ(to_hex(key->public_key()), printed["publicKey"]);
    const ShellRun again =
        qtm("validator new --out " + out.string() + " --chain-id 7357 --password-file " +
            (dir_.path() / "password").string());
    EXPECT_EQ(again.status, 1);
    EXPECT_NE(again.out.find("refusing to overwrite"), std::string::npos) << again.out;
}

TEST_F(NetworkCli, SpecValidateGoodAndBad) {
    const fs::path good = dir_.path() / "dev.json";
    std::ofstream{good} << chain::chain_spec_to_json(*chain::builtin_chain_spec("dev"));
    const ShellRun ok = qtm("spec validate " + good.string());
    ASSERT_EQ(ok.status, 0) << ok.out;
    EXPECT_NE(ok.out.find("genesis hash  " +
                          to_hex(*chain::genesis_hash(*chain::builtin_chain_spec("dev")))),
              std::string::npos)
        << ok.out;

    std::string text = read(good);
    const auto replace = [](std::string s, const std::string& from, const std::string& to) {
        const auto at = s.find(from);
        EXPECT_NE(at, std::string::npos) << from;
        return at == std::string::npos ? s : s.replace(at, from.size(), to);
    };
    const fs::path bad = dir_.path() / "bad.json";
    const auto check = [&](const std::string& spec_text, const std::string& expected) {
        std::ofstream{bad, std::ios::trunc} << spec_text;
        const ShellRun run = qtm("spec validate " + bad.string());
        EXPECT_EQ(run.status, 1) << run.out;
        EXPECT_NE(run.out.find(expected), std::string::npos) << run.out;
    };
    check(replace(text, "\"chainId\": 7357", "\"chainId\": 0"), "field 'chainId': must not be 0");
    check(replace(text, "\"blockTimeMs\": 2000", "\"blockTimeMs\": \"soon\""),
          "field 'blockTimeMs'");
    check(replace(text, "\"gasLimit\"", "\"gasLimit\": ,\n  \"x\""), "line 6");
    check(replace(text, "\"stake\": \"", "\"stake\": \"1"), "every QTM chain allocates exactly");
    EXPECT_EQ(qtm("spec validate " + (dir_.path() / "absent.json").string()).status, 1);
}

}  // namespace
}  // namespace qtm
