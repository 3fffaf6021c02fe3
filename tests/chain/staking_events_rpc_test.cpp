// Block-level staking events over JSON-RPC (docs/protocol.md, "Block-level logs"): a chain
// grown by the real executor with double-sign evidence, served by the real RPC handlers over
// its database: eth_getLogs by address and topic, the pseudo receipt of the derived hash,
// eth_newFilter / eth_getFilterChanges / eth_getFilterLogs, and a logs subscription.
#include <gtest/gtest.h>

#include "base/hex.hpp"
#include "chain/staking/abi.hpp"
#include "chain/staking/contract.hpp"
#include "chain/staking/store.hpp"
#include "rpc/chain_reader.hpp"
#include "rpc/eth_api.hpp"
#include "rpc/subscriptions.hpp"
#include "slashing_support.hpp"

namespace qtm::chain::staking {
namespace {

using testing::SlashingChain;
using testing::small_testnet;

class NoState final : public PoolStateReader {
public:
    std::uint64_t nonce(const Address&) const override { return 0; }
    U256 balance(const Address&) const override { return U256{}; }
    std::optional<state::RegisteredKey> registered_key(const Address&) const override {
        return std::nullopt;
    }
};

// The RPC backend over a SlashingChain's database (read methods only).
class ChainBackend final : public rpc::Backend {
public:
    explicit ChainBackend(SlashingChain& chain)
        : chain_{chain}, pool_{TxPoolConfig{.chain_id = chain.spec().chain_id}, state_} {}
    const ChainSpec& spec() const override { return chain_.spec(); }
    const Hash32& genesis_hash() const override { return genesis_; }
    storage::Database& database() override { return chain_.db(); }
    storage::NodeCache* node_cache() override { return nullptr; }
    Header head() const override { return chain_.head(); }
    U256 next_base_fee() const override {
        return chain::next_base_fee(chain_.spec(), chain_.head());
    }
    TxPool& pool() override { return pool_; }
    Result<Hash32, std::string> submit_transaction(const Transaction&) override {
        return unexpected(std::string{"read-only test backend"});
    }
    const AccountKey* signer(const Address&) const override { return nullptr; }
    std::vector<Address> accounts() const override { return {}; }

private:
    SlashingChain& chain_;
    Hash32 genesis_{};
    NoState state_;
    TxPool pool_;
};

class Collector final : public rpc::Subscriber {
public:
    void deliver(std::string message) override { messages.push_back(rpc::Json::parse(message)); }
    std::vector<rpc::Json> messages;
};

std::string hex32(const Hash32& hash) {
    return to_hex(hash);
}
std::string topic_of(std::string_view signature) {
    return hex32(abi::event_topic(signature));
}
std::string address_topic(const Address& address) {
    return hex32(abi::word_topic(abi::address_word(address)));
}

class StakingEventsRpc : public ::testing::Test {
protected:
    StakingEventsRpc() : chain_{small_testnet(4, 100, 3)}, backend_{chain_} {
        rpc::register_api(dispatcher_, backend_, rpc::ApiLimits{});
        for (int i = 0; i < 3; ++i)
            EXPECT_TRUE(chain_.extend({}).has_value());
        auto world = chain_.head_state();
        Meter meter{*world, staking_address(), Meter::kUnlimited};
        Store store{meter};
        culprit_ = *store.operator_of(chain_.validators_at(2).set.at(1).address);
    }

    // Extends the chain with the double sign of validator 1 at height 2 (block 4).
    void add_evidence_block() {
        auto block = chain_.extend({.evidence = {chain_.double_sign(1, 2)}});
        ASSERT_TRUE(block.has_value()) << block.error().message;
        ASSERT_EQ(block->block_logs.size(), 2u);
        evidence_block_ = std::move(*block);
    }

    rpc::Json call(const std::string& method, rpc::Json params) {
        const rpc::Json request{
            {"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", std::move(params)}};
        const auto answer = dispatcher_.handle(request.dump());
        EXPECT_TRUE(answer.has_value());
        const rpc::Json reply = rpc::Json::parse(*answer);
        EXPECT_FALSE(reply.contains("error")) << method << ": " << reply.dump();
        return reply.value("result", rpc::Json{});
    }

    std::string pseudo_hash() const {
        return hex32(block_logs_hash(evidence_block_.block.header.number, evidence_block_.hash));
    }

    SlashingChain chain_;
    ChainBackend backend_;
    rpc::Dispatcher dispatcher_;
    Address culprit_{};
    ExecutedBlock evidence_block_;
};

TEST_F(StakingEventsRpc, GetLogsFindsThemByAddressAndTopic) {
    add_evidence_block();
    const std::string staking = to_hex(staking_address());
    const rpc::Json slashed = call("eth_getLogs", {{{"fromBlock", "0x0"},
                                                    {"toBlock", "latest"},
                                                    {"address", staking},
                                                    {"topics", {topic_of(signature::kSlashed)}}}});
    ASSERT_EQ(slashed.size(), 1u);
    const rpc::Json& log = slashed[0];
    EXPECT_EQ(log["address"], staking);
    EXPECT_EQ(log["topics"], (rpc::Json{topic_of(signature::kSlashed), address_topic(culprit_)}));
    EXPECT_EQ(log["data"], to_hex(evidence_block_.block_logs[0].data));
    EXPECT_EQ(log["blockNumber"], "0x4");
    EXPECT_EQ(log["blockHash"], hex32(evidence_block_.hash));
    EXPECT_EQ(log["transactionHash"], pseudo_hash());
    EXPECT_EQ(log["transactionIndex"], "0x0");  // the block has no transactions
    EXPECT_EQ(log["logIndex"], "0x0");
    EXPECT_EQ(log["removed"], false);

    // By the indexed validator, any event: Slashed and Tombstoned, in order.
    const rpc::Json by_validator = call(
        "eth_getLogs", {{{"fromBlock", "0x1"}, {"topics", {nullptr, address_topic(culprit_)}}}});
    ASSERT_EQ(by_validator.size(), 2u);
    EXPECT_EQ(by_validator[1]["topics"][0], topic_of(signature::kTombstoned));
    EXPECT_EQ(by_validator[1]["logIndex"], "0x1");
    EXPECT_EQ(by_validator[1]["transactionHash"], pseudo_hash());
    // No Jailed in this chain; by block hash, both.
    EXPECT_TRUE(
        call("eth_getLogs", {{{"fromBlock", "0x0"}, {"topics", {topic_of(signature::kJailed)}}}})
            .empty());
    EXPECT_EQ(call("eth_getLogs", {{{"blockHash", hex32(evidence_block_.hash)}}}).size(), 2u);
    // Blocks before it have none.
    EXPECT_TRUE(call("eth_getLogs", {{{"fromBlock", "0x0"}, {"toBlock", "0x3"}}}).empty());
}

TEST_F(StakingEventsRpc, TheDerivedHashHasAPseudoReceipt) {
    add_evidence_block();
    const rpc::Json receipt = call("eth_getTransactionReceipt", {pseudo_hash()});
    ASSERT_TRUE(receipt.is_object()) << receipt.dump();
    const std::string staking = to_hex(staking_address());
    EXPECT_EQ(receipt["transactionHash"], pseudo_hash());
    EXPECT_EQ(receipt["transactionIndex"], "0x0");
    EXPECT_EQ(receipt["blockHash"], hex32(evidence_block_.hash));
    EXPECT_EQ(receipt["blockNumber"], "0x4");
    EXPECT_EQ(receipt["from"], staking);
    EXPECT_EQ(receipt["to"], staking);
    EXPECT_EQ(receipt["status"], "0x1");
    EXPECT_EQ(receipt["gasUsed"], "0x0");
    EXPECT_EQ(receipt["contractAddress"], nullptr);
    ASSERT_EQ(receipt["logs"].size(), 2u);
    EXPECT_EQ(receipt["logs"][1]["topics"][0], topic_of(signature::kTombstoned));
    EXPECT_EQ(receipt["logsBloom"], to_hex(logs_bloom(evidence_block_.block_logs)));
    // It is not a transaction; a block hash is not a receipt; a block without block-level
    // logs has no pseudo receipt.
    EXPECT_EQ(call("eth_getTransactionByHash", {pseudo_hash()}), nullptr);
    EXPECT_EQ(call("eth_getTransactionReceipt", {hex32(evidence_block_.hash)}), nullptr);
    const Header third = chain_.headers()[3];
    EXPECT_EQ(call("eth_getTransactionReceipt", {hex32(block_logs_hash(3, block_hash(third)))}),
              nullptr);
    // eth_getBlockReceipts lists the transactions' receipts only (the receipts root's).
    EXPECT_TRUE(call("eth_getBlockReceipts", {"0x4"}).empty());
}

TEST_F(StakingEventsRpc, FiltersDeliverThem) {
    const std::string id = call("eth_newFilter", {{{"address", to_hex(staking_address())}}});
    EXPECT_TRUE(call("eth_getFilterChanges", {id}).empty());
    add_evidence_block();
    const rpc::Json changes = call("eth_getFilterChanges", {id});
    ASSERT_EQ(changes.size(), 2u);
    EXPECT_EQ(changes[0]["topics"][0], topic_of(signature::kSlashed));
    EXPECT_EQ(changes[1]["topics"][0], topic_of(signature::kTombstoned));
    EXPECT_EQ(changes[0]["transactionHash"], pseudo_hash());
    EXPECT_TRUE(call("eth_getFilterChanges", {id}).empty());  // delivered once
    const rpc::Json all = call("eth_getFilterLogs", {id});
    EXPECT_EQ(all, changes);
}

TEST_F(StakingEventsRpc, ALogsSubscriptionDeliversThem) {
    add_evidence_block();
    rpc::SubscriptionHub hub;
    auto collector = std::make_shared<Collector>();
    const std::string id =
        hub.subscribe(collector, rpc::SubscriptionHub::Kind::kLogs,
                      rpc::parse_log_filter({{"address", to_hex(staking_address())},
                                             {"topics", {topic_of(signature::kSlashed)}}}));
    // What the node hands the hub for a committed block (apps/qtmd/main.cpp).
    rpc::BlockNotification block{evidence_block_.block.header,
                                 evidence_block_.hash,
                                 {},
                                 evidence_block_.receipts,
                                 evidence_block_.block_logs};
    hub.on_block(block);
    ASSERT_EQ(collector->messages.size(), 1u);
    const rpc::Json& result = collector->messages[0]["params"]["result"];
    EXPECT_EQ(collector->messages[0]["params"]["subscription"], id);
    EXPECT_EQ(result["topics"][1], address_topic(culprit_));
    EXPECT_EQ(result["transactionHash"], pseudo_hash());
    EXPECT_EQ(result["transactionIndex"], "0x0");
    // The same log as eth_getLogs serves.
    const rpc::Json logs = call("eth_getLogs", {{{"blockHash", hex32(evidence_block_.hash)}}});
    EXPECT_EQ(result, logs[0]);
}

}  // namespace
}  // namespace qtm::chain::staking
