// A real validator network: `qtm testnet init --validators 4`, then four qtmd processes from
// their node.toml files, talking consensus over the PQ-encrypted p2p transport on loopback.
// They finalize the same blocks; a signed transfer sent to node 0 is gossiped, included and
// visible on node 3; with one validator killed (SIGKILL) the other three keep finalizing,
// and the restarted one catches up over the network, agrees, and votes again (the chain
// moves on with it in the quorum once another validator stops).
#include <gtest/gtest.h>
#include <signal.h>

#include <set>
#include <string>

#include "base/hex.hpp"
#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"
#include "chain/transaction.hpp"
#include "cluster_support.hpp"
#include "metrics_text_support.hpp"

namespace qtm {
namespace {

using test::Json;

constexpr std::uint64_t kChainId = 9922;

class ValidatorNetwork : public ::testing::Test {
protected:
    test::Cluster cluster_{test::ClusterOptions{.validators = 4,
                                                .chain_id = kChainId,
                                                .block_time_ms = 1000,
                                                .base_port = 23100,
                                                .prefix = "qtm-validator-network"}};
};

TEST_F(ValidatorNetwork, FinalizesGossipsAndCatchesUpAfterAKill) {
    test::Cluster& net = cluster_;
    net.start_all();
    auto node = [&net](int i) -> test::QtmdProcess& { return net.node(i); };
    EXPECT_NE(node(1).output().find("validator node"), std::string::npos) << node(1).output();
    EXPECT_NE(node(1).output().find("(genesis validator 1)"), std::string::npos);
    EXPECT_NE(node(1).output().find("Node          qtm://"), std::string::npos);

    // 1. Four processes finalize the same chain.
    ASSERT_TRUE(net.all_reach({0, 1, 2, 3}, 5)) << net.logs();
    for (std::uint64_t number = 1; number <= 5; ++number)
        net.expect_same_block({0, 1, 2, 3}, number);
    // The certificate that finalized block 3: its hash, signed by at least 3 of the 4.
    const Json commit = node(1).call("qtm_getCommit", Json::array({"0x3"}));
    ASSERT_TRUE(commit.contains("result")) << commit.dump();
    EXPECT_EQ(commit.at("result").at("blockHash"), net.hash_at(0, 3));
    EXPECT_GE(commit.at("result").at("signers").size(), 3u);
    EXPECT_TRUE(node(1).call("qtm_getCommit", Json::array({"0xffffff"})).at("result").is_null());
    EXPECT_TRUE(
        test::wait_until([&] { return node(0).call("net_peerCount").at("result") == "0x3"; },
                         std::chrono::seconds{60}))
        << node(0).call("net_peerCount").dump();

    // The p2p side of the admin API and eth_syncing: node 0 lists the other three by the
    // node ids they report themselves, and is not syncing.
    const Json peers = net.admin_call(0, "admin_peers");
    ASSERT_TRUE(peers.contains("result")) << peers.dump();
    std::set<std::string> peer_ids;
    for (const Json& peer : peers.at("result"))
        peer_ids.insert(peer.at("id").get<std::string>());
    std::set<std::string> other_ids;
    for (int i = 1; i < 4; ++i) {
        const Json info = net.admin_call(i, "admin_nodeInfo");
        ASSERT_TRUE(info.contains("result")) << info.dump();
        other_ids.insert(info.at("result").at("id").get<std::string>());
        EXPECT_EQ(info.at("result").at("peers"), 3) << info.dump();
        EXPECT_EQ(info.at("result").at("url").get<std::string>().rfind("qtm://", 0), 0u);
    }
    EXPECT_EQ(peer_ids, other_ids) << peers.dump();
    EXPECT_EQ(node(0).call("eth_syncing").at("result"), false);
    const Json latest_commit = node(2).call("qtm_getCommit", Json::array({"latest"}));
    ASSERT_TRUE(latest_commit.contains("result")) << latest_commit.dump();
    EXPECT_FALSE(latest_commit.at("result").is_null());
    // A URL that does not parse is refused with the reason; the admin API is not public.
    const Json bad_peer = net.admin_call(0, "admin_addPeer", Json::array({"qtm://nonsense"}));
    ASSERT_TRUE(bad_peer.contains("error")) << bad_peer.dump();
    EXPECT_NE(bad_peer.at("error").at("message").get<std::string>().find("qtm://"),
              std::string::npos)
        << bad_peer.dump();
    EXPECT_TRUE(node(0).call("admin_peers").contains("error"));

    // The network's metrics are on the node's /metrics page.
    ASSERT_NE(node(0).metrics_port(), 0) << node(0).output();
    const auto [metrics_status, metrics_body] = node(0).get(node(0).metrics_port(), "/metrics");
    ASSERT_EQ(metrics_status, 200);
    const test::MetricsText metrics = test::parse_metrics_text(metrics_body);
    EXPECT_GE(metrics.count("qtm_consensus_commits_total"), 1);
    EXPECT_EQ(metrics.count("qtm_consensus_validator"), 1);
    EXPECT_EQ(metrics.count("qtm_p2p_peers{direction=\"inbound\"}") +
                  metrics.count("qtm_p2p_peers{direction=\"outbound\"}"),
              3);
    EXPECT_GT(
        metrics.count("qtm_p2p_message_bytes_total{channel=\"consensus\",direction=\"received\"}"),
        0);

    // 2. A transfer sent to node 0 is included, and node 3 sees it.
    const chain::AccountKey sender{crypto::SignatureScheme::kMlDsa44, chain::dev_account_seed(0)};
    Address recipient{};
    recipient.fill(0x5a);
    const chain::Transaction tx = test::signed_transfer(sender, kChainId, 0, recipient, 777);
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
        std::chrono::seconds{60}))
        << net.logs();
    EXPECT_EQ(receipt.at("result").at("status"), "0x1");
    EXPECT_EQ(
        node(3).call("eth_getBalance", Json::array({to_hex(recipient), "latest"})).at("result"),
        "0x309");  // 777

    // 3. One validator killed: the other three (3 of 4 stake > 2/3) keep finalizing.
    net.kill(2);
    const std::uint64_t at_kill = test::block_number(node(0));
    constexpr std::uint64_t kGap = 10;
    ASSERT_TRUE(net.all_reach({0, 1, 3}, at_kill + kGap)) << net.logs();

    // 4. Restarted, it fetches the blocks it missed from its peers and agrees again.
    net.start(2);
    const std::uint64_t target = test::block_number(node(0)) + 2;
    ASSERT_TRUE(net.all_reach({0, 1, 2, 3}, target)) << net.logs();
    for (std::uint64_t number : {at_kill, at_kill + kGap, target})
        net.expect_same_block({0, 1, 2, 3}, number);
    // 5. It votes again: with node 1 stopped (SIGTERM, a clean exit), the chain only moves
    // with node 2's votes (0, 2 and 3 are the quorum now).
    const std::string node1_output = node(1).output();
    EXPECT_EQ(net.stop(1, SIGTERM), 0) << node1_output;
    const std::uint64_t at_stop = test::block_number(node(0));
    ASSERT_TRUE(net.all_reach({0, 2, 3}, at_stop + 3)) << net.logs();
}

}  // namespace
}  // namespace qtm
