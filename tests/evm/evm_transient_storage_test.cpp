// TLOAD/TSTORE (EIP-1153): 100 gas each, per-address, invisible to SLOAD, forbidden in static
// mode, reverted with the frame, cleared at the end of the transaction.
#include <gtest/gtest.h>

#include "evm_support.hpp"

namespace qtm::evm::test {
namespace {

TEST(EvmTransientStorage, StoreThenLoad) {
    TestHost host;
    const Outcome run = execute(host, push(42) + push(1) + OP_TSTORE + push(1) + OP_TLOAD +
                                          push(2) + OP_TLOAD + OP_ADD + ret_top());
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.output_word(), U256{42});
    EXPECT_EQ(run.gas_used, 3 + 3 + 100 + 3 + 100 + 3 + 100 + 3 + 15);
    // Persistent storage is untouched.
    EXPECT_EQ(host.get_storage(kContract, U256{1}), U256{0});
}

TEST(EvmTransientStorage, ClearedAtEndOfTransaction) {
    TestHost host;
    (void)execute(host, push(42) + push(1) + OP_TSTORE);
    EXPECT_EQ(host.get_transient_storage(kContract, U256{1}), U256{42});
    host.end_transaction();
    const Outcome run = execute(host, push(1) + OP_TLOAD + ret_top());
    EXPECT_EQ(run.output_word(), U256{0});
}

TEST(EvmTransientStorage, TstoreInStaticModeIsAViolation) {
    TestHost host;
    Outcome run = execute(host, push(1) + push(1) + OP_TSTORE, kDefaultGas, {}, U256{}, true);
    EXPECT_EQ(run.result.status, Status::kStaticModeViolation);
    EXPECT_EQ(run.result.gas_left, 0);
    run = execute(host, push(1) + OP_TLOAD + ret_top(), kDefaultGas, {}, U256{}, true);
    EXPECT_EQ(run.result.status, Status::kSuccess);
}

// The callee, given empty call data, stores 7 in transient slot 1 and then ends with `tail`;
// given a non-zero word it returns TLOAD(1). The caller calls it both ways, in one
// transaction, and returns what the second call saw.
U256 transient_seen_after(const Bytecode& tail) {
    TestHost host;
    const Address callee = make_address(0xb0b);
    // 0: PUSH1 0, 2: CALLDATALOAD, 3: PUSH1 16, 5: JUMPI, 6..10: TSTORE(1, 7), 11..15: tail,
    // 16: JUMPDEST
    const Bytecode code = push(0) + OP_CALLDATALOAD + push(16) + OP_JUMPI + push(7) + push(1) +
                          OP_TSTORE + tail + OP_JUMPDEST + push(1) + OP_TLOAD + ret_top();
    EXPECT_EQ(code.bytes[16], OP_JUMPDEST);
    host.account(callee).code = code.bytes;
    const Bytecode caller = call(OP_CALL, 100000, callee, 0, 0, 0, 0, 0) + OP_POP +
                            mstore(0, push(1)) + call(OP_CALL, 100000, callee, 0, 0, 32, 0, 32) +
                            OP_POP + ret(0, 32);
    const Outcome run = execute(host, caller);
    EXPECT_EQ(run.result.status, Status::kSuccess);
    return run.output_word();
}

TEST(EvmTransientStorage, RevertedWithTheFrame) {
    EXPECT_EQ(transient_seen_after(revert(0, 0)), U256{0});
    // Control: the same callee ending in STOP keeps the value for the rest of the transaction.
    EXPECT_EQ(transient_seen_after(5 * Bytecode{OP_STOP}), U256{7});
}

}  // namespace
}  // namespace qtm::evm::test
