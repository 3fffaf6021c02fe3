// eth_createAccessList, eth_call state and block overrides, eth_sign, virtual hosts and the
// JWT-authenticated admin endpoint, against a real `qtmd --dev`.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "base/hex.hpp"
#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"
#include "chain/message.hpp"
#include "node_support.hpp"
#include "rpc/jwt.hpp"

namespace qtm {
namespace {

using test::Json;
using test::QtmdProcess;

constexpr const char* kProbed = "0x00000000000000000000000000000000000000bb";
constexpr const char* kOverridden = "0x0000000000000000000000000000000000001234";
const std::string kSlot1 = "0x" + std::string(63, '0') + "1";
const std::string kSlot2 = "0x" + std::string(63, '0') + "2";

std::string word(std::uint64_t value) {
    std::string hex = to_hex(U256{value}.to_be_bytes());
    return hex;
}

// Initcode: SSTORE(1, 7), then deploy a runtime that reads BALANCE(kProbed), then returns
// SLOAD(1).
std::string reader_initcode() {
    const std::string runtime = std::string{"73"} + std::string{kProbed}.substr(2) +
                                "3150"
                                "600154"
                                "60005260206000f3";
    const std::string deploy =
        "6007600155"
        "6022"
        "80"
        "6010"
        "6000"
        "39"
        "6000"
        "f3";
    return "0x" + deploy + runtime;
}

class RpcMethods : public ::testing::Test {
protected:
    static Json result(const Json& response) {
        EXPECT_TRUE(response.contains("result")) << response.dump();
        return response.value("result", Json{});
    }

    // Deploys the reader contract from dev account 0 and returns its address.
    static std::string deploy_reader(const QtmdProcess& node, const std::string& from) {
        const Json hash = result(node.call(
            "eth_sendTransaction", Json::array({{{"from", from}, {"data", reader_initcode()}}})));
        const Json receipt = test::wait_for_receipt(node, hash.get<std::string>());
        EXPECT_EQ(receipt.value("status", ""), "0x1");
        return receipt.value("contractAddress", "");
    }

    test::TestDir dir_{"qtm-rpc-methods"};
    std::filesystem::path datadir_{dir_.path()};
};

TEST_F(RpcMethods, AccessListOverridesAndSign) {
    const QtmdProcess node{datadir_, {"--block-time", "0.3"}};
    const chain::AccountKey dev0{crypto::SignatureScheme::kMlDsa44, chain::dev_account_seed(0)};
    const std::string from = to_hex(dev0.address());
    const std::string contract = deploy_reader(node, from);
    const Json call{{"from", from}, {"to", contract}};

    // Plain call: the stored 7.
    EXPECT_EQ(result(node.call("eth_call", Json::array({call, "latest"}))), word(7));

    // eth_createAccessList: the probed account (no slots) and the contract's slot 1; the
    // sender and the recipient itself are not listed as bare addresses.
    const Json access = result(node.call("eth_createAccessList", Json::array({call, "latest"})));
    ASSERT_TRUE(access.contains("accessList")) << access.dump();
    EXPECT_FALSE(access.contains("error")) << access.dump();
    std::set<std::string> listed;
    for (const auto& entry : access.at("accessList")) {
        const std::string address = entry.at("address");
        listed.insert(address);
        if (address == contract) {
            EXPECT_EQ(entry.at("storageKeys"), Json::array({kSlot1})) << access.dump();
        } else {
            EXPECT_EQ(address, kProbed) << access.dump();
            EXPECT_TRUE(entry.at("storageKeys").empty()) << access.dump();
        }
    }
    EXPECT_EQ(listed, (std::set<std::string>{contract, kProbed})) << access.dump();
    const auto gas_used = std::stoull(access.at("gasUsed").get<std::string>(), nullptr, 16);
    EXPECT_GT(gas_used, 21'000u);
    // The list it returns is accepted back and warms what it names: with it, BALANCE and
    // SLOAD cost 100 instead of 2,600 and 2,100, while the list itself costs 2 x 2,400 +
    // 1,900 (Ethereum's arithmetic: listing the recipient does not pay off).
    Json with_list = call;
    with_list["accessList"] = access.at("accessList");
    const auto estimate_plain = std::stoull(
        result(node.call("eth_estimateGas", Json::array({call}))).get<std::string>(), nullptr, 16);
    const auto estimate_listed = std::stoull(
        result(node.call("eth_estimateGas", Json::array({with_list}))).get<std::string>(), nullptr,
        16);
    EXPECT_EQ(estimate_listed, estimate_plain + 6'700 - 2'500 - 2'000);
    EXPECT_EQ(gas_used, estimate_listed);

    // The scheme hint: a first transaction from an unknown ML-DSA-65 / -87 key verifies a
    // bigger signature and registers a bigger key than ML-DSA-44's.
    const Json fresh{{"from", "0x00000000000000000000000000000000000000fe"}, {"to", kProbed}};
    const auto estimate_with = [&](const char* scheme) {
        Json request = fresh;
        if (scheme != nullptr) request["scheme"] = scheme;
        return std::stoull(
            result(node.call("eth_estimateGas", Json::array({request}))).get<std::string>(),
            nullptr, 16);
    };
    const auto default_estimate = estimate_with(nullptr);
    EXPECT_EQ(estimate_with("0x1"), default_estimate);
    EXPECT_EQ(estimate_with("0x2"), default_estimate + (7'000 - 4'500) + 16 * (1'952 - 1'312));
    EXPECT_EQ(estimate_with("0x3"), default_estimate + (11'000 - 4'500) + 16 * (2'592 - 1'312));
    Json bad_scheme = fresh;
    bad_scheme["scheme"] = "0x9";
    EXPECT_EQ(node.call("eth_estimateGas", Json::array({bad_scheme})).at("error").at("code"),
              -32602);

    // State overrides: stateDiff changes one slot and keeps the others; state replaces the
    // whole storage; both at once are refused.
    EXPECT_EQ(
        result(node.call(
            "eth_call",
            Json::array({call, "latest", {{contract, {{"stateDiff", {{kSlot1, word(42)}}}}}}}))),
        word(42));
    EXPECT_EQ(
        result(node.call(
            "eth_call",
            Json::array({call, "latest", {{contract, {{"stateDiff", {{kSlot2, word(5)}}}}}}}))),
        word(7));
    EXPECT_EQ(result(node.call(
                  "eth_call",
                  Json::array({call, "latest", {{contract, {{"state", {{kSlot2, word(5)}}}}}}}))),
              word(0));
    const Json both = node.call(
        "eth_call",
        Json::array({call,
                     "latest",
                     {{contract, {{"state", Json::object()}, {"stateDiff", Json::object()}}}}}));
    ASSERT_TRUE(both.contains("error")) << both.dump();
    EXPECT_NE(both.at("error").at("message").get<std::string>().find("both"), std::string::npos);
    // After all that the real storage is untouched.
    EXPECT_EQ(result(node.call("eth_call", Json::array({call, "latest"}))), word(7));

    // Code and balance overrides: code that returns BALANCE(kProbed), with kProbed's balance
    // overridden.
    const std::string balance_code =
        std::string{"0x73"} + std::string{kProbed}.substr(2) + "3160005260206000f3";
    EXPECT_EQ(result(node.call("eth_call", Json::array({{{"to", kOverridden}},
                                                        "latest",
                                                        {{kOverridden, {{"code", balance_code}}},
                                                         {kProbed, {{"balance", "0x123456"}}}}}))),
              word(0x123456));
    // Block overrides: NUMBER and TIMESTAMP as overridden.
    const Json number_code = {{kOverridden, {{"code", "0x4360005260206000f3"}}}};
    EXPECT_EQ(
        result(node.call(
            "eth_call",
            Json::array({{{"to", kOverridden}}, "latest", number_code, {{"number", "0x99999"}}}))),
        word(0x99999));
    const Json time_code = {{kOverridden, {{"code", "0x4260005260206000f3"}}}};
    EXPECT_EQ(result(node.call(
                  "eth_call",
                  Json::array({{{"to", kOverridden}}, "latest", time_code, {{"time", "0x77"}}}))),
              word(0x77));
    const Json unknown = node.call(
        "eth_call", Json::array({{{"to", kOverridden}}, "latest", number_code, {{"bogus", 1}}}));
    ASSERT_TRUE(unknown.contains("error")) << unknown.dump();
    EXPECT_EQ(unknown.at("error").at("code"), -32602);
    EXPECT_NE(unknown.at("error").at("message").get<std::string>().find("bogus"),
              std::string::npos);

    // eth_sign: scheme id || ML-DSA-44 signature under "qtm/msg/v1", verifiable with the
    // account's public key; unknown accounts are refused.
    const std::string message = "0x68656c6c6f";  // "hello"
    const Json signature = result(node.call("eth_sign", Json::array({from, message})));
    const auto signature_bytes = from_hex(signature.get<std::string>());
    ASSERT_TRUE(signature_bytes.has_value());
    EXPECT_EQ(signature_bytes->size(), 1u + 2420u);
    EXPECT_EQ((*signature_bytes)[0], 0x01);
    const auto message_bytes = from_hex(message);
    EXPECT_TRUE(
        chain::verify_personal_message(dev0.public_key(), *message_bytes, *signature_bytes));
    const Json other = node.call("eth_sign", Json::array({kProbed, message}));
    ASSERT_TRUE(other.contains("error")) << other.dump();
    EXPECT_NE(other.at("error").at("message").get<std::string>().find("unknown account"),
              std::string::npos);
}

TEST_F(RpcMethods, VirtualHostsAndAuthenticatedAdmin) {
    const auto secret_path = datadir_ / "jwt.hex";
    const QtmdProcess node{datadir_,
                           {"--authrpc-port", "0", "--authrpc-jwtsecret", secret_path.string()}};
    const std::string request = R"({"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]})";

    // Host header: localhost and IP literals pass, other names are refused (DNS rebinding).
    EXPECT_EQ(node.post_to(node.port(), request, {{"Host", "localhost:8545"}}).first, 200);
    const auto [status, body] = node.post_to(node.port(), request, {{"Host", "evil.example"}});
    EXPECT_EQ(status, 403);
    EXPECT_NE(body.find("invalid host"), std::string::npos) << body;

    // The secret file was created (0600) and the admin port is up.
    ASSERT_NE(node.admin_port(), 0) << node.output();
    ASSERT_TRUE(std::filesystem::exists(secret_path));
    EXPECT_EQ(std::filesystem::status(secret_path).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::ifstream in{secret_path};
    std::string hex;
    in >> hex;
    const auto secret = from_hex_fixed<32>(hex);
    ASSERT_TRUE(secret.has_value());
    EXPECT_EQ(node.output().find(hex), std::string::npos) << "the secret is never printed";

    const std::string admin = R"({"jsonrpc":"2.0","id":1,"method":"admin_nodeInfo","params":[]})";
    // No token, a token under another secret, a stale token: 401 with the reason.
    const auto missing = node.post_to(node.admin_port(), admin, {});
    EXPECT_EQ(missing.first, 401);
    EXPECT_NE(missing.second.find("Bearer"), std::string::npos) << missing.second;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    rpc::JwtSecret wrong = *secret;
    wrong[0] ^= 1;
    const auto forged = node.post_to(node.admin_port(), admin,
                                     {{"Authorization", "Bearer " + rpc::make_jwt(wrong, now)}});
    EXPECT_EQ(forged.first, 401);
    EXPECT_NE(forged.second.find("signature"), std::string::npos) << forged.second;
    const auto stale =
        node.post_to(node.admin_port(), admin,
                     {{"Authorization", "Bearer " + rpc::make_jwt(*secret, now - 600)}});
    EXPECT_EQ(stale.first, 401);
    EXPECT_NE(stale.second.find("iat"), std::string::npos) << stale.second;

    // A valid token: admin_nodeInfo answers.
    const auto answered = node.post_to(
        node.admin_port(), admin, {{"Authorization", "Bearer " + rpc::make_jwt(*secret, now)}});
    ASSERT_EQ(answered.first, 200) << answered.second;
    const Json info = Json::parse(answered.second);
    ASSERT_TRUE(info.contains("result")) << info.dump();
    EXPECT_EQ(info.at("result").at("chainId"), "0x1cbd");
    EXPECT_EQ(info.at("result").at("datadir"), std::filesystem::absolute(datadir_).string());

    // admin_* does not exist on the public port.
    const Json public_admin = Json::parse(node.post(admin).second);
    ASSERT_TRUE(public_admin.contains("error")) << public_admin.dump();
    EXPECT_EQ(public_admin.at("error").at("code"), -32601);
}

}  // namespace
}  // namespace qtm
