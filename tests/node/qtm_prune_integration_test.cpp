// `qtm db prune-state` on a stopped `qtmd --dev`: the states of the last N blocks stay
// (balances at them still answer), older ones are gone and eth_getBalance, eth_call and
// eth_getProof at them answer "state not available"; the node goes on producing and mining.
#include <gtest/gtest.h>

#include <csignal>
#include <sstream>

#include "node_support.hpp"

namespace qtm {
namespace {

using test::Json;
using test::QtmdProcess;

constexpr const char* kRecipient = "0x4444444444444444444444444444444444444444";

TEST(QtmPrune, OldStatesAnswerStateNotAvailableAndRecentOnesStay) {
    test::TestDir dir{"qtm-prune"};
    const auto data = dir.path() / "data";
    std::string from;
    std::uint64_t mined_in = 0;
    std::uint64_t head = 0;
    {
        QtmdProcess node{data, {"--block-time", "0.2", "--dev-epoch-length", "2"}};
        from = node.call("eth_accounts").at("result").at(0).get<std::string>();
        const std::string hash = test::send_value(node, from, kRecipient, "0x5");
        ASSERT_FALSE(hash.empty());
        const Json receipt = test::wait_for_receipt(node, hash);
        ASSERT_FALSE(receipt.is_null());
        mined_in = std::stoull(receipt.at("blockNumber").get<std::string>(), nullptr, 16);
        ASSERT_TRUE(test::wait_until([&] { return test::block_number(node) >= mined_in + 8; },
                                     std::chrono::seconds{30}));
        EXPECT_EQ(node.terminate(SIGTERM), 0);
    }
    const auto pruned = test::run_qtm("db prune-state --quiet --state-history 4 " + data.string());
    ASSERT_EQ(pruned.status, 0) << pruned.out << pruned.err;
    EXPECT_NE(pruned.out.find("deleted"), std::string::npos) << pruned.out;
    const auto checked = test::run_qtm("db check --quiet " + data.string());
    EXPECT_EQ(checked.status, 0) << checked.out;  // it knows the states below are pruned

    QtmdProcess node{data, {"--block-time", "0.2", "--dev-epoch-length", "2"}};
    head = test::block_number(node);
    const std::string old_block = test::hex_quantity(mined_in - 1);
    for (const auto& [method, params] : std::vector<std::pair<std::string, Json>>{
             {"eth_getBalance", Json::array({kRecipient, old_block})},
             {"eth_call", Json::array({{{"to", kRecipient}}, old_block})},
             {"eth_getProof", Json::array({kRecipient, Json::array(), old_block})}}) {
        const Json answer = node.call(method, params);
        ASSERT_TRUE(answer.contains("error")) << method << ": " << answer.dump();
        EXPECT_NE(answer.at("error").at("message").get<std::string>().find(
                      "state not available: the state of block " + std::to_string(mined_in - 1)),
                  std::string::npos)
            << answer.dump();
    }
    // A retained state: the head's three blocks back.
    const Json recent =
        node.call("eth_getBalance", Json::array({kRecipient, test::hex_quantity(head - 3)}));
    EXPECT_EQ(recent.at("result"), "0x5") << recent.dump();
    const std::string hash = test::send_value(node, from, kRecipient, "0x5");
    ASSERT_FALSE(hash.empty());
    EXPECT_FALSE(test::wait_for_receipt(node, hash).is_null());
    EXPECT_EQ(node.terminate(SIGTERM), 0);
}

TEST(QtmPrune, QtmdPrunesAsBlocksCommitWithStateHistory) {
    test::TestDir dir{"qtmd-prune"};
    // Epochs of 20 blocks: the set of heights 21 to 40 is read from the state of block 20.
    QtmdProcess node{dir.path() / "data",
                     {"--block-time", "0.1", "--state-history", "4", "--dev-epoch-length", "20"}};
    // The first prune runs at block 32 (every 32 blocks) and keeps blocks 29 to 32, and block
    // 20's state and those after it, which the validator set of heights up to 40 needs.
    ASSERT_TRUE(
        test::wait_until([&] { return test::block_number(node) >= 33; }, std::chrono::seconds{60}));
    const Json epoch_state = node.call("eth_getBalance", Json::array({kRecipient, "0x14"}));
    EXPECT_TRUE(epoch_state.contains("result")) << epoch_state.dump();
    const Json before_epoch = node.call("eth_getBalance", Json::array({kRecipient, "0x13"}));
    EXPECT_TRUE(before_epoch.contains("error")) << before_epoch.dump();
    const Json old = node.call("eth_getBalance", Json::array({kRecipient, "0x1"}));
    ASSERT_TRUE(old.contains("error")) << old.dump();
    EXPECT_NE(old.at("error").at("message").get<std::string>().find(
                  "state not available: the state of block 1 "),
              std::string::npos)
        << old.dump();
    // The block below the head is always among the last 4 states, whenever the prune ran.
    const Json recent =
        node.call("eth_getBalance",
                  Json::array({kRecipient, test::hex_quantity(test::block_number(node) - 1)}));
    EXPECT_TRUE(recent.contains("result")) << recent.dump();
    EXPECT_EQ(node.terminate(SIGTERM), 0);
    const auto checked = test::run_qtm("db check --quiet " + (dir.path() / "data").string());
    EXPECT_EQ(checked.status, 0) << checked.out << checked.err;
}

TEST(QtmPrune, AnArchiveNodeKeepsEveryState) {
    test::TestDir dir{"qtmd-archive"};
    QtmdProcess node{dir.path() / "data", {"--block-time", "0.1", "--state-history", "0"}};
    ASSERT_TRUE(
        test::wait_until([&] { return test::block_number(node) >= 33; }, std::chrono::seconds{60}));
    const Json old = node.call("eth_getBalance", Json::array({kRecipient, "0x1"}));
    EXPECT_EQ(old.at("result"), "0x0") << old.dump();
    EXPECT_EQ(node.terminate(SIGTERM), 0);
}

}  // namespace
}  // namespace qtm
