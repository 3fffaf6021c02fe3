// A token bucket per client address (requests per second with a burst), shared by the HTTP
// and WebSocket servers. Buckets of clients that have been idle long enough to be full again
// are dropped when many clients are tracked, so memory stays bounded however many addresses
// a caller uses.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace qtm::rpc {

class RateLimiter {
public:
    static constexpr std::size_t kPruneAbove = 10'000;  // tracked clients before a sweep

    // per_second <= 0: unlimited.
    RateLimiter(double per_second, double burst) : per_second_{per_second}, burst_{burst} {}

    // Takes one token from `client`'s bucket; false when it is empty.
    bool allow(const std::string& client);

    [[nodiscard]] std::size_t tracked_clients() const;

private:
    using Clock = std::chrono::steady_clock;
    struct Bucket {
        double tokens;
        Clock::time_point updated;
    };
    void prune(Clock::time_point now);

    double per_second_;
    double burst_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace qtm::rpc
