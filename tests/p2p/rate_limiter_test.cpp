// Token buckets and the per-peer, per-channel limiter, with the time passed in.
#include <gtest/gtest.h>

#include "p2p/rate_limiter.hpp"

namespace qtm::p2p {
namespace {

using namespace std::chrono_literals;
const PeerClock::time_point t0{};

TEST(TokenBucket, BurstThenRefillAtTheRateUpToTheBurst) {
    TokenBucket bucket{/*rate=*/10, /*burst=*/5, t0};
    for (int i = 0; i < 5; ++i)
        EXPECT_TRUE(bucket.take(1, t0));
    EXPECT_FALSE(bucket.take(1, t0));
    EXPECT_FALSE(bucket.take(1, t0 + 50ms));  // half a token
    EXPECT_TRUE(bucket.take(1, t0 + 100ms));
    EXPECT_FALSE(bucket.take(1, t0 + 100ms));
    // A long pause refills to the burst, not beyond.
    EXPECT_DOUBLE_EQ(bucket.available(t0 + 1h), 5.0);
    EXPECT_FALSE(bucket.take(6, t0 + 1h));
    EXPECT_TRUE(bucket.take(5, t0 + 1h));
}

TEST(TokenBucket, TimeGoingBackwardsAddsNothing) {
    TokenBucket bucket{10, 1, t0 + 10s};
    EXPECT_TRUE(bucket.take(1, t0 + 10s));
    EXPECT_FALSE(bucket.take(1, t0));
    EXPECT_FALSE(bucket.take(1, t0 + 10s));
    EXPECT_TRUE(bucket.take(1, t0 + 10s + 100ms));
}

RateLimits tight() {
    RateLimits limits;
    for (auto& channel : limits.channels)
        channel = {1000, 1000, 1e9, 1e9};
    limits.channels[static_cast<std::size_t>(Channel::kTransactions)] = {10, 3, 1000, 2500};
    return limits;
}

TEST(PeerRateLimiter, MessagesOverTheLimitAreRefusedOnThatChannelOnly) {
    PeerRateLimiter limiter{tight(), t0};
    EXPECT_TRUE(limiter.allow(Channel::kTransactions, 10, t0));
    EXPECT_TRUE(limiter.allow(Channel::kTransactions, 10, t0));
    EXPECT_TRUE(limiter.allow(Channel::kTransactions, 10, t0));
    EXPECT_FALSE(limiter.allow(Channel::kTransactions, 10, t0));
    // A transaction flood does not touch consensus.
    for (int i = 0; i < 100; ++i)
        EXPECT_TRUE(limiter.allow(Channel::kConsensus, 100, t0));
    EXPECT_TRUE(limiter.allow(Channel::kTransactions, 10, t0 + 100ms));
}

TEST(PeerRateLimiter, BytesOverTheLimitAreRefusedAndARefusalCostsNothing) {
    PeerRateLimiter limiter{tight(), t0};
    EXPECT_TRUE(limiter.allow(Channel::kTransactions, 2000, t0));
    EXPECT_FALSE(limiter.allow(Channel::kTransactions, 1000, t0));  // 500 bytes left
    // The refused message took no message token: two more small ones fit.
    EXPECT_TRUE(limiter.allow(Channel::kTransactions, 400, t0));
    EXPECT_TRUE(limiter.allow(Channel::kTransactions, 100, t0));
    EXPECT_FALSE(limiter.allow(Channel::kTransactions, 1, t0));
    EXPECT_TRUE(limiter.allow(Channel::kTransactions, 900, t0 + 1s));
}

TEST(PeerRateLimiter, DefaultsLetAnHonestBurstThrough) {
    PeerRateLimiter limiter{RateLimits{}, t0};
    // 150 votes of ~3.4 KB (an ML-DSA-65 signature each) in one instant.
    for (int i = 0; i < 150; ++i)
        EXPECT_TRUE(limiter.allow(Channel::kConsensus, 3400, t0));
    // 1,000 transactions of 4 KB.
    for (int i = 0; i < 1000; ++i)
        EXPECT_TRUE(limiter.allow(Channel::kTransactions, 4096, t0));
}

}  // namespace
}  // namespace qtm::p2p
