// `qtm send`, `qtm call` and `qtm rpc` against a real `qtmd --dev`: value transfers in qtm
// units, a keystore account whose first transaction carries its key and whose second does
// not, contract creation and calls, reverts, node refusals, and clear errors with the right
// exit status (1 failure, 2 bad usage) for bad input and unreachable nodes.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "base/hex.hpp"
#include "base/u256.hpp"
#include "node_support.hpp"

namespace qtm {
namespace {

using test::Json;
using test::QtmdProcess;

using test::CliRun;

class QtmCliRpc : public ::testing::Test {
protected:
    void SetUp() override {
        std::ofstream{dir_.path() / "password"} << "correct horse\n";
        std::ofstream{dir_.path() / "wrong"} << "battery staple\n";
    }
    std::string path(const std::string& name) const { return (dir_.path() / name).string(); }
    static CliRun qtm(const std::string& arguments) { return test::run_qtm(arguments); }

    test::TestDir dir_{"qtm-cli-rpc"};

    static std::string rpc_flag(const QtmdProcess& node) {
        return "--rpc http://127.0.0.1:" + std::to_string(node.port());
    }

    // The value of a "label   value" line of `qtm send`'s output.
    static std::string field(const std::string& output, const std::string& label) {
        const std::regex line{label + R"( +(\S+))"};
        std::smatch match;
        return std::regex_search(output, match, line) ? match[1].str() : std::string{};
    }

    static U256 balance(const QtmdProcess& node, const std::string& address) {
        const Json answer = node.call("eth_getBalance", {address, "latest"});
        return *U256::from_hex(answer.at("result").get<std::string>());
    }
};

// Two hex digits of a size below 256.
std::string byte_hex(std::size_t value) {
    const Bytes one{static_cast<std::uint8_t>(value)};
    return to_hex(one, false);
}

// Code that copies the `tail_hex` bytes at offset 12 to memory and ends with `last_opcode`
// over them (f3 RETURN, fd REVERT); `tail_hex` is at most 255 bytes.
std::string copy_and(const std::string& last_opcode, const std::string& tail_hex) {
    const std::string size = byte_hex(tail_hex.size() / 2);
    return "60" + size + "600c600039" + "60" + size + "6000" + last_opcode + tail_hex;
}

// Initcode that deploys `runtime`.
std::string deploy(const std::string& runtime_hex) {
    return "0x" + copy_and("f3", runtime_hex);
}

// A runtime that returns the 32-byte word 42.
constexpr const char* kReturns42 = "602a60005260206000f3";

// A runtime that reverts with Error(string) "boom".
std::string reverting_runtime() {
    const std::string payload = "08c379a0" + std::string(62, '0') + "20" + std::string(62, '0') +
                                "04" + "626f6f6d" + std::string(56, '0');
    return copy_and("fd", payload);
}

TEST_F(QtmCliRpc, SendCallAndRawRpcAgainstADevNode) {
    const QtmdProcess node{dir_.path() / "data", {"--block-time", "0.3"}};
    const std::string rpc = rpc_flag(node);

    const CliRun chain_id = qtm("rpc " + rpc + " eth_chainId");
    EXPECT_EQ(chain_id.status, 0) << chain_id.err;
    EXPECT_EQ(chain_id.out, "\"0x1cbd\"\n");

    // Value in qtm units, from a dev account.
    const std::string recipient = "0x00000000000000000000000000000000000000aa";
    const CliRun sent =
        qtm("send " + rpc + " --dev-account 1 --to " + recipient + " --value 1.5qtm");
    ASSERT_EQ(sent.status, 0) << sent.out << sent.err;
    EXPECT_NE(sent.err.find("warning: dev account 1"), std::string::npos);
    EXPECT_EQ(field(sent.out, "status"), "1");
    // 21000 + 4500 (ML-DSA-44 verification) + 20000 + 16 * 1312: genesis registers no keys,
    // so the dev account's first transaction carries its key too.
    EXPECT_EQ(field(sent.out, "gas used"), "66492");
    EXPECT_EQ(balance(node, recipient), *U256::from_decimal("1500000000000000000"));

    // A nonce already used: the node's refusal, exit status 1.
    const CliRun reused = qtm("send " + rpc + " --dev-account 1 --to " + recipient +
                              " --value 1 --nonce 0 --no-wait");
    EXPECT_EQ(reused.status, 1);
    EXPECT_NE(reused.err.find("nonce too low"), std::string::npos) << reused.err;

    // A new keystore account: funded, then its first transaction carries its key.
    const CliRun created =
        qtm("account new --keystore " + path("k.json") + " --password-file " + path("password"));
    ASSERT_EQ(created.status, 0) << created.err;
    const std::string address = field(created.out, "address");
    ASSERT_EQ(address.size(), 42u) << created.out;
    const CliRun funded =
        qtm("send " + rpc + " --dev-account 2 --to " + address + " --value 10qtm");
    ASSERT_EQ(funded.status, 0) << funded.err;
    EXPECT_TRUE(node.call("qtm_getPublicKey", {address, "latest"}).at("result").is_null());

    const std::string keystore =
        "--keystore " + path("k.json") + " --password-file " + path("password");
    const CliRun first =
        qtm("send " + rpc + " " + keystore + " --to " + recipient + " --value 1gwei");
    ASSERT_EQ(first.status, 0) << first.err;
    EXPECT_EQ(first.err.find("warning"), std::string::npos);
    EXPECT_EQ(field(first.out, "gas used"), "66492");  // 25500 + 20000 + 16 * 1312 (the key)
    const Json key = node.call("qtm_getPublicKey", {address, "latest"}).at("result");
    ASSERT_TRUE(key.is_object());
    EXPECT_EQ(key.at("scheme"), "0x1");
    const CliRun second =
        qtm("send " + rpc + " " + keystore + " --to " + recipient + " --value 1gwei");
    ASSERT_EQ(second.status, 0) << second.err;
    EXPECT_EQ(field(second.out, "nonce"), "1");
    EXPECT_EQ(field(second.out, "gas used"), "25500");  // no key carried
    EXPECT_EQ(balance(node, recipient), *U256::from_decimal("1500000002000000000"));

    // Wrong password, and more value than the account holds.
    const CliRun wrong = qtm("send " + rpc + " --keystore " + path("k.json") + " --password-file " +
                             path("wrong") + " --to " + recipient);
    EXPECT_EQ(wrong.status, 1);
    EXPECT_NE(wrong.err.find("wrong password"), std::string::npos) << wrong.err;
    EXPECT_EQ(wrong.err.find("battery"), std::string::npos);
    const CliRun poor =
        qtm("send " + rpc + " " + keystore + " --to " + recipient + " --value 11qtm");
    EXPECT_EQ(poor.status, 1);
    EXPECT_NE(poor.err.find("insufficient funds"), std::string::npos) << poor.err;

    // Contract creation, then a call returning its constant.
    const CliRun deployed = qtm("send " + rpc + " --dev-account 3 --data " + deploy(kReturns42));
    ASSERT_EQ(deployed.status, 0) << deployed.err;
    const std::string contract = field(deployed.out, "contract");
    ASSERT_EQ(contract.size(), 42u) << deployed.out;
    const CliRun called = qtm("call " + rpc + " --to " + contract + " --data 0x");
    EXPECT_EQ(called.status, 0) << called.err;
    EXPECT_EQ(called.out, "0x" + std::string(62, '0') + "2a\n");
    const CliRun at_block =
        qtm("call " + rpc + " --to " + contract + " --block " + field(deployed.out, "block"));
    EXPECT_EQ(at_block.out, called.out) << at_block.err;

    // A call to code that reverts: the node's message and data, exit status 1.
    const CliRun deployed_reverter =
        qtm("send " + rpc + " --dev-account 3 --data " + deploy(reverting_runtime()));
    ASSERT_EQ(deployed_reverter.status, 0) << deployed_reverter.err;
    const std::string reverter = field(deployed_reverter.out, "contract");
    const CliRun reverted = qtm("call " + rpc + " --to " + reverter + " --data 0x01");
    EXPECT_EQ(reverted.status, 1);
    EXPECT_EQ(reverted.out, "");
    EXPECT_NE(reverted.err.find("execution reverted: boom"), std::string::npos) << reverted.err;
    EXPECT_NE(reverted.err.find("0x08c379a0"), std::string::npos) << reverted.err;

    // A transaction that reverts on chain: estimation fails with the revert, exit status 1.
    const CliRun failing = qtm("send " + rpc + " --dev-account 3 --to " + reverter);
    EXPECT_EQ(failing.status, 1);
    EXPECT_NE(failing.err.find("execution reverted"), std::string::npos) << failing.err;
    // With --gas the transaction is mined and fails: status 0 printed, exit status 1.
    const CliRun mined_failure =
        qtm("send " + rpc + " --dev-account 3 --to " + reverter + " --gas 100000");
    EXPECT_EQ(mined_failure.status, 1);
    EXPECT_EQ(field(mined_failure.out, "status"), "0") << mined_failure.out;
    EXPECT_NE(mined_failure.err.find("failed (status 0)"), std::string::npos);

    // Raw calls: pretty JSON, node errors on stderr with status 1.
    const CliRun block = qtm("rpc " + rpc + " eth_getBlockByNumber '[\"0x0\", false]'");
    EXPECT_EQ(block.status, 0) << block.err;
    EXPECT_EQ(Json::parse(block.out).at("number"), "0x0");
    const CliRun unknown = qtm("rpc " + rpc + " eth_noSuchMethod");
    EXPECT_EQ(unknown.status, 1);
    EXPECT_NE(unknown.err.find("-32601"), std::string::npos) << unknown.err;
    EXPECT_EQ(qtm("rpc " + rpc + " eth_chainId '[1'").status, 2);
}

TEST_F(QtmCliRpc, BadInputAndUnreachableNodes) {
    const std::string good_to = "--to 0x00000000000000000000000000000000000000aa";

    const CliRun bad_address = qtm("send --dev-account 1 --to 0x1234 --value 1");
    EXPECT_EQ(bad_address.status, 2);
    EXPECT_NE(bad_address.err.find("bad address for --to"), std::string::npos);
    const CliRun bad_checksum =
        qtm("call --to 0x46e135d91C93B0E6e45dFA5cd8C0Ac4667A60DdF --data 0x");
    EXPECT_EQ(bad_checksum.status, 2);
    EXPECT_NE(bad_checksum.err.find("checksum"), std::string::npos);

    const CliRun bad_amount = qtm("send --dev-account 1 " + good_to + " --value 1.5");
    EXPECT_EQ(bad_amount.status, 2);
    EXPECT_NE(bad_amount.err.find("bad amount for --value \"1.5\""), std::string::npos);
    EXPECT_NE(bad_amount.err.find("1.5qtm"), std::string::npos);
    EXPECT_EQ(qtm("send --dev-account 1 " + good_to + " --value 1.5eth").status, 2);
    EXPECT_EQ(qtm("send --dev-account 1 " + good_to + " --value 0.0000000001gwei").status, 2);
    EXPECT_EQ(qtm("send --dev-account 1 " + good_to + " --value -1").status, 2);

    const CliRun bad_hex = qtm("send --dev-account 1 " + good_to + " --data 0xzz");
    EXPECT_EQ(bad_hex.status, 2);
    EXPECT_NE(bad_hex.err.find("bad hex for --data"), std::string::npos);
    EXPECT_EQ(qtm("send " + good_to).status, 2);       // no sender
    EXPECT_EQ(qtm("send --dev-account 1").status, 2);  // neither --to nor --data

    const CliRun down =
        qtm("send --rpc http://127.0.0.1:1 --dev-account 1 " + good_to + " --value 1qtm");
    EXPECT_EQ(down.status, 1);
    EXPECT_NE(down.err.find("cannot reach the node at http://127.0.0.1:1"), std::string::npos)
        << down.err;
    EXPECT_EQ(qtm("rpc --rpc http://127.0.0.1:1 eth_chainId").status, 1);
    const CliRun down_call = qtm("call --rpc http://127.0.0.1:1 " + good_to + " --data 0x");
    EXPECT_EQ(down_call.status, 1);
    EXPECT_NE(down_call.err.find("cannot reach the node"), std::string::npos);

    const CliRun https = qtm("rpc --rpc https://127.0.0.1:8545 eth_chainId");
    EXPECT_EQ(https.status, 2);
    EXPECT_NE(https.err.find("https is not supported"), std::string::npos);
    EXPECT_EQ(qtm("rpc --rpc 127.0.0.1:8545 eth_chainId").status, 2);
    EXPECT_EQ(qtm("rpc --rpc http://127.0.0.1:99999 eth_chainId").status, 2);

    const CliRun help = qtm("send --help");
    EXPECT_EQ(help.status, 0);
    for (const char* option :
         {"--rpc", "--keystore", "--password-file", "--dev-account", "--to", "--value", "--data",
          "--gas", "--max-fee", "--tip", "--nonce", "--no-wait", "1.5qtm"}) {
        EXPECT_NE(help.out.find(option), std::string::npos) << option;
    }
    const CliRun top = qtm("--help");
    for (const char* command : {"send", "call", "rpc"}) {
        EXPECT_NE(top.out.find(command), std::string::npos) << command;
    }
}

}  // namespace
}  // namespace qtm
