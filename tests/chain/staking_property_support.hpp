// The staking property test's driver (staking_property_test, staking_property_slow_test):
// random staking operations and blocks with rewards, run on the contract (through the real
// StateHost) and on the reference model (staking_model_support.hpp), compared after every
// block (see the .cpp for what is checked).
#pragma once

#include <cstdint>

namespace qtm::chain::staking::testing {

struct PropertyRun {
    std::uint64_t seed{1};
    int blocks{40};
    int operations_per_block{6};
};

// Runs one random history with gtest checks (a failure names the seed and the block).
// Returns how many operations the contract accepted, so that a caller can see the history
// did more than fail.
int run_staking_property(const PropertyRun& run);

}  // namespace qtm::chain::staking::testing
