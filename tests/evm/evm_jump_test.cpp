// JUMP/JUMPI destination validity (JUMPDEST outside push data only), PC and GAS, and the
// jump-destination analysis and its cache.
#include <gtest/gtest.h>

#include "crypto/keccak.hpp"
#include "evm/analysis.hpp"
#include "evm_support.hpp"

namespace qtm::evm::test {
namespace {

TEST(EvmJump, JumpToJumpdest) {
    TestHost host;
    // 0: PUSH1 4, 2: JUMP, 3: INVALID, 4: JUMPDEST ...
    const Outcome run =
        execute(host, push(4) + OP_JUMP + OP_INVALID + OP_JUMPDEST + push(1) + ret_top());
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.output_word(), U256{1});
    EXPECT_EQ(run.gas_used, 3 + 8 + 1 + 3 + 15);
}

TEST(EvmJump, JumpToNonJumpdestFails) {
    TestHost host;
    const Outcome run = execute(host, push(3) + OP_JUMP + OP_STOP + OP_STOP);
    EXPECT_EQ(run.result.status, Status::kBadJumpDestination);
    EXPECT_EQ(run.result.gas_left, 0);
}

TEST(EvmJump, JumpdestInsidePushDataIsNotADestination) {
    TestHost host;
    // 0: PUSH1 4, 2: JUMP, 3: PUSH1 0x5b  (the 0x5b at offset 4 is data)
    const Outcome run = execute(host, hex_code("600456605b"));
    EXPECT_EQ(run.result.status, Status::kBadJumpDestination);
}

TEST(EvmJump, JumpPastTheEndOrHugeFails) {
    TestHost host;
    Outcome run = execute(host, push(100) + OP_JUMP);
    EXPECT_EQ(run.result.status, Status::kBadJumpDestination);
    run = execute(host, push(~U256{}) + OP_JUMP);
    EXPECT_EQ(run.result.status, Status::kBadJumpDestination);
    run = execute(host, push((U256{1} << 64u) + U256{4}) + OP_JUMP + OP_STOP + OP_JUMPDEST);
    EXPECT_EQ(run.result.status, Status::kBadJumpDestination);
}

TEST(EvmJump, JumpiTakenAndNotTaken) {
    TestHost host;
    // Not taken: the bad destination is never checked.
    Outcome run = execute(host, push(0) + push(99) + OP_JUMPI + push(7) + ret_top());
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.output_word(), U256{7});
    EXPECT_EQ(run.gas_used, 3 + 3 + 10 + 3 + 15);
    // Taken: 0: PUSH1 1, 2: PUSH1 7, 4: JUMPI, 5: INVALID, 6: INVALID, 7: JUMPDEST
    run = execute(host, push(1) + push(7) + OP_JUMPI + OP_INVALID + OP_INVALID + OP_JUMPDEST +
                            push(9) + ret_top());
    EXPECT_EQ(run.output_word(), U256{9});
    // Taken to a bad destination.
    run = execute(host, push(1) + push(5) + OP_JUMPI + OP_STOP);
    EXPECT_EQ(run.result.status, Status::kBadJumpDestination);
}

TEST(EvmJump, PcAndGas) {
    TestHost host;
    Outcome run = execute(host, push(0) + OP_POP + OP_PC + ret_top());
    EXPECT_EQ(run.output_word(), U256{3});
    run = execute(host, Bytecode{OP_GAS} + ret_top(), 1000);
    EXPECT_EQ(run.output_word(), U256{998});
}

TEST(EvmJump, AnalysisMarksOnlyRealJumpdests) {
    const Bytecode code = hex_code("5b605b5b7f") + 32 * Bytecode{OP_JUMPDEST} + OP_JUMPDEST;
    const CodeAnalysis analysis{code};
    EXPECT_TRUE(analysis.is_jumpdest(0));
    EXPECT_FALSE(analysis.is_jumpdest(2));  // PUSH1 data
    EXPECT_TRUE(analysis.is_jumpdest(3));
    for (std::uint64_t i = 5; i < 37; ++i)
        EXPECT_FALSE(analysis.is_jumpdest(i)) << i;
    EXPECT_TRUE(analysis.is_jumpdest(37));
    EXPECT_FALSE(analysis.is_jumpdest(38));
    EXPECT_FALSE(analysis.is_jumpdest(~std::uint64_t{0}));
    EXPECT_EQ(analysis.code_size(), code.size());
}

TEST(EvmJump, AnalysisCacheSharesByCodeHash) {
    AnalysisCache cache{2};
    const Bytecode a = push(1) + OP_JUMPDEST;
    const Bytecode b = push(2) + OP_JUMPDEST;
    const auto first = cache.get(crypto::keccak256(a), a);
    const auto again = cache.get(crypto::keccak256(a), a);
    EXPECT_EQ(first.get(), again.get());
    EXPECT_TRUE(first->is_jumpdest(2));
    (void)cache.get(crypto::keccak256(b), b);
    EXPECT_EQ(cache.size(), 2u);
    const Bytecode c = push(3);
    (void)cache.get(crypto::keccak256(c), c);  // over the bound: the cache is reset
    EXPECT_LE(cache.size(), 2u);
    // An evicted analysis stays valid for whoever holds it.
    EXPECT_TRUE(first->is_jumpdest(2));
}

}  // namespace
}  // namespace qtm::evm::test
