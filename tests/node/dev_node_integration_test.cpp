// `qtmd --dev` as a real process: it produces blocks, accepts signed QTM transactions over
// JSON-RPC, survives SIGKILL with its head, balances and receipts intact, shuts down
// cleanly on SIGTERM, and answers bad input with the right JSON-RPC errors.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "base/hex.hpp"
#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"
#include "chain/keystore.hpp"
#include "chain/transaction.hpp"
#include "crypto/keccak.hpp"
#include "node_support.hpp"
#include "trie/trie.hpp"

namespace qtm {
namespace {

using test::Json;
using test::QtmdProcess;
using test::wait_for_receipt;

class DevNode : public ::testing::Test {
protected:
    static std::uint64_t number(const Json& response) {
        return std::stoull(response.at("result").get<std::string>(), nullptr, 16);
    }

    static chain::Transaction transfer(const chain::AccountKey& key, std::uint64_t nonce,
                                       const Address& to, std::uint64_t value, bool include_key) {
        chain::Transaction tx;
        tx.chain_id = 7357;
        tx.nonce = nonce;
        tx.max_priority_fee_per_gas = U256{1'000'000'000};
        tx.max_fee_per_gas = U256{100'000'000'000};
        tx.gas_limit = 100'000;
        tx.to = to;
        tx.value = U256{value};
        chain::sign_transaction(tx, key, include_key);
        return tx;
    }

    test::TestDir dir_{"qtm-dev-node"};
    std::filesystem::path datadir_{dir_.path()};
};

TEST_F(DevNode, ProducesBlocksAndSurvivesSigkill) {
    const chain::AccountKey sender{crypto::SignatureScheme::kMlDsa44, chain::dev_account_seed(0)};
    Address recipient{};
    recipient.fill(0x11);
    std::string first_hash;
    std::uint64_t height_before_kill = 0;
    {
        QtmdProcess node{datadir_, {"--block-time", "0.5"}};
        EXPECT_NE(node.output().find(chain::to_checksum_address(sender.address())),
                  std::string::npos)
            << "the banner lists the funded dev accounts";
        EXPECT_NE(node.output().find(std::filesystem::absolute(datadir_).string()),
                  std::string::npos)
            << "the banner says where the data lives";
        EXPECT_EQ(node.call("eth_chainId").at("result"), "0x1cbd");
        const std::uint64_t start = number(node.call("eth_blockNumber"));
        ASSERT_TRUE(
            test::wait_until([&] { return number(node.call("eth_blockNumber")) >= start + 2; },
                             std::chrono::seconds(10)));

        // The first transaction carries the public key (registering it), the second does not.
        const auto tx0 = transfer(sender, 0, recipient, 12345, true);
        const Json sent0 =
            node.call("eth_sendRawTransaction", Json::array({to_hex(chain::encode(tx0))}));
        ASSERT_TRUE(sent0.contains("result")) << sent0.dump();
        first_hash = sent0.at("result").get<std::string>();
        EXPECT_EQ(first_hash, to_hex(chain::transaction_hash(tx0)));
        const Json receipt0 = wait_for_receipt(node, first_hash);
        EXPECT_EQ(receipt0.at("status"), "0x1");

        const auto tx1 = transfer(sender, 1, recipient, 1, false);
        const Json sent1 =
            node.call("eth_sendRawTransaction", Json::array({to_hex(chain::encode(tx1))}));
        ASSERT_TRUE(sent1.contains("result")) << sent1.dump();
        EXPECT_EQ(wait_for_receipt(node, sent1.at("result").get<std::string>()).at("status"),
                  "0x1");

        EXPECT_EQ(
            node.call("eth_getBalance", Json::array({to_hex(recipient), "latest"})).at("result"),
            "0x303a");  // 12346
        const Json key = node.call("qtm_getPublicKey", Json::array({to_hex(sender.address())}));
        EXPECT_EQ(key.at("result").at("publicKey"), to_hex(sender.public_key()));
        height_before_kill = number(node.call("eth_blockNumber"));
        node.kill_hard();
    }
    {
        QtmdProcess node{datadir_, {"--block-time", "0.5"}};
        EXPECT_GE(number(node.call("eth_blockNumber")), height_before_kill)
            << "restart resumes from the stored head";
        EXPECT_EQ(
            node.call("eth_getBalance", Json::array({to_hex(recipient), "latest"})).at("result"),
            "0x303a");
        const Json receipt = node.call("eth_getTransactionReceipt", Json::array({first_hash}));
        EXPECT_EQ(receipt.at("result").at("status"), "0x1");
        EXPECT_EQ(
            node.call("eth_getTransactionCount", Json::array({to_hex(sender.address()), "latest"}))
                .at("result"),
            "0x2");
        // The chain goes on after the crash: nonce 2, key already registered.
        const auto tx2 = transfer(sender, 2, recipient, 4, false);
        const Json sent2 =
            node.call("eth_sendRawTransaction", Json::array({to_hex(chain::encode(tx2))}));
        ASSERT_TRUE(sent2.contains("result")) << sent2.dump();
        EXPECT_EQ(wait_for_receipt(node, sent2.at("result").get<std::string>()).at("status"),
                  "0x1");
    }
}

TEST_F(DevNode, StopsCleanlyOnSigterm) {
    QtmdProcess node{datadir_, {"--block-time", "0.3"}};
    ASSERT_TRUE(test::wait_until([&] { return number(node.call("eth_blockNumber")) >= 1; },
                                 std::chrono::seconds(10)));
    EXPECT_EQ(node.terminate(SIGTERM), 0);
    EXPECT_NE(node.output().find("stopped at block"), std::string::npos) << node.output();
}

TEST_F(DevNode, NodeHeldAccountsSignForEthSendTransaction) {
    QtmdProcess node{datadir_, {"--block-time", "0.3"}};
    const Json accounts = node.call("eth_accounts");
    ASSERT_EQ(accounts.at("result").size(), chain::kDevAccountCount);
    const std::string from = accounts.at("result").at(3).get<std::string>();
    const Json sent = node.call("eth_sendTransaction",
                                Json::array({{{"from", from},
                                              {"to", "0x2222222222222222222222222222222222222222"},
                                              {"value", "0x64"}}}));
    ASSERT_TRUE(sent.contains("result")) << sent.dump();
    EXPECT_EQ(wait_for_receipt(node, sent.at("result").get<std::string>()).at("status"), "0x1");
    EXPECT_EQ(node.call("eth_getBalance",
                        Json::array({"0x2222222222222222222222222222222222222222", "latest"}))
                  .at("result"),
              "0x64");
}

TEST_F(DevNode, BadInputGetsJsonRpcErrorsAndTheChainGoesOn) {
    QtmdProcess node{datadir_, {"--block-time", "0.3"}};
    const auto error_code = [](const std::string& body) {
        return Json::parse(body).at("error").at("code").get<int>();
    };
    EXPECT_EQ(error_code(node.post("{not json").second), -32700);
    EXPECT_EQ(error_code(node.post(R"({"jsonrpc":"2.0","id":1,"method":"eth_nope"})").second),
              -32601);
    EXPECT_EQ(
        error_code(node.post(R"({"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":[42]})")
                       .second),
        -32602);
    EXPECT_EQ(
        error_code(
            node.post(R"({"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["0xzz"]})")
                .second),
        -32602);
    const Json unsigned_tx = node.call("eth_sendRawTransaction", Json::array({"0x51c0"}));
    EXPECT_EQ(unsigned_tx.at("error").at("code"), -32000);
    const Json legacy = node.call("eth_sendRawTransaction", Json::array({"0xf86c80"}));
    EXPECT_NE(legacy.at("error").at("message").get<std::string>().find("not supported"),
              std::string::npos);
    // A correctly encoded transaction signed by the wrong key.
    const chain::AccountKey wrong{crypto::SignatureScheme::kMlDsa44, chain::dev_account_seed(1)};
    chain::Transaction forged;
    forged.chain_id = 7357;
    forged.max_fee_per_gas = U256{100'000'000'000};
    forged.max_priority_fee_per_gas = U256{1};
    forged.gas_limit = 100'000;
    forged.to = Address{};
    chain::sign_transaction(forged, wrong, true);
    forged.from =
        chain::AccountKey{crypto::SignatureScheme::kMlDsa44, chain::dev_account_seed(0)}.address();
    const Json rejected =
        node.call("eth_sendRawTransaction", Json::array({to_hex(chain::encode(forged))}));
    EXPECT_EQ(rejected.at("error").at("code"), -32000) << rejected.dump();
    const auto [status, body] = node.post(std::string(6u << 20, ' '));
    EXPECT_EQ(status, 413);
    EXPECT_EQ(error_code(body), -32005);

    const std::uint64_t before = number(node.call("eth_blockNumber"));
    EXPECT_TRUE(test::wait_until([&] { return number(node.call("eth_blockNumber")) > before + 1; },
                                 std::chrono::seconds(10)));
}

TEST_F(DevNode, UnlockedKeystoreAccountsSignForEthSendTransaction) {
    ByteArray<32> seed{};
    seed.fill(0x42);
    const chain::AccountKey owner{crypto::SignatureScheme::kMlDsa65, seed};
    std::filesystem::create_directories(datadir_);
    const auto keystore = datadir_ / "owner.json";
    const auto password = datadir_ / "password";
    std::ofstream{keystore} << *chain::encrypt_keystore(crypto::SignatureScheme::kMlDsa65, seed,
                                                        "s3cret", {.n = 1u << 10, .r = 8, .p = 1});
    std::ofstream{password} << "s3cret\n";
    QtmdProcess node{datadir_ / "chain",
                     {"--block-time", "0.3", "--unlock", keystore.string(), "--password-file",
                      password.string()}};
    const std::string owner_hex = to_hex(owner.address());
    const Json accounts = node.call("eth_accounts");
    ASSERT_EQ(accounts.at("result").size(), chain::kDevAccountCount + 1) << accounts.dump();
    EXPECT_EQ(accounts.at("result").back(), owner_hex);
    EXPECT_EQ(node.output().find("s3cret"), std::string::npos) << "the password never appears";

    // Fund it from a dev account, then let the node sign for it (first transaction: its
    // ML-DSA-65 key is registered).
    const std::string dev = accounts.at("result").at(0).get<std::string>();
    const Json funded = node.call(
        "eth_sendTransaction",
        Json::array({{{"from", dev}, {"to", owner_hex}, {"value", "0xde0b6b3a7640000"}}}));
    ASSERT_TRUE(funded.contains("result")) << funded.dump();
    EXPECT_EQ(wait_for_receipt(node, funded.at("result").get<std::string>()).at("status"), "0x1");
    const Json spent = node.call("eth_sendTransaction",
                                 Json::array({{{"from", owner_hex},
                                               {"to", "0x3333333333333333333333333333333333333333"},
                                               {"value", "0x7"}}}));
    ASSERT_TRUE(spent.contains("result")) << spent.dump();
    EXPECT_EQ(wait_for_receipt(node, spent.at("result").get<std::string>()).at("status"), "0x1");
    const Json key = node.call("qtm_getPublicKey", Json::array({owner_hex}));
    EXPECT_EQ(key.at("result").at("publicKey"), to_hex(owner.public_key()));
}

std::vector<Bytes> proof_from(const Json& array) {
    std::vector<Bytes> proof;
    for (const auto& node : array)
        proof.push_back(from_hex(node.get<std::string>()).value());
    return proof;
}

TEST_F(DevNode, GetProofVerifiesAgainstTheBlockStateRoot) {
    QtmdProcess node{datadir_, {"--block-time", "0.3"}};
    ASSERT_TRUE(test::wait_until([&] { return number(node.call("eth_blockNumber")) >= 1; },
                                 std::chrono::seconds(10)));
    const Json block = node.call("eth_getBlockByNumber", Json::array({"0x1", false}));
    const auto state_root =
        from_hex_fixed<32>(block.at("result").at("stateRoot").get<std::string>()).value();
    const chain::AccountKey dev{crypto::SignatureScheme::kMlDsa44, chain::dev_account_seed(0)};

    // A funded account: the proof shows its record, and the fields match.
    const Json present = node.call(
        "eth_getProof", Json::array({to_hex(dev.address()), Json::array({"0x0"}), "0x1"}));
    ASSERT_TRUE(present.contains("result")) << present.dump();
    const Json& result = present.at("result");
    const auto value = trie::verify_proof(state_root, crypto::keccak256(dev.address()),
                                          proof_from(result.at("accountProof")));
    ASSERT_TRUE(value.has_value());
    ASSERT_TRUE(value->has_value()) << "inclusion proof";
    EXPECT_EQ(
        result.at("balance"),
        node.call("eth_getBalance", Json::array({to_hex(dev.address()), "0x1"})).at("result"));
    // Its storage is empty: slot 0's proof is an exclusion proof against storageHash.
    const auto storage_root =
        from_hex_fixed<32>(result.at("storageHash").get<std::string>()).value();
    EXPECT_EQ(storage_root, trie::kEmptyRoot);
    const Json& slot = result.at("storageProof").at(0);
    EXPECT_EQ(slot.at("value"), "0x0");
    const auto slot_value = trie::verify_proof(
        storage_root, crypto::keccak256(U256{}.to_be_bytes()), proof_from(slot.at("proof")));
    ASSERT_TRUE(slot_value.has_value());
    EXPECT_FALSE(slot_value->has_value()) << "exclusion proof";

    // An absent account: an exclusion proof.
    Address nobody{};
    nobody.fill(0x5a);
    const Json absent =
        node.call("eth_getProof", Json::array({to_hex(nobody), Json::array(), "0x1"}));
    ASSERT_TRUE(absent.contains("result")) << absent.dump();
    const auto missing = trie::verify_proof(state_root, crypto::keccak256(nobody),
                                            proof_from(absent.at("result").at("accountProof")));
    ASSERT_TRUE(missing.has_value());
    EXPECT_FALSE(missing->has_value()) << "exclusion proof";
    EXPECT_EQ(absent.at("result").at("balance"), "0x0");
    EXPECT_EQ(
        node.call("eth_getProof", Json::array({to_hex(nobody), "0x1"})).at("error").at("code"),
        -32602);
}

TEST_F(DevNode, PollingFiltersReportNewBlocksPendingTransactionsAndLogs) {
    QtmdProcess node{datadir_, {"--block-time", "0.3"}};
    const std::string topic = "0x" + std::string(64, '1');
    const std::string block_filter = node.call("eth_newBlockFilter").at("result");
    const std::string pending_filter = node.call("eth_newPendingTransactionFilter").at("result");
    const std::string log_filter =
        node.call("eth_newFilter", Json::array({{{"topics", Json::array({topic})}}})).at("result");

    // A creation whose initcode logs 42 under `topic`: PUSH1 42 PUSH1 0 MSTORE PUSH32 topic
    // PUSH1 32 PUSH1 0 LOG1 STOP.
    const std::string initcode = "0x602a6000527f" + std::string(64, '1') + "60206000a100";
    const std::string from = node.call("eth_accounts").at("result").at(0);
    const Json sent =
        node.call("eth_sendTransaction", Json::array({{{"from", from}, {"data", initcode}}}));
    ASSERT_TRUE(sent.contains("result")) << sent.dump();
    const std::string hash = sent.at("result");
    const Json receipt = wait_for_receipt(node, hash);
    EXPECT_EQ(receipt.at("status"), "0x1");

    const Json pending = node.call("eth_getFilterChanges", Json::array({pending_filter}));
    EXPECT_NE(pending.at("result").dump().find(hash), std::string::npos) << pending.dump();
    const Json blocks = node.call("eth_getFilterChanges", Json::array({block_filter}));
    ASSERT_GE(blocks.at("result").size(), 1U) << blocks.dump();
    EXPECT_NE(blocks.at("result").dump().find(receipt.at("blockHash").get<std::string>()),
              std::string::npos);
    const Json logs = node.call("eth_getFilterChanges", Json::array({log_filter}));
    ASSERT_EQ(logs.at("result").size(), 1U) << logs.dump();
    EXPECT_EQ(logs.at("result").at(0).at("transactionHash"), hash);
    EXPECT_EQ(logs.at("result").at(0).at("data"), "0x" + std::string(62, '0') + "2a");
    // Polled: nothing new the second time.
    EXPECT_TRUE(node.call("eth_getFilterChanges", Json::array({log_filter})).at("result").empty());
    // eth_getFilterLogs re-runs the whole query (from the latest block by default: empty
    // unless the head is still the log's block), and works only on log filters.
    EXPECT_TRUE(node.call("eth_getFilterLogs", Json::array({log_filter})).contains("result"));
    EXPECT_EQ(node.call("eth_getFilterLogs", Json::array({block_filter})).at("error").at("code"),
              -32000);

    EXPECT_EQ(node.call("eth_uninstallFilter", Json::array({log_filter})).at("result"), true);
    EXPECT_EQ(node.call("eth_uninstallFilter", Json::array({log_filter})).at("result"), false);
    EXPECT_EQ(
        node.call("eth_getFilterChanges", Json::array({log_filter})).at("error").at("message"),
        "filter not found");
    EXPECT_EQ(node.call("eth_newFilter", Json::array({{{"topics", Json::array({"0x12"})}}}))
                  .at("error")
                  .at("code"),
              -32602);
}

}  // namespace
}  // namespace qtm
