// The staking contract's ABI lists (function_signatures, event_signatures), which
// `qtm validator abi` prints and the contracts/IStaking.sol check compares with solc's ABI:
// every function in the list is the one its selector dispatches to, no two functions share
// a selector (dispatch would be ambiguous), no two events share a topic, and each list
// holds the contract's known signatures.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "chain/staking/abi.hpp"
#include "chain/staking/contract.hpp"

namespace qtm::chain::staking {
namespace {

TEST(StakingInterface, SelectorsAndTopicsAreDistinctAndComplete) {
    const auto functions = function_signatures();
    std::set<std::string> selectors;
    for (const auto function : functions) {
        const auto selector = abi::selector(function);
        EXPECT_TRUE(selectors.insert(std::string(selector.begin(), selector.end())).second)
            << function;
    }
    EXPECT_EQ(selectors.size(), functions.size());
    for (const auto known :
         {signature::kCreateValidator, signature::kEditValidator, signature::kDelegate,
          signature::kUndelegate, signature::kWithdraw, signature::kClaimRewards,
          signature::kUnjail, signature::kPendingRewards, signature::kGetValidator,
          signature::kGetDelegation, signature::kGetParams}) {
        EXPECT_NE(std::find(functions.begin(), functions.end(), known), functions.end()) << known;
    }

    const auto events = event_signatures();
    std::set<Hash32> topics;
    for (const auto event : events)
        EXPECT_TRUE(topics.insert(abi::event_topic(event)).second);
    EXPECT_EQ(events.size(), 10u);
    for (const auto known :
         {signature::kValidatorCreated, signature::kDelegated, signature::kRewardsClaimed,
          signature::kSlashed, signature::kJailed, signature::kUnjailed, signature::kTombstoned}) {
        EXPECT_NE(std::find(events.begin(), events.end(), known), events.end()) << known;
    }
}

}  // namespace
}  // namespace qtm::chain::staking
