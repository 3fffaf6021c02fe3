// The p2p handshake: a full exchange, the fixed-randomness vector of docs/protocol.md,
// a man in the middle, a wrong expected node id, replays, other networks and versions,
// wrong sizes and talking to oneself. Bit flips in every byte: handshake_tamper_test.cpp.
#include <gtest/gtest.h>

#include "base/endian.hpp"
#include "base/hex.hpp"
#include "crypto/keccak.hpp"
#include "handshake_support.hpp"

namespace qtm::p2p {
namespace {

using namespace qtm::p2p::testing;
constexpr auto kDeterministic = crypto::SigningMode::kDeterministic;

std::string hex(ByteView bytes) {
    return to_hex(bytes, /*with_prefix=*/false);
}

TEST(Handshake, BothSidesAgreeOnKeysAndIdentities) {
    const NodeKey a = NodeKey::generate();
    const NodeKey b = NodeKey::generate();
    InitiatorHandshake initiator{test_network(), a, b.id(), InitiatorRandomness::fresh()};
    ResponderHandshake responder{test_network(), b, ResponderRandomness::fresh()};
    const Bytes hello = initiator.hello();
    ASSERT_EQ(hello.size(), kHelloSize);
    auto reply = responder.on_hello(hello);
    ASSERT_TRUE(reply) << to_string(reply.error());
    ASSERT_EQ(reply->size(), kReplySize);
    auto finished = initiator.on_reply(*reply);
    ASSERT_TRUE(finished) << to_string(finished.error());
    ASSERT_EQ(finished->finish.size(), kFinishSize);
    auto outcome = responder.on_finish(finished->finish);
    ASSERT_TRUE(outcome) << to_string(outcome.error());

    const auto& i = finished->outcome;
    EXPECT_EQ(i.peer_id, b.id());
    EXPECT_EQ(outcome->peer_id, a.id());
    EXPECT_EQ(i.keys.session_id, outcome->keys.session_id);
    EXPECT_EQ(hex(i.keys.send.bytes()), hex(outcome->keys.receive.bytes()));
    EXPECT_EQ(hex(i.keys.receive.bytes()), hex(outcome->keys.send.bytes()));
    EXPECT_NE(hex(i.keys.send.bytes()), hex(i.keys.receive.bytes()));
}

TEST(Handshake, FreshRandomnessGivesFreshKeys) {
    const auto run = [] {
        InitiatorHandshake initiator{test_network(), initiator_key(), std::nullopt,
                                     InitiatorRandomness::fresh()};
        ResponderHandshake responder{test_network(), responder_key(), ResponderRandomness::fresh()};
        auto finished = initiator.on_reply(*responder.on_hello(initiator.hello()));
        return hex(finished->outcome.keys.send.bytes());
    };
    EXPECT_NE(run(), run());
}

// The vector written in docs/protocol.md ("Peer-to-peer handshake"). The values were
// produced by this implementation and frozen: they pin the wire format and the key
// schedule, so any change to either shows here and in the document together.
TEST(Handshake, FixedRandomnessVector) {
    const auto t = run_fixed_handshake();
    EXPECT_EQ(hex(initiator_key().id()),
              "1800725067e388d837d911fe4f66101cc1961b1bb755030dc574272cfb00013f");
    EXPECT_EQ(hex(responder_key().id()),
              "23e65797d217854bf79137806b23c2f27e92ba81fa4f118a447e236bf05527f1");
    EXPECT_EQ(hex(ByteView{t.hello}.first(74)),
              "00010000000000001cbde0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"
              "79a631eede1bf9c98f12032cdeadd0e7a079398fc786b88cc846ec89af85a51a");
    EXPECT_EQ(hex(crypto::sha3_256(t.hello)),
              "4f3c54af070fa5809fa8689f84164aee4f97392248103fad57aec888845df1de");
    EXPECT_EQ(hex(ByteView{t.reply}.first(48)),
              "605a725d2a4adfeeb1a29e17edd621c1b7593ee8cdbc44ac6c4ab6e2f805d23c"
              "c102d151e772571c980565ce1227dcc8");
    EXPECT_EQ(hex(crypto::sha3_256(t.reply)),
              "4f1fb00c41f0dd80fb9b5d2cf8bff942b1d31034d3212e339373fb61ee62a4b5");
    EXPECT_EQ(hex(crypto::sha3_256(t.finish)),
              "14dcff48ca50c4a413cf05bb9648559a2f4d74a35e8219d4372003a44241468d");
    EXPECT_EQ(hex(t.initiator->keys.session_id),
              "ec2be22b0f5e3850971b4eb74b1b46ec52739d8376f98d6c055f99d678f77f64");
    EXPECT_EQ(hex(t.initiator->keys.send.bytes()),
              "34e5100339c3a48a412dc3fcc7b39a1d2e06bfb58c15f2f40d4b7851ba5c7845");
    EXPECT_EQ(hex(t.initiator->keys.receive.bytes()),
              "4d0ec43f948e513832b86c71bcca14e402d67aa77cde17547959b23ec6673bb6");
    EXPECT_EQ(hex(t.responder->keys.send.bytes()),
              "4d0ec43f948e513832b86c71bcca14e402d67aa77cde17547959b23ec6673bb6");
    EXPECT_EQ(t.responder->peer_id, initiator_key().id());
    EXPECT_EQ(t.initiator->peer_id, responder_key().id());
}

TEST(Handshake, WrongExpectedNodeIdAbortsBeforeTheDialerRevealsItself) {
    const NodeKey other = NodeKey::from_seed(counting_bytes(0x99));
    InitiatorHandshake initiator{test_network(), initiator_key(), other.id(),
                                 fixed_initiator_randomness(), kDeterministic};
    ResponderHandshake responder{test_network(), responder_key(), fixed_responder_randomness(),
                                 kDeterministic};
    auto finished = initiator.on_reply(*responder.on_hello(initiator.hello()));
    ASSERT_FALSE(finished);
    EXPECT_EQ(finished.error(), HandshakeError::kUnexpectedNodeId);
    EXPECT_FALSE(peer_is_to_blame(finished.error()));
}

TEST(Handshake, PassiveRelayIsHarmlessButATamperingRelayFails) {
    // A relay that forwards bytes unchanged cannot read them (it has no key) and the
    // handshake succeeds end to end; that is the fixed run above. One that swaps the
    // ephemeral keys for its own, to learn the X25519 secret, breaks the transcript.
    const auto t = run_fixed_handshake();
    const auto mitm = crypto::x25519_keygen(counting_bytes(0x55));

    {  // Hello's X25519 key replaced: the responder's keys differ from the initiator's.
        InitiatorHandshake initiator{test_network(), initiator_key(), responder_key().id(),
                                     fixed_initiator_randomness(), kDeterministic};
        ResponderHandshake responder{test_network(), responder_key(), fixed_responder_randomness(),
                                     kDeterministic};
        Bytes hello = initiator.hello();
        std::copy(mitm.public_key.begin(), mitm.public_key.end(), hello.begin() + 42);
        auto reply = responder.on_hello(hello);
        ASSERT_TRUE(reply);  // the responder cannot tell yet
        auto finished = initiator.on_reply(*reply);
        ASSERT_FALSE(finished);
        EXPECT_EQ(finished.error(), HandshakeError::kDecryptionFailed);
    }
    {  // Reply's X25519 key replaced.
        InitiatorHandshake initiator{test_network(), initiator_key(), responder_key().id(),
                                     fixed_initiator_randomness(), kDeterministic};
        (void)initiator.hello();
        Bytes reply = t.reply;
        std::copy(mitm.public_key.begin(), mitm.public_key.end(), reply.begin());
        auto finished = initiator.on_reply(reply);
        ASSERT_FALSE(finished);
        EXPECT_EQ(finished.error(), HandshakeError::kDecryptionFailed);
    }
    {  // A relay that runs its own responder with a valid node key toward the dialer: the
       // dialer that asked for the responder's node id refuses it.
        const NodeKey relay_key = NodeKey::from_seed(counting_bytes(0x77));
        InitiatorHandshake initiator{test_network(), initiator_key(), responder_key().id(),
                                     fixed_initiator_randomness(), kDeterministic};
        ResponderHandshake relay{test_network(), relay_key, fixed_responder_randomness(),
                                 kDeterministic};
        auto finished = initiator.on_reply(*relay.on_hello(initiator.hello()));
        ASSERT_FALSE(finished);
        EXPECT_EQ(finished.error(), HandshakeError::kUnexpectedNodeId);
    }
}

TEST(Handshake, ReplayedMessagesFail) {
    const auto t = run_fixed_handshake();
    // A recorded hello replayed to a responder: it answers with fresh randomness, and the
    // recorded finish does not fit the new transcript.
    ResponderHandshake responder{test_network(), responder_key(), ResponderRandomness::fresh()};
    auto reply = responder.on_hello(t.hello);
    ASSERT_TRUE(reply);
    EXPECT_NE(hex(*reply), hex(t.reply));
    auto outcome = responder.on_finish(t.finish);
    ASSERT_FALSE(outcome);
    EXPECT_EQ(outcome.error(), HandshakeError::kDecryptionFailed);

    // A recorded reply replayed to a dialer with fresh ephemeral keys.
    InitiatorHandshake initiator{test_network(), initiator_key(), responder_key().id(),
                                 InitiatorRandomness::fresh()};
    (void)initiator.hello();
    auto finished = initiator.on_reply(t.reply);
    ASSERT_FALSE(finished);
    EXPECT_EQ(finished.error(), HandshakeError::kDecryptionFailed);
}

TEST(Handshake, OtherNetworkOrVersionIsRefusedBeforeAnyKemWork) {
    struct Case {
        NetworkIdentity network;
        HandshakeError expected;
    };
    auto other_chain = test_network();
    other_chain.chain_id += 1;
    auto other_genesis = test_network();
    other_genesis.genesis_hash[31] ^= 1;
    auto other_version = test_network();
    other_version.protocol_version = 2;
    const Case cases[] = {{other_chain, HandshakeError::kChainIdMismatch},
                          {other_genesis, HandshakeError::kGenesisMismatch},
                          {other_version, HandshakeError::kVersionMismatch}};
    for (const auto& c : cases) {
        InitiatorHandshake initiator{c.network, initiator_key(), std::nullopt,
                                     fixed_initiator_randomness()};
        const Bytes hello = initiator.hello();
        EXPECT_EQ(check_hello(test_network(), hello).error(), c.expected);
        ResponderHandshake responder{test_network(), responder_key(), fixed_responder_randomness()};
        auto reply = responder.on_hello(hello);
        ASSERT_FALSE(reply);
        EXPECT_EQ(reply.error(), c.expected);
        EXPECT_FALSE(peer_is_to_blame(reply.error()));
    }
}

TEST(Handshake, RewrittenChainIdIsCaughtByTheTranscript) {
    // A relay rewrites the chain id of a hello from chain 7358 to the responder's 7357: the
    // responder accepts the cheap check, but the transcripts differ.
    auto other_chain = test_network();
    other_chain.chain_id += 1;
    InitiatorHandshake initiator{other_chain, initiator_key(), std::nullopt,
                                 fixed_initiator_randomness(), kDeterministic};
    Bytes hello = initiator.hello();
    store_be64(hello.data() + 2, test_network().chain_id);
    ResponderHandshake responder{test_network(), responder_key(), fixed_responder_randomness(),
                                 kDeterministic};
    auto reply = responder.on_hello(hello);
    ASSERT_TRUE(reply);
    auto finished = initiator.on_reply(*reply);
    ASSERT_FALSE(finished);
    EXPECT_EQ(finished.error(), HandshakeError::kDecryptionFailed);
}

TEST(Handshake, TruncatedAndOversizedMessagesAreRefused) {
    const auto t = run_fixed_handshake();
    for (const std::size_t size : {std::size_t{0}, kHelloSize - 1, kHelloSize + 1}) {
        Bytes hello = t.hello;
        hello.resize(size);
        ResponderHandshake responder{test_network(), responder_key(), fixed_responder_randomness()};
        auto reply = responder.on_hello(hello);
        ASSERT_FALSE(reply);
        EXPECT_EQ(reply.error(), HandshakeError::kWrongMessageSize);
        EXPECT_TRUE(peer_is_to_blame(reply.error()));
    }
    for (const std::size_t size : {std::size_t{0}, kReplySize - 1, kReplySize + 1}) {
        Bytes reply = t.reply;
        reply.resize(size);
        InitiatorHandshake initiator{test_network(), initiator_key(), std::nullopt,
                                     fixed_initiator_randomness()};
        (void)initiator.hello();
        auto finished = initiator.on_reply(reply);
        ASSERT_FALSE(finished);
        EXPECT_EQ(finished.error(), HandshakeError::kWrongMessageSize);
    }
    for (const std::size_t size : {std::size_t{0}, kFinishSize - 1, kFinishSize + 1}) {
        Bytes finish = t.finish;
        finish.resize(size);
        ResponderHandshake responder{test_network(), responder_key(), fixed_responder_randomness(),
                                     kDeterministic};
        ASSERT_TRUE(responder.on_hello(t.hello));
        auto outcome = responder.on_finish(finish);
        ASSERT_FALSE(outcome);
        EXPECT_EQ(outcome.error(), HandshakeError::kWrongMessageSize);
    }
}

TEST(Handshake, ConnectingToOneselfIsDetected) {
    InitiatorHandshake initiator{test_network(), initiator_key(), std::nullopt,
                                 fixed_initiator_randomness()};
    ResponderHandshake responder{test_network(), initiator_key(), fixed_responder_randomness()};
    auto finished = initiator.on_reply(*responder.on_hello(initiator.hello()));
    ASSERT_FALSE(finished);
    EXPECT_EQ(finished.error(), HandshakeError::kSelfConnection);
}

TEST(Handshake, CallsOutOfOrderAreProgrammingErrors) {
    InitiatorHandshake initiator{test_network(), initiator_key(), std::nullopt,
                                 fixed_initiator_randomness()};
    EXPECT_THROW((void)initiator.on_reply(Bytes(kReplySize)), std::logic_error);
    (void)initiator.hello();
    EXPECT_THROW((void)initiator.hello(), std::logic_error);
    ResponderHandshake responder{test_network(), responder_key(), fixed_responder_randomness()};
    EXPECT_THROW((void)responder.on_finish(Bytes(kFinishSize)), std::logic_error);
}

}  // namespace
}  // namespace qtm::p2p
