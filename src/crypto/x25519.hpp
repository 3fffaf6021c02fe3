// X25519 (RFC 7748) Diffie-Hellman through OpenSSL 3: the classical half of the hybrid
// p2p handshake. A private key is a 32-byte scalar (clamped by the function, as the RFC
// says); a public key is a 32-byte u-coordinate.
#pragma once

#include <string_view>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "crypto/secret.hpp"

namespace qtm::crypto {

inline constexpr std::size_t kX25519KeySize = 32;

enum class X25519Error {
    kLowOrderPoint,  // the shared secret is all zero: the peer sent a small-order point
};
std::string_view to_string(X25519Error error) noexcept;

using X25519PublicKey = ByteArray<kX25519KeySize>;

// The private scalar and the shared secret.
using X25519Secret = Secret<kX25519KeySize>;

struct X25519KeyPair {
    X25519Secret private_key;
    X25519PublicKey public_key;
};

// The key pair whose private scalar is `seed` (deterministic: tests, fixed vectors), and
// one from the OS RNG.
[[nodiscard]] X25519KeyPair x25519_keygen(const ByteArray<kX25519KeySize>& seed);
[[nodiscard]] X25519KeyPair x25519_keygen();

// X25519(private_key, peer_public_key). Any 32 bytes are a valid u-coordinate (the top bit
// is ignored, RFC 7748 §5); an all-zero result is refused (RFC 7748 §6.1), so a peer
// cannot force a known shared secret.
[[nodiscard]] Result<X25519Secret, X25519Error> x25519(const X25519Secret& private_key,
                                                       const X25519PublicKey& peer_public_key);

}  // namespace qtm::crypto
