#include "p2p/rate_limiter.hpp"

#include <algorithm>

namespace qtm::p2p {

TokenBucket::TokenBucket(double rate, double burst, PeerClock::time_point now)
    : rate_{std::max(rate, 0.0)}, burst_{std::max(burst, 0.0)}, tokens_{burst_}, last_{now} {}

void TokenBucket::refill(PeerClock::time_point now) {
    if (now <= last_) return;  // a clock that stands still (or a stale time) adds nothing
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
    last_ = now;
}

bool TokenBucket::take(double amount, PeerClock::time_point now) {
    refill(now);
    if (tokens_ < amount) return false;
    tokens_ -= amount;
    return true;
}

double TokenBucket::available(PeerClock::time_point now) {
    refill(now);
    return tokens_;
}

PeerRateLimiter::PeerRateLimiter(const RateLimits& limits, PeerClock::time_point now) {
    for (std::size_t i = 0; i < kChannelCount; ++i) {
        const ChannelRate& rate = limits.channels[i];
        buckets_[i] = {TokenBucket{rate.messages_per_second, rate.message_burst, now},
                       TokenBucket{rate.bytes_per_second, rate.byte_burst, now}};
    }
}

bool PeerRateLimiter::allow(Channel channel, std::size_t bytes, PeerClock::time_point now) {
    auto& buckets = buckets_[static_cast<std::size_t>(channel)];
    const double size = static_cast<double>(bytes);
    // Check both before taking from either, so a refused message costs nothing.
    if (buckets.messages.available(now) < 1 || buckets.bytes.available(now) < size) return false;
    buckets.messages.take(1, now);
    buckets.bytes.take(size, now);
    return true;
}

}  // namespace qtm::p2p
