#include "p2p/backoff.hpp"

#include <algorithm>

namespace qtm::p2p {

std::chrono::milliseconds backoff_delay(const BackoffPolicy& policy, std::uint32_t failures,
                                        const RandomSource& random) {
    if (failures == 0) return std::chrono::milliseconds{0};
    const auto cap = std::max<std::int64_t>(policy.cap.count(), 0);
    std::int64_t delay = std::max<std::int64_t>(policy.base.count(), 1);
    // Doubling stops at the cap, so the shift never overflows however many failures.
    for (std::uint32_t i = 1; i < failures && delay < cap; ++i)
        delay *= 2;
    delay = std::min(delay, cap);
    const double jitter = std::clamp(policy.jitter, 0.0, 1.0);
    // A uniform fraction in [0, 1) from the top 53 bits.
    const double fraction = static_cast<double>(random() >> 11) * 0x1.0p-53;
    const double scaled = static_cast<double>(delay) * (1.0 - jitter * fraction);
    return std::chrono::milliseconds{static_cast<std::int64_t>(scaled)};
}

}  // namespace qtm::p2p
