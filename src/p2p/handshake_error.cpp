#include "p2p/handshake_error.hpp"

namespace qtm::p2p {

std::string_view to_string(HandshakeError error) noexcept {
    switch (error) {
        case HandshakeError::kWrongMessageSize:
            return "handshake message of the wrong size";
        case HandshakeError::kVersionMismatch:
            return "peer speaks another p2p protocol version";
        case HandshakeError::kChainIdMismatch:
            return "peer is on another chain id";
        case HandshakeError::kGenesisMismatch:
            return "peer has another genesis hash";
        case HandshakeError::kInvalidKemKey:
            return "peer's ML-KEM encapsulation key is invalid";
        case HandshakeError::kLowOrderPoint:
            return "peer's X25519 key is a small-order point";
        case HandshakeError::kDecryptionFailed:
            return "peer's handshake identity does not authenticate";
        case HandshakeError::kUnknownSignatureScheme:
            return "peer's node key uses an unknown signature scheme";
        case HandshakeError::kUnexpectedNodeId:
            return "peer is not the node id that was dialed";
        case HandshakeError::kBadSignature:
            return "peer's handshake signature does not verify";
        case HandshakeError::kSelfConnection:
            return "connected to ourselves";
    }
    return "unknown handshake error";
}

bool peer_is_to_blame(HandshakeError error) noexcept {
    switch (error) {
        case HandshakeError::kVersionMismatch:
        case HandshakeError::kChainIdMismatch:
        case HandshakeError::kGenesisMismatch:
        case HandshakeError::kUnexpectedNodeId:
        case HandshakeError::kSelfConnection:
            return false;
        case HandshakeError::kWrongMessageSize:
        case HandshakeError::kInvalidKemKey:
        case HandshakeError::kLowOrderPoint:
        case HandshakeError::kDecryptionFailed:
        case HandshakeError::kUnknownSignatureScheme:
        case HandshakeError::kBadSignature:
            return true;
    }
    return true;
}

}  // namespace qtm::p2p
