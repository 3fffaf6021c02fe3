#include "rpc/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <string>

namespace qtm::rpc {
namespace {

TEST(RateLimiter, UnlimitedWhenTheRateIsZero) {
    RateLimiter limiter{0, 1};
    for (int i = 0; i < 1000; ++i)
        EXPECT_TRUE(limiter.allow("1.2.3.4"));
    EXPECT_EQ(limiter.tracked_clients(), 0u);
}

TEST(RateLimiter, BurstThenRefusalPerClient) {
    // 1 request per hour: only the burst passes within the test.
    RateLimiter limiter{1.0 / 3600, 5};
    for (int i = 0; i < 5; ++i)
        EXPECT_TRUE(limiter.allow("a")) << i;
    EXPECT_FALSE(limiter.allow("a"));
    // Another client has its own bucket.
    EXPECT_TRUE(limiter.allow("b"));
}

TEST(RateLimiter, MemoryStaysBoundedUnderManyAddresses) {
    // A fast refill: every bucket is full again almost at once, so sweeps drop them.
    RateLimiter limiter{1e9, 2};
    for (std::size_t i = 0; i < 3 * RateLimiter::kPruneAbove; ++i) {
        EXPECT_TRUE(limiter.allow("client-" + std::to_string(i)));
    }
    EXPECT_LE(limiter.tracked_clients(), RateLimiter::kPruneAbove);
    // A slow refill keeps drained buckets (they still limit their clients).
    RateLimiter strict{1.0 / 3600, 1};
    EXPECT_TRUE(strict.allow("x"));
    for (std::size_t i = 0; i < RateLimiter::kPruneAbove; ++i) {
        (void)strict.allow("other-" + std::to_string(i));
    }
    EXPECT_FALSE(strict.allow("x"));
}

}  // namespace
}  // namespace qtm::rpc
