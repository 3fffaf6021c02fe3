// SELFDESTRUCT under EIP-6780 (the host deletes only accounts created in the same
// transaction) with EIP-2929 cold beneficiary and EIP-161 new-account costs.
#include <gtest/gtest.h>

#include "evm_support.hpp"

namespace qtm::evm::test {
namespace {

const Address kBeneficiary = make_address(0xbe11);

TEST(EvmSelfdestruct, OldContractOnlyMovesItsBalance) {
    TestHost host;
    host.account(kContract).balance = U256{100};
    host.account(kBeneficiary).balance = U256{1};
    const Outcome run = execute(host, push(kBeneficiary) + OP_SELFDESTRUCT + OP_INVALID);
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.gas_used, 3 + 5000 + 2600);
    EXPECT_EQ(host.get_balance(kBeneficiary), U256{101});
    EXPECT_EQ(host.get_balance(kContract), U256{0});
    host.end_transaction();
    EXPECT_FALSE(host.account(kContract).code.empty());  // not deleted
}

TEST(EvmSelfdestruct, ValueToADeadBeneficiaryCostsNewAccount) {
    TestHost host;
    host.account(kContract).balance = U256{100};
    Outcome run = execute(host, push(kBeneficiary) + OP_SELFDESTRUCT);
    EXPECT_EQ(run.gas_used, 3 + 5000 + 2600 + 25000);
    // Warm, and nothing to send: only the constant.
    run = execute(host, push(kBeneficiary) + OP_SELFDESTRUCT);
    EXPECT_EQ(run.gas_used, 3 + 5000);
}

TEST(EvmSelfdestruct, ToItselfKeepsTheBalanceOfAnOldContract) {
    TestHost host;
    host.account(kContract).balance = U256{100};
    const Outcome run = execute(host, push(kContract) + OP_SELFDESTRUCT);
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.gas_used, 3 + 5000);  // the contract itself is warm
    EXPECT_EQ(host.get_balance(kContract), U256{100});
}

TEST(EvmSelfdestruct, ContractCreatedInTheSameTransactionIsDeleted) {
    TestHost host;
    // Initcode that sends its endowment to the beneficiary and self-destructs.
    const Bytecode initcode = push(kBeneficiary) + OP_SELFDESTRUCT;
    Bytes word(32, 0);
    std::copy(initcode.bytes.begin(), initcode.bytes.end(), word.begin());
    host.account(kContract).balance = U256{50};
    const Bytecode code = push_n(32, U256::from_be_bytes(word)) + push(0) + OP_MSTORE +
                          push(initcode.size()) + push(0) + push(7) + OP_CREATE + ret_top();
    const Outcome run = execute(host, code);
    EXPECT_EQ(run.result.status, Status::kSuccess);
    const Address created = TestHost::create_address(kContract, 0);
    EXPECT_EQ(run.output_word(), from_address(created));
    EXPECT_EQ(host.get_balance(kBeneficiary), U256{7});
    EXPECT_TRUE(host.state.destructed.contains(created));
    host.end_transaction();
    EXPECT_FALSE(host.state.accounts.contains(created));
}

TEST(EvmSelfdestruct, StaticModeViolation) {
    TestHost host;
    const Outcome run =
        execute(host, push(kBeneficiary) + OP_SELFDESTRUCT, kDefaultGas, {}, U256{}, true);
    EXPECT_EQ(run.result.status, Status::kStaticModeViolation);
    EXPECT_EQ(run.result.gas_left, 0);
}

TEST(EvmSelfdestruct, OutOfGasOnTheColdSurcharge) {
    TestHost host;
    const Outcome run = execute(host, push(kBeneficiary) + OP_SELFDESTRUCT, 3 + 5000 + 2599);
    EXPECT_EQ(run.result.status, Status::kOutOfGas);
    EXPECT_TRUE(host.state.destructed.empty());
}

}  // namespace
}  // namespace qtm::evm::test
