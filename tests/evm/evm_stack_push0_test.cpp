// Stack limits, DUP/SWAP, PUSH0 (EIP-3855), truncated PUSH at the end of code, undefined and
// INVALID opcodes.
#include <gtest/gtest.h>

#include "evm_support.hpp"

namespace qtm::evm::test {
namespace {

TEST(EvmStack, Push0PushesZeroForTwoGas) {
    TestHost host;
    const Outcome run = execute(host, Bytecode{OP_PUSH0} + ret_top());
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.output_word(), U256{0});
    EXPECT_EQ(run.gas_used, 2 + 15);
}

TEST(EvmStack, Push0FillsTheStackTo1024AndNoFurther) {
    TestHost host;
    Outcome run = execute(host, 1024 * Bytecode{OP_PUSH0});
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.gas_used, 1024 * 2);
    run = execute(host, 1025 * Bytecode{OP_PUSH0});
    EXPECT_EQ(run.result.status, Status::kStackOverflow);
    EXPECT_EQ(run.result.gas_left, 0);
}

TEST(EvmStack, UnderflowIsAnExceptionalHalt) {
    TestHost host;
    Outcome run = execute(host, push(1) + OP_ADD);
    EXPECT_EQ(run.result.status, Status::kStackUnderflow);
    EXPECT_EQ(run.result.gas_left, 0);
    run = execute(host, 15 * push(1) + OP_DUP16);
    EXPECT_EQ(run.result.status, Status::kStackUnderflow);
    run = execute(host, 16 * push(1) + OP_SWAP16);
    EXPECT_EQ(run.result.status, Status::kStackUnderflow);
}

TEST(EvmStack, DupAndSwapReachSixteenDeep) {
    TestHost host;
    Bytecode fill;
    for (std::uint64_t i = 17; i >= 1; --i)
        fill = fill + push(i);  // top is 1, deepest 17
    Outcome run = execute(host, fill + OP_DUP16 + ret_top());
    EXPECT_EQ(run.output_word(), U256{16});
    EXPECT_EQ(run.gas_used, 17 * 3 + 3 + 15);
    run = execute(host, fill + OP_SWAP16 + ret_top());
    EXPECT_EQ(run.output_word(), U256{17});
    run = execute(host, fill + OP_SWAP1 + ret_top());
    EXPECT_EQ(run.output_word(), U256{2});
}

TEST(EvmStack, TruncatedPushAtEndOfCodeStops) {
    TestHost host;
    const Outcome run = execute(host, hex_code("61ff"));  // PUSH2 with one byte
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.gas_used, 3);
}

TEST(EvmStack, UndefinedAndInvalidOpcodes) {
    TestHost host;
    Outcome run = execute(host, hex_code("0c"));
    EXPECT_EQ(run.result.status, Status::kUndefinedInstruction);
    EXPECT_EQ(run.result.gas_left, 0);
    run = execute(host, push(1) + OP_INVALID);
    EXPECT_EQ(run.result.status, Status::kInvalidInstruction);
    EXPECT_EQ(run.result.gas_left, 0);
    for (int op : {0x0c, 0x1e, 0x21, 0x4b, 0xa5, 0xef, 0xf6, 0xfb}) {
        run = execute(host, Bytecode{Bytes{static_cast<std::uint8_t>(op)}});
        EXPECT_EQ(run.result.status, Status::kUndefinedInstruction) << op;
    }
}

TEST(EvmStack, StopAndEndOfCodeSucceed) {
    TestHost host;
    Outcome run = execute(host, push(1) + OP_STOP + OP_INVALID);
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.gas_used, 3);
    run = execute(host, Bytecode{});
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.gas_used, 0);
}

TEST(EvmStack, OutOfGasOnTheConstantCost) {
    TestHost host;
    const Outcome run = execute(host, push(1) + push(2) + OP_ADD, 8);
    EXPECT_EQ(run.result.status, Status::kOutOfGas);
    EXPECT_EQ(run.result.gas_left, 0);
}

}  // namespace
}  // namespace qtm::evm::test
