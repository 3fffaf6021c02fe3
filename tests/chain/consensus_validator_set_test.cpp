// ValidatorSet: creation rules, quorum arithmetic, and CometBFT's proposer priorities against
// sequences computed by hand from the algorithm (docs/protocol.md, "Consensus messages").
#include "chain/consensus/validator_set.hpp"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "chain/keys.hpp"
#include "consensus_support.hpp"

namespace qtm::chain {
namespace {

using testing::make_test_validators;

std::vector<std::int64_t> priorities(const ValidatorSet& set) {
    std::vector<std::int64_t> out;
    for (const Validator& validator : set.validators())
        out.push_back(validator.proposer_priority);
    return out;
}

// Proposers chosen by `steps` single increments.
std::vector<std::size_t> proposer_sequence(ValidatorSet set, std::size_t steps) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < steps; ++i) {
        set.increment_proposer_priority(1);
        out.push_back(set.proposer_index());
    }
    return out;
}

Validator key_only(std::size_t seed, std::uint64_t power) {
    const AccountKey key{crypto::SignatureScheme::kMlDsa65, testing::validator_seed(seed)};
    Validator validator;
    validator.public_key = key.public_key();
    validator.voting_power = power;
    return validator;
}

TEST(ValidatorSetCreate, SortsByAddressDerivedFromTheKey) {
    std::vector<Validator> list{key_only(0, 1), key_only(1, 2), key_only(2, 3)};
    list[0].address = Address{};  // ignored: the address comes from the key
    auto set = ValidatorSet::create(list);
    ASSERT_TRUE(set.has_value());
    EXPECT_EQ(set->total_power(), 6U);
    for (std::size_t i = 0; i < 3; ++i) {
        const Validator& v = set->at(i);
        EXPECT_EQ(v.address, address_of(v.scheme, v.public_key));
        if (i > 0) {
            EXPECT_LT(set->at(i - 1).address, v.address);
        }
        EXPECT_EQ(set->index_of(v.address), i);
    }
    EXPECT_EQ(set->index_of(Address{}), std::nullopt);
}

TEST(ValidatorSetCreate, RejectsEachBadSetWithItsError) {
    EXPECT_EQ(ValidatorSet::create({}).error(), ValidatorSetError::kEmpty);
    EXPECT_EQ(ValidatorSet::create({key_only(0, 1), key_only(1, 0)}).error(),
              ValidatorSetError::kZeroPower);
    EXPECT_EQ(ValidatorSet::create({key_only(0, 1), key_only(0, 5)}).error(),
              ValidatorSetError::kDuplicate);
    constexpr auto kMax = static_cast<std::uint64_t>(ValidatorSet::kMaxTotalVotingPower);
    EXPECT_TRUE(ValidatorSet::create({key_only(0, kMax - 1), key_only(1, 1)}).has_value());
    EXPECT_EQ(ValidatorSet::create({key_only(0, kMax), key_only(1, 1)}).error(),
              ValidatorSetError::kPowerOverflow);
    EXPECT_EQ(ValidatorSet::create({key_only(0, ~std::uint64_t{0})}).error(),
              ValidatorSetError::kPowerOverflow);

    Validator short_key = key_only(0, 1);
    short_key.public_key.pop_back();
    EXPECT_EQ(ValidatorSet::create({short_key}).error(), ValidatorSetError::kBadKey);
    Validator wrong_scheme = key_only(0, 1);  // an ML-DSA-65 key declared as ML-DSA-44
    wrong_scheme.scheme = crypto::SignatureScheme::kMlDsa44;
    EXPECT_EQ(ValidatorSet::create({wrong_scheme}).error(), ValidatorSetError::kBadKey);
    Validator no_scheme = key_only(0, 1);
    no_scheme.scheme = static_cast<crypto::SignatureScheme>(0);
    EXPECT_EQ(ValidatorSet::create({no_scheme}).error(), ValidatorSetError::kBadKey);

    std::vector<Validator> too_many(kMaxValidators + 1, key_only(0, 1));
    EXPECT_EQ(ValidatorSet::create(too_many).error(), ValidatorSetError::kTooMany);
}

TEST(ValidatorSetQuorum, StrictlyMoreThanTwoThirdsWithUnevenStakes) {
    // Powers 1, 2, 3, 3 (total 9): 6 is exactly two thirds and is not a quorum; 7 is.
    const auto validators = make_test_validators({1, 2, 3, 3});
    const ValidatorSet& set = validators.set;
    EXPECT_EQ(set.total_power(), 9U);
    EXPECT_FALSE(set.is_quorum(6));
    EXPECT_TRUE(set.is_quorum(7));
    EXPECT_FALSE(set.is_quorum(0));
    EXPECT_TRUE(set.is_quorum(9));
    EXPECT_FALSE(set.exceeds_one_third(3));  // exactly one third
    EXPECT_TRUE(set.exceeds_one_third(4));
    // Total 10: 2/3 is 6.67, so 6 fails and 7 passes; 1/3 is 3.33, so 3 fails and 4 passes.
    const auto ten = make_test_validators({5, 3, 2});
    EXPECT_FALSE(ten.set.is_quorum(6));
    EXPECT_TRUE(ten.set.is_quorum(7));
    EXPECT_FALSE(ten.set.exceeds_one_third(3));
    EXPECT_TRUE(ten.set.exceeds_one_third(4));
    // No wrap-around for a power far above any total.
    EXPECT_TRUE(set.is_quorum(~std::uint64_t{0}));
}

TEST(ValidatorSetProposer, PowersOneTwoThreeByHand) {
    // A=1, B=2, C=3 (index order), total 6. Each step adds the powers, picks the maximum
    // (ties: lower address) and subtracts 6 from it:
    //   (1,2,3)->C (1,2,-3); (2,4,-0)->B (2,-2,0); (3,0,3)->A by tie (-3,0,3);
    //   (-2,2,6)->C (-2,2,0); (-1,4,3)->B (-1,-2,3); (0,0,6)->C (0,0,0).
    const auto validators = make_test_validators({1, 2, 3});
    ValidatorSet set = validators.set;
    EXPECT_EQ(set.proposer_index(), 0U);  // never incremented: highest priority, lowest address
    const std::vector<std::vector<std::int64_t>> expected_priorities = {
        {1, 2, -3}, {2, -2, 0}, {-3, 0, 3}, {-2, 2, 0}, {-1, -2, 3}, {0, 0, 0}};
    const std::vector<std::size_t> expected_proposers = {2, 1, 0, 2, 1, 2};
    for (std::size_t step = 0; step < 6; ++step) {
        set.increment_proposer_priority(1);
        EXPECT_EQ(set.proposer_index(), expected_proposers[step]) << step;
        EXPECT_EQ(priorities(set), expected_priorities[step]) << step;
    }
    EXPECT_EQ(proposer_sequence(validators.set, 12),
              (std::vector<std::size_t>{2, 1, 0, 2, 1, 2, 2, 1, 0, 2, 1, 2}));
    // Rounds of one height: a copy incremented `round` times; the set itself is unchanged.
    EXPECT_EQ(validators.set.proposer_for_round(0), 0U);
    EXPECT_EQ(validators.set.proposer_for_round(1), 2U);
    EXPECT_EQ(validators.set.proposer_for_round(3), 0U);
    EXPECT_EQ(validators.set.proposer_for_round(5), 1U);
    EXPECT_EQ(priorities(validators.set), (std::vector<std::int64_t>{0, 0, 0}));
    // Several steps in one call equal single steps here (centring is a no-op at sum 0).
    ValidatorSet batch = validators.set;
    batch.increment_proposer_priority(4);
    EXPECT_EQ(priorities(batch), expected_priorities[3]);
    EXPECT_EQ(batch.proposer_index(), 2U);
}

TEST(ValidatorSetProposer, PowersTenOneOneByHand) {
    // A=10, B=1, C=1, total 12: A proposes 10 of every 12 heights.
    //   (10,1,1)->A (-2,1,1); (8,2,2)->A (-4,2,2); (6,3,3)->A (-6,3,3);
    //   (4,4,4)->A by tie (-8,4,4); (2,5,5)->B by tie (2,-7,5); (12,-6,6)->A (0,-6,6);
    //   (10,-5,7)->A (-2,-5,7); (8,-4,8)->A by tie (-4,-4,8); (6,-3,9)->C (6,-3,-3);
    //   (16,-2,-2)->A (4,-2,-2); (14,-1,-1)->A (2,-1,-1); (12,0,0)->A (0,0,0).
    const auto validators = make_test_validators({10, 1, 1});
    EXPECT_EQ(proposer_sequence(validators.set, 12),
              (std::vector<std::size_t>{0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0}));
    ValidatorSet set = validators.set;
    set.increment_proposer_priority(5);
    EXPECT_EQ(priorities(set), (std::vector<std::int64_t>{2, -7, 5}));
    set.increment_proposer_priority(7);
    EXPECT_EQ(priorities(set), (std::vector<std::int64_t>{0, 0, 0}));
}

std::vector<Validator> with_priorities(const ValidatorSet& set,
                                       const std::vector<std::int64_t>& values) {
    std::vector<Validator> list = set.validators();
    for (std::size_t i = 0; i < list.size(); ++i)
        list[i].proposer_priority = values[i];
    return list;
}

TEST(ValidatorSetProposer, RescalesAWideSpreadFirst) {
    // Powers 1,1,1 (window 2 * 3 = 6), priorities (100, 0, -100): spread 200 > 6, so divide by
    // ceil(200 / 6) = 34, truncating toward zero: (2, 0, -2); mean 0; step: (3, 1, -1) -> A,
    // A = 0.
    const auto validators = make_test_validators({1, 1, 1});
    auto set = ValidatorSet::create(with_priorities(validators.set, {100, 0, -100}));
    ASSERT_TRUE(set.has_value());
    EXPECT_EQ(set->proposer_index(), 0U);
    set->increment_proposer_priority(1);
    EXPECT_EQ(priorities(*set), (std::vector<std::int64_t>{0, 1, -1}));
    EXPECT_EQ(set->proposer_index(), 0U);
}

TEST(ValidatorSetProposer, CentresOnTheFloorOfTheMean) {
    // Priorities (-1, 0, 0): mean -1/3, whose floor is -1 (Go's big.Int division), so the
    // centred priorities are (0, 1, 1); step: (1, 2, 2) -> B by tie, B = -1.
    // (Truncating the mean to 0 would give (0, -2, 1) instead.)
    const auto validators = make_test_validators({1, 1, 1});
    auto set = ValidatorSet::create(with_priorities(validators.set, {-1, 0, 0}));
    ASSERT_TRUE(set.has_value());
    set->increment_proposer_priority(1);
    EXPECT_EQ(priorities(*set), (std::vector<std::int64_t>{1, -1, 2}));
    EXPECT_EQ(set->proposer_index(), 1U);
}

TEST(ValidatorSetProposer, ExtremePrioritiesSaturateInsteadOfWrapping) {
    const auto validators = make_test_validators({1, 1});
    constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
    constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
    auto set = ValidatorSet::create(with_priorities(validators.set, {kMax, kMin}));
    ASSERT_TRUE(set.has_value());
    set->increment_proposer_priority(3);
    for (const std::int64_t priority : priorities(*set)) {
        EXPECT_GE(priority, -4);
        EXPECT_LE(priority, 4);
    }
}

TEST(ValidatorSetHash, CoversKeysAndPowersButNotPriorities) {
    const auto validators = make_test_validators({1, 2, 3});
    ValidatorSet moved = validators.set;
    moved.increment_proposer_priority(2);
    EXPECT_EQ(moved.hash(), validators.set.hash());
    const auto other_powers = make_test_validators({1, 2, 4});
    EXPECT_NE(other_powers.set.hash(), validators.set.hash());
}

// Key-only validators made once for the property test (key generation is the slow part).
const std::vector<Validator>& key_pool() {
    static const std::vector<Validator> pool = [] {
        std::vector<Validator> out;
        for (std::size_t i = 0; i < 24; ++i)
            out.push_back(key_only(100 + i, 1));
        return out;
    }();
    return pool;
}

// Over many heights each validator proposes in proportion to its power. From a zero start the
// sum of priorities stays 0, so validator i's priority after t steps is
// t * power_i - proposals_i * total; the algorithm keeps priorities within about two totals
// of each other, so |proposals_i - t * power_i / total| stays below 2.
TEST(ValidatorSetProperties, ProposerFrequencyIsProportionalToPower) {
    EXPECT_TRUE(rc::check("proposals_i ~ t * power_i / total", [] {
        const auto n = *rc::gen::inRange<std::size_t>(1, key_pool().size() + 1);
        const auto max_power = *rc::gen::element<std::uint64_t>(3, 100, 1'000'000);
        std::vector<Validator> list(key_pool().begin(), key_pool().begin() + static_cast<long>(n));
        for (Validator& validator : list) {
            validator.voting_power = *rc::gen::inRange<std::uint64_t>(1, max_power + 1);
        }
        auto created = ValidatorSet::create(list);
        RC_ASSERT(created.has_value());
        ValidatorSet set = std::move(*created);
        const std::size_t steps = *rc::gen::inRange<std::size_t>(1, 2000);
        std::vector<std::size_t> proposals(n, 0);
        for (std::size_t t = 1; t <= steps; ++t) {
            set.increment_proposer_priority(1);
            ++proposals[set.proposer_index()];
        }
        // The proposer of a later round is that of a copy incremented that many times.
        const auto round = *rc::gen::inRange<std::uint32_t>(0, 6);
        ValidatorSet copy = set;
        copy.increment_proposer_priority(round);
        RC_ASSERT(set.proposer_for_round(round) == copy.proposer_index());
        const auto total = static_cast<double>(set.total_power());
        for (std::size_t i = 0; i < n; ++i) {
            const double expected =
                static_cast<double>(steps) * static_cast<double>(set.at(i).voting_power) / total;
            RC_ASSERT(std::abs(static_cast<double>(proposals[i]) - expected) < 2.0);
        }
    }));
}

}  // namespace
}  // namespace qtm::chain
