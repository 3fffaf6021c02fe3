// Fixed keys, randomness and a driver for the p2p handshake tests and fuzzers.
#pragma once

#include <optional>
#include <string>

#include "p2p/handshake.hpp"

namespace qtm::p2p::testing {

// ByteArray<32> whose bytes are first, first + 1, ... (wrapping).
[[nodiscard]] ByteArray<32> counting_bytes(std::uint8_t first);

[[nodiscard]] NetworkIdentity test_network();
[[nodiscard]] const NodeKey& initiator_key();                    // seed 00 01 .. 1f
[[nodiscard]] const NodeKey& responder_key();                    // seed 20 21 .. 3f
[[nodiscard]] InitiatorRandomness fixed_initiator_randomness();  // 40.., 60.., 80..
[[nodiscard]] ResponderRandomness fixed_responder_randomness();  // a0.., c0..

// The three messages and both outcomes of one handshake (fixed randomness, deterministic
// signatures unless asked otherwise).
struct Transcript {
    Bytes hello;
    Bytes reply;
    Bytes finish;
    std::optional<HandshakeOutcome> initiator;
    std::optional<HandshakeOutcome> responder;
};
[[nodiscard]] Transcript run_fixed_handshake();

}  // namespace qtm::p2p::testing

namespace qtm::p2p::testing {

// Flips one bit (position offset % 8) of byte `offset` of one message of the fixed
// handshake and runs the rest of the exchange. Returns "" when the handshake then fails
// with the expected typed error, otherwise what went wrong.
enum class Message { kHello, kReply, kFinish };
[[nodiscard]] std::size_t message_size(Message message);
[[nodiscard]] std::string tamper_and_run(Message message, std::size_t offset);

}  // namespace qtm::p2p::testing
