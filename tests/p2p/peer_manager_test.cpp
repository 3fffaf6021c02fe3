// Peer bookkeeping: handshake limits per IP and in total, direction limits, duplicates and
// self, scores that reach a ban, bans that expire: on the node id for an
// identified peer, on the IP for one that failed before proving an id.
#include <gtest/gtest.h>

#include "p2p/peer_manager.hpp"

namespace qtm::p2p {
namespace {

using namespace std::chrono_literals;

NodeId id(std::uint8_t b) {
    NodeId out{};
    out.fill(b);
    return out;
}

PeerLimits small_limits() {
    PeerLimits limits;
    limits.max_inbound = 2;
    limits.max_outbound = 1;
    limits.max_handshakes_per_ip = 2;
    limits.max_handshakes = 3;
    limits.ban_duration = 60s;
    return limits;
}

const PeerClock::time_point t0{};

TEST(PeerManager, HandshakeLimitsPerIpAndInTotal) {
    PeerManager peers{small_limits(), id(0)};
    EXPECT_TRUE(peers.begin_handshake("10.0.0.1", t0));
    EXPECT_TRUE(peers.begin_handshake("10.0.0.1", t0));
    EXPECT_EQ(peers.begin_handshake("10.0.0.1", t0).error(), Refusal::kTooManyHandshakesFromIp);
    EXPECT_TRUE(peers.begin_handshake("10.0.0.2", t0));
    EXPECT_EQ(peers.begin_handshake("10.0.0.3", t0).error(), Refusal::kTooManyHandshakes);
    peers.end_handshake("10.0.0.1");
    EXPECT_TRUE(peers.begin_handshake("10.0.0.1", t0));
    peers.end_handshake("10.0.0.9");  // unknown: no effect, no underflow
    EXPECT_EQ(peers.begin_handshake("10.0.0.3", t0).error(), Refusal::kTooManyHandshakes);
}

TEST(PeerManager, DirectionLimitsDuplicatesAndSelf) {
    PeerManager peers{small_limits(), id(0)};
    EXPECT_TRUE(peers.on_connected(id(1), "a", /*inbound=*/true, t0));
    EXPECT_EQ(peers.on_connected(id(1), "a", true, t0).error(), Refusal::kAlreadyConnected);
    EXPECT_TRUE(peers.on_connected(id(2), "b", true, t0));
    EXPECT_EQ(peers.on_connected(id(3), "c", true, t0).error(), Refusal::kTooManyInbound);
    EXPECT_TRUE(peers.on_connected(id(3), "c", /*inbound=*/false, t0));
    EXPECT_EQ(peers.on_connected(id(4), "d", false, t0).error(), Refusal::kTooManyOutbound);
    EXPECT_EQ(peers.on_connected(id(0), "e", true, t0).error(), Refusal::kSelf);
    EXPECT_EQ(peers.inbound(), 2u);
    EXPECT_EQ(peers.outbound(), 1u);
    peers.on_disconnected(id(1));
    EXPECT_EQ(peers.inbound(), 1u);
    EXPECT_TRUE(peers.on_connected(id(5), "f", true, t0));
}

TEST(PeerManager, ScoresAccumulateToABanThatExpires) {
    PeerManager peers{small_limits(), id(0)};
    EXPECT_FALSE(peers.penalize(id(7), "10.0.0.7", Offence::kInvalidMessage, t0));
    EXPECT_EQ(peers.score(id(7)), -20);
    EXPECT_FALSE(peers.penalize(id(7), "10.0.0.7", Offence::kHandshakeFailure, t0));
    EXPECT_FALSE(peers.is_banned(id(7), t0));
    EXPECT_EQ(peers.score(id(7)), -70);
    EXPECT_TRUE(peers.penalize(id(7), "10.0.0.7", Offence::kHandshakeFailure, t0 + 1s));
    EXPECT_TRUE(peers.is_banned(id(7), t0 + 2s));
    // The node id is banned, not its address (others may share it).
    EXPECT_FALSE(peers.is_banned(std::string{"10.0.0.7"}, t0 + 2s));
    EXPECT_TRUE(peers.begin_handshake("10.0.0.7", t0 + 2s));
    peers.end_handshake("10.0.0.7");
    EXPECT_EQ(peers.on_connected(id(7), "10.0.0.8", true, t0 + 2s).error(), Refusal::kBanned);
    EXPECT_TRUE(peers.on_connected(id(8), "10.0.0.7", true, t0 + 2s));
    peers.on_disconnected(id(8));
    // The ban lasts ban_duration from the offence, then the peer may come back.
    EXPECT_TRUE(peers.is_banned(id(7), t0 + 60s));
    EXPECT_FALSE(peers.is_banned(id(7), t0 + 61s));
    EXPECT_TRUE(peers.begin_handshake("10.0.0.7", t0 + 61s));
    EXPECT_TRUE(peers.on_connected(id(7), "10.0.0.7", true, t0 + 61s));
    EXPECT_EQ(peers.score(id(7)), 0);
}

TEST(PeerManager, OneProtocolViolationBansAtOnce) {
    PeerManager peers{small_limits(), id(0)};
    EXPECT_TRUE(peers.penalize(id(9), "x", Offence::kProtocolViolation, t0));
    EXPECT_FALSE(peers.is_banned(id(8), t0));  // others unaffected
    EXPECT_FALSE(peers.is_banned(std::string{"y"}, t0));
}

TEST(PeerManager, UnidentifiedFailuresBanTheAddress) {
    PeerManager peers{small_limits(), id(0)};
    EXPECT_FALSE(peers.penalize_unidentified("10.0.0.5", Offence::kHandshakeFailure, t0));
    EXPECT_FALSE(peers.is_banned(std::string{"10.0.0.5"}, t0));
    EXPECT_TRUE(peers.penalize_unidentified("10.0.0.5", Offence::kHandshakeFailure, t0));
    EXPECT_TRUE(peers.is_banned(std::string{"10.0.0.5"}, t0));
    EXPECT_EQ(peers.begin_handshake("10.0.0.5", t0).error(), Refusal::kBanned);
    EXPECT_EQ(peers.on_connected(id(5), "10.0.0.5", true, t0).error(), Refusal::kBanned);
    EXPECT_FALSE(peers.is_banned(std::string{"10.0.0.6"}, t0));
}

TEST(PeerManager, IdentifiedPeersCanAlsoBanTheirAddressIfConfigured) {
    PeerLimits limits = small_limits();
    limits.ban_ip_of_identified_peers = true;
    PeerManager peers{limits, id(0)};
    EXPECT_TRUE(peers.penalize(id(7), "10.0.0.7", Offence::kProtocolViolation, t0));
    EXPECT_TRUE(peers.is_banned(std::string{"10.0.0.7"}, t0));
    EXPECT_EQ(peers.begin_handshake("10.0.0.7", t0).error(), Refusal::kBanned);
}

TEST(PeerManager, PenaltiesAreOrderedBySeverity) {
    EXPECT_LT(penalty(Offence::kSlow), penalty(Offence::kUnrequestedMessage));
    EXPECT_LT(penalty(Offence::kUnrequestedMessage), penalty(Offence::kTimeout));
    EXPECT_LT(penalty(Offence::kTimeout), penalty(Offence::kInvalidMessage));
    EXPECT_LT(penalty(Offence::kInvalidMessage), penalty(Offence::kHandshakeFailure));
    EXPECT_LT(penalty(Offence::kHandshakeFailure), penalty(Offence::kProtocolViolation));
}

}  // namespace
}  // namespace qtm::p2p
