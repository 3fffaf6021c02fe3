// The executor pays each block's reward and tips to the proposer's validator through the
// staking contract (staking/block_reward.hpp; docs/protocol.md, "Block reward"), and the
// supply moves only by the reward minted and the base fees burned.
#include "chain/staking/block_reward.hpp"

#include <gtest/gtest.h>

#include "chain/chain_spec.hpp"
#include "chain/executor.hpp"
#include "chain/keys.hpp"
#include "chain/staking/pool.hpp"
#include "chain/staking/store.hpp"
#include "staking_support.hpp"
#include "state/world_state.hpp"
#include "storage/database.hpp"

namespace qtm::chain::staking {
namespace {

class StakingBlockRewardTest : public ::testing::Test {
protected:
    StakingBlockRewardTest() : chain_{testing::make_genesis_chain(spec())} {}

    static ChainSpec spec() {
        ChainSpec spec = *builtin_chain_spec("dev");
        spec.validators[0].reward_address = testing::test_address(0x5e);
        spec.validators[0].commission_bps = 1000;  // 10 %
        return spec;
    }
    Transaction transfer(std::uint64_t nonce) const {
        Transaction tx;
        tx.chain_id = chain_.spec.chain_id;
        tx.nonce = nonce;
        tx.max_priority_fee_per_gas = U256{2'000'000'000};
        tx.max_fee_per_gas = U256{50'000'000'000};
        tx.gas_limit = 100'000;
        tx.to = bob_;
        tx.value = U256{1000};
        sign_transaction(tx, sender_, nonce == 0);
        return tx;
    }
    // Every account the test's blocks can touch.
    U256 supply(state::WorldState& world) const {
        U256 total = world.balance(staking_address()) + world.balance(bob_) +
                     world.balance(reward_) + world.balance(stranger_);
        for (const auto& [address, account] : chain_.spec.alloc) {
            if (address != reward_ && address != bob_) total = total + world.balance(address);
        }
        for (const auto& validator : chain_.spec.validators) {
            if (!chain_.spec.alloc.contains(validator.address)) {
                total = total + world.balance(validator.address);
            }
        }
        return total;
    }

    testing::GenesisChain chain_;
    const AccountKey sender_{crypto::SignatureScheme::kMlDsa44, dev_account_seed(0)};
    const Address bob_ = testing::test_address(0xb0);
    const Address reward_ = testing::test_address(0x5e);
    const Address stranger_ = testing::test_address(0x77);
};

TEST_F(StakingBlockRewardTest, RewardAndTipsGoToTheProposersValidator) {
    const Address validator = chain_.spec.validators[0].address;
    const U256 stake = chain_.spec.validators[0].stake;
    state::WorldState before{*chain_.db, chain_.header.state_root};
    const U256 supply_before = supply(before);
    const U256 validator_before = before.balance(validator);

    BlockExecutor executor{chain_.spec, *chain_.db};
    const std::vector<Transaction> txs = {transfer(0), transfer(1)};
    std::vector<Rejection> rejected;
    auto block =
        executor.build(chain_.header, chain_.header.timestamp + 2, validator, txs, &rejected);
    ASSERT_TRUE(block.has_value()) << block.error().message;
    ASSERT_TRUE(rejected.empty()) << rejected[0].reason;
    ASSERT_TRUE(chain_.db->write(block->batch, true).has_value());
    const Header& header = block->block.header;
    EXPECT_EQ(header.proposer, validator);

    U256 gas{};
    for (const auto& result : block->results)
        gas = gas + U256{result.gas_used};
    const U256 tips = U256{2'000'000'000} * gas;
    EXPECT_EQ(block->minted, chain_.spec.block_reward);
    EXPECT_EQ(block->burned_fees, header.base_fee * gas);

    state::WorldState world{*chain_.db, header.state_root};
    Meter meter{world, staking_address(), Meter::kUnlimited};
    Store store{meter};
    const U256 paid = chain_.spec.block_reward + tips;
    const U256 commission = paid / U256{10};
    EXPECT_EQ(world.balance(reward_), commission);
    EXPECT_EQ(world.balance(validator), validator_before);  // not the proposer's address
    EXPECT_EQ(store.reward_pool(), paid - commission);
    const U256 expected_pending = pending_rewards(
        Delegation{stake, U256{}, U256{}}, index_after_reward(U256{}, paid - commission, stake));
    EXPECT_EQ(delegation_rewards(store, validator, validator), expected_pending);
    EXPECT_LE(paid - commission - expected_pending, U256{1});  // at most a wei of dust
    EXPECT_EQ(world.balance(staking_address()),
              store.total_bonded() + store.total_unbonding() + store.reward_pool());
    EXPECT_EQ(supply(world), supply_before + block->minted - block->burned_fees);

    // Another node re-executing the block reaches the same state and hash.
    auto other = testing::make_genesis_chain(chain_.spec);
    BlockExecutor validating{other.spec, *other.db};
    auto validated = validating.validate(other.header, block->block, false);
    ASSERT_TRUE(validated.has_value()) << validated.error().message;
    EXPECT_EQ(validated->hash, block->hash);
}

// A proposer that is no registered validator (a test spec's) keeps the plain rule.
TEST_F(StakingBlockRewardTest, AnUnregisteredProposerIsPaidTipsAndRewardDirectly) {
    state::WorldState before{*chain_.db, chain_.header.state_root};
    const U256 staking_before = before.balance(staking_address());
    const U256 supply_before = supply(before);
    BlockExecutor executor{chain_.spec, *chain_.db};
    auto block = executor.build(chain_.header, chain_.header.timestamp + 2, stranger_,
                                std::vector{transfer(0)}, nullptr);
    ASSERT_TRUE(block.has_value()) << block.error().message;
    ASSERT_TRUE(chain_.db->write(block->batch, true).has_value());
    state::WorldState world{*chain_.db, block->block.header.state_root};
    const U256 gas{block->results.at(0).gas_used};
    EXPECT_EQ(world.balance(stranger_), chain_.spec.block_reward + U256{2'000'000'000} * gas);
    EXPECT_EQ(world.balance(staking_address()), staking_before);
    EXPECT_EQ(supply(world), supply_before + block->minted - block->burned_fees);
}

TEST(StakingFeeRecipient, IsTheStakingAddressForRegisteredProposersOnly) {
    auto chain = testing::make_genesis_chain(*builtin_chain_spec("dev"));
    state::WorldState world{*chain.db, chain.header.state_root};
    EXPECT_EQ(fee_recipient(world, chain.spec.validators[0].address), staking_address());
    EXPECT_EQ(fee_recipient(world, testing::test_address(0x77)), testing::test_address(0x77));
}

}  // namespace
}  // namespace qtm::chain::staking
