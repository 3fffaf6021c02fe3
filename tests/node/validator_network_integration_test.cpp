// A real validator network: `qtm testnet init --validators 4`, then four qtmd processes from
// their node.toml files, talking consensus over the PQ-encrypted p2p transport on loopback.
// They finalize the same blocks; a signed transfer sent to node 0 is gossiped, included and
// visible on node 3; with one validator killed (SIGKILL) the other three keep finalizing,
// and the restarted one catches up over the network, agrees, and votes again (the chain
// moves on with it in the quorum once another validator stops).
#include <gtest/gtest.h>
#include <signal.h>

#include <array>
#include <filesystem>
#include <memory>
#include <string>

#include "base/hex.hpp"
#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"
#include "chain/transaction.hpp"
#include "node_support.hpp"

namespace qtm {
namespace {

namespace fs = std::filesystem;
using test::Json;
using test::QtmdProcess;

constexpr int kNodes = 4;
constexpr std::uint64_t kChainId = 9922;
constexpr auto kDeadline = std::chrono::seconds{60};

class ValidatorNetwork : public ::testing::Test {
protected:
    void SetUp() override {
        const test::CliRun init =
            test::run_qtm("testnet init --validators 4 --chain-id " + std::to_string(kChainId) +
                          " --block-time 1000 --base-port 33100 --out " + net().string());
        ASSERT_EQ(init.status, 0) << init.out << init.err;
    }

    [[nodiscard]] fs::path net() const { return dir_.path() / "net"; }

    void start(int i) {
        const fs::path node_dir = net() / ("node" + std::to_string(i));
        nodes_.at(static_cast<std::size_t>(i)) = std::make_unique<QtmdProcess>(
            QtmdProcess::Arguments{}, node_dir,
            std::vector<std::string>{"--config", (node_dir / "node.toml").string()});
    }
    QtmdProcess& node(int i) { return *nodes_.at(static_cast<std::size_t>(i)); }

    // The hash of block `number` on node `i` ("" when it does not have it).
    std::string hash_at(int i, std::uint64_t number) {
        const Json block =
            node(i).call("eth_getBlockByNumber", Json::array({test::hex_quantity(number), false}));
        if (!block.contains("result") || block.at("result").is_null()) return "";
        return block.at("result").at("hash").get<std::string>();
    }

    bool all_reach(const std::vector<int>& which, std::uint64_t height) {
        return test::wait_until(
            [&] {
                for (int i : which) {
                    if (test::block_number(node(i)) < height) return false;
                }
                return true;
            },
            kDeadline);
    }

    std::string logs() {
        std::string text;
        for (int i = 0; i < kNodes; ++i) {
            if (!nodes_.at(static_cast<std::size_t>(i))) continue;
            const std::string out = node(i).current_output();
            text += "---- node " + std::to_string(i) + " (last 3000 bytes)\n" +
                    out.substr(out.size() > 3000 ? out.size() - 3000 : 0);
        }
        return text;
    }

    test::TestDir dir_{"qtm-validator-network"};
    std::array<std::unique_ptr<QtmdProcess>, kNodes> nodes_;
};

chain::Transaction transfer(const chain::AccountKey& key, const Address& to, std::uint64_t value) {
    chain::Transaction tx;
    tx.chain_id = kChainId;
    tx.nonce = 0;
    tx.max_priority_fee_per_gas = U256{1'000'000'000};
    tx.max_fee_per_gas = U256{100'000'000'000};
    tx.gas_limit = 100'000;
    tx.to = to;
    tx.value = U256{value};
    chain::sign_transaction(tx, key, /*include_key=*/true);
    return tx;
}

TEST_F(ValidatorNetwork, FinalizesGossipsAndCatchesUpAfterAKill) {
    for (int i = 0; i < kNodes; ++i)
        start(i);
    EXPECT_NE(node(1).output().find("validator node"), std::string::npos) << node(1).output();
    EXPECT_NE(node(1).output().find("(genesis validator 1)"), std::string::npos);
    EXPECT_NE(node(1).output().find("Node          qtm://"), std::string::npos);

    // 1. Four processes finalize the same chain.
    ASSERT_TRUE(all_reach({0, 1, 2, 3}, 5)) << logs();
    for (std::uint64_t number = 1; number <= 5; ++number) {
        const std::string expected = hash_at(0, number);
        ASSERT_FALSE(expected.empty());
        for (int i = 1; i < kNodes; ++i)
            EXPECT_EQ(hash_at(i, number), expected) << "block " << number << " on node " << i;
    }
    // The certificate that finalized block 3: its hash, signed by at least 3 of the 4.
    const Json commit = node(1).call("qtm_getCommit", Json::array({"0x3"}));
    ASSERT_TRUE(commit.contains("result")) << commit.dump();
    EXPECT_EQ(commit.at("result").at("blockHash"), hash_at(0, 3));
    EXPECT_GE(commit.at("result").at("signers").size(), 3u);
    EXPECT_TRUE(node(1).call("qtm_getCommit", Json::array({"0xffffff"})).at("result").is_null());
    EXPECT_TRUE(test::wait_until(
        [&] { return node(0).call("net_peerCount").at("result") == "0x3"; }, kDeadline))
        << node(0).call("net_peerCount").dump();

    // 2. A transfer sent to node 0 is included, and node 3 sees it.
    const chain::AccountKey sender{crypto::SignatureScheme::kMlDsa44, chain::dev_account_seed(0)};
    Address recipient{};
    recipient.fill(0x5a);
    const chain::Transaction tx = transfer(sender, recipient, 777);
    const Json sent =
        node(0).call("eth_sendRawTransaction", Json::array({to_hex(chain::encode(tx))}));
    ASSERT_TRUE(sent.contains("result")) << sent.dump();
    const std::string tx_hash = sent.at("result").get<std::string>();
    Json receipt;
    ASSERT_TRUE(test::wait_until(
        [&] {
            receipt = node(3).call("eth_getTransactionReceipt", Json::array({tx_hash}));
            return receipt.contains("result") && !receipt.at("result").is_null();
        },
        kDeadline))
        << logs();
    EXPECT_EQ(receipt.at("result").at("status"), "0x1");
    EXPECT_EQ(
        node(3).call("eth_getBalance", Json::array({to_hex(recipient), "latest"})).at("result"),
        "0x309");  // 777

    // 3. One validator killed: the other three (3 of 4 stake > 2/3) keep finalizing.
    node(2).kill_hard();
    const std::uint64_t at_kill = test::block_number(node(0));
    constexpr std::uint64_t kGap = 10;
    ASSERT_TRUE(all_reach({0, 1, 3}, at_kill + kGap)) << logs();

    // 4. Restarted, it fetches the blocks it missed from its peers and agrees again.
    start(2);
    const std::uint64_t target = test::block_number(node(0)) + 2;
    ASSERT_TRUE(all_reach({0, 1, 2, 3}, target)) << logs();
    for (std::uint64_t number : {at_kill, at_kill + kGap, target}) {
        const std::string expected = hash_at(0, number);
        ASSERT_FALSE(expected.empty());
        for (int i = 1; i < kNodes; ++i)
            EXPECT_EQ(hash_at(i, number), expected) << "block " << number << " on node " << i;
    }
    // 5. It votes again: with node 1 stopped (SIGTERM, a clean exit), the chain only moves
    // with node 2's votes (0, 2 and 3 are the quorum now).
    EXPECT_EQ(node(1).terminate(SIGTERM), 0) << node(1).output();
    const std::uint64_t at_stop = test::block_number(node(0));
    ASSERT_TRUE(all_reach({0, 2, 3}, at_stop + 3)) << logs();
}

}  // namespace
}  // namespace qtm
