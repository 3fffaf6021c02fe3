// The constants of QTM's p2p protocol version 1 (docs/protocol.md, "Peer-to-peer
// handshake"): sizes of the handshake messages and the labels that separate its domains.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "crypto/mlkem.hpp"
#include "crypto/signature_scheme.hpp"

namespace qtm::p2p {

inline constexpr std::uint16_t kProtocolVersion = 1;

// The ML-DSA context of every handshake signature (DESIGN.md §4 domain separation).
inline constexpr std::string_view kSignatureContext = "qtm/p2p/v1";

// The node identity scheme and the KEM of version 1.
inline constexpr crypto::SignatureScheme kNodeKeyScheme = crypto::SignatureScheme::kMlDsa65;
inline constexpr crypto::MlKemParameterSet kKemParameterSet = crypto::MlKemParameterSet::kMlKem768;

inline constexpr std::size_t kX25519Size = 32;
inline constexpr std::size_t kMlKem768EncapsulationKeySize = 1184;
inline constexpr std::size_t kMlKem768CiphertextSize = 1088;
inline constexpr std::size_t kNodePublicKeySize =
    crypto::signature_sizes(kNodeKeyScheme).public_key;  // 1952
inline constexpr std::size_t kNodeSignatureSize =
    crypto::signature_sizes(kNodeKeyScheme).signature;  // 3309
inline constexpr std::size_t kAeadTagSize = 16;

// Hello (initiator -> responder): version u16 | chain id u64 | genesis hash | X25519 | ML-KEM ek.
inline constexpr std::size_t kHelloSize = 2 + 8 + 32 + kX25519Size + kMlKem768EncapsulationKeySize;
// Identity (either side, sealed): scheme id | node public key | signature, then the tag.
inline constexpr std::size_t kIdentityPlaintextSize = 1 + kNodePublicKeySize + kNodeSignatureSize;
inline constexpr std::size_t kSealedIdentitySize = kIdentityPlaintextSize + kAeadTagSize;
// Reply (responder -> initiator): X25519 | ML-KEM ciphertext | sealed identity.
inline constexpr std::size_t kReplySize =
    kX25519Size + kMlKem768CiphertextSize + kSealedIdentitySize;
// Finish (initiator -> responder): sealed identity.
inline constexpr std::size_t kFinishSize = kSealedIdentitySize;

// Domain labels (ASCII, hashed or used as HKDF info exactly as written).
inline constexpr std::string_view kTranscriptLabel = "qtm/p2p/v1 transcript";
inline constexpr std::string_view kResponderSignLabel = "qtm/p2p/v1 responder";
inline constexpr std::string_view kInitiatorSignLabel = "qtm/p2p/v1 initiator";
inline constexpr std::string_view kHandshakeKeyI2R = "qtm/p2p/v1 handshake i2r";
inline constexpr std::string_view kHandshakeKeyR2I = "qtm/p2p/v1 handshake r2i";
inline constexpr std::string_view kDataKeyI2R = "qtm/p2p/v1 data i2r";
inline constexpr std::string_view kDataKeyR2I = "qtm/p2p/v1 data r2i";

}  // namespace qtm::p2p
