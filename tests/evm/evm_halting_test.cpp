// How frames end: RETURN and REVERT keep their data and unused gas, exceptional halts and
// gas exhaustion keep neither; a revision other than Cancun is refused.
#include <gtest/gtest.h>

#include "evm_support.hpp"

namespace qtm::evm::test {
namespace {

TEST(EvmHalting, RevertKeepsDataAndUnusedGas) {
    TestHost host;
    const Outcome run =
        execute(host, mstore(0, push(0xabcd)) + sstore(1, 1) + revert(30, 2), 50000);
    EXPECT_EQ(run.result.status, Status::kRevert);
    EXPECT_EQ(run.result.output, (Bytes{0xab, 0xcd}));
    EXPECT_EQ(run.gas_used, 3 + 3 + 6 + 3 + 3 + 22100 + 3 + 3);
    EXPECT_EQ(run.result.gas_left, 50000 - run.gas_used);
    EXPECT_EQ(run.result.gas_refund, 0);
}

TEST(EvmHalting, ReturnOfEmptyDataAtAHugeOffset) {
    TestHost host;
    const Outcome run = execute(host, push(0) + push(~U256{}) + OP_RETURN);
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_TRUE(run.result.output.empty());
    EXPECT_EQ(run.gas_used, 6);
}

TEST(EvmHalting, ReturnOfHugeSizeRunsOutOfGas) {
    TestHost host;
    const Outcome run = execute(host, push(U256{1} << 40u) + push(0) + OP_RETURN);
    EXPECT_EQ(run.result.status, Status::kOutOfGas);
    EXPECT_EQ(run.result.gas_left, 0);
    EXPECT_TRUE(run.result.output.empty());
}

TEST(EvmHalting, InfiniteLoopExhaustsGas) {
    TestHost host;
    // 0: JUMPDEST, 1: PUSH1 0, 3: JUMP  -- 12 gas per round
    const Outcome run = execute(host, Bytecode{OP_JUMPDEST} + push(0) + OP_JUMP, 12 * 1000 + 5);
    EXPECT_EQ(run.result.status, Status::kOutOfGas);
    EXPECT_EQ(run.result.gas_left, 0);
    EXPECT_EQ(run.gas_used, 12 * 1000 + 5);
}

TEST(EvmHalting, GasExactlyEnoughSucceeds) {
    TestHost host;
    const Bytecode code = push(2) + push(1) + OP_ADD + ret_top();
    Outcome run = execute(host, code, 24);
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.result.gas_left, 0);
    EXPECT_EQ(run.output_word(), U256{3});
    run = execute(host, code, 23);
    EXPECT_EQ(run.result.status, Status::kOutOfGas);
}

TEST(EvmHalting, FailedFrameRollsBackItsStorageInTheHost) {
    TestHost host;
    const Address callee = make_address(0xfa11);
    host.account(callee).code = (sstore(0, 5) + OP_INVALID).bytes;
    const Outcome run = execute(host, call(OP_CALL, 50000, callee, 0, 0, 0, 0, 0) + ret_top());
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.output_word(), U256{0});
    EXPECT_EQ(host.get_storage(callee, U256{0}), U256{0});
    EXPECT_EQ(run.gas_used, 7 * 3 + 2600 + 50000 + 15);  // the callee burned all it had
}

TEST(EvmHalting, OnlyCancunIsSupported) {
    TestHost host;
    Message message;
    message.gas = 100;
    const auto result = evm::execute(host, static_cast<Revision>(1), message, push(1));
    EXPECT_EQ(result.status, Status::kUnsupportedRevision);
    EXPECT_EQ(result.gas_left, 0);
}

}  // namespace
}  // namespace qtm::evm::test
