// The peers channel's messages: round trips, bounds, and typed errors for what a peer may
// send wrong.
#include <gtest/gtest.h>

#include "codec/rlp.hpp"
#include "p2p/peer_exchange.hpp"

namespace qtm::p2p {
namespace {

PeerUrl url(std::uint8_t n) {
    NodeId id{};
    id[0] = n;
    return PeerUrl{id, "192.168.1." + std::to_string(n), static_cast<std::uint16_t>(1000 + n)};
}

TEST(PeerExchange, GetPeersRoundTrip) {
    const ChannelMessage message = encode_get_peers({30303, 16});
    EXPECT_EQ(message.channel, Channel::kPeers);
    EXPECT_EQ(message.type, static_cast<std::uint8_t>(PeerMessageType::kGetPeers));
    auto decoded = decode_get_peers(message.payload);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, (GetPeers{30303, 16}));
    // Asking for more than the maximum gets the maximum.
    auto greedy = decode_get_peers(encode_get_peers({0, 1'000'000}).payload);
    ASSERT_TRUE(greedy);
    EXPECT_EQ(greedy->max, kMaxPeerAddresses);
}

TEST(PeerExchange, PeersRoundTripUpToTheLimit) {
    PeerAddresses full;
    for (std::size_t i = 0; i < kMaxPeerAddresses; ++i)
        full.addresses.push_back(url(static_cast<std::uint8_t>(i + 1)));
    full.addresses[3].host = "::1";
    full.addresses[4].host = "seed.example.org";
    const ChannelMessage message = encode_peer_addresses(full);
    EXPECT_LE(message.payload.size(), max_payload_size(Channel::kPeers));
    auto decoded = decode_peer_addresses(message.payload);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, full);
    auto empty = decode_peer_addresses(encode_peer_addresses({}).payload);
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->addresses.empty());
}

TEST(PeerExchange, TooManyAddressesAreRefused) {
    PeerAddresses over;
    for (std::size_t i = 0; i <= kMaxPeerAddresses; ++i)
        over.addresses.push_back(url(static_cast<std::uint8_t>(i + 1)));
    auto decoded = decode_peer_addresses(encode_peer_addresses(over).payload);
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error(), PeerExchangeError::kTooManyPeers);
}

Bytes address_list(const NodeId& id, std::string_view host, std::uint64_t port) {
    Bytes fields;
    rlp::append_string(fields, id);
    rlp::append_string(fields, as_bytes(host));
    rlp::append_uint(fields, port);
    Bytes item;
    rlp::append_list(item, fields);
    return rlp::encode_list(item);
}

TEST(PeerExchange, MalformedAndInvalidInputHasTypedErrors) {
    const auto peers_error = [](const Bytes& payload) {
        auto decoded = decode_peer_addresses(payload);
        EXPECT_FALSE(decoded);
        return decoded ? PeerExchangeError::kUnknownType : decoded.error();
    };
    EXPECT_EQ(peers_error({}), PeerExchangeError::kMalformed);
    EXPECT_EQ(peers_error({0x80}), PeerExchangeError::kMalformed);        // a string, not a list
    EXPECT_EQ(peers_error({0xc0, 0x00}), PeerExchangeError::kMalformed);  // trailing byte
    EXPECT_EQ(peers_error(address_list(url(1).node_id, "1.2.3.4", 0)),
              PeerExchangeError::kInvalidAddress);
    EXPECT_EQ(peers_error(address_list(url(1).node_id, "1.2.3.4", 70000)),
              PeerExchangeError::kInvalidAddress);
    EXPECT_EQ(peers_error(address_list(url(1).node_id, "a host", 1)),
              PeerExchangeError::kInvalidAddress);
    EXPECT_EQ(peers_error(address_list(url(1).node_id, "", 1)), PeerExchangeError::kInvalidAddress);
    EXPECT_TRUE(decode_peer_addresses(address_list(url(1).node_id, "1.2.3.4", 1)));
    Bytes short_id;
    rlp::append_string(short_id, Bytes(31, 1));
    rlp::append_string(short_id, as_bytes("1.2.3.4"));
    rlp::append_uint(short_id, 1);
    Bytes item;
    rlp::append_list(item, short_id);
    EXPECT_EQ(peers_error(rlp::encode_list(item)), PeerExchangeError::kMalformed);

    const auto get_error = [](const Bytes& payload) {
        auto decoded = decode_get_peers(payload);
        EXPECT_FALSE(decoded);
        return decoded ? PeerExchangeError::kUnknownType : decoded.error();
    };
    EXPECT_EQ(get_error({}), PeerExchangeError::kMalformed);
    EXPECT_EQ(get_error({0xc1, 0x01}), PeerExchangeError::kMalformed);  // one field
    Bytes big_port;
    rlp::append_uint(big_port, 70000);
    rlp::append_uint(big_port, 1);
    EXPECT_EQ(get_error(rlp::encode_list(big_port)), PeerExchangeError::kInvalidAddress);
}

}  // namespace
}  // namespace qtm::p2p
