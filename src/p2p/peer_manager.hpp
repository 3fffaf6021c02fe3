// Who may connect: inbound and outbound limits, concurrent handshakes per IP and in total
// (checked before any ML-KEM or ML-DSA work), a score per peer that misbehaviour lowers,
// and bans with expiry: on the node id for a peer that proved one, on the IP for one that
// failed before it did. Pure bookkeeping with the time
// passed in: the transport asks before accepting or dialing and reports what happened.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "p2p/node_key.hpp"

namespace qtm::p2p {

using PeerClock = std::chrono::steady_clock;

struct PeerLimits {
    std::size_t max_inbound = 40;
    std::size_t max_outbound = 10;
    std::size_t max_handshakes_per_ip = 2;
    std::size_t max_handshakes = 16;
    int ban_score = -100;  // a score at or below this bans
    std::chrono::seconds ban_duration{std::chrono::hours{1}};
    // Whether banning a peer that proved its node id also bans its IP. Off by default: an
    // IP may be shared by many honest nodes (NAT, one machine running several, every
    // loopback peer), and banning it would cut them all off for one node's offence. A peer
    // that fails before proving an id is scored and banned by IP regardless.
    bool ban_ip_of_identified_peers = false;
};

// What a peer did wrong; each costs a fixed penalty (penalty()).
enum class Offence {
    kSlow,                // answered late
    kFlooding,            // a message over its per-peer rate limit
    kUnrequestedMessage,  // a response nobody asked for
    kTimeout,             // did not answer at all
    kInvalidMessage,      // failed a decode or validation check it is to blame for
    kHandshakeFailure,    // failed the handshake in a way it is to blame for
    kProtocolViolation,   // broke the session (bad frame, wrong first message)
};
[[nodiscard]] int penalty(Offence offence) noexcept;

enum class Refusal {
    kBanned,
    kSelf,
    kAlreadyConnected,
    kTooManyInbound,
    kTooManyOutbound,
    kTooManyHandshakesFromIp,
    kTooManyHandshakes,
};
[[nodiscard]] std::string_view to_string(Refusal refusal) noexcept;

class PeerManager {
public:
    PeerManager(const PeerLimits& limits, const NodeId& self);

    // Before reading a hello from `ip`: refused if banned or over the handshake limits.
    [[nodiscard]] Result<void, Refusal> begin_handshake(const std::string& ip,
                                                        PeerClock::time_point now);
    // After the handshake on `ip`, whatever its outcome.
    void end_handshake(const std::string& ip);

    // After a successful handshake: refused if the node is banned, ourselves, already
    // connected, or the direction is full.
    [[nodiscard]] Result<void, Refusal> on_connected(const NodeId& id, const std::string& ip,
                                                     bool inbound, PeerClock::time_point now);
    void on_disconnected(const NodeId& id);

    // Lowers the peer's score; true when that bans it (the caller then disconnects). Bans
    // the node id, and the IP only if PeerLimits::ban_ip_of_identified_peers.
    bool penalize(const NodeId& id, const std::string& ip, Offence offence,
                  PeerClock::time_point now);
    // The same for a peer that failed before it proved an identity: scored under a stand-in
    // id derived from its IP, so repeated failures from one address ban that address.
    bool penalize_unidentified(const std::string& ip, Offence offence, PeerClock::time_point now);

    [[nodiscard]] bool is_banned(const NodeId& id, PeerClock::time_point now) const;
    [[nodiscard]] bool is_banned(const std::string& ip, PeerClock::time_point now) const;
    [[nodiscard]] int score(const NodeId& id) const;
    [[nodiscard]] std::size_t inbound() const noexcept { return inbound_; }
    [[nodiscard]] std::size_t outbound() const noexcept { return outbound_; }

private:
    struct Connected {
        bool inbound;
    };

    PeerLimits limits_;
    NodeId self_;
    bool lower_score(const NodeId& id, Offence offence);
    void ban(const std::string& ip, PeerClock::time_point now);

    std::map<std::string, std::size_t> handshakes_by_ip_;
    std::size_t handshakes_{0};
    std::map<NodeId, Connected> connected_;
    std::map<NodeId, int> scores_;
    std::map<NodeId, PeerClock::time_point> banned_ids_;
    std::map<std::string, PeerClock::time_point> banned_ips_;
    std::size_t inbound_{0};
    std::size_t outbound_{0};
};

}  // namespace qtm::p2p
