#include "base/log_limiter.hpp"

#include <gtest/gtest.h>

namespace qtm {
namespace {

using namespace std::chrono_literals;

TEST(LogLimiter, BurstThenOnePerIntervalCountingTheDropped) {
    LogLimiter limiter{1s, 3};
    const auto t0 = LogLimiter::Clock::time_point{} + 100s;
    EXPECT_EQ(limiter.admit(t0), 0u);
    EXPECT_EQ(limiter.admit(t0), 0u);
    EXPECT_EQ(limiter.admit(t0), 0u);
    EXPECT_EQ(limiter.admit(t0), std::nullopt);  // the burst is spent
    EXPECT_EQ(limiter.admit(t0 + 500ms), std::nullopt);
    EXPECT_EQ(limiter.admit(t0 + 1s), 2u);  // one token back; two lines were dropped
    EXPECT_EQ(limiter.admit(t0 + 1s), std::nullopt);
    EXPECT_EQ(limiter.admit(t0 + 1h), 1u);  // refills to the burst, not beyond
    EXPECT_EQ(limiter.admit(t0 + 1h), 0u);
    EXPECT_EQ(limiter.admit(t0 + 1h), 0u);
    EXPECT_EQ(limiter.admit(t0 + 1h), std::nullopt);
}

}  // namespace
}  // namespace qtm
