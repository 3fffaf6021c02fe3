// The struct logger (geth's default tracer) on hand-assembled bytecode, run through the real
// state transition: every field of every step compared with values worked out by hand from
// the Yellow Paper's gas schedule (Cancun: EIP-2929 cold/warm, EIP-2200/3529 SSTORE).
#include <gtest/gtest.h>

#include "base/hex.hpp"
#include "rpc/params.hpp"
#include "rpc/trace_struct_logger.hpp"
#include "trace_support.hpp"

namespace qtm::rpc {
namespace {

using test::address_of;
using test::code;
using test::TraceWorld;

std::string word(std::uint64_t value) {
    return to_hex(U256{value}.to_be_bytes(), false);
}

const Address kContract = address_of(0x0a0a);

// SSTORE(0, 0x2a); SLOAD(0); MSTORE(0, that); RETURN(0, 32).
const char* const kStoreLoadReturn = "602a 6000 55 6000 54 6000 52 6020 6000 f3";

Json step(std::uint64_t pc, const char* op, std::int64_t gas, std::int64_t cost,
          std::vector<std::string> stack) {
    Json entry{{"pc", pc}, {"op", op}, {"gas", gas}, {"gasCost", cost}, {"depth", 1}};
    entry["stack"] = stack;
    return entry;
}

TEST(StructLogger, EveryStepOfAStoreLoadReturn) {
    TraceWorld world;
    world.deploy(kContract, code(kStoreLoadReturn));
    StructLogger logger{StructLoggerOptions{}};
    const auto outcome = world.run(kContract, &logger);
    ASSERT_EQ(outcome.status, evm::Status::kSuccess);
    // 200,000 limit - 21,000 intrinsic = 179,000 for execution. PUSH 3; SSTORE of a cold
    // slot from 0 to non-zero: 2,100 + 20,000; SLOAD of a now warm slot: 100; MSTORE: 3 +
    // one word of memory (3); RETURN within memory: 0.
    const Json storage{{word(0), word(0x2a)}};
    Json expected = Json::array({
        step(0, "PUSH1", 179000, 3, {}),
        step(2, "PUSH1", 178997, 3, {"0x2a"}),
        step(4, "SSTORE", 178994, 22100, {"0x2a", "0x0"}),
        step(5, "PUSH1", 156894, 3, {}),
        step(7, "SLOAD", 156891, 100, {"0x0"}),
        step(8, "PUSH1", 156791, 3, {"0x2a"}),
        step(10, "MSTORE", 156788, 6, {"0x2a", "0x0"}),
        step(11, "PUSH1", 156782, 3, {}),
        step(13, "PUSH1", 156779, 3, {"0x20"}),
        step(15, "RETURN", 156776, 0, {"0x20", "0x0"}),
    });
    expected[2]["storage"] = storage;
    expected[4]["storage"] = storage;
    const Json result =
        logger.result(static_cast<std::uint64_t>(outcome.gas_used), outcome.status, outcome.output);
    EXPECT_EQ(outcome.gas_used, 21000 + 3 * 6 + 22100 + 100 + 6);  // six pushes
    EXPECT_EQ(result["gas"], 43224);
    EXPECT_EQ(result["failed"], false);
    EXPECT_EQ(result["returnValue"], "0x" + word(0x2a));
    ASSERT_EQ(result["structLogs"].size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(result["structLogs"][i], expected[i]) << "step " << i;
    }
}

TEST(StructLogger, MemoryWhenEnabledAndNoStackOrStorageWhenDisabled) {
    TraceWorld world;
    world.deploy(kContract, code(kStoreLoadReturn));
    StructLogger logger{
        StructLoggerOptions{.disable_stack = true, .disable_storage = true, .enable_memory = true}};
    const auto outcome = world.run(kContract, &logger);
    const Json logs = logger.result(43224, outcome.status, outcome.output)["structLogs"];
    ASSERT_EQ(logs.size(), 10u);
    for (const Json& entry : logs) {
        EXPECT_FALSE(entry.contains("stack"));
        EXPECT_FALSE(entry.contains("storage"));
        ASSERT_TRUE(entry.contains("memory"));
    }
    // Memory as it is before each step: empty up to the MSTORE, one word after it.
    EXPECT_EQ(logs[6]["memory"], Json::array());
    EXPECT_EQ(logs[7]["memory"], Json::array({word(0x2a)}));
    EXPECT_EQ(logs[9]["memory"], Json::array({word(0x2a)}));
}

TEST(StructLogger, ReturnDataAndTheGasGivenToACallee) {
    TraceWorld world;
    // MSTORE(0, 0x2a); STATICCALL(0xffff, identity, 0, 32, 0, 32); STOP
    world.deploy(kContract, code("602a 6000 52 6020 6000 6020 6000 6004 61ffff fa 00"));
    StructLogger logger{StructLoggerOptions{.enable_return_data = true}};
    const auto outcome = world.run(kContract, &logger);
    const Json logs = logger.result(0, outcome.status, outcome.output)["structLogs"];
    ASSERT_EQ(logs.size(), 11u);
    EXPECT_EQ(logs[9]["op"], "STATICCALL");
    // 100 (warm: precompiles are warm), no memory growth, and the 65,535 given to the callee
    // (geth counts the callee's gas in the call's cost; it gets back the 65,517 unused).
    EXPECT_EQ(logs[9]["gasCost"], 100 + 65535);
    EXPECT_FALSE(logs[9].contains("returnData"));
    EXPECT_EQ(logs[10]["op"], "STOP");
    // Eight pushes, MSTORE 6, the call's 100 and the 18 identity kept (15 + 3 per word).
    EXPECT_EQ(logs[10]["gas"], 179000 - 3 * 8 - 6 - 100 - 18);
    EXPECT_EQ(logs[10]["returnData"], "0x" + word(0x2a));
    EXPECT_EQ(outcome.gas_used, 21000 + 24 + 6 + 100 + 18);
}

TEST(StructLogger, OutOfGasIsTheFailingStepsError) {
    TraceWorld world;
    world.deploy(kContract, code("6001 6000 55"));  // SSTORE(0, 1)
    StructLogger logger{StructLoggerOptions{}};
    const auto outcome = world.run(kContract, &logger, 31000);  // 10,000 for execution
    const Json result =
        logger.result(static_cast<std::uint64_t>(outcome.gas_used), outcome.status, outcome.output);
    EXPECT_EQ(result["gas"], 31000);
    EXPECT_EQ(result["failed"], true);
    EXPECT_EQ(result["returnValue"], "0x");
    const Json& logs = result["structLogs"];
    ASSERT_EQ(logs.size(), 3u);
    EXPECT_EQ(logs[2]["op"], "SSTORE");
    EXPECT_EQ(logs[2]["gas"], 9994);
    EXPECT_EQ(logs[2]["gasCost"], 22100);
    EXPECT_EQ(logs[2]["error"], "out of gas");
    EXPECT_FALSE(logs[1].contains("error"));
}

TEST(StructLogger, StackUnderflowAndInvalidOpcode) {
    TraceWorld world;
    world.deploy(kContract, code("01"));  // ADD on an empty stack
    StructLogger logger{StructLoggerOptions{}};
    const auto outcome = world.run(kContract, &logger);
    Json logs = logger.result(0, outcome.status, outcome.output)["structLogs"];
    ASSERT_EQ(logs.size(), 1u);
    EXPECT_EQ(logs[0], (Json{{"pc", 0},
                             {"op", "ADD"},
                             {"gas", 179000},
                             {"gasCost", 0},
                             {"depth", 1},
                             {"error", "stack underflow (0 <=> 2)"},
                             {"stack", Json::array()}}));
    EXPECT_EQ(outcome.gas_used, 200000);

    // INVALID fails while it runs: geth logs the step without an error.
    const Address other = address_of(0x0b0b);
    world.deploy(other, code("6001 fe"));
    StructLogger second{StructLoggerOptions{}};
    const auto invalid = world.run(other, &second);
    logs = second.result(0, invalid.status, invalid.output)["structLogs"];
    ASSERT_EQ(logs.size(), 2u);
    EXPECT_EQ(logs[1]["op"], "INVALID");
    EXPECT_FALSE(logs[1].contains("error"));
    EXPECT_EQ(second.result(0, invalid.status, invalid.output)["failed"], true);
}

TEST(StructLogger, NestedFramesHaveTheirDepthAndARevertKeepsItsData) {
    TraceWorld world;
    const Address callee = address_of(0x0b0b);
    // The callee: MSTORE(0, 7); REVERT(0, 32).
    world.deploy(callee, code("6007 6000 52 6020 6000 fd"));
    // CALL(0xffff, callee, 0, 0, 0, 0, 0); then REVERT with the callee's return data.
    world.deploy(kContract, code("6000 6000 6000 6000 6000 <addr:0b0b> 61ffff f1 50"
                                 "3d 6000 6000 3e 3d 6000 fd"));
    StructLogger logger{StructLoggerOptions{}};
    const auto outcome = world.run(kContract, &logger);
    ASSERT_EQ(outcome.status, evm::Status::kRevert);
    const Json result =
        logger.result(static_cast<std::uint64_t>(outcome.gas_used), outcome.status, outcome.output);
    EXPECT_EQ(result["failed"], true);
    EXPECT_EQ(result["returnValue"], "0x" + word(7));
    const Json& logs = result["structLogs"];
    // 7 pushes, CALL, 6 callee steps at depth 2, then POP, RETURNDATASIZE, PUSH1, PUSH1,
    // RETURNDATACOPY, RETURNDATASIZE, PUSH1, REVERT at depth 1.
    ASSERT_EQ(logs.size(), 8u + 6u + 8u);
    EXPECT_EQ(logs[7]["op"], "CALL");
    // 100 + 2,500 (cold callee) + 65,535 given.
    EXPECT_EQ(logs[7]["gasCost"], 100 + 2500 + 65535);
    for (std::size_t i = 8; i < 14; ++i)
        EXPECT_EQ(logs[i]["depth"], 2) << i;
    EXPECT_EQ(logs[8]["gas"], 65535);
    EXPECT_EQ(logs[13]["op"], "REVERT");
    EXPECT_EQ(logs[14]["op"], "POP");
    EXPECT_EQ(logs[14]["depth"], 1);
    // The callee used 3+3+6+3+3 = 18 of its 65,535: the caller resumes with the rest.
    EXPECT_EQ(logs[14]["gas"], 179000 - 21 - 2600 - 18);
    EXPECT_EQ(logs[14]["stack"], Json::array({"0x0"}));
}

TEST(StructLogger, LimitKeepsTheFirstSteps) {
    TraceWorld world;
    world.deploy(kContract, code(kStoreLoadReturn));
    StructLogger logger{StructLoggerOptions{.limit = 3}};
    const auto outcome = world.run(kContract, &logger);
    const Json logs = logger.result(0, outcome.status, outcome.output)["structLogs"];
    ASSERT_EQ(logs.size(), 3u);
    EXPECT_EQ(logs[2]["gasCost"], 22100);
}

}  // namespace
}  // namespace qtm::rpc
