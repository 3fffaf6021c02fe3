// What the host counts for metrics: peers by direction, message bytes and counts by channel
// (the channel header and payload; the frame and AEAD overhead is not counted), messages
// dropped by a rate limit or a full send queue, bans, dials. Updated by the host's thread with
// relaxed atomics; snapshot() is a plain copy any thread may take.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "p2p/message.hpp"

namespace qtm::p2p {

struct HostCountersSnapshot {
    std::uint64_t inbound_peers{0};
    std::uint64_t outbound_peers{0};
    std::array<std::uint64_t, kChannelCount> bytes_sent{};
    std::array<std::uint64_t, kChannelCount> bytes_received{};
    std::array<std::uint64_t, kChannelCount> messages_sent{};
    std::array<std::uint64_t, kChannelCount> messages_received{};
    std::uint64_t rate_limited{0};  // messages dropped over a per-peer limit
    // Messages not sent because the peer's send queue (or the host's backlog) was over budget.
    std::array<std::uint64_t, kChannelCount> send_dropped{};
    std::uint64_t bans{0};                // peers (or addresses) banned
    std::uint64_t refused{0};             // connections refused (limits, bans, duplicates)
    std::uint64_t handshake_failures{0};  // connections closed before they were ready
    std::uint64_t dials{0};
    std::uint64_t dial_failures{0};
    std::uint64_t gossip_relayed{0};  // item copies sent by relay()
};

class HostCounters {
public:
    using Counter = std::atomic<std::uint64_t>;

    Counter inbound_peers{0};
    Counter outbound_peers{0};
    std::array<Counter, kChannelCount> bytes_sent{};
    std::array<Counter, kChannelCount> bytes_received{};
    std::array<Counter, kChannelCount> messages_sent{};
    std::array<Counter, kChannelCount> messages_received{};
    Counter rate_limited{0};
    std::array<Counter, kChannelCount> send_dropped{};
    Counter bans{0};
    Counter refused{0};
    Counter handshake_failures{0};
    Counter dials{0};
    Counter dial_failures{0};
    Counter gossip_relayed{0};

    static void add(Counter& counter, std::uint64_t amount = 1) noexcept {
        counter.fetch_add(amount, std::memory_order_relaxed);
    }

    [[nodiscard]] HostCountersSnapshot snapshot() const noexcept {
        const auto get = [](const Counter& c) { return c.load(std::memory_order_relaxed); };
        HostCountersSnapshot out;
        out.inbound_peers = get(inbound_peers);
        out.outbound_peers = get(outbound_peers);
        for (std::size_t i = 0; i < kChannelCount; ++i) {
            out.bytes_sent[i] = get(bytes_sent[i]);
            out.bytes_received[i] = get(bytes_received[i]);
            out.messages_sent[i] = get(messages_sent[i]);
            out.messages_received[i] = get(messages_received[i]);
            out.send_dropped[i] = get(send_dropped[i]);
        }
        out.rate_limited = get(rate_limited);
        out.bans = get(bans);
        out.refused = get(refused);
        out.handshake_failures = get(handshake_failures);
        out.dials = get(dials);
        out.dial_failures = get(dial_failures);
        out.gossip_relayed = get(gossip_relayed);
        return out;
    }
};

}  // namespace qtm::p2p
