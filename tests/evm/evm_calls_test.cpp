// CALL, CALLCODE, DELEGATECALL, STATICCALL: EIP-150 63/64, the value stipend, EIP-2929 cold
// access, new-account cost, context of each kind, static mode, revert data and EIP-211
// return data bounds, depth limit.
#include <gtest/gtest.h>

#include "evm_support.hpp"

namespace qtm::evm::test {
namespace {

const Address kCallee = make_address(0xca11ee);
constexpr std::int64_t kSevenPushes = 7 * 3;
constexpr std::int64_t kSixPushes = 6 * 3;

TEST(EvmCalls, SixtyThreeSixtyFourthsRule) {
    TestHost host;
    constexpr std::int64_t kGas = 100000;
    const Outcome run =
        execute(host, call(OP_CALL, ~std::uint64_t{0}, kCallee, 0, 0, 0, 0, 0), kGas);
    EXPECT_EQ(run.result.status, Status::kSuccess);
    ASSERT_EQ(host.calls.size(), 1u);
    const std::int64_t before_call = kGas - kSevenPushes - 100 - 2500;  // cold callee
    EXPECT_EQ(host.calls[0].gas, before_call - before_call / 64);
    EXPECT_EQ(host.calls[0].depth, 1);
    // The callee has no code: all its gas comes back.
    EXPECT_EQ(run.gas_used, kSevenPushes + 2600);
}

TEST(EvmCalls, RequestedGasBelowTheCapIsPassedExactly) {
    TestHost host;
    host.state.warm_accounts.insert(kCallee);
    const Outcome run = execute(host, call(OP_STATICCALL, 5000, kCallee, 0, 0, 0, 0, 0));
    ASSERT_EQ(host.calls.size(), 1u);
    EXPECT_EQ(host.calls[0].gas, 5000);
    EXPECT_TRUE(host.calls[0].is_static);
    EXPECT_EQ(run.gas_used, kSixPushes + 100);
}

TEST(EvmCalls, ValueTransferAddsStipendAndCosts9000) {
    TestHost host;
    host.account(kContract).balance = U256{10};
    host.account(kCallee).balance = U256{1};  // exists: no new-account cost
    const Outcome run = execute(host, call(OP_CALL, 0, kCallee, 3, 0, 0, 0, 0) + ret_top());
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.output_word(), U256{1});
    ASSERT_EQ(host.calls.size(), 1u);
    EXPECT_EQ(host.calls[0].gas, 2300);
    EXPECT_EQ(host.calls[0].value, U256{3});
    // The unused stipend comes back to the caller.
    EXPECT_EQ(run.gas_used, kSevenPushes + 2600 + 9000 - 2300 + 15);
    EXPECT_EQ(host.get_balance(kCallee), U256{4});
    EXPECT_EQ(host.get_balance(kContract), U256{7});
}

TEST(EvmCalls, ValueToADeadAccountCostsNewAccount) {
    TestHost host;
    host.account(kContract).balance = U256{10};
    const Outcome run = execute(host, call(OP_CALL, 0, kCallee, 1, 0, 0, 0, 0));
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.gas_used, kSevenPushes + 2600 + 9000 + 25000 - 2300);
}

TEST(EvmCalls, InsufficientBalanceFailsSoftlyAndReturnsTheGas) {
    TestHost host;
    host.account(kCallee).balance = U256{1};
    const Outcome run = execute(host, call(OP_CALL, 1000, kCallee, 5, 0, 0, 0, 0) + ret_top());
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.output_word(), U256{0});
    // Child gas (1000 + stipend) comes back unused: the caller even gains the stipend.
    EXPECT_EQ(run.gas_used, kSevenPushes + 2600 + 9000 - 2300 + 15);
}

TEST(EvmCalls, DelegatecallKeepsSenderValueAndStorage) {
    TestHost host;
    // Callee returns CALLER and stores ADDRESS at slot 0.
    host.account(kCallee).code =
        (Bytecode{OP_ADDRESS} + push(0) + OP_SSTORE + OP_CALLER + ret_top()).bytes;
    const Outcome run =
        execute(host, call(OP_DELEGATECALL, 100000, kCallee, 0, 0, 0, 0, 32) + ret(0, 32),
                kDefaultGas, {}, U256{0});
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.output_word(), from_address(kSender));
    EXPECT_EQ(host.get_storage(kContract, U256{0}), from_address(kContract));
    EXPECT_EQ(host.get_storage(kCallee, U256{0}), U256{0});
    EXPECT_EQ(host.calls[0].kind, CallKind::kDelegateCall);
}

TEST(EvmCalls, CallcodeRunsCalleeCodeOnCallerStorage) {
    TestHost host;
    host.account(kCallee).code = (sstore(1, 9) + OP_CALLER + ret_top()).bytes;
    const Outcome run =
        execute(host, call(OP_CALLCODE, 100000, kCallee, 0, 0, 0, 0, 32) + ret(0, 32));
    EXPECT_EQ(run.output_word(), from_address(kContract));  // the caller is the contract
    EXPECT_EQ(host.get_storage(kContract, U256{1}), U256{9});
    EXPECT_EQ(host.get_storage(kCallee, U256{1}), U256{0});
}

TEST(EvmCalls, StaticcallForbidsStateChangesInTheCallee) {
    TestHost host;
    host.account(kCallee).code = sstore(0, 1).bytes;
    const Outcome run =
        execute(host, call(OP_STATICCALL, 50000, kCallee, 0, 0, 0, 0, 0) + ret_top());
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.output_word(), U256{0});
    EXPECT_EQ(host.get_storage(kCallee, U256{0}), U256{0});
    // The failed callee consumed all 50000.
    EXPECT_EQ(run.gas_used, kSixPushes + 2600 + 50000 + 15);
}

TEST(EvmCalls, CallWithValueInStaticModeIsAViolation) {
    TestHost host;
    host.account(kContract).balance = U256{10};
    Outcome run = execute(host, call(OP_CALL, 0, kCallee, 1, 0, 0, 0, 0), kDefaultGas, {}, U256{},
                          /*is_static=*/true);
    EXPECT_EQ(run.result.status, Status::kStaticModeViolation);
    EXPECT_EQ(run.result.gas_left, 0);
    // Without value a CALL is fine in static mode.
    run = execute(host, call(OP_CALL, 0, kCallee, 0, 0, 0, 0, 0), kDefaultGas, {}, U256{}, true);
    EXPECT_EQ(run.result.status, Status::kSuccess);
}

TEST(EvmCalls, RevertDataReachesTheCallerAndUnusedGasReturns) {
    TestHost host;
    host.account(kCallee).code = (mstore(0, push(0xdeadbeef)) + revert(28, 4)).bytes;
    const Outcome run =
        execute(host, call(OP_CALL, 10000, kCallee, 0, 0, 0, 0, 0) + OP_RETURNDATASIZE + push(0) +
                          push(0) + OP_RETURNDATACOPY + OP_POP + ret(0, 4));
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.result.output, (Bytes{0xde, 0xad, 0xbe, 0xef}));
    // Callee used 3 + 3 + 6 + 3 + 3 = 18; the rest of its 10000 came back.
    const std::int64_t callee_used = 18;
    EXPECT_EQ(run.gas_used,
              kSevenPushes + 2600 + callee_used + 2 + 3 + 3 + (3 + 3 + 3) + 2 + 3 + 3);
}

TEST(EvmCalls, ReturndatacopyPastTheEndFails) {
    TestHost host;
    host.account(kCallee).code = ret(0, 8).bytes;
    const Bytecode prefix = call(OP_CALL, 10000, kCallee, 0, 0, 0, 0, 0) + OP_POP;
    // Exactly the 8 bytes: fine.
    Outcome run = execute(host, prefix + push(8) + push(0) + push(0) + OP_RETURNDATACOPY);
    EXPECT_EQ(run.result.status, Status::kSuccess);
    // One byte too many, an offset past the end, or a huge offset: exceptional halts.
    for (const auto& [offset, size] :
         {std::pair{U256{0}, U256{9}}, std::pair{U256{9}, U256{0}}, std::pair{~U256{}, U256{1}}}) {
        run = execute(host, prefix + push(size) + push(offset) + push(0) + OP_RETURNDATACOPY);
        EXPECT_EQ(run.result.status, Status::kInvalidMemoryAccess);
        EXPECT_EQ(run.result.gas_left, 0);
    }
    // Without a call the return data is empty.
    run = execute(host, push(1) + push(0) + push(0) + OP_RETURNDATACOPY);
    EXPECT_EQ(run.result.status, Status::kInvalidMemoryAccess);
}

TEST(EvmCalls, OutputIsCopiedUpToTheRequestedSize) {
    TestHost host;
    host.account(kCallee).code = (push(~U256{}) + ret_top()).bytes;
    const Outcome run = execute(host, call(OP_CALL, 10000, kCallee, 0, 0, 0, 0, 2) + OP_POP +
                                          OP_RETURNDATASIZE + push(64) + OP_MSTORE + ret(0, 96));
    Bytes expected(96, 0);
    expected[0] = expected[1] = 0xff;
    expected[95] = 32;
    EXPECT_EQ(run.result.output, expected);
}

TEST(EvmCalls, DepthLimitRefusesTheCallAndKeepsTheGas) {
    TestHost host;
    host.account(kCallee).code = (push(1) + ret_top()).bytes;
    const Bytecode code = call(OP_CALL, 10000, kCallee, 0, 0, 0, 0, 0) + ret_top();
    host.account(kContract).code = code.bytes;
    host.begin_transaction(kSender, kContract);
    host.state.warm_accounts.insert(kCallee);
    Message message;
    message.depth = kMaxCallDepth;  // a call from here would be at depth 1025
    message.gas = 100000;
    message.recipient = kContract;
    message.code_address = kContract;
    message.sender = kSender;
    const ExecutionResult result = evm::execute(host, Revision::kCancun, message, code);
    EXPECT_EQ(result.status, Status::kSuccess);
    EXPECT_EQ(word_from_bytes(result.output), U256{0});
    EXPECT_EQ(100000 - result.gas_left, kSevenPushes + 100 + 15);
}

TEST(EvmCalls, RecursionStopsAtTheDepthLimit) {
    TestHost host;
    // Each frame bumps slot 0 of the contract and calls itself with all its gas.
    const Bytecode code = push(0) + OP_SLOAD + push(1) + OP_ADD + push(0) + OP_SSTORE +
                          call(OP_CALL, ~std::uint64_t{0}, kContract, 0, 0, 0, 0, 0);
    const Outcome run = execute(host, code, 30'000'000);
    EXPECT_EQ(run.result.status, Status::kSuccess);
    const U256 depth_reached = host.get_storage(kContract, U256{0});
    EXPECT_GT(depth_reached, U256{1});
    EXPECT_LE(depth_reached, U256{1025});
}

}  // namespace
}  // namespace qtm::evm::test
