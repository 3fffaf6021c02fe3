// The time the host reads, behind an interface so that rate limits, bans and backoff can be
// tested with a clock the test moves by hand.
#pragma once

#include <chrono>

#include "p2p/peer_manager.hpp"

namespace qtm::p2p {

class Clock {
public:
    virtual ~Clock() = default;
    [[nodiscard]] virtual PeerClock::time_point now() const = 0;
};

class SteadyClock final : public Clock {
public:
    [[nodiscard]] PeerClock::time_point now() const override { return PeerClock::now(); }
};

}  // namespace qtm::p2p
