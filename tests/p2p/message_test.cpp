// Channel messages and the status message: round trips, the limits and typed errors,
// canonical RLP only, and refusal of another network.
#include <gtest/gtest.h>

#include "codec/rlp.hpp"
#include "p2p/message.hpp"
#include "p2p/protocol.hpp"
#include "p2p/status.hpp"

namespace qtm::p2p {
namespace {

TEST(ChannelMessage, RoundTripsOnEveryChannel) {
    for (std::uint8_t c = 0; c < kChannelCount; ++c) {
        const ChannelMessage m{static_cast<Channel>(c), 7, Bytes{1, 2, 3}};
        auto decoded = decode_message(encode_message(m));
        ASSERT_TRUE(decoded);
        EXPECT_EQ(decoded->channel, m.channel);
        EXPECT_EQ(decoded->type, 7);
        EXPECT_EQ(decoded->payload, m.payload);
    }
}

TEST(ChannelMessage, TypedErrors) {
    EXPECT_EQ(decode_message(Bytes{}).error(), MessageError::kTooShort);
    EXPECT_EQ(decode_message(Bytes{0}).error(), MessageError::kTooShort);
    EXPECT_EQ(decode_message(Bytes{5, 0}).error(), MessageError::kUnknownChannel);
    Bytes status(2 + max_payload_size(Channel::kStatus) + 1);
    status[0] = static_cast<std::uint8_t>(Channel::kStatus);
    EXPECT_EQ(decode_message(status).error(), MessageError::kTooLarge);
    status.pop_back();
    EXPECT_TRUE(decode_message(status));
}

TEST(ChannelMessage, PrioritiesPutConsensusFirst) {
    EXPECT_LT(send_priority(Channel::kConsensus), send_priority(Channel::kBlocks));
    EXPECT_LT(send_priority(Channel::kBlocks), send_priority(Channel::kTransactions));
    EXPECT_LT(send_priority(Channel::kTransactions), send_priority(Channel::kPeers));
    EXPECT_EQ(send_priority(Channel::kPeers), send_priority(Channel::kStatus));
}

Status sample_status() {
    Status s;
    s.protocol_version = kProtocolVersion;
    s.chain_id = 7357;
    s.genesis_hash.fill(0x11);
    s.head_number = 100;
    s.head_hash.fill(0x22);
    s.finalized_number = 99;
    s.finalized_hash.fill(0x33);
    return s;
}

TEST(StatusMessage, RoundTrips) {
    const Status s = sample_status();
    auto decoded = decode_status(encode_status(s));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, s);
}

TEST(StatusMessage, MalformedAndNonCanonicalAreRefused) {
    const Bytes good = encode_status(sample_status());
    for (std::size_t size = 0; size < good.size(); ++size) {
        EXPECT_FALSE(decode_status(ByteView{good}.first(size))) << size;
    }
    Bytes trailing = good;
    trailing.push_back(0);
    EXPECT_EQ(decode_status(trailing).error(), StatusError::kMalformed);
    // A leading zero in an integer is not canonical RLP.
    Bytes payload;
    rlp::append_string(payload, Bytes{0x00, 0x01});  // version with a leading zero
    rlp::append_uint(payload, 7357);
    EXPECT_EQ(decode_status(rlp::encode_list(payload)).error(), StatusError::kMalformed);
}

TEST(StatusMessage, AnotherNetworkIsRefused) {
    const Status own = sample_status();
    EXPECT_TRUE(check_peer_status(own, own));
    Status other = own;
    other.genesis_hash[0] ^= 1;
    EXPECT_EQ(check_peer_status(own, other).error(), StatusError::kGenesisMismatch);
    EXPECT_FALSE(peer_is_to_blame(StatusError::kGenesisMismatch));
    other = own;
    other.chain_id += 1;
    EXPECT_EQ(check_peer_status(own, other).error(), StatusError::kChainIdMismatch);
    other = own;
    other.protocol_version = 2;
    EXPECT_EQ(check_peer_status(own, other).error(), StatusError::kVersionMismatch);
    other = own;
    other.finalized_number = other.head_number + 1;
    EXPECT_EQ(check_peer_status(own, other).error(), StatusError::kFinalizedAfterHead);
    EXPECT_TRUE(peer_is_to_blame(StatusError::kFinalizedAfterHead));
}

}  // namespace
}  // namespace qtm::p2p
