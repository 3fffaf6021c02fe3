// geth's callTracer on hand-assembled contracts: nested calls with value, a revert with a
// reason, logs (withLog), onlyTopCall, CREATE and CREATE2, SELFDESTRUCT, precompiles
// (identity and QTM's ML-DSA verifier 0x0d01), a callee out of gas, DELEGATECALL and
// STATICCALL. Each frame is compared whole with a frame written from geth's documented
// format, its gas worked out by hand (Cancun schedule; the arithmetic is in the comments).
#include <gtest/gtest.h>

#include "base/hex.hpp"
#include "rpc/params.hpp"
#include "rpc/trace_call_tracer.hpp"
#include "state/state_host.hpp"
#include "trace_support.hpp"

namespace qtm::rpc {
namespace {

using test::address_of;
using test::code;
using test::TraceWorld;

std::string hex(const Address& address) {
    return to_hex(address);
}
std::string word(std::uint64_t value) {
    return to_hex(U256{value}.to_be_bytes(), false);
}

const Address kA = address_of(0x0a0a);
const Address kB = address_of(0x0b0b);

// B: LOG0(0, 0); then REVERT with Error("no"): selector, offset 0x20, length 2, "no".
const char* const kRevertNo =
    "6000 6000 a0"
    "7f 08c379a0 00000000000000000000000000000000000000000000000000000000 6000 52"
    "6020 6004 52"
    "6002 6024 52"
    "7f 6e6f000000000000000000000000000000000000000000000000000000000000 6044 52"
    "6064 6000 fd";
// A: LOG1(0, 0, 0x77); CALL(0xffff, B, 1 wei, 0, 0, 0, 0); POP; LOG0(0, 0); STOP.
const char* const kCallsB =
    "6077 6000 6000 a1"
    "6000 6000 6000 6000 6001 <addr:0b0b> 61ffff f1 50"
    "6000 6000 a0 00";

std::string revert_no_data() {
    return "0x08c379a0" + word(0x20) + word(2) + "6e6f" + std::string(60, '0');
}

// B's gas: LOG0 3+3+375 = 381; the four MSTOREs 3+3+3 each plus memory growth of one word
// each (3 every time, the quadratic term still 0) = 48; REVERT's two pushes 6: 435.
// A's: 3+3+3 + LOG1 (375 + 375) = 759, seven pushes 21, CALL 100 + 2,500 (cold B) + 9,000
// (value) and the callee's 65,535 (its 2,300 stipend is free), of which 65,535 + 2,300 -
// 435 come back; POP 2, LOG0 381: 10,898 for execution, 31,898 with the intrinsic 21,000.
Json revert_frame() {
    return Json{{"type", "CALL"},
                {"from", hex(kA)},
                {"gas", quantity(std::uint64_t{65535 + 2300})},
                {"gasUsed", quantity(std::uint64_t{435})},
                {"to", hex(kB)},
                {"input", "0x"},
                {"output", revert_no_data()},
                {"error", "execution reverted"},
                {"revertReason", "no"},
                {"value", "0x1"}};
}

TEST(CallTracer, NestedCallWithValueAndARevertReason) {
    TraceWorld world;
    world.deploy(kA, code(kCallsB), 10);
    world.deploy(kB, code(kRevertNo));
    CallTracer tracer{CallTracerOptions{}};
    const auto outcome = world.run(kA, &tracer);
    ASSERT_EQ(outcome.status, evm::Status::kSuccess);
    EXPECT_EQ(outcome.gas_used, 31898);
    const Json expected{{"type", "CALL"},
                        {"from", hex(world.sender())},
                        {"gas", quantity(std::uint64_t{200000})},
                        {"gasUsed", quantity(std::uint64_t{31898})},
                        {"to", hex(kA)},
                        {"input", "0x"},
                        {"calls", Json::array({revert_frame()})},
                        {"value", "0x0"}};
    EXPECT_EQ(tracer.result(200000, 31898), expected);
}

TEST(CallTracer, WithLogKeepsTheLogsOfFramesThatSucceeded) {
    TraceWorld world;
    world.deploy(kA, code(kCallsB), 10);
    world.deploy(kB, code(kRevertNo));
    CallTracer tracer{CallTracerOptions{.with_log = true}};
    (void)world.run(kA, &tracer);
    const Json top = tracer.result(200000, 31898);
    // A's LOG1 before its call (position 0) and LOG0 after it (position 1); B's LOG0 is
    // gone with B's revert.
    const Json logs = Json::array({Json{{"address", hex(kA)},
                                        {"topics", Json::array({"0x" + word(0x77)})},
                                        {"data", "0x"},
                                        {"position", "0x0"}},
                                   Json{{"address", hex(kA)},
                                        {"topics", Json::array()},
                                        {"data", "0x"},
                                        {"position", "0x1"}}});
    EXPECT_EQ(top["logs"], logs);
    ASSERT_EQ(top["calls"].size(), 1u);
    EXPECT_EQ(top["calls"][0], revert_frame());
}

TEST(CallTracer, OnlyTopCallLeavesTheCallsOut) {
    TraceWorld world;
    world.deploy(kA, code(kCallsB), 10);
    world.deploy(kB, code(kRevertNo));
    CallTracer tracer{CallTracerOptions{.only_top_call = true, .with_log = true}};
    (void)world.run(kA, &tracer);
    const Json top = tracer.result(200000, 31898);
    EXPECT_FALSE(top.contains("calls"));
    EXPECT_EQ(top["logs"].size(), 2u);
    EXPECT_EQ(top["gasUsed"], quantity(std::uint64_t{31898}));
}

TEST(CallTracer, CreateAndCreate2) {
    TraceWorld world;
    const Address creator = address_of(0x0a02);
    // Initcode (10 bytes): MSTORE8(0, 0xfe); RETURN(0, 1): deploys the one byte 0xfe.
    const std::string initcode = "60fe600053600160 00f3";
    // MSTORE(0, initcode) puts it at bytes 22..31; CREATE(0, 22, 10); POP;
    // CREATE2(0, 22, 10, salt 7); POP; STOP.
    world.deploy(creator, code("69" + initcode +
                               " 6000 52 600a 6016 6000 f0 50"
                               " 6007 600a 6016 6000 f5 50 00"));
    CallTracer tracer{CallTracerOptions{}};
    const auto outcome = world.run(creator, &tracer);
    // Before CREATE: 179,000 - 21 (PUSH10, PUSH1, MSTORE 6, three PUSH1) = 178,979; CREATE
    // charges 32,000 + 2 (one initcode word): 146,977 left, of which all but a 64th,
    // 146,977 - 2,296 = 144,681, go to the initcode. It uses 18 (3+3+3+3+3+3) and 200 for
    // the one byte of code. Back: 146,759; POP 2, four pushes 12, CREATE2 32,000 + 2 + 6
    // (hashing one word): 114,737 left, 114,737 - 1,792 = 112,945 given.
    EXPECT_EQ(outcome.gas_used, 21000 + 21 + 32002 + 218 + 2 + 12 + 32008 + 218 + 2);
    const Bytes init = code(initcode);
    const Json create{{"type", "CREATE"},
                      {"from", hex(creator)},
                      {"gas", quantity(std::uint64_t{144681})},
                      {"gasUsed", quantity(std::uint64_t{218})},
                      {"to", hex(state::StateHost::create_address(creator, 1))},
                      {"input", hex_data(init)},
                      {"output", "0xfe"},
                      {"value", "0x0"}};
    const Json create2{{"type", "CREATE2"},
                       {"from", hex(creator)},
                       {"gas", quantity(std::uint64_t{112945})},
                       {"gasUsed", quantity(std::uint64_t{218})},
                       {"to", hex(state::StateHost::create2_address(creator, U256{7}, init))},
                       {"input", hex_data(init)},
                       {"output", "0xfe"},
                       {"value", "0x0"}};
    const Json top = tracer.result(200000, static_cast<std::uint64_t>(outcome.gas_used));
    EXPECT_EQ(top["calls"], Json::array({create, create2}));
    EXPECT_FALSE(top.contains("output"));
}

TEST(CallTracer, AFailedCreateHasNoAddress) {
    TraceWorld world;
    const Address creator = address_of(0x0a02);
    // Initcode "fe" (INVALID) at byte 31: CREATE(0, 31, 1); STOP.
    world.deploy(creator, code("60fe 6000 52 6001 601f 6000 f0 00"));
    CallTracer tracer{CallTracerOptions{}};
    (void)world.run(creator, &tracer);
    const Json frame = tracer.result(200000, 0)["calls"][0];
    EXPECT_EQ(frame["type"], "CREATE");
    EXPECT_FALSE(frame.contains("to"));
    EXPECT_EQ(frame["error"], "invalid opcode: INVALID");
    EXPECT_EQ(frame["gasUsed"], frame["gas"]);  // an exceptional halt consumes everything
    EXPECT_EQ(frame["input"], "0xfe");
}

TEST(CallTracer, PrecompileOutOfGasDelegateCallAndSelfdestruct) {
    TraceWorld world;
    const Address main = address_of(0x0a03);
    const Address looper = address_of(0x0f0f);
    const Address delegate = address_of(0x0606);
    const Address destructor = address_of(0x0e0e);
    world.deploy(looper, code("5b 6000 56"));             // JUMPDEST; JUMP(0): forever
    world.deploy(delegate, code("33 6000 55 00"));        // SSTORE(0, CALLER)
    world.deploy(destructor, code("<addr:0a03> ff"), 5);  // SELFDESTRUCT(main), 5 wei
    world.deploy(main, code("602a 6000 52"
                            "6020 6020 6020 6000 6004 61ffff fa 50"  // identity
                            "6000 6000 6000 6000 6000 <addr:0f0f> 600a f1 50"
                            "6000 6000 6000 6000 <addr:0606> 61ffff f4 50"
                            "6000 6000 6000 6000 6000 <addr:0e0e> 61ffff f1 50 00"));
    CallTracer tracer{CallTracerOptions{}};
    const auto outcome = world.run(main, &tracer);
    // MSTORE 12; STATICCALL: 18 pushes + 100 (precompiles are warm) + 3 (output grows
    // memory to two words) + identity's 15 + 3 per word = 18; POP 2; CALL with gas 10: 21 +
    // 100 + 2,500 (cold) + all 10 (JUMPDEST 1, PUSH1 3, then JUMP's 8 does not fit); POP 2;
    // DELEGATECALL: 18 + 100 + 2,500 + CALLER 2 + PUSH1 3 + SSTORE of main's cold slot 0
    // to non-zero 22,100; POP 2; CALL: 21 + 100 + 2,500 + PUSH20 3 + SELFDESTRUCT 5,000
    // (main is warm and exists); POP 2.
    const std::int64_t expected_used = 21000 + 12 + (18 + 100 + 3 + 18) + 2 +
                                       (21 + 100 + 2500 + 10) + 2 + (18 + 100 + 2500 + 22105) + 2 +
                                       (21 + 100 + 2500 + 5003) + 2;
    EXPECT_EQ(outcome.gas_used, expected_used);
    const Json identity{
        {"type", "STATICCALL"},       {"from", hex(main)},        {"gas", "0xffff"},
        {"gasUsed", "0x12"},          {"to", hex(address_of(4))}, {"input", "0x" + word(0x2a)},
        {"output", "0x" + word(0x2a)}};
    const Json out_of_gas{{"type", "CALL"},        {"from", hex(main)}, {"gas", "0xa"},
                          {"gasUsed", "0xa"},      {"to", hex(looper)}, {"input", "0x"},
                          {"error", "out of gas"}, {"value", "0x0"}};
    const Json delegated{{"type", "DELEGATECALL"}, {"from", hex(main)},
                         {"gas", "0xffff"},        {"gasUsed", quantity(std::uint64_t{22105})},
                         {"to", hex(delegate)},    {"input", "0x"},
                         {"value", "0x0"}};
    const Json selfdestruct{{"type", "SELFDESTRUCT"}, {"from", hex(destructor)}, {"gas", "0x0"},
                            {"gasUsed", "0x0"},       {"to", hex(main)},         {"input", "0x"},
                            {"value", "0x5"}};
    const Json destroyer{{"type", "CALL"},
                         {"from", hex(main)},
                         {"gas", "0xffff"},
                         {"gasUsed", quantity(std::uint64_t{5003})},
                         {"to", hex(destructor)},
                         {"input", "0x"},
                         {"calls", Json::array({selfdestruct})},
                         {"value", "0x0"}};
    const Json top = tracer.result(200000, static_cast<std::uint64_t>(outcome.gas_used));
    ASSERT_EQ(top["calls"].size(), 4u);
    EXPECT_EQ(top["calls"][0], identity);
    EXPECT_EQ(top["calls"][1], out_of_gas);
    EXPECT_EQ(top["calls"][2], delegated);
    EXPECT_EQ(top["calls"][3], destroyer);
}

TEST(CallTracer, TheMldsaPrecompileRefusingMalformedInput) {
    TraceWorld world;
    // STATICCALL(10000, 0x0d01, 0, 0, 0, 0); STOP. An empty input is malformed: the
    // verifier prices it (4,500) and then refuses it, consuming all 10,000.
    world.deploy(kA, code("6000 6000 6000 6000 610d01 612710 fa 00"));
    CallTracer tracer{CallTracerOptions{}};
    const auto outcome = world.run(kA, &tracer);
    EXPECT_EQ(outcome.gas_used, 21000 + 18 + 100 + 10000);
    Address verifier{};
    verifier[18] = 0x0d;
    verifier[19] = 0x01;
    const Json frame{{"type", "STATICCALL"},        {"from", hex(kA)},     {"gas", "0x2710"},
                     {"gasUsed", "0x2710"},         {"to", hex(verifier)}, {"input", "0x"},
                     {"error", "precompile failed"}};
    EXPECT_EQ(tracer.result(200000, 0)["calls"], Json::array({frame}));
}

TEST(CallTracer, ACreationTransactionIsTheTopFrame) {
    TraceWorld world;
    CallTracer tracer{CallTracerOptions{}};
    const Bytes init = code("60fe600053600160 00f3");
    const auto outcome = world.run(std::nullopt, &tracer, 200000, init);
    ASSERT_TRUE(outcome.contract_address.has_value());
    const Json top = tracer.result(200000, static_cast<std::uint64_t>(outcome.gas_used));
    EXPECT_EQ(top["type"], "CREATE");
    EXPECT_EQ(top["to"], hex(*outcome.contract_address));
    EXPECT_EQ(top["output"], "0xfe");
    // 53,000 + 16 * 8 non-zero bytes + 4 * 2 zero bytes + 2 (one initcode word), then 18 and
    // the 200 of code deposit.
    EXPECT_EQ(outcome.gas_used, 53000 + 16 * 8 + 4 * 2 + 2 + 18 + 200);
    EXPECT_EQ(top["gasUsed"], quantity(static_cast<std::uint64_t>(outcome.gas_used)));
}

}  // namespace
}  // namespace qtm::rpc
