// The long variant of staking_property_test (label slow): more seeds, longer histories.
#include <gtest/gtest.h>

#include "staking_property_support.hpp"

namespace qtm::chain::staking::testing {
namespace {

TEST(StakingPropertySlow, ManyLongRandomHistoriesAgreeWithTheModel) {
    int accepted = 0;
    for (std::uint64_t seed = 100; seed < 140; ++seed) {
        accepted += run_staking_property({.seed = seed, .blocks = 200, .operations_per_block = 8});
        if (HasFailure()) break;
    }
    EXPECT_GT(accepted, 10'000);
}

}  // namespace
}  // namespace qtm::chain::staking::testing
