// eth_simulateV1 through the real dispatcher over a chain built by the real executor. The
// expected values come from the execution-apis specification (eth/execute.yaml) and EIP-7528
// for the transfer logs, and from QTM's gas schedule: a transfer from a registered ML-DSA-44
// sender costs 21,000 + 4,500 gas; from an address without a registered key it also pays the
// key registration (20,000 + 16 per byte of the 1,312-byte key).
#include <gtest/gtest.h>

#include <string>

#include "base/hex.hpp"
#include "rpc/eth_api.hpp"
#include "rpc/params.hpp"
#include "rpc/simulate.hpp"
#include "test_chain_support.hpp"
#include "trace_support.hpp"

namespace qtm::rpc {
namespace {

using test::TestChain;

// Without call data: returns SLOAD(0); with: SSTORE(0, CALLDATALOAD(0)).
const char* const kStore = "36 600f 57 6000 54 6000 52 6020 6000 f3 5b 6000 35 6000 55 00";
// Returns BLOCKHASH(CALLDATALOAD(0)).
const char* const kBlockHash = "6000 35 40 6000 52 6020 6000 f3";
// Reverts with the 4 bytes 0xdeadbeef.
const char* const kRevert = "63deadbeef 6000 52 6004 601c fd";
// LOG1(0, 0, topic 0x07), then CALLs address 0xb0b0 with value 3 and no gas beyond the
// stipend, then STOP.
const char* const kLogAndPay = "6007 6000 6000 a1 6000 6000 6000 6000 6003 61b0b0 6000 f1 50 00";

constexpr std::uint64_t kRegisteredTransferGas = 21'000 + 4'500;
constexpr std::uint64_t kKeyRegistrationGas = 20'000 + 16 * 1'312;

std::string hex(const Address& address) {
    return to_hex(address);
}
std::string word_of(const Address& address) {
    return "0x000000000000000000000000" + to_hex(address).substr(2);
}

class Simulate : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        chain_ = new TestChain;
        // Block 1: both dev accounts register their keys with a transfer.
        chain_->add_block({chain_->tx(0, test::address_of(0xb0b0), {}, 1000),
                           chain_->tx(1, test::address_of(0xb0b0), {}, 1000)});
    }
    static void TearDownTestSuite() { delete chain_; }
    Simulate() { register_api(dispatcher_, *chain_, limits_); }

    Json reply(Json params) {
        const Json request{{"jsonrpc", "2.0"},
                           {"id", 1},
                           {"method", "eth_simulateV1"},
                           {"params", std::move(params)}};
        const auto answer = dispatcher_.handle(request.dump());
        EXPECT_TRUE(answer.has_value());
        return Json::parse(*answer);
    }
    Json simulate(Json payload, Json block = "latest") {
        const Json answer = reply({std::move(payload), std::move(block)});
        EXPECT_FALSE(answer.contains("error")) << answer.dump();
        return answer.value("result", Json{});
    }
    int error_code(Json payload) {
        const Json answer = reply({std::move(payload), "latest"});
        EXPECT_TRUE(answer.contains("error")) << answer.dump();
        return answer.contains("error") ? answer["error"]["code"].get<int>() : 0;
    }
    Json head_block() {
        const Json request{{"jsonrpc", "2.0"},
                           {"id", 1},
                           {"method", "eth_getBlockByNumber"},
                           {"params", {"latest", false}}};
        return Json::parse(*dispatcher_.handle(request.dump()))["result"];
    }
    static Json code_override(const Address& address, const char* listing) {
        return {{hex(address), {{"code", "0x" + to_hex(test::code(listing)).substr(2)}}}};
    }

    static TestChain* chain_;
    ApiLimits limits_;
    Dispatcher dispatcher_;
};

TestChain* Simulate::chain_ = nullptr;

TEST_F(Simulate, ATransferIsATransactionWithItsGasAndNoWrite) {
    const Address to = test::address_of(0xc0c0);
    const Json blocks = simulate(
        {{"blockStateCalls",
          {{{"calls",
             {{{"from", hex(chain_->address(0))}, {"to", hex(to)}, {"value", "0x5"}}}}}}}});
    ASSERT_EQ(blocks.size(), 1u);
    const Json& block = blocks[0];
    const Json head = head_block();
    EXPECT_EQ(block["number"], "0x2");
    EXPECT_EQ(block["parentHash"], head["hash"]);
    EXPECT_EQ(block["baseFeePerGas"], "0x0");  // no validation: no base fee unless overridden
    EXPECT_EQ(block["gasUsed"], quantity(kRegisteredTransferGas));
    EXPECT_NE(block["stateRoot"], head["stateRoot"]);
    ASSERT_EQ(block["calls"].size(), 1u);
    const Json& call = block["calls"][0];
    EXPECT_EQ(call["status"], "0x1");
    EXPECT_EQ(call["returnData"], "0x");
    EXPECT_EQ(call["gasUsed"], quantity(kRegisteredTransferGas));
    EXPECT_EQ(call["logs"], Json::array());
    EXPECT_FALSE(call.contains("error"));
    ASSERT_EQ(block["transactions"].size(), 1u);
    EXPECT_TRUE(block["transactions"][0].is_string());

    // Nothing was written: the head and the recipient's balance are as before.
    EXPECT_EQ(head_block()["hash"], head["hash"]);
    EXPECT_EQ(chain_->head().number, 1u);
    const Json balance = Json::parse(*dispatcher_.handle(Json{
        {"jsonrpc", "2.0"},
        {"id", 1},
        {"method", "eth_getBalance"},
        {"params", {hex(to), "latest"}}}.dump()));
    EXPECT_EQ(balance["result"], "0x0");
}

TEST_F(Simulate, AnEmptyBlockKeepsTheBaseStateRoot) {
    const Json blocks = simulate({{"blockStateCalls", {Json::object()}}});
    ASSERT_EQ(blocks.size(), 1u);
    EXPECT_EQ(blocks[0]["stateRoot"], head_block()["stateRoot"]);
    EXPECT_EQ(blocks[0]["gasUsed"], "0x0");
    EXPECT_EQ(blocks[0]["calls"], Json::array());
    EXPECT_EQ(blocks[0]["transactions"], Json::array());
}

TEST_F(Simulate, TraceTransfersAddsERC7528LogsInExecutionOrder) {
    const Address contract = test::address_of(0x10a1);
    const Address from = chain_->address(1);
    const Json blocks = simulate(
        {{"traceTransfers", true},
         {"blockStateCalls",
          {{{"stateOverrides", code_override(contract, kLogAndPay)},
            {"calls",
             {{{"from", hex(from)}, {"to", hex(contract)}, {"value", "0x64"}},
              {{"from", hex(from)}, {"to", hex(test::address_of(0xd0d0))}, {"value", "0x1"}}}}}}}});
    const Json& block = blocks[0];
    const Json& first = block["calls"][0];
    ASSERT_EQ(first["status"], "0x1") << first.dump();
    ASSERT_EQ(first["logs"].size(), 3u) << first.dump();
    const std::string transfer_topic =
        "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
    const std::string native = "0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
    // The transaction's own value, the contract's LOG1, then the CALL's value.
    EXPECT_EQ(first["logs"][0]["address"], native);
    EXPECT_EQ(first["logs"][0]["topics"], (Json{transfer_topic, word_of(from), word_of(contract)}));
    EXPECT_EQ(first["logs"][0]["data"], "0x" + std::string(62, '0') + "64");
    EXPECT_EQ(first["logs"][1]["address"], hex(contract));
    EXPECT_EQ(first["logs"][1]["topics"], (Json{"0x" + std::string(63, '0') + "7"}));
    EXPECT_EQ(first["logs"][2]["topics"],
              (Json{transfer_topic, word_of(contract), word_of(test::address_of(0xb0b0))}));
    EXPECT_EQ(first["logs"][2]["data"], "0x" + std::string(63, '0') + "3");
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(first["logs"][i]["logIndex"], quantity(std::uint64_t{i}));
        EXPECT_EQ(first["logs"][i]["blockHash"], block["hash"]);
        EXPECT_EQ(first["logs"][i]["transactionHash"], block["transactions"][0]);
    }
    // Block-wide log indices; the receipt-level bloom has only the real log.
    const Json& second = block["calls"][1];
    ASSERT_EQ(second["logs"].size(), 1u);
    EXPECT_EQ(second["logs"][0]["logIndex"], "0x3");
    EXPECT_EQ(second["logs"][0]["transactionIndex"], "0x1");

    // Without traceTransfers only the contract's log remains.
    const Json plain = simulate(
        {{"blockStateCalls",
          {{{"stateOverrides", code_override(contract, kLogAndPay)},
            {"calls", {{{"from", hex(from)}, {"to", hex(contract)}, {"value", "0x64"}}}}}}}});
    ASSERT_EQ(plain[0]["calls"][0]["logs"].size(), 1u);
    EXPECT_EQ(plain[0]["calls"][0]["logs"][0]["address"], hex(contract));
}

TEST_F(Simulate, StateCarriesFromBlockToBlockAndBlockHashSeesSimulatedBlocks) {
    const Address store = test::address_of(0x5707);
    const Address hasher = test::address_of(0xb10c);
    Json overrides = code_override(store, kStore);
    overrides.update(code_override(hasher, kBlockHash));
    const std::string from = hex(chain_->address(0));
    const Json blocks = simulate(
        {{"blockStateCalls",
          {{{"stateOverrides", overrides},
            {"calls",
             {{{"from", from},
               {"to", hex(store)},
               {"input", "0x" + std::string(62, '0') + "2a"}}}}},
           {{"calls",
             {{{"from", from}, {"to", hex(store)}},
              {{"from", from},
               {"to", hex(hasher)},
               {"input", "0x" + std::string(63, '0') + "2"}}}}},
           // The storage trie written by the first block is changed again: its nodes are read
           // back from the simulation's own folded state, which the database never held.
           {{"calls",
             {{{"from", from},
               {"to", hex(store)},
               {"input", "0x" + std::string(62, '0') + "2b"}}}}},
           {{"calls", {{{"from", from}, {"to", hex(store)}}}}}}}});
    ASSERT_EQ(blocks.size(), 4u);
    EXPECT_EQ(blocks[3]["calls"][0]["returnData"], "0x" + std::string(62, '0') + "2b");
    EXPECT_NE(blocks[2]["stateRoot"], blocks[1]["stateRoot"]);
    EXPECT_EQ(blocks[1]["number"], "0x3");
    EXPECT_EQ(blocks[1]["parentHash"], blocks[0]["hash"]);
    EXPECT_EQ(blocks[1]["calls"][0]["returnData"], "0x" + std::string(62, '0') + "2a");
    EXPECT_EQ(blocks[1]["calls"][1]["returnData"], blocks[0]["hash"]);
    // Timestamps step by the chain's block time (2 s for dev).
    const auto time = [](const Json& b) {
        return std::stoull(b["timestamp"].get<std::string>(), nullptr, 16);
    };
    EXPECT_EQ(time(blocks[0]), chain_->head().timestamp + 2);
    EXPECT_EQ(time(blocks[1]), chain_->head().timestamp + 4);
    // Nonces advance within the simulation.
    const Json full = simulate(
        {{"returnFullTransactions", true},
         {"blockStateCalls",
          {{{"calls", {{{"from", from}, {"to", from}}, {{"from", from}, {"to", from}}}}}}}});
    const Json& txs = full[0]["transactions"];
    ASSERT_EQ(txs.size(), 2u);
    EXPECT_EQ(txs[0]["from"], from);
    EXPECT_EQ(txs[0]["nonce"], "0x1");
    EXPECT_EQ(txs[1]["nonce"], "0x2");
    EXPECT_EQ(txs[0]["type"], "0x51");
    EXPECT_NE(txs[0]["hash"], txs[1]["hash"]);
}

TEST_F(Simulate, AGapInNumbersIsFilledWithEmptyBlocks) {
    const Json blocks = simulate(
        {{"blockStateCalls",
          {Json::object(), {{"blockOverrides", {{"number", "0x6"}, {"time", "0xffffff00"}}}}}}});
    ASSERT_EQ(blocks.size(), 5u);
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        EXPECT_EQ(blocks[i]["number"], quantity(2 + i));
        if (i > 0) {
            EXPECT_EQ(blocks[i]["parentHash"], blocks[i - 1]["hash"]);
        }
    }
    EXPECT_EQ(blocks[4]["timestamp"], "0xffffff00");
    EXPECT_EQ(blocks[3]["timestamp"], quantity(chain_->head().timestamp + 8));
}

TEST_F(Simulate, FailedCallsAreResultsWithTheirErrors) {
    const Address reverter = test::address_of(0xdead);
    const Address invalid = test::address_of(0x00fe);
    Json overrides = code_override(reverter, kRevert);
    overrides.update(code_override(invalid, "fe"));
    const std::string from = hex(chain_->address(0));
    const Json blocks =
        simulate({{"blockStateCalls",
                   {{{"stateOverrides", overrides},
                     {"calls",
                      {{{"from", from}, {"to", hex(reverter)}},
                       {{"from", from}, {"to", hex(invalid)}, {"gas", "0x9c40"}}}}}}}});
    const Json& reverted = blocks[0]["calls"][0];
    EXPECT_EQ(reverted["status"], "0x0");
    EXPECT_EQ(reverted["returnData"], "0xdeadbeef");
    EXPECT_EQ(reverted["error"],
              (Json{{"code", -32000}, {"message", "execution reverted"}, {"data", "0xdeadbeef"}}));
    const Json& failed = blocks[0]["calls"][1];
    EXPECT_EQ(failed["status"], "0x0");
    EXPECT_EQ(failed["gasUsed"], "0x9c40");  // an exceptional halt uses all the gas
    EXPECT_EQ(failed["error"], (Json{{"code", -32015}, {"message", "invalid opcode: INVALID"}}));
}

TEST_F(Simulate, ValidationChecksNoncesAndFees) {
    const std::string from = hex(chain_->address(0));
    const Json wrong_nonce = {{"from", from}, {"to", from}, {"nonce", "0x7"}};
    // Without validation the nonce is not checked.
    EXPECT_EQ(
        simulate({{"blockStateCalls", {{{"calls", {wrong_nonce}}}}}})[0]["calls"][0]["status"],
        "0x1");
    EXPECT_EQ(error_code({{"validation", true},
                          {"blockStateCalls",
                           {{{"calls",
                              {{{"from", from},
                                {"to", from},
                                {"nonce", "0x7"},
                                {"maxFeePerGas", "0xe8d4a51000"}}}}}}}}),
              simulate_code::kNonceTooHigh);
    EXPECT_EQ(error_code({{"validation", true},
                          {"blockStateCalls",
                           {{{"calls",
                              {{{"from", from},
                                {"to", from},
                                {"nonce", "0x0"},
                                {"maxFeePerGas", "0xe8d4a51000"}}}}}}}}),
              simulate_code::kNonceTooLow);
    // With validation the base fee is the chain's next one, and no fee cap is below it.
    EXPECT_EQ(error_code({{"validation", true},
                          {"blockStateCalls", {{{"calls", {{{"from", from}, {"to", from}}}}}}}}),
              simulate_code::kBaseFeeTooLow);
    const Json valid = simulate(
        {{"validation", true},
         {"blockStateCalls",
          {{{"calls", {{{"from", from}, {"to", from}, {"maxFeePerGas", "0xe8d4a51000"}}}}}}}});
    EXPECT_EQ(valid[0]["baseFeePerGas"], quantity(chain_->next_base_fee()));
    EXPECT_EQ(valid[0]["calls"][0]["status"], "0x1");
}

TEST_F(Simulate, InvalidRequestsAreRefusedWithTheSpecsCodes) {
    const std::string from = hex(chain_->address(0));
    const std::string fresh = hex(test::address_of(0xf00d));
    EXPECT_EQ(error_code({{"blockStateCalls",
                           {{{"calls", {{{"from", fresh}, {"to", from}, {"value", "0x1"}}}}}}}}),
              simulate_code::kInsufficientFunds);
    EXPECT_EQ(error_code({{"blockStateCalls",
                           {{{"calls", {{{"from", from}, {"to", from}, {"gas", "0x5208"}}}}}}}}),
              simulate_code::kIntrinsicGas);  // 21000 is below QTM's 25,500
    EXPECT_EQ(
        error_code({{"blockStateCalls", {{{"calls", {{{"from", from}, {"gas", "0x2faf0800"}}}}}}}}),
        simulate_code::kBlockGasLimitReached);
    EXPECT_EQ(error_code({{"blockStateCalls", {{{"blockOverrides", {{"number", "0x1"}}}}}}}),
              simulate_code::kBlockNumberInvalid);
    EXPECT_EQ(error_code({{"blockStateCalls", {{{"blockOverrides", {{"time", "0x1"}}}}}}}),
              simulate_code::kBlockTimestampInvalid);
    EXPECT_EQ(
        error_code({{"blockStateCalls", {{{"blockOverrides", {{"number", quantity(2 + 256)}}}}}}}),
        simulate_code::kClientLimitExceeded);
    EXPECT_EQ(error_code({{"blockStateCalls", Json::array()}}), code::kInvalidParams);
    EXPECT_EQ(error_code({{"blockStateCalls", {Json::object()}}, {"tracetransfers", true}}),
              code::kInvalidParams);
    EXPECT_EQ(error_code({{"blockStateCalls",
                           {{{"stateOverrides", {{from, {{"movePrecompileToAddress", from}}}}}}}}}),
              code::kInvalidParams);
    EXPECT_EQ(error_code({{"traceTransfers", "yes"}, {"blockStateCalls", {Json::object()}}}),
              code::kInvalidParams);
    // 256 blocks past the base is the most.
    EXPECT_EQ(
        simulate({{"blockStateCalls", {{{"blockOverrides", {{"number", quantity(1 + 256)}}}}}}})
            .size(),
        256u);
}

TEST_F(Simulate, AnUnregisteredSenderPaysForItsKeyAsItsFirstTransactionWould) {
    const std::string fresh = hex(test::address_of(0xf00e));
    const Json blocks =
        simulate({{"blockStateCalls",
                   {{{"stateOverrides", {{fresh, {{"balance", "0xde0b6b3a7640000"}}}}},
                     {"calls", {{{"from", fresh}, {"to", fresh}}}}}}}});
    EXPECT_EQ(blocks[0]["calls"][0]["gasUsed"],
              quantity(kRegisteredTransferGas + kKeyRegistrationGas));
}

}  // namespace
}  // namespace qtm::rpc

namespace qtm::rpc {
namespace {

// The state root of a simulated block is the one the executor computes for the same
// transaction in a real block (same number, time, fee recipient, fees and gas), on a chain
// without a block reward (simulated blocks mint none).
TEST(SimulateRoots, ASimulatedBlockHasTheStateRootOfTheRealOne) {
    chain::ChainSpec spec = *chain::builtin_chain_spec("dev");
    spec.block_reward = U256{};
    TestChain chain{spec};
    chain.add_block({chain.tx(0, test::address_of(0xb0b0), {}, 1000)});
    ApiLimits limits;
    Dispatcher dispatcher;
    register_api(dispatcher, chain, limits);
    const Json request{
        {"jsonrpc", "2.0"},
        {"id", 1},
        {"method", "eth_simulateV1"},
        {"params",
         {{{"validation", true},
           {"blockStateCalls",
            {{{"calls",
               {{{"from", to_hex(chain.address(0))},
                 {"to", to_hex(test::address_of(0xc0c0))},
                 {"value", "0x5"},
                 {"nonce", "0x1"},
                 {"gas", quantity(std::uint64_t{300'000})},
                 {"maxFeePerGas", quantity(std::uint64_t{50'000'000'000})},
                 {"maxPriorityFeePerGas", quantity(std::uint64_t{1'000'000'000})}}}}}}}},
          "latest"}}};
    const Json simulated = Json::parse(*dispatcher.handle(request.dump()));
    ASSERT_TRUE(simulated.contains("result")) << simulated.dump();
    const auto real = chain.add_block({chain.tx(0, test::address_of(0xc0c0), {}, 5)});
    const Json& block = simulated["result"][0];
    EXPECT_EQ(block["stateRoot"], hex_data(real.block.header.state_root));
    EXPECT_EQ(block["receiptsRoot"], hex_data(real.block.header.receipts_root));
    EXPECT_EQ(block["gasUsed"], quantity(real.block.header.gas_used));
    EXPECT_EQ(block["baseFeePerGas"], quantity(real.block.header.base_fee));
}

}  // namespace
}  // namespace qtm::rpc
