// Rate limit for log lines that a peer or a client can trigger (a failing RPC method, a
// slow WebSocket client, a transaction left out of a block): at most `burst` lines, then
// one per `interval`; the rest are counted and the next line that passes says how many were
// dropped. Without this, anyone who can reach the node can fill its disk with logs.
// Thread-safe; one limiter per call site (a static local).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace qtm {

class LogLimiter {
public:
    using Clock = std::chrono::steady_clock;

    explicit LogLimiter(std::chrono::milliseconds interval = std::chrono::seconds(1),
                        double burst = 10)
        : interval_{interval}, burst_{burst}, tokens_{burst} {}

    // nullopt: drop this line. A number: log it, mentioning that many lines dropped before
    // it (0: none).
    [[nodiscard]] std::optional<std::uint64_t> admit(Clock::time_point now = Clock::now()) {
        const std::lock_guard lock{mutex_};
        if (started_) {
            const double elapsed = std::chrono::duration<double>(now - last_).count();
            const double per_token = std::chrono::duration<double>(interval_).count();
            tokens_ = std::min(burst_, tokens_ + elapsed / per_token);
        }
        started_ = true;
        last_ = now;
        if (tokens_ < 1) {
            ++dropped_;
            return std::nullopt;
        }
        tokens_ -= 1;
        const std::uint64_t dropped = dropped_;
        dropped_ = 0;
        return dropped;
    }

private:
    std::mutex mutex_;
    std::chrono::milliseconds interval_;
    double burst_;
    double tokens_;
    bool started_{false};
    Clock::time_point last_{};
    std::uint64_t dropped_{0};
};

// " (N similar lines dropped)" for a line admit() let through after dropping N; "" for 0.
[[nodiscard]] inline std::string dropped_note(std::uint64_t dropped) {
    if (dropped == 0) return {};
    return " (" + std::to_string(dropped) + " similar lines dropped)";
}

}  // namespace qtm
