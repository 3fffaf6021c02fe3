// Dial backoff: doubling from the base, capped, jitter within its share and from the
// injected random numbers only.
#include <gtest/gtest.h>

#include <limits>

#include "p2p/backoff.hpp"

namespace qtm::p2p {
namespace {

using std::chrono::milliseconds;

RandomSource constant(std::uint64_t value) {
    return [value] { return value; };
}

TEST(Backoff, DoublesFromTheBaseUpToTheCapWithoutJitter) {
    const BackoffPolicy policy{milliseconds{100}, milliseconds{1000}, /*jitter=*/0.0};
    const auto random = constant(std::numeric_limits<std::uint64_t>::max());
    EXPECT_EQ(backoff_delay(policy, 0, random), milliseconds{0});
    EXPECT_EQ(backoff_delay(policy, 1, random), milliseconds{100});
    EXPECT_EQ(backoff_delay(policy, 2, random), milliseconds{200});
    EXPECT_EQ(backoff_delay(policy, 3, random), milliseconds{400});
    EXPECT_EQ(backoff_delay(policy, 4, random), milliseconds{800});
    EXPECT_EQ(backoff_delay(policy, 5, random), milliseconds{1000});
    EXPECT_EQ(backoff_delay(policy, 1'000'000, random), milliseconds{1000});
}

TEST(Backoff, JitterTakesAtMostItsShareAndFollowsTheRandomNumbers) {
    const BackoffPolicy policy{milliseconds{1000}, milliseconds{60'000}, /*jitter=*/0.5};
    // Random 0: no reduction; the largest random number: almost the whole share.
    EXPECT_EQ(backoff_delay(policy, 3, constant(0)), milliseconds{4000});
    const auto high = backoff_delay(policy, 3, constant(std::numeric_limits<std::uint64_t>::max()));
    EXPECT_GE(high, milliseconds{2000});
    EXPECT_LE(high, milliseconds{2001});
    // Half of the range: a quarter off.
    EXPECT_EQ(backoff_delay(policy, 3, constant(std::uint64_t{1} << 63)), milliseconds{3000});
    // Any random number stays within [delay * (1 - jitter), delay].
    std::uint64_t state = 12345;
    const RandomSource lcg = [&state] {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return state;
    };
    for (std::uint32_t failures = 1; failures < 20; ++failures) {
        const auto plain = backoff_delay({policy.base, policy.cap, 0.0}, failures, lcg);
        const auto jittered = backoff_delay(policy, failures, lcg);
        EXPECT_LE(jittered, plain);
        EXPECT_GE(jittered.count(), plain.count() / 2);
    }
}

TEST(Backoff, OddPoliciesStayInRange) {
    const auto random = constant(0);
    EXPECT_EQ(backoff_delay({milliseconds{0}, milliseconds{10}, 0.0}, 1, random), milliseconds{1});
    EXPECT_EQ(backoff_delay({milliseconds{50}, milliseconds{10}, 0.0}, 1, random),
              milliseconds{10});
    EXPECT_EQ(backoff_delay({milliseconds{100}, milliseconds{1000}, 7.0}, 1,
                            constant(std::uint64_t{1} << 63)),
              milliseconds{50});  // jitter above 1 counts as 1
}

}  // namespace
}  // namespace qtm::p2p
