#include "handshake_support.hpp"

#include <stdexcept>

namespace qtm::p2p::testing {

ByteArray<32> counting_bytes(std::uint8_t first) {
    ByteArray<32> out{};
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<std::uint8_t>(first + i);
    return out;
}

NetworkIdentity test_network() {
    return NetworkIdentity{kProtocolVersion, /*chain_id=*/7357, counting_bytes(0xe0)};
}

const NodeKey& initiator_key() {
    static const NodeKey key = NodeKey::from_seed(counting_bytes(0x00));
    return key;
}

const NodeKey& responder_key() {
    static const NodeKey key = NodeKey::from_seed(counting_bytes(0x20));
    return key;
}

InitiatorRandomness fixed_initiator_randomness() {
    return {crypto::Secret<32>{counting_bytes(0x40)}, crypto::Secret<32>{counting_bytes(0x60)},
            crypto::Secret<32>{counting_bytes(0x80)}};
}

ResponderRandomness fixed_responder_randomness() {
    return {crypto::Secret<32>{counting_bytes(0xa0)}, crypto::Secret<32>{counting_bytes(0xc0)}};
}

Transcript run_fixed_handshake() {
    constexpr auto kDeterministic = crypto::SigningMode::kDeterministic;
    InitiatorHandshake initiator{test_network(), initiator_key(), responder_key().id(),
                                 fixed_initiator_randomness(), kDeterministic};
    ResponderHandshake responder{test_network(), responder_key(), fixed_responder_randomness(),
                                 kDeterministic};
    Transcript t;
    t.hello = initiator.hello();
    auto reply = responder.on_hello(t.hello);
    if (!reply) throw std::runtime_error("fixed handshake: hello refused");
    t.reply = *reply;
    auto finished = initiator.on_reply(t.reply);
    if (!finished) throw std::runtime_error("fixed handshake: reply refused");
    t.finish = finished->finish;
    t.initiator = std::move(finished->outcome);
    auto outcome = responder.on_finish(t.finish);
    if (!outcome) throw std::runtime_error("fixed handshake: finish refused");
    t.responder = std::move(*outcome);
    return t;
}

}  // namespace qtm::p2p::testing

namespace qtm::p2p::testing {
namespace {

constexpr auto kDeterministic = crypto::SigningMode::kDeterministic;

void flip(Bytes& message, std::size_t offset) {
    message[offset] ^= static_cast<std::uint8_t>(1u << (offset % 8));
}

std::string expect_decryption_failure(bool ok, HandshakeError error) {
    if (ok) return "the tampered handshake succeeded";
    if (error != HandshakeError::kDecryptionFailed) return std::string{to_string(error)};
    return "";
}

}  // namespace

std::size_t message_size(Message message) {
    switch (message) {
        case Message::kHello:
            return kHelloSize;
        case Message::kReply:
            return kReplySize;
        case Message::kFinish:
            return kFinishSize;
    }
    return 0;
}

std::string tamper_and_run(Message message, std::size_t offset) {
    static const Transcript reference = run_fixed_handshake();
    InitiatorHandshake initiator{test_network(), initiator_key(), responder_key().id(),
                                 fixed_initiator_randomness(), kDeterministic};
    ResponderHandshake responder{test_network(), responder_key(), fixed_responder_randomness(),
                                 kDeterministic};
    Bytes hello = initiator.hello();
    switch (message) {
        case Message::kHello: {
            flip(hello, offset);
            auto reply = responder.on_hello(hello);
            // Refused at once (version, chain, genesis, ML-KEM key check) is a clean failure.
            if (!reply) return "";
            auto finished = initiator.on_reply(*reply);
            return expect_decryption_failure(bool(finished),
                                             finished ? HandshakeError{} : finished.error());
        }
        case Message::kReply: {
            Bytes reply = reference.reply;
            flip(reply, offset);
            auto finished = initiator.on_reply(reply);
            return expect_decryption_failure(bool(finished),
                                             finished ? HandshakeError{} : finished.error());
        }
        case Message::kFinish: {
            if (!responder.on_hello(hello)) return "the reference hello was refused";
            Bytes finish = reference.finish;
            flip(finish, offset);
            auto outcome = responder.on_finish(finish);
            return expect_decryption_failure(bool(outcome),
                                             outcome ? HandshakeError{} : outcome.error());
        }
    }
    return "unknown message";
}

}  // namespace qtm::p2p::testing
