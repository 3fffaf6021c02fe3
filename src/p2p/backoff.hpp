// Dial backoff: after the n-th failure in a row to reach an address, wait
// min(cap, base * 2^(n-1)) scaled by a jitter factor in [1 - jitter, 1] before the next try,
// so that nodes restarted together do not redial in lockstep. The random numbers are
// injected (tests fix them; the host seeds them from the OS).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace qtm::p2p {

// Uniform 64-bit random numbers.
using RandomSource = std::function<std::uint64_t()>;

struct BackoffPolicy {
    std::chrono::milliseconds base{std::chrono::seconds{1}};
    std::chrono::milliseconds cap{std::chrono::minutes{5}};
    double jitter = 0.5;  // the share of the delay that is random, 0..1
};

// The wait after `failures` failures in a row (0 failures: no wait).
[[nodiscard]] std::chrono::milliseconds backoff_delay(const BackoffPolicy& policy,
                                                      std::uint32_t failures,
                                                      const RandomSource& random);

}  // namespace qtm::p2p
