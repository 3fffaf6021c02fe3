// The subscription hub without sockets: notification shapes, filters, ownership, limits,
// and eth_subscribe/eth_unsubscribe through the Dispatcher with and without a connection.
#include "rpc/subscriptions.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

namespace qtm::rpc {
namespace {

class Collector : public Subscriber {
public:
    void deliver(std::string message) override { messages.push_back(Json::parse(message)); }
    std::vector<Json> messages;
};

Hash32 filled(std::uint8_t byte) {
    Hash32 out{};
    out.fill(byte);
    return out;
}

Address address_of(std::uint8_t byte) {
    Address out{};
    out.fill(byte);
    return out;
}

state::Log make_log(const Address& address, std::vector<Hash32> topics) {
    state::Log log;
    log.address = address;
    log.topics = std::move(topics);
    log.data = Bytes{0x2a};
    return log;
}

// Block 7 with two transactions: the first logs (A, [T1]) and (B, [T2]), the second (A, [T2]).
BlockNotification sample_block() {
    BlockNotification block;
    block.header.number = 7;
    block.header.gas_limit = 30'000'000;
    block.header.timestamp = 1234;
    block.header.base_fee = U256{1'000'000'000};
    block.hash = filled(0xbb);
    block.transaction_hashes = {filled(0x01), filled(0x02)};
    block.receipts.resize(2);
    block.receipts[0].logs = {make_log(address_of(0xaa), {filled(0x11)}),
                              make_log(address_of(0xbb), {filled(0x22)})};
    block.receipts[1].logs = {make_log(address_of(0xaa), {filled(0x22)})};
    for (const auto& receipt : block.receipts) {
        for (const auto& log : receipt.logs) {
            chain::add_to_bloom(block.header.logs_bloom, log.address);
            for (const auto& topic : log.topics)
                chain::add_to_bloom(block.header.logs_bloom, topic);
        }
    }
    return block;
}

std::string hex_of(std::uint8_t byte, std::size_t bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out = "0x";
    for (std::size_t i = 0; i < bytes; ++i) {
        out += kDigits[byte >> 4];
        out += kDigits[byte & 0xf];
    }
    return out;
}

void expect_notification(const Json& message, const std::string& id) {
    EXPECT_EQ(message.at("jsonrpc"), "2.0");
    EXPECT_EQ(message.at("method"), "eth_subscription");
    EXPECT_FALSE(message.contains("id"));
    EXPECT_EQ(message.at("params").at("subscription"), id);
}

TEST(SubscriptionHub, IdsAreSixteenRandomHexDigits) {
    SubscriptionHub hub;
    auto collector = std::make_shared<Collector>();
    const std::regex shape{"0x[0-9a-f]{16}"};
    const std::string first = hub.subscribe(collector, SubscriptionHub::Kind::kNewHeads);
    const std::string second = hub.subscribe(collector, SubscriptionHub::Kind::kNewHeads);
    EXPECT_TRUE(std::regex_match(first, shape)) << first;
    EXPECT_TRUE(std::regex_match(second, shape)) << second;
    EXPECT_NE(first, second);
    EXPECT_EQ(hub.size(), 2U);
}

TEST(SubscriptionHub, NewHeadsCarriesTheHeaderFieldsOfTheBlockObject) {
    SubscriptionHub hub;
    auto collector = std::make_shared<Collector>();
    const std::string id = hub.subscribe(collector, SubscriptionHub::Kind::kNewHeads);
    hub.on_block(sample_block());
    ASSERT_EQ(collector->messages.size(), 1U);
    const Json& message = collector->messages[0];
    expect_notification(message, id);
    const Json& head = message.at("params").at("result");
    EXPECT_EQ(head.at("number"), "0x7");
    EXPECT_EQ(head.at("hash"), hex_of(0xbb, 32));
    EXPECT_EQ(head.at("timestamp"), "0x4d2");
    EXPECT_EQ(head.at("baseFeePerGas"), "0x3b9aca00");
    EXPECT_EQ(head.at("gasLimit"), "0x1c9c380");
    for (const char* field :
         {"parentHash", "stateRoot", "transactionsRoot", "receiptsRoot", "logsBloom", "miner",
          "extraData", "mixHash", "nonce", "withdrawalsRoot", "blobGasUsed", "excessBlobGas",
          "parentBeaconBlockRoot"}) {
        EXPECT_TRUE(head.contains(field)) << field;
    }
    for (const char* field : {"transactions", "uncles", "size", "totalDifficulty", "withdrawals"}) {
        EXPECT_FALSE(head.contains(field)) << field;
    }
}

TEST(SubscriptionHub, LogsFollowTheFilterWithBlockWideLogIndexes) {
    SubscriptionHub hub;
    auto collector = std::make_shared<Collector>();
    const std::string by_address =
        hub.subscribe(collector, SubscriptionHub::Kind::kLogs,
                      parse_log_filter(Json{{"address", hex_of(0xaa, 20)}}));
    const std::string by_topic =
        hub.subscribe(collector, SubscriptionHub::Kind::kLogs,
                      parse_log_filter(Json{{"topics", Json::array({hex_of(0x22, 32)})}}));
    const std::string nothing =
        hub.subscribe(collector, SubscriptionHub::Kind::kLogs,
                      parse_log_filter(Json{{"address", hex_of(0xcc, 20)}}));
    const std::string everything =
        hub.subscribe(collector, SubscriptionHub::Kind::kLogs, parse_log_filter(Json::object()));
    hub.on_block(sample_block());

    std::map<std::string, std::vector<Json>> by_id;
    for (const auto& message : collector->messages) {
        expect_notification(message, message.at("params").at("subscription"));
        by_id[message.at("params").at("subscription")].push_back(message.at("params").at("result"));
    }
    EXPECT_FALSE(by_id.contains(nothing));
    ASSERT_EQ(by_id[by_address].size(), 2U);
    EXPECT_EQ(by_id[by_address][0].at("logIndex"), "0x0");
    EXPECT_EQ(by_id[by_address][1].at("logIndex"), "0x2");
    EXPECT_EQ(by_id[by_address][1].at("transactionHash"), hex_of(0x02, 32));
    EXPECT_EQ(by_id[by_address][1].at("transactionIndex"), "0x1");
    ASSERT_EQ(by_id[by_topic].size(), 2U);
    EXPECT_EQ(by_id[by_topic][0].at("address"), hex_of(0xbb, 20));
    EXPECT_EQ(by_id[by_topic][0].at("logIndex"), "0x1");
    EXPECT_EQ(by_id[by_topic][0].at("blockNumber"), "0x7");
    EXPECT_EQ(by_id[by_topic][0].at("blockHash"), hex_of(0xbb, 32));
    EXPECT_EQ(by_id[by_topic][0].at("data"), "0x2a");
    EXPECT_EQ(by_id[by_topic][0].at("removed"), false);
    EXPECT_EQ(by_id[everything].size(), 3U);
}

TEST(SubscriptionHub, PendingTransactionsAreHashes) {
    SubscriptionHub hub;
    auto collector = std::make_shared<Collector>();
    const std::string id = hub.subscribe(collector, SubscriptionHub::Kind::kNewPendingTransactions);
    (void)hub.subscribe(collector, SubscriptionHub::Kind::kNewHeads);
    EXPECT_TRUE(hub.wants_blocks());
    hub.on_pending_transaction(filled(0x5a));
    ASSERT_EQ(collector->messages.size(), 1U);
    expect_notification(collector->messages[0], id);
    EXPECT_EQ(collector->messages[0].at("params").at("result"), hex_of(0x5a, 32));
}

TEST(SubscriptionHub, OnlyTheOwnerUnsubscribesAndDroppingEndsEverySubscription) {
    SubscriptionHub hub;
    auto alice = std::make_shared<Collector>();
    auto bob = std::make_shared<Collector>();
    const std::string heads = hub.subscribe(alice, SubscriptionHub::Kind::kNewHeads);
    (void)hub.subscribe(alice, SubscriptionHub::Kind::kNewPendingTransactions);
    const std::string bobs = hub.subscribe(bob, SubscriptionHub::Kind::kNewHeads);
    EXPECT_FALSE(hub.unsubscribe(bob.get(), heads));
    EXPECT_TRUE(hub.unsubscribe(alice.get(), heads));
    EXPECT_FALSE(hub.unsubscribe(alice.get(), heads));
    hub.on_block(sample_block());
    EXPECT_TRUE(alice->messages.empty());
    EXPECT_EQ(bob->messages.size(), 1U);
    hub.drop(alice.get());
    EXPECT_EQ(hub.size(), 1U);
    hub.on_pending_transaction(filled(1));
    EXPECT_TRUE(alice->messages.empty());
    EXPECT_TRUE(hub.unsubscribe(bob.get(), bobs));
    EXPECT_FALSE(hub.wants_blocks());
}

TEST(SubscriptionHub, AClosedConnectionIsForgotten) {
    SubscriptionHub hub;
    auto gone = std::make_shared<Collector>();
    (void)hub.subscribe(gone, SubscriptionHub::Kind::kNewHeads);
    gone.reset();
    hub.on_block(sample_block());
    EXPECT_EQ(hub.size(), 0U);
}

TEST(SubscriptionHub, LimitsSubscriptionsPerConnection) {
    SubscriptionHub hub{2};
    auto collector = std::make_shared<Collector>();
    auto other = std::make_shared<Collector>();
    (void)hub.subscribe(collector, SubscriptionHub::Kind::kNewHeads);
    (void)hub.subscribe(collector, SubscriptionHub::Kind::kNewHeads);
    try {
        (void)hub.subscribe(collector, SubscriptionHub::Kind::kNewHeads);
        FAIL() << "a third subscription was accepted";
    } catch (const RpcError& error) {
        EXPECT_EQ(error.code, code::kLimitExceeded);
    }
    EXPECT_NO_THROW((void)hub.subscribe(other, SubscriptionHub::Kind::kNewHeads));
}

Json call(const Dispatcher& dispatcher, const std::string& method, const Json& params) {
    const Json request = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
    return Json::parse(*dispatcher.handle(request.dump()));
}

TEST(SubscriptionApi, WithoutAConnectionNotificationsAreNotSupported) {
    SubscriptionHub hub;
    Dispatcher dispatcher;
    register_subscription_api(dispatcher, hub);
    const Json answer = call(dispatcher, "eth_subscribe", Json::array({"newHeads"}));
    EXPECT_EQ(answer.at("error").at("code"), -32601);
    EXPECT_EQ(answer.at("error").at("message"), "notifications not supported");
    EXPECT_EQ(call(dispatcher, "eth_unsubscribe", Json::array({"0x1"})).at("error").at("code"),
              -32601);
    EXPECT_EQ(hub.size(), 0U);
}

TEST(SubscriptionApi, SubscribesAndUnsubscribesForTheScopedConnection) {
    SubscriptionHub hub;
    Dispatcher dispatcher;
    register_subscription_api(dispatcher, hub);
    auto collector = std::make_shared<Collector>();
    const SubscriberScope scope{collector};
    const Json heads = call(dispatcher, "eth_subscribe", Json::array({"newHeads"}));
    ASSERT_TRUE(heads.contains("result")) << heads.dump();
    const Json logs = call(dispatcher, "eth_subscribe",
                           Json::array({"logs",
                                        {{"address", Json::array({hex_of(0xaa, 20)})},
                                         {"topics", Json::array({nullptr, hex_of(0x22, 32)})}}}));
    ASSERT_TRUE(logs.contains("result")) << logs.dump();
    EXPECT_EQ(hub.size(), 2U);
    hub.on_block(sample_block());
    // newHeads, and nothing for logs: no log of 0xaa has a second topic.
    ASSERT_EQ(collector->messages.size(), 1U);
    EXPECT_EQ(collector->messages[0].at("params").at("subscription"), heads.at("result"));

    EXPECT_EQ(call(dispatcher, "eth_unsubscribe", Json::array({heads.at("result")})).at("result"),
              true);
    EXPECT_EQ(call(dispatcher, "eth_unsubscribe", Json::array({heads.at("result")})).at("result"),
              false);
    EXPECT_EQ(call(dispatcher, "eth_subscribe", Json::array({"syncing"})).at("error").at("code"),
              -32601);
    EXPECT_EQ(call(dispatcher, "eth_subscribe", Json::array({"logs", {{"topics", "0x12"}}}))
                  .at("error")
                  .at("code"),
              -32602);
    EXPECT_EQ(call(dispatcher, "eth_subscribe", Json::array()).at("error").at("code"), -32602);
    EXPECT_EQ(
        call(dispatcher, "eth_subscribe", Json::array({"newHeads", true})).at("error").at("code"),
        -32602);
    EXPECT_EQ(hub.size(), 1U);
}

}  // namespace
}  // namespace qtm::rpc
