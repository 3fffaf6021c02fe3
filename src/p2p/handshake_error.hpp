// Why a handshake failed, and whether the peer is to blame for it (a peer on another chain
// or protocol version is merely incompatible; one that sends bytes that fail the checks is
// misbehaving, and its score follows from that).
#pragma once

#include <string_view>

namespace qtm::p2p {

enum class HandshakeError {
    kWrongMessageSize,        // a message of another length than the version fixes
    kVersionMismatch,         // the initiator speaks another protocol version
    kChainIdMismatch,         // the initiator is on another chain id
    kGenesisMismatch,         // the initiator has another genesis hash
    kInvalidKemKey,           // the ML-KEM encapsulation key fails the FIPS 203 modulus check
    kLowOrderPoint,           // the X25519 shared secret is zero
    kDecryptionFailed,        // the sealed identity does not authenticate (tampering, MITM)
    kUnknownSignatureScheme,  // the identity names a scheme this version does not use
    kUnexpectedNodeId,        // the responder is not the node the dialer asked for
    kBadSignature,            // the identity's signature over the transcript does not verify
    kSelfConnection,          // the peer presented our own node key
};

[[nodiscard]] std::string_view to_string(HandshakeError error) noexcept;

// Whether the failure is the peer's misbehaviour (scored, possibly banned) rather than an
// incompatibility or a dialing mistake.
[[nodiscard]] bool peer_is_to_blame(HandshakeError error) noexcept;

}  // namespace qtm::p2p
