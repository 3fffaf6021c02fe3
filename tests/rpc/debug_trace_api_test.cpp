// debug_traceTransaction, debug_traceBlockByNumber/ByHash and debug_traceCall through the
// real dispatcher over a chain built by the real executor (ML-DSA-signed transactions of two
// dev accounts): a contract deployed, called (a log and a storage write), called so that it
// reverts, and plain transfers. Every transaction's trace, replayed in block order, must
// agree with its receipt (gas used, status, logs), whichever tracer ran it.
#include <gtest/gtest.h>

#include <stdexcept>

#include "base/hex.hpp"
#include "chain/executor.hpp"
#include "chain/keys.hpp"
#include "chain/transaction.hpp"
#include "chain/txpool.hpp"
#include "rpc/eth_api.hpp"
#include "rpc/params.hpp"
#include "rpc/trace_deadline.hpp"
#include "storage/chain_store.hpp"
#include "storage/schema.hpp"
#include "test_chain_support.hpp"
#include "trace_support.hpp"

namespace qtm::rpc {
namespace {

// Runtime: with call data REVERT(0, 0); without: LOG0(0, 0); SSTORE(1, 1); STOP.
const char* const kRuntime = "36 600f 57 6000 6000 a0 6001 6001 55 00 5b 6000 6000 fd";
// Initcode: CODECOPY(0, 12, 21); RETURN(0, 21), then the 21-byte runtime.
const std::string kInitcode = std::string{"6015 600c 6000 39 6015 6000 f3 "} + kRuntime;

using test::TestChain;

class DebugTraceApi : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        chain_ = new TestChain;
        // Block 1: account 0 deploys the contract; account 1 sends a transfer.
        auto first = chain_->add_block({chain_->tx(0, std::nullopt, test::code(kInitcode)),
                                        chain_->tx(1, test::address_of(0xb0b0), {}, 1000)});
        contract_ = *first.results[0].contract_address;
        // Block 2: a call that logs and stores, one that reverts, a transfer.
        block2_ = new chain::ExecutedBlock{
            chain_->add_block({chain_->tx(0, contract_, {}), chain_->tx(1, contract_, {0x01}),
                               chain_->tx(0, chain_->address(1), {}, 5)})};
    }
    static void TearDownTestSuite() {
        delete block2_;
        delete chain_;
    }
    DebugTraceApi() { register_api(dispatcher_, *chain_, limits_); }

    Json reply(const std::string& method, Json params) {
        const Json request{
            {"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", std::move(params)}};
        const auto answer = dispatcher_.handle(request.dump());
        EXPECT_TRUE(answer.has_value());
        return Json::parse(*answer);
    }
    Json call(const std::string& method, Json params) {
        const Json answer = reply(method, std::move(params));
        EXPECT_FALSE(answer.contains("error")) << method << ": " << answer.dump();
        return answer.value("result", Json{});
    }

    static TestChain* chain_;
    static chain::ExecutedBlock* block2_;
    static Address contract_;
    ApiLimits limits_;
    Dispatcher dispatcher_;
};

TestChain* DebugTraceApi::chain_ = nullptr;
chain::ExecutedBlock* DebugTraceApi::block2_ = nullptr;
Address DebugTraceApi::contract_{};

TEST_F(DebugTraceApi, EveryTransactionsTraceAgreesWithItsReceipt) {
    for (const char* number : {"0x1", "0x2"}) {
        const Json block = call("eth_getBlockByNumber", {number, false});
        const Json logs_traced =
            call("debug_traceBlockByNumber",
                 {number, {{"tracer", "callTracer"}, {"tracerConfig", {{"withLog", true}}}}});
        const Json struct_traced = call("debug_traceBlockByNumber", {number, Json::object()});
        const Json by_hash =
            call("debug_traceBlockByHash", {block["hash"], {{"tracer", "callTracer"}}});
        ASSERT_EQ(block["transactions"].size(), std::string{number} == "0x1" ? 2u : 3u);
        ASSERT_EQ(logs_traced.size(), block["transactions"].size());
        ASSERT_EQ(struct_traced.size(), block["transactions"].size());
        ASSERT_EQ(by_hash.size(), block["transactions"].size());
        for (std::size_t i = 0; i < logs_traced.size(); ++i) {
            const Json hash = block["transactions"][i];
            const Json receipt = call("eth_getTransactionReceipt", Json::array({hash}));
            const bool failed = receipt["status"] == "0x0";
            // Block 2's second transaction reverts; the others succeed.
            EXPECT_EQ(failed, std::string{number} == "0x2" && i == 1);
            const Json& frame = logs_traced[i]["result"];
            EXPECT_EQ(logs_traced[i]["txHash"], hash);
            EXPECT_EQ(frame["gasUsed"], receipt["gasUsed"]) << number << " tx " << i;
            EXPECT_EQ(frame.contains("error"), failed);
            EXPECT_EQ(frame.value("logs", Json::array()).size(), receipt["logs"].size());
            EXPECT_EQ(frame["from"], receipt["from"]);
            const Json& logger = struct_traced[i]["result"];
            EXPECT_EQ(quantity(logger["gas"].get<std::uint64_t>()), receipt["gasUsed"]);
            EXPECT_EQ(logger["failed"], failed);
            // Tracing one transaction alone replays the ones before it: the same answer.
            EXPECT_EQ(call("debug_traceTransaction", {hash, {{"tracer", "callTracer"}}}),
                      by_hash[i]["result"]);
            EXPECT_EQ(call("debug_traceTransaction", Json::array({hash})), logger);
        }
    }
}

TEST_F(DebugTraceApi, TheCallTracerShapeOfAContractCall) {
    const Json trace = call("debug_traceTransaction",
                            {to_hex(block2_->results[0].hash),
                             {{"tracer", "callTracer"}, {"tracerConfig", {{"withLog", true}}}}});
    EXPECT_EQ(trace["type"], "CALL");
    EXPECT_EQ(trace["from"], to_hex(chain_->address(0)));
    EXPECT_EQ(trace["to"], to_hex(contract_));
    EXPECT_EQ(trace["gas"], "0x493e0");  // 300,000
    EXPECT_EQ(trace["value"], "0x0");
    EXPECT_EQ(trace["input"], "0x");
    EXPECT_FALSE(trace.contains("calls"));
    ASSERT_EQ(trace["logs"].size(), 1u);
    EXPECT_EQ(trace["logs"][0]["address"], to_hex(contract_));

    const Json reverted = call("debug_traceTransaction",
                               {to_hex(block2_->results[1].hash), {{"tracer", "callTracer"}}});
    EXPECT_EQ(reverted["error"], "execution reverted");
    EXPECT_EQ(reverted["input"], "0x01");
    EXPECT_FALSE(reverted.contains("output"));  // REVERT(0, 0)
}

TEST_F(DebugTraceApi, TheStructLoggerOfAContractCall) {
    const Json trace = call("debug_traceTransaction", {to_hex(block2_->results[0].hash)});
    const Json& logs = trace["structLogs"];
    // CALLDATASIZE, PUSH1, JUMPI, PUSH1, PUSH1, LOG0, PUSH1, PUSH1, SSTORE, STOP.
    ASSERT_EQ(logs.size(), 10u);
    EXPECT_EQ(logs[0]["op"], "CALLDATASIZE");
    EXPECT_EQ(logs[0]["gasCost"], 2);
    EXPECT_EQ(logs[5]["op"], "LOG0");
    EXPECT_EQ(logs[5]["gasCost"], 375);
    EXPECT_EQ(logs[8]["op"], "SSTORE");
    EXPECT_EQ(logs[8]["gasCost"], 22100);  // cold slot 1, 0 -> 1
    EXPECT_EQ(logs[8]["storage"],
              (Json{{to_hex(U256{1}.to_be_bytes(), false), to_hex(U256{1}.to_be_bytes(), false)}}));
    EXPECT_EQ(logs[9]["op"], "STOP");
    EXPECT_EQ(trace["failed"], false);
    EXPECT_EQ(trace["returnValue"], "0x");
    // The execution's gas follows the steps: the receipt's gas less the intrinsic part.
    std::int64_t steps = 0;
    for (const Json& step : logs)
        steps += step["gasCost"].get<std::int64_t>();
    EXPECT_EQ(steps, 2 + 3 + 10 + 3 + 3 + 375 + 3 + 3 + 22100);
    EXPECT_EQ(logs[0]["gas"].get<std::int64_t>() +
                  static_cast<std::int64_t>(block2_->results[0].gas_used),
              300000 + steps);
}

TEST_F(DebugTraceApi, ThePrestateOfAContractCall) {
    const std::string hash = to_hex(block2_->results[0].hash);
    const Json pre = call("debug_traceTransaction", {hash, {{"tracer", "prestateTracer"}}});
    const std::string contract = to_hex(contract_);
    ASSERT_TRUE(pre.contains(contract));
    EXPECT_EQ(pre[contract]["nonce"], 1);
    EXPECT_EQ(pre[contract]["code"], hex_data(test::code(kRuntime)));
    EXPECT_EQ(pre[contract]["storage"], (Json{{to_hex(U256{1}.to_be_bytes()), to_hex(Hash32{})}}));
    EXPECT_TRUE(pre.contains(to_hex(chain_->address(0))));
    const Json diff =
        call("debug_traceTransaction",
             {hash, {{"tracer", "prestateTracer"}, {"tracerConfig", {{"diffMode", true}}}}});
    EXPECT_EQ(diff["post"][contract]["storage"],
              (Json{{to_hex(U256{1}.to_be_bytes()), to_hex(U256{1}.to_be_bytes())}}));
    EXPECT_EQ(diff["post"][to_hex(chain_->address(0))]["nonce"], 2);  // its second transaction
}

TEST_F(DebugTraceApi, TraceCallOnTheLatestState) {
    const Json request{
        {"from", to_hex(chain_->address(0))}, {"to", to_hex(contract_)}, {"gas", "0x30d40"}};
    const Json trace = call("debug_traceCall", {request, "latest", {{"tracer", "callTracer"}}});
    EXPECT_EQ(trace["type"], "CALL");
    EXPECT_EQ(trace["gas"], "0x30d40");
    EXPECT_FALSE(trace.contains("error"));
    // Slot 1 is already 1: SSTORE costs 2,100 (cold) + 100 (no change) now.
    const Json logger = call("debug_traceCall", {request, "latest"});
    ASSERT_EQ(logger["structLogs"].size(), 10u);
    EXPECT_EQ(logger["structLogs"][8]["gasCost"], 2200);
    EXPECT_EQ(quantity(logger["gas"].get<std::uint64_t>()), trace["gasUsed"]);
    // With a state override the slot is 0 again.
    const Json overridden =
        call("debug_traceCall",
             {request,
              "latest",
              {{"stateOverrides",
                {{to_hex(contract_),
                  {{"stateDiff", {{to_hex(U256{1}.to_be_bytes()), to_hex(Hash32{})}}}}}}}}});
    EXPECT_EQ(overridden["structLogs"][8]["gasCost"], 22100);
    // 4byteTracer: the selector and the size of what follows it.
    Json with_data = request;
    with_data["input"] =
        "0xa9059cbb00000000000000000000000000000000000000000000000000000000000000ff";
    EXPECT_EQ(call("debug_traceCall", {with_data, "latest", {{"tracer", "4byteTracer"}}}),
              (Json{{"0xa9059cbb-32", 1}}));
}

// geth's `timeout` (default 5 s): a trace that runs past it answers "execution timeout".
TEST_F(DebugTraceApi, ATraceRunningPastItsTimeoutIsStopped) {
    const Address loop = test::address_of(0x100f);
    const Json loop_code{{to_hex(loop), {{"code", to_hex(test::code("5b 6000 56"))}}}};
    const Json endless{
        {"from", to_hex(chain_->address(0))}, {"to", to_hex(loop)}, {"gas", "0x2faf080"}};
    Json answer = reply("debug_traceCall",
                        {endless, "latest", {{"timeout", "1ms"}, {"stateOverrides", loop_code}}});
    EXPECT_EQ(answer["error"], (Json{{"code", -32000}, {"message", "execution timeout"}}));
    // With time enough, the same loop ends out of gas.
    Json bounded = endless;
    bounded["gas"] = "0x4c4b40";
    const Json trace =
        call("debug_traceCall",
             {bounded,
              "latest",
              {{"tracer", "callTracer"}, {"timeout", "10m"}, {"stateOverrides", loop_code}}});
    EXPECT_EQ(trace["error"], "out of gas");
    // A stored transaction's replay has the same limit.
    answer =
        reply("debug_traceTransaction", {to_hex(block2_->results[0].hash), {{"timeout", "1ns"}}});
    EXPECT_EQ(answer["error"]["message"], "execution timeout");
    answer =
        reply("debug_traceBlockByNumber", {"0x2", {{"tracer", "callTracer"}, {"timeout", "1ns"}}});
    EXPECT_EQ(answer["error"]["message"], "execution timeout");
    answer = reply("debug_traceCall", {bounded, "latest", {{"timeout", "5 seconds"}}});
    EXPECT_EQ(answer["error"]["code"], -32602);
    answer = reply("debug_traceCall", {bounded, "latest", {{"timeout", 5}}});
    EXPECT_EQ(answer["error"]["code"], -32602);
}

TEST(GoDuration, ParsesAsTimeParseDuration) {
    using std::chrono::nanoseconds;
    EXPECT_EQ(parse_go_duration("5s"), nanoseconds{5'000'000'000});
    EXPECT_EQ(parse_go_duration("300ms"), nanoseconds{300'000'000});
    EXPECT_EQ(parse_go_duration("1m30s"), nanoseconds{90'000'000'000});
    EXPECT_EQ(parse_go_duration("1.5h"), nanoseconds{5'400'000'000'000});
    EXPECT_EQ(parse_go_duration("2us"), nanoseconds{2'000});
    EXPECT_EQ(parse_go_duration("2\xc2\xb5s"), nanoseconds{2'000});
    EXPECT_EQ(parse_go_duration("10ns"), nanoseconds{10});
    EXPECT_EQ(parse_go_duration("+1s"), nanoseconds{1'000'000'000});
    EXPECT_EQ(parse_go_duration(".5s"), nanoseconds{500'000'000});
    EXPECT_EQ(parse_go_duration("0"), nanoseconds{0});
    for (const char* bad : {"", "5", "-1s", "1x", "1..5s", "s", "1s2", "5 s", "."}) {
        EXPECT_EQ(parse_go_duration(bad), std::nullopt) << bad;
    }
}

TEST_F(DebugTraceApi, BadRequestsGetTypedErrors) {
    const std::string hash = to_hex(block2_->results[0].hash);
    Json answer = reply("debug_traceTransaction", {hash, {{"tracer", "prestateTracerX"}}});
    EXPECT_EQ(answer["error"]["code"], -32000);
    EXPECT_NE(answer["error"]["message"].get<std::string>().find("tracer not found"),
              std::string::npos);
    answer = reply("debug_traceTransaction", {"0x1234"});
    EXPECT_EQ(answer["error"]["code"], -32602);
    answer = reply("debug_traceTransaction", {to_hex(Hash32{})});
    EXPECT_EQ(answer["error"]["message"], "transaction not found");
    answer = reply("debug_traceTransaction", {hash, {{"enableMemory", "yes"}}});
    EXPECT_EQ(answer["error"]["code"], -32602);
    answer = reply("debug_traceTransaction", {hash, "callTracer"});
    EXPECT_EQ(answer["error"]["code"], -32602);
    answer =
        reply("debug_traceTransaction", {hash, {{"tracer", "callTracer"}, {"tracerConfig", 5}}});
    EXPECT_EQ(answer["error"]["code"], -32602);
    answer = reply("debug_traceBlockByNumber", {"0x0"});
    EXPECT_EQ(answer["error"]["message"], "genesis is not traceable");
    answer = reply("debug_traceBlockByNumber", {"0x99"});
    EXPECT_EQ(answer["error"]["message"], "block not found");
    answer = reply("debug_traceBlockByHash", {to_hex(Hash32{})});
    EXPECT_EQ(answer["error"]["message"], "block not found");
    answer = reply("debug_traceCall", {Json{{"to", to_hex(contract_)}, {"gas", "0x10"}}, "latest"});
    EXPECT_EQ(answer["error"]["code"], -32000);
    answer = reply("debug_traceCall", {5});
    EXPECT_EQ(answer["error"]["code"], -32602);
}

}  // namespace
}  // namespace qtm::rpc
