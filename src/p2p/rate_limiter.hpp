// Per-peer rate limits: a token bucket for messages and one for bytes on each channel, so a
// peer flooding transactions is cut off there without touching its votes. Pure: the time is
// passed in. The host drops a message over the limit, scores the peer for it, and bans a
// peer that keeps on (PeerManager).
#pragma once

#include <array>
#include <cstddef>

#include "p2p/message.hpp"
#include "p2p/peer_manager.hpp"

namespace qtm::p2p {

// `rate` units per second refilled, up to `burst` held.
class TokenBucket {
public:
    TokenBucket() = default;  // holds and refills nothing
    TokenBucket(double rate, double burst, PeerClock::time_point now);
    // Takes `amount` units if that many are there; false (and nothing taken) if not.
    bool take(double amount, PeerClock::time_point now);
    [[nodiscard]] double available(PeerClock::time_point now);

private:
    void refill(PeerClock::time_point now);

    double rate_{0};
    double burst_{0};
    double tokens_{0};
    PeerClock::time_point last_{};
};

struct ChannelRate {
    double messages_per_second;
    double message_burst;
    double bytes_per_second;
    double byte_burst;
};

// Defaults sized for a busy validator: far above what an honest peer sends, low enough that
// a flood is cut before it costs much.
struct RateLimits {
    std::array<ChannelRate, kChannelCount> channels{{
        {2000, 4000, 16e6, 32e6},  // consensus: votes of a large validator set
        {200, 400, 64e6, 128e6},   // blocks: sync responses of many MB
        {4000, 8000, 16e6, 32e6},  // transactions: announces, requests and bodies
        {2, 10, 128e3, 256e3},     // peers: address exchange now and then
        {10, 20, 16e3, 32e3},      // status: head updates
    }};
};

class PeerRateLimiter {
public:
    PeerRateLimiter(const RateLimits& limits, PeerClock::time_point now);
    // True if a message of `bytes` bytes on `channel` is within the peer's limits now (and
    // counts against them); false if it is over either limit (and counts against neither).
    bool allow(Channel channel, std::size_t bytes, PeerClock::time_point now);

private:
    struct Buckets {
        TokenBucket messages;
        TokenBucket bytes;
    };
    std::array<Buckets, kChannelCount> buckets_;
};

}  // namespace qtm::p2p
