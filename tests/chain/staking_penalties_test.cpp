// The penalty primitives (penalties.hpp: slash, jail, tombstone, operator_of_consensus) and
// unjail(), each success and each refusal (docs/staking.md, "Penalties").
#include "chain/staking/penalties.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "staking_econ_support.hpp"

namespace qtm::chain::staking {
namespace {

using testing::EconHarness;
using testing::test_address;

constexpr std::uint64_t kStart = 1'000'000;

class StakingPenaltiesTest : public ::testing::Test {
protected:
    StakingPenaltiesTest() : econ_{params()} {
        for (std::uint8_t i = 1; i <= 4; ++i)
            econ_.fund(test_address(i), U256{1'000'000});
        econ_.at(1, kStart);
        const auto created = econ_.create(op_, 0, U256{10'000}, test_address(0x99), 0);
        EXPECT_EQ(created.status, evm::Status::kSuccess) << created.reason;
    }

    static ContractParams params() {
        ContractParams params;
        params.chain_id = 7357;
        params.staking.min_validator_stake = U256{1000};
        params.staking.unbonding_seconds = 100;
        params.staking.max_unbonding_entries = 4;
        return params;
    }
    template <typename F>
    auto totals(F&& f) {
        return econ_.with_store(std::forward<F>(f));
    }

    const Address op_ = test_address(1);
    const Address alice_ = test_address(2);
    const Address bob_ = test_address(3);
    EconHarness econ_;
};

TEST_F(StakingPenaltiesTest, OperatorOfConsensusFindsRegisteredValidatorsOnly) {
    EXPECT_EQ(totals([](Store& store) {
                  return operator_of_consensus(store, testing::consensus_key(0).address());
              }),
              op_);
    EXPECT_EQ(totals([&](Store& store) { return operator_of_consensus(store, op_); }),
              std::nullopt);
}

TEST_F(StakingPenaltiesTest, SlashBurnsBondedStakeAndEntriesCreatedAtOrAfterTheInfraction) {
    ASSERT_EQ(econ_.delegate(alice_, op_, U256{10'000}).status, evm::Status::kSuccess);
    econ_.at(5, kStart + 10);
    ASSERT_EQ(econ_.undelegate(alice_, op_, U256{1000}).status, evm::Status::kSuccess);  // h 5
    econ_.at(8, kStart + 20);
    ASSERT_EQ(econ_.undelegate(alice_, op_, U256{2000}).status, evm::Status::kSuccess);  // h 8
    ASSERT_EQ(econ_.undelegate(bob_, op_, U256{1}).status, evm::Status::kRevert);
    econ_.at(9, kStart + 30);
    ASSERT_EQ(econ_.delegate(bob_, op_, U256{1000}).status, evm::Status::kSuccess);
    ASSERT_EQ(econ_.undelegate(bob_, op_, U256{400}).status, evm::Status::kSuccess);  // h 9
    const U256 supply_before = econ_.balance(staking_address());

    // Infraction at height 8: the bonded 17,600 and the entries of heights 8 and 9 lose 10 %;
    // the entry of height 5 left before the infraction and keeps all of it.
    const U256 burned = econ_.slash(op_, 10, 8);
    EXPECT_EQ(burned, U256{1760 + 200 + 40});
    EXPECT_EQ(econ_.balance(staking_address()), supply_before - burned);
    EXPECT_EQ(econ_.validator(op_).bonded, U256{15'840});
    EXPECT_EQ(econ_.validator(op_).total_slashed, burned);
    EXPECT_EQ(econ_.delegation(op_, op_), U256{9000});     // every delegation loses 10 %
    EXPECT_EQ(econ_.delegation(alice_, op_), U256{6300});  // 7,000 before
    EXPECT_EQ(econ_.delegation(bob_, op_), U256{540});
    totals([&](Store& store) {
        EXPECT_EQ(store.total_bonded(), U256{15'840});
        EXPECT_EQ(store.total_unbonding(), U256{1000 + 1800 + 360});
        EXPECT_EQ(store.total_slashed(), burned);
        EXPECT_EQ(store.unbonding(alice_, 0).amount, U256{1000});
        EXPECT_EQ(store.unbonding(alice_, 0).creation_height, 5u);
        EXPECT_EQ(store.unbonding(alice_, 1).amount, U256{1800});
        EXPECT_EQ(store.unbonding(bob_, 0).amount, U256{360});
        return 0;
    });
    // The entries pay what is left of them.
    econ_.at(20, kStart + 200);
    const U256 alice_before = econ_.balance(alice_);
    ASSERT_EQ(econ_.withdraw(alice_).status, evm::Status::kSuccess);
    EXPECT_EQ(econ_.balance(alice_), alice_before + U256{2800});
    // A slash of an unknown validator, or of 0 %, burns nothing; above 100 % is 100 %.
    EXPECT_EQ(econ_.slash(test_address(0x42), 50, 0), U256{});
    EXPECT_EQ(econ_.slash(op_, 0, 0), U256{});
    EXPECT_EQ(econ_.slash(op_, 250, 100), U256{15'840});
    EXPECT_EQ(econ_.validator(op_).bonded, U256{});
}

TEST_F(StakingPenaltiesTest, TheValidatorsIndexOfUnbondingDelegatorsStaysExact) {
    ASSERT_EQ(econ_.delegate(alice_, op_, U256{1000}).status, evm::Status::kSuccess);
    ASSERT_EQ(econ_.delegate(bob_, op_, U256{1000}).status, evm::Status::kSuccess);
    ASSERT_EQ(econ_.undelegate(alice_, op_, U256{100}).status, evm::Status::kSuccess);
    ASSERT_EQ(econ_.undelegate(alice_, op_, U256{100}).status, evm::Status::kSuccess);
    ASSERT_EQ(econ_.undelegate(bob_, op_, U256{100}).status, evm::Status::kSuccess);
    const auto unbonders = [&] {
        return totals([&](Store& store) {
            std::vector<Address> out;
            for (std::uint64_t i = 0; i < store.unbonder_count(op_); ++i)
                out.push_back(store.unbonder_at(op_, i));
            return out;
        });
    };
    EXPECT_EQ(unbonders(), (std::vector<Address>{alice_, bob_}));  // alice once, two entries
    econ_.at(2, kStart + 100);
    ASSERT_EQ(econ_.withdraw(alice_).status, evm::Status::kSuccess);
    EXPECT_EQ(unbonders(), (std::vector<Address>{bob_}));  // bob moved into alice's place
    ASSERT_EQ(econ_.withdraw(bob_).status, evm::Status::kSuccess);
    EXPECT_TRUE(unbonders().empty());
    // Their info words are cleared, not left behind.
    totals([&](Store& store) {
        EXPECT_EQ(store.meter().load(slot::unbonder_info(op_, alice_)), U256{});
        EXPECT_EQ(store.meter().load(slot::unbonder_info(op_, bob_)), U256{});
        return 0;
    });
}

TEST_F(StakingPenaltiesTest, AnEntrySlashedToNothingStillMaturesAndLeaves) {
    ASSERT_EQ(econ_.undelegate(op_, op_, U256{1000}).status, evm::Status::kSuccess);
    EXPECT_EQ(econ_.slash(op_, 100, 0), U256{10'000});
    econ_.at(2, kStart + 100);
    const auto result = econ_.withdraw(op_);
    ASSERT_EQ(result.status, evm::Status::kSuccess) << result.reason;
    EXPECT_EQ(abi::Reader{result.output}.word(0), U256{});
    EXPECT_EQ(totals([&](Store& store) { return store.unbonding_count(op_); }), 0u);
}

TEST_F(StakingPenaltiesTest, JailThenUnjailAfterTheJailTime) {
    // Not jailed, not a validator.
    EXPECT_EQ(econ_.unjail(op_).reason, "staking: not jailed");
    EXPECT_EQ(econ_.unjail(alice_).reason, "staking: not a validator");

    econ_.jail(op_, kStart + 600);
    EXPECT_TRUE(econ_.validator(op_).jailed);
    EXPECT_EQ(econ_.validator(op_).jailed_until, kStart + 600);
    econ_.jail(op_, kStart + 60);  // never shortens
    EXPECT_EQ(econ_.validator(op_).jailed_until, kStart + 600);

    econ_.at(2, kStart + 599);
    const auto early = econ_.unjail(op_);
    EXPECT_EQ(early.status, evm::Status::kRevert);
    EXPECT_EQ(early.reason, "staking: jailed until " + std::to_string(kStart + 600));
    EXPECT_TRUE(econ_.validator(op_).jailed);
    // A jailed validator still takes delegations.
    EXPECT_EQ(econ_.delegate(alice_, op_, U256{100}).status, evm::Status::kSuccess);

    econ_.at(3, kStart + 600);
    const auto freed = econ_.unjail(op_);
    ASSERT_EQ(freed.status, evm::Status::kSuccess) << freed.reason;
    EXPECT_FALSE(econ_.validator(op_).jailed);
    ASSERT_EQ(freed.logs.size(), 1u);
    EXPECT_EQ(freed.logs[0].topics[0], abi::event_topic(signature::kUnjailed));
    EXPECT_EQ(freed.logs[0].topics[1], abi::word_topic(abi::address_word(op_)));
    // Twice: no longer jailed.
    EXPECT_EQ(econ_.unjail(op_).reason, "staking: not jailed");
    // Not payable, not static.
    EXPECT_EQ(econ_.harness()
                  .call(op_, testing::call_data(signature::kUnjail), {.value = U256{1}})
                  .reason,
              "staking: function is not payable");
}

TEST_F(StakingPenaltiesTest, ATombstoneIsForEver) {
    econ_.tombstone(op_);
    const auto view = econ_.validator(op_);
    EXPECT_TRUE(view.jailed);
    EXPECT_TRUE(view.tombstoned);
    EXPECT_EQ(view.jailed_until, std::numeric_limits<std::uint64_t>::max());
    econ_.at(2, std::numeric_limits<std::int64_t>::max());
    EXPECT_EQ(econ_.unjail(op_).reason, "staking: validator is tombstoned and can never unjail");
    EXPECT_EQ(econ_.delegate(alice_, op_, U256{100}).reason, "staking: validator is tombstoned");
    econ_.jail(op_, 5);  // no effect
    EXPECT_EQ(econ_.validator(op_).jailed_until, std::numeric_limits<std::uint64_t>::max());
    // Its delegators can still leave.
    econ_.at(3, kStart);
    EXPECT_EQ(econ_.undelegate(op_, op_, U256{10'000}).status, evm::Status::kSuccess);
}

TEST_F(StakingPenaltiesTest, GetValidatorOfAnUnknownAddressHasTheNewFieldsZero) {
    const auto view = econ_.validator(alice_);
    EXPECT_FALSE(view.exists);
    EXPECT_EQ(view.shares, U256{});
    EXPECT_EQ(view.jailed_until, 0u);
    EXPECT_FALSE(view.tombstoned);
    EXPECT_EQ(view.total_slashed, U256{});
}

}  // namespace
}  // namespace qtm::chain::staking
