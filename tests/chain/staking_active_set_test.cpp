// The active validator set read from the staking contract's state: selection (top
// maxValidators by bonded stake, minimum stake, ties), epochs, and the set of a height.
#include "chain/staking/active_set.hpp"

#include <gtest/gtest.h>

#include "chain/block.hpp"
#include "chain/chain_spec.hpp"
#include "chain/stored_block.hpp"
#include "staking_support.hpp"
#include "storage/chain_store.hpp"

namespace qtm::chain::staking {
namespace {

using testing::call_data;
using testing::consensus_key;
using testing::test_address;

TEST(StakingActiveSet, EpochStateHeights) {
    EXPECT_EQ(epoch_state_height(0, 10), 0u);
    EXPECT_EQ(epoch_state_height(1, 10), 0u);
    EXPECT_EQ(epoch_state_height(10, 10), 0u);
    EXPECT_EQ(epoch_state_height(11, 10), 10u);
    EXPECT_EQ(epoch_state_height(20, 10), 10u);
    EXPECT_EQ(epoch_state_height(21, 10), 20u);
    EXPECT_EQ(epoch_state_height(5, 1), 4u);
}

TEST(StakingActiveSet, TopStakesAboveTheMinimumAreChosen) {
    ContractParams params;
    params.chain_id = 7357;
    params.epoch_length = 10;
    params.staking.min_validator_stake = qtm_to_wei(2);
    params.staking.max_validators = 3;
    testing::StakingHarness harness{params};
    for (std::uint8_t i = 1; i <= 5; ++i)
        harness.world().add_balance(test_address(i), qtm_to_wei(100));
    (void)harness.world().finalize_transaction();
    const std::uint64_t stakes[] = {5, 3, 4, 2};
    for (std::uint32_t i = 0; i < 4; ++i) {
        const Address op = test_address(static_cast<std::uint8_t>(i + 1));
        const AccountKey& key = consensus_key(i);
        const auto result = harness.call(
            op,
            testing::create_validator_data(key, testing::proof_of_possession(key, op, 7357), op, 0),
            {.value = qtm_to_wei(stakes[i])});
        ASSERT_EQ(result.status, evm::Status::kSuccess) << result.reason;
    }
    auto set = select_active_set(harness.world(), params.staking);
    ASSERT_TRUE(set.has_value());
    ASSERT_EQ(set->size(), 3u);
    const auto power_of = [&](std::uint32_t key_index) -> std::optional<std::uint64_t> {
        const auto index = set->index_of(consensus_key(key_index).address());
        if (!index) return std::nullopt;
        return set->at(*index).voting_power;
    };
    EXPECT_EQ(power_of(0), 5u);
    EXPECT_EQ(power_of(1), 3u);
    EXPECT_EQ(power_of(2), 4u);
    EXPECT_EQ(power_of(3), std::nullopt);  // the smallest stake is left out
    EXPECT_EQ(set->total_power(), 12u);

    // A delegation lifts validator 3 into the set; an undelegation below the minimum
    // takes validator 0 out.
    ASSERT_EQ(harness
                  .call(test_address(5),
                        call_data(signature::kDelegate, abi::Writer{}.address(test_address(4))),
                        {.value = qtm_to_wei(7)})
                  .status,
              evm::Status::kSuccess);
    ASSERT_EQ(harness
                  .call(test_address(1),
                        call_data(signature::kUndelegate,
                                  abi::Writer{}.address(test_address(1)).word(qtm_to_wei(4))))
                  .status,
              evm::Status::kSuccess);
    set = select_active_set(harness.world(), params.staking);
    ASSERT_TRUE(set.has_value());
    EXPECT_EQ(power_of(3), 9u);
    EXPECT_EQ(power_of(0), std::nullopt);  // 1 QTM bonded < 2 QTM minimum
    EXPECT_EQ(power_of(1), 3u);
    EXPECT_EQ(power_of(2), 4u);
}

TEST(StakingActiveSet, SetOfAHeightComesFromTheEpochsState) {
    const ChainSpec spec = *builtin_chain_spec("testnet");
    auto db = storage::make_memory_database();
    storage::WriteBatch batch;
    const auto genesis = build_genesis(spec, *db, batch);
    ASSERT_TRUE(genesis.has_value());
    storage::ChainStore::add_block(batch, stored_empty_block(genesis->block.header));
    ASSERT_TRUE(db->write(batch, false).has_value());
    for (std::uint64_t height : {0u, 1u, 7u}) {
        auto set = validator_set_for_height(spec, *db, height);
        ASSERT_TRUE(set.has_value()) << set.error().message;
        ASSERT_EQ(set->size(), spec.validators.size());
        for (const auto& validator : spec.validators) {
            const auto index = set->index_of(validator.address);
            ASSERT_TRUE(index.has_value());
            EXPECT_EQ(set->at(*index).voting_power, 10'000'000u);
            EXPECT_EQ(set->at(*index).public_key, validator.public_key);
        }
    }
    // Priorities move once per height within the epoch: heights 1 and 2 differ.
    EXPECT_NE(validator_set_for_height(spec, *db, 1)->proposer_index(),
              validator_set_for_height(spec, *db, 2)->proposer_index());
    // Heights of the second epoch need block epochLength, which is not stored.
    const auto later = validator_set_for_height(spec, *db, spec.epoch_length + 1);
    ASSERT_FALSE(later.has_value());
    EXPECT_NE(later.error().message.find("no canonical block " + std::to_string(spec.epoch_length)),
              std::string::npos)
        << later.error().message;
}

}  // namespace
}  // namespace qtm::chain::staking
