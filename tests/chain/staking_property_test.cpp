// Random staking histories against the reference model (staking_property_support.cpp says
// what is checked after every block). Bounded for the default run; the long variant is
// staking_property_slow_test.
#include <gtest/gtest.h>

#include "staking_property_support.hpp"

namespace qtm::chain::staking::testing {
namespace {

TEST(StakingProperty, RandomHistoriesAgreeWithTheModel) {
    int accepted = 0;
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
        accepted += run_staking_property({.seed = seed, .blocks = 40, .operations_per_block = 6});
        if (HasFailure()) break;
    }
    // The histories did things, not only refusals.
    EXPECT_GT(accepted, 200) << accepted;
}

}  // namespace
}  // namespace qtm::chain::staking::testing
