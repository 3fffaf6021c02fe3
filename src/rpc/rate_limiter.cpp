#include "rpc/rate_limiter.hpp"

#include <algorithm>

namespace qtm::rpc {

bool RateLimiter::allow(const std::string& client) {
    if (per_second_ <= 0) return true;
    const auto now = Clock::now();
    const std::lock_guard lock{mutex_};
    if (buckets_.size() >= kPruneAbove) prune(now);
    auto [it, inserted] = buckets_.try_emplace(client, Bucket{burst_, now});
    Bucket& bucket = it->second;
    if (!inserted) {
        const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
        bucket.tokens = std::min(burst_, bucket.tokens + elapsed * per_second_);
        bucket.updated = now;
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
}

std::size_t RateLimiter::tracked_clients() const {
    const std::lock_guard lock{mutex_};
    return buckets_.size();
}

// A bucket that would be full by now holds nothing a fresh one would not: forget it.
void RateLimiter::prune(Clock::time_point now) {
    std::erase_if(buckets_, [&](const auto& entry) {
        const double elapsed = std::chrono::duration<double>(now - entry.second.updated).count();
        return entry.second.tokens + elapsed * per_second_ >= burst_;
    });
}

}  // namespace qtm::rpc
