// SSTORE/SLOAD: the EIP-2200 net gas metering table with EIP-2929 costs and EIP-3529 refunds
// (EIP-3529's own test table), cold slot surcharges, the 2300-gas stipend sentry, static mode.
#include <gtest/gtest.h>

#include "evm_support.hpp"

namespace qtm::evm::test {
namespace {

struct SstoreCase {
    const char* code;
    std::int64_t gas_used;
    std::int64_t refund;
    std::uint64_t original;
};

// EIP-3529 "Test Cases" (slot 0 already warm, as the EIP assumes).
const SstoreCase kEip3529Cases[] = {
    {"60006000556000600055", 212, 0, 0},
    {"60006000556001600055", 20112, 0, 0},
    {"60016000556000600055", 20112, 19900, 0},
    {"60016000556002600055", 20112, 0, 0},
    {"60016000556001600055", 20112, 0, 0},
    {"60006000556000600055", 3012, 4800, 1},
    {"60006000556001600055", 3012, 2800, 1},
    {"60006000556002600055", 3012, 0, 1},
    {"60026000556000600055", 3012, 4800, 1},
    {"60026000556003600055", 3012, 0, 1},
    {"60026000556001600055", 3012, 2800, 1},
    {"60026000556002600055", 3012, 0, 1},
    {"60016000556000600055", 3012, 4800, 1},
    {"60016000556002600055", 3012, 0, 1},
    {"60016000556001600055", 212, 0, 1},
    {"600160005560006000556001600055", 40118, 19900, 0},
    {"600060005560016000556000600055", 5918, 7600, 1},
};

TEST(EvmStorage, NetGasMeteringTableOfEip3529) {
    for (const auto& c : kEip3529Cases) {
        TestHost host;
        if (c.original != 0) {
            host.account(kContract).storage[U256{0}] = U256{c.original};
        }
        host.state.warm_slots.insert(SlotKey{kContract, U256{0}});
        const Outcome run = execute(host, hex_code(c.code));
        EXPECT_EQ(run.result.status, Status::kSuccess) << c.code;
        EXPECT_EQ(run.gas_used, c.gas_used) << c.code << " original " << c.original;
        EXPECT_EQ(run.result.gas_refund, c.refund) << c.code << " original " << c.original;
    }
}

TEST(EvmStorage, ColdSlotAddsTwentyOneHundred) {
    TestHost host;
    const Outcome run = execute(host, sstore(0, 1));
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.gas_used, 6 + 2100 + 20000);
    EXPECT_EQ(host.get_storage(kContract, U256{0}), U256{1});
}

TEST(EvmStorage, SloadIsColdThenWarm) {
    TestHost host;
    host.account(kContract).storage[U256{7}] = U256{5};
    const Outcome run = execute(host, sload(7) + sload(7) + OP_ADD + ret_top());
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.output_word(), U256{10});
    EXPECT_EQ(run.gas_used, 3 + 2100 + 3 + 100 + 3 + 15);
}

TEST(EvmStorage, StipendSentryRefusesSstoreWithAtMost2300Gas) {
    const Bytecode code = sstore(0, 0);  // a warm no-op store: 100 gas
    {
        TestHost host;
        host.state.warm_slots.insert(SlotKey{kContract, U256{0}});
        const Outcome run = execute(host, code, 6 + 2300);
        EXPECT_EQ(run.result.status, Status::kOutOfGas);
        EXPECT_EQ(run.result.gas_left, 0);
    }
    {
        TestHost host;
        host.state.warm_slots.insert(SlotKey{kContract, U256{0}});
        const Outcome run = execute(host, code, 6 + 2301);
        EXPECT_EQ(run.result.status, Status::kSuccess);
        EXPECT_EQ(run.gas_used, 106);
    }
}

TEST(EvmStorage, OutOfGasAfterTheWriteKeepsNoRefund) {
    TestHost host;
    const Outcome run = execute(host, sstore(0, 1), 6 + 2100 + 19999);
    EXPECT_EQ(run.result.status, Status::kOutOfGas);
    EXPECT_EQ(run.result.gas_left, 0);
    EXPECT_EQ(run.result.gas_refund, 0);
}

TEST(EvmStorage, SstoreInStaticModeIsAViolation) {
    TestHost host;
    const Outcome run = execute(host, sstore(0, 1), kDefaultGas, {}, U256{}, /*is_static=*/true);
    EXPECT_EQ(run.result.status, Status::kStaticModeViolation);
    EXPECT_EQ(run.result.gas_left, 0);
    EXPECT_EQ(host.get_storage(kContract, U256{0}), U256{0});
}

}  // namespace
}  // namespace qtm::evm::test
