// Arithmetic and comparison opcodes: results, Cancun gas, and that they never fault on
// edge values (division by zero, overflow, negative operands).
#include <gtest/gtest.h>

#include "evm_support.hpp"

namespace qtm::evm::test {
namespace {

// PUSH1 0, MSTORE (3 + 3 for the first memory word), PUSH1 32, PUSH1 0, RETURN.
constexpr std::int64_t kRetTopGas = 15;

const U256 kMax = ~U256{};
U256 neg(std::uint64_t v) {
    return U256{} - U256{v};
}

struct Case {
    const char* name;
    Bytecode code;  // leaves one word on the stack
    U256 expected;
    std::int64_t gas;  // gas of `code` alone
};

void check(const Case& c) {
    TestHost host;
    const Outcome run = execute(host, c.code + ret_top());
    EXPECT_EQ(run.result.status, Status::kSuccess) << c.name;
    EXPECT_EQ(run.output_word(), c.expected) << c.name;
    EXPECT_EQ(run.gas_used, c.gas + kRetTopGas) << c.name;
}

TEST(EvmArithmetic, BinaryOperations) {
    const Case cases[] = {
        {"add", push(2) + push(1) + OP_ADD, U256{3}, 9},
        {"add wraps", push(1) + push(kMax) + OP_ADD, U256{0}, 9},
        {"sub", push(2) + push(5) + OP_SUB, U256{3}, 9},
        {"sub wraps", push(1) + push(0) + OP_SUB, kMax, 9},
        {"mul", push(7) + push(6) + OP_MUL, U256{42}, 11},
        {"mul wraps", push(2) + push(kMax) + OP_MUL, kMax - U256{1}, 11},
        {"div", push(3) + push(10) + OP_DIV, U256{3}, 11},
        {"div by zero", push(0) + push(10) + OP_DIV, U256{0}, 11},
        {"sdiv", push(2) + push(neg(8)) + OP_SDIV, neg(4), 11},
        {"sdiv by zero", push(0) + push(neg(8)) + OP_SDIV, U256{0}, 11},
        // -2^255 / -1 overflows back to -2^255.
        {"sdiv min", push(kMax) + push(U256{1} << 255u) + OP_SDIV, U256{1} << 255u, 11},
        {"mod", push(3) + push(10) + OP_MOD, U256{1}, 11},
        {"mod by zero", push(0) + push(10) + OP_MOD, U256{0}, 11},
        {"smod", push(3) + push(neg(8)) + OP_SMOD, neg(2), 11},
        {"smod by zero", push(0) + push(neg(8)) + OP_SMOD, U256{0}, 11},
        {"addmod", push(8) + push(kMax) + push(2) + OP_ADDMOD, U256{1}, 17},  // 2^256+1 mod 8
        {"addmod zero", push(0) + push(1) + push(2) + OP_ADDMOD, U256{0}, 17},
        {"mulmod", push(12) + push(kMax) + push(kMax) + OP_MULMOD, U256{9}, 17},
        {"mulmod zero", push(0) + push(3) + push(2) + OP_MULMOD, U256{0}, 17},
        {"signextend byte 0", push(0xff) + push(0) + OP_SIGNEXTEND, kMax, 11},
        {"signextend positive", push(0x7f) + push(0) + OP_SIGNEXTEND, U256{0x7f}, 11},
        {"signextend big index", push(0xff) + push(kMax) + OP_SIGNEXTEND, U256{0xff}, 11},
        {"lt", push(2) + push(1) + OP_LT, U256{1}, 9},
        {"gt", push(2) + push(1) + OP_GT, U256{0}, 9},
        {"slt", push(1) + push(neg(1)) + OP_SLT, U256{1}, 9},
        {"sgt", push(1) + push(neg(1)) + OP_SGT, U256{0}, 9},
        {"eq", push(5) + push(5) + OP_EQ, U256{1}, 9},
        {"iszero", push(0) + OP_ISZERO, U256{1}, 6},
        {"iszero nonzero", push(9) + OP_ISZERO, U256{0}, 6},
    };
    for (const auto& c : cases) {
        check(c);
    }
}

TEST(EvmArithmetic, ExpChargesFiftyPerExponentByte) {
    check({"exp 2^10", push(10) + push(2) + OP_EXP, U256{1024}, 6 + 10 + 50});
    check({"exp x^0", push(0) + push(7) + OP_EXP, U256{1}, 6 + 10});
    check({"exp 2^256 wraps", push(256) + push(2) + OP_EXP, U256{0}, 6 + 10 + 100});
    check({"exp 3^max", push(kMax) + push(3) + OP_EXP, exp(U256{3}, kMax), 3 + 3 + 10 + 50 * 32});
}

TEST(EvmArithmetic, ExpRunsOutOfGasOnItsByteCost) {
    TestHost host;
    // 3 + 3 + 10 leaves 49 for the byte cost: one byte short.
    const Outcome run = execute(host, push(1) + push(2) + OP_EXP, 3 + 3 + 10 + 49);
    EXPECT_EQ(run.result.status, Status::kOutOfGas);
    EXPECT_EQ(run.result.gas_left, 0);
    EXPECT_TRUE(run.result.output.empty());
}

TEST(EvmArithmetic, ChainedExpressionMatchesHandComputation) {
    // ((5 + 7) * 3 - 4) / 2 = 16
    check({"expr",
           push(4) + push(3) + push(7) + push(5) + OP_ADD + OP_MUL + OP_SUB + push(2) + OP_SWAP1 +
               OP_DIV,
           U256{16}, 4 * 3 + 3 + 5 + 3 + 3 + 3 + 5});
}

}  // namespace
}  // namespace qtm::evm::test
