// Delegations as shares and rewards through the reward index (docs/staking.md, "Shares" and
// "Rewards"): the pool arithmetic and its rounding, distribute_block_reward, claimRewards and
// pendingRewards, each success and each refusal.
#include "chain/staking/pool.hpp"

#include <gtest/gtest.h>

#include "chain/staking/penalties.hpp"
#include "staking_econ_support.hpp"

namespace qtm::chain::staking {
namespace {

using testing::EconHarness;
using testing::test_address;

TEST(StakingShares, ArithmeticRoundsInThePoolsFavour) {
    // An empty pool mints one share per wei.
    EXPECT_EQ(shares_for_deposit(U256{}, U256{}, U256{500}), U256{500});
    // After a 10 % slash (900 tokens, 1000 shares): 100 wei buys floor(111.1) shares, and
    // taking 100 wei out burns ceil(111.1) shares.
    EXPECT_EQ(shares_for_deposit(U256{1000}, U256{900}, U256{100}), U256{111});
    EXPECT_EQ(shares_for_withdrawal(U256{1000}, U256{900}, U256{100}), U256{112});
    EXPECT_EQ(shares_for_withdrawal(U256{1000}, U256{900}, U256{90}), U256{100});  // exact
    EXPECT_EQ(value_of_shares(U256{111}, U256{1111}, U256{1000}), U256{99});
    EXPECT_EQ(value_of_shares(U256{5}, U256{}, U256{}), U256{});
    // 10 wei shared by 3 shares: each share earns floor(10/3) = 3, 1 wei of dust is left.
    const U256 index = index_after_reward(U256{}, U256{10}, U256{3});
    EXPECT_EQ(index, U256{10} * index_scale() / U256{3});
    EXPECT_EQ(pending_rewards(Delegation{U256{1}, U256{}, U256{}}, index), U256{3});
    EXPECT_EQ(pending_rewards(Delegation{U256{2}, U256{}, U256{7}}, index), U256{7 + 6});
    EXPECT_EQ(pending_rewards(Delegation{U256{3}, index, U256{}}, index), U256{});
    EXPECT_EQ(index_after_reward(index, U256{10}, U256{}), index);  // no shares: unchanged
}

class StakingRewardsTest : public ::testing::Test {
protected:
    StakingRewardsTest() : econ_{params()} {
        for (std::uint8_t i = 1; i <= 4; ++i)
            econ_.fund(test_address(i), U256{1'000'000});
        const auto created = econ_.create(op_, 0, U256{1000}, reward_, 500);  // 5 %
        EXPECT_EQ(created.status, evm::Status::kSuccess) << created.reason;
    }

    static ContractParams params() {
        ContractParams params;
        params.chain_id = 7357;
        params.epoch_length = 10;
        params.staking.min_validator_stake = U256{1000};
        params.staking.unbonding_seconds = 100;
        params.staking.max_commission_bps = 5000;
        params.staking.max_unbonding_entries = 4;
        return params;
    }
    U256 reward_pool() {
        return econ_.with_store([](Store& store) { return store.reward_pool(); });
    }

    const Address op_ = test_address(1);
    const Address alice_ = test_address(2);
    const Address reward_ = test_address(0x99);
    const Address consensus_ = testing::consensus_key(0).address();
    EconHarness econ_;
};

TEST_F(StakingRewardsTest, DelegationsAreSharesAtTheCurrentExchangeRate) {
    EXPECT_EQ(econ_.validator(op_).shares, U256{1000});
    EXPECT_EQ(econ_.slash(op_, 10, 0), U256{100});
    EXPECT_EQ(econ_.delegation(op_, op_), U256{900});  // the value, in wei
    ASSERT_EQ(econ_.delegate(alice_, op_, U256{450}).status, evm::Status::kSuccess);
    EXPECT_EQ(econ_.validator(op_).shares, U256{1500});  // 450 wei buy 500 shares
    EXPECT_EQ(econ_.validator(op_).bonded, U256{1350});
    EXPECT_EQ(econ_.delegation(alice_, op_), U256{450});
    // Undelegating part burns shares rounded up; the rest keeps its value.
    ASSERT_EQ(econ_.undelegate(alice_, op_, U256{100}).status, evm::Status::kSuccess);
    EXPECT_EQ(econ_.validator(op_).shares, U256{1500 - 112});
    EXPECT_EQ(econ_.delegation(alice_, op_), U256{349});  // floor(388 * 1250 / 1388)
    EXPECT_EQ(econ_.delegation(op_, op_), U256{900});     // unharmed by the rounding
    // All of what remains: every share is burned, nothing worthless is left.
    const auto over = econ_.undelegate(alice_, op_, U256{350});
    EXPECT_EQ(over.status, evm::Status::kRevert);
    EXPECT_EQ(over.reason, "staking: amount above the delegation");
    ASSERT_EQ(econ_.undelegate(alice_, op_, U256{349}).status, evm::Status::kSuccess);
    EXPECT_EQ(econ_.validator(op_).shares, U256{1000});
    EXPECT_EQ(econ_.validator(op_).bonded, U256{901});  // a wei of rounding stays bonded
    EXPECT_EQ(econ_.delegation(alice_, op_), U256{});
}

TEST_F(StakingRewardsTest, DelegateIsRefusedWhenThePoolIsWorthNothing) {
    EXPECT_EQ(econ_.slash(op_, 100, 0), U256{1000});
    const auto result = econ_.delegate(alice_, op_, U256{500});
    EXPECT_EQ(result.status, evm::Status::kRevert);
    EXPECT_EQ(result.reason, "staking: validator's stake was slashed to zero");
    EXPECT_EQ(econ_.balance(alice_), U256{1'000'000});
}

TEST_F(StakingRewardsTest, BlockRewardPaysCommissionAndSharesTheRestProRata) {
    ASSERT_EQ(econ_.delegate(alice_, op_, U256{3000}).status, evm::Status::kSuccess);
    const U256 staking_before = econ_.balance(staking_address());
    econ_.reward_block(consensus_, U256{10'000});
    EXPECT_EQ(econ_.balance(reward_), U256{500});  // 5 % commission, paid at once
    EXPECT_EQ(reward_pool(), U256{9500});
    EXPECT_EQ(econ_.balance(staking_address()), staking_before + U256{9500});
    EXPECT_EQ(econ_.pending(op_, op_), U256{2375});     // 1000 of 4000 shares
    EXPECT_EQ(econ_.pending(alice_, op_), U256{7125});  // 3000 of 4000 shares
    // A delegation made after a block earns nothing of it.
    const Address bob = test_address(3);
    ASSERT_EQ(econ_.delegate(bob, op_, U256{4000}).status, evm::Status::kSuccess);
    EXPECT_EQ(econ_.pending(bob, op_), U256{});
    econ_.reward_block(consensus_, U256{1000});  // 950 to 8000 shares
    EXPECT_EQ(econ_.pending(bob, op_), U256{475});
    EXPECT_EQ(econ_.pending(op_, op_), U256{2375 + 118});     // floor(118.75)
    EXPECT_EQ(econ_.pending(alice_, op_), U256{7125 + 356});  // floor(356.25)
    // The dust (1 wei) stays in the reward pool.
    EXPECT_EQ(reward_pool(), U256{9500 + 950});
}

TEST_F(StakingRewardsTest, RewardsSurviveDelegationChangesUntilClaimed) {
    econ_.reward_block(consensus_, U256{1000});
    EXPECT_EQ(econ_.pending(op_, op_), U256{950});
    // Delegating more and undelegating settle the earlier rewards into the delegation.
    ASSERT_EQ(econ_.delegate(op_, op_, U256{1000}).status, evm::Status::kSuccess);
    EXPECT_EQ(econ_.pending(op_, op_), U256{950});
    ASSERT_EQ(econ_.undelegate(op_, op_, U256{2000}).status, evm::Status::kSuccess);
    EXPECT_EQ(econ_.pending(op_, op_), U256{950});
    EXPECT_EQ(econ_.validator(op_).shares, U256{});

    const U256 before = econ_.balance(op_);
    const auto claimed = econ_.claim(op_, op_);
    ASSERT_EQ(claimed.status, evm::Status::kSuccess) << claimed.reason;
    EXPECT_EQ(abi::Reader{claimed.output}.word(0), U256{950});
    EXPECT_EQ(econ_.balance(op_), before + U256{950});
    EXPECT_EQ(reward_pool(), U256{});
    ASSERT_EQ(claimed.logs.size(), 1u);
    EXPECT_EQ(claimed.logs[0].topics[0], abi::event_topic(signature::kRewardsClaimed));
    EXPECT_EQ(claimed.logs[0].topics[1], abi::word_topic(abi::address_word(op_)));
    EXPECT_EQ(claimed.logs[0].topics[2], abi::word_topic(abi::address_word(op_)));
    EXPECT_EQ(abi::Reader{claimed.logs[0].data}.word(0), U256{950});
    EXPECT_GT(claimed.gas_used, gas::kTransfer);

    // Claiming again, or without a delegation, is refused and changes nothing.
    const auto again = econ_.claim(op_, op_);
    EXPECT_EQ(again.status, evm::Status::kRevert);
    EXPECT_EQ(again.reason, "staking: no rewards to claim");
    EXPECT_EQ(econ_.claim(alice_, op_).reason, "staking: no rewards to claim");
    EXPECT_EQ(econ_.claim(alice_, test_address(0x55)).reason, "staking: no rewards to claim");
    EXPECT_EQ(econ_.balance(op_), before + U256{950});
}

TEST_F(StakingRewardsTest, AValidatorWithoutSharesGetsAllOfItsReward) {
    ASSERT_EQ(econ_.undelegate(op_, op_, U256{1000}).status, evm::Status::kSuccess);
    econ_.reward_block(consensus_, U256{1000});
    EXPECT_EQ(econ_.balance(reward_), U256{1000});
    EXPECT_EQ(reward_pool(), U256{});
}

TEST_F(StakingRewardsTest, AnUnregisteredProposerIsPaidDirectly) {
    const Address stranger = test_address(0x42);
    const U256 staking_before = econ_.balance(staking_address());
    econ_.reward_block(stranger, U256{1000});
    EXPECT_EQ(econ_.balance(stranger), U256{1000});
    EXPECT_EQ(econ_.balance(staking_address()), staking_before);
    EXPECT_EQ(reward_pool(), U256{});
}

TEST_F(StakingRewardsTest, ClaimAndPendingRewardsFollowTheCallRules) {
    econ_.reward_block(consensus_, U256{1000});
    const auto data = testing::call_data(signature::kClaimRewards, abi::Writer{}.address(op_));
    auto& harness = econ_.harness();
    EXPECT_EQ(harness.call(op_, data, {.value = U256{1}}).reason,
              "staking: function is not payable");
    EXPECT_EQ(harness.call(op_, data, {.is_static = true}).reason,
              "staking: state change in a static call");
    // Out of gas reverts the settlement too.
    const auto starved = harness.call(op_, data, {.gas = 20'000});
    EXPECT_EQ(starved.status, evm::Status::kOutOfGas);
    EXPECT_EQ(econ_.pending(op_, op_), U256{950});
    // pendingRewards is a view: callable statically, malformed arguments refused.
    const auto malformed = harness.call(
        op_, testing::call_data(signature::kPendingRewards, abi::Writer{}.address(op_)),
        {.is_static = true});
    EXPECT_EQ(malformed.reason, "staking: malformed arguments");
}

}  // namespace
}  // namespace qtm::chain::staking
