// ML-DSA (FIPS 204, August 2024): the module-lattice signature scheme that signs every QTM
// transaction, vote and peer handshake. ML-DSA-44 (accounts), -65 (validators, nodes), -87.
//
// Keys and signatures are fixed-size byte arrays per parameter set. Signing uses the pure
// interface (Algorithm 2) with a context string naming the domain (DESIGN.md §4); it is
// hedged (fresh randomness mixed in) unless deterministic signing is asked for. verify()
// takes bytes from the network and returns false for anything malformed, of any length.
#pragma once

#include <string_view>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "crypto/signature_scheme.hpp"

namespace qtm::crypto {

enum class MlDsaError {
    kContextTooLong,   // more than 255 bytes of context
    kSecretKeyLength,  // not the secret-key size of the scheme
    kPublicKeyLength,  // not the public-key size of the scheme
    kMuLength,         // an external mu that is not 64 bytes
    kUnknownPreHash,   // a HashML-DSA pre-hash name this code does not know
    kSignatureLength,  // an output buffer that is not the signature size of the scheme
};
std::string_view to_string(MlDsaError error) noexcept;

enum class SigningMode {
    kHedged,         // rnd from the OS RNG (FIPS 204 default)
    kDeterministic,  // rnd = 0^32: the same key and message always give the same signature
};

template <SignatureScheme S>
struct MlDsaPublicKey {
    static constexpr std::size_t kSize = signature_sizes(S).public_key;
    ByteArray<kSize> bytes{};
};

// The expanded FIPS 204 secret key; wiped when destroyed, never copied implicitly.
template <SignatureScheme S>
class MlDsaSecretKey {
public:
    static constexpr std::size_t kSize = signature_sizes(S).secret_key;
    MlDsaSecretKey() = default;
    ~MlDsaSecretKey() { secure_wipe(bytes_.data(), bytes_.size()); }
    MlDsaSecretKey(const MlDsaSecretKey&) = delete;
    MlDsaSecretKey& operator=(const MlDsaSecretKey&) = delete;
    MlDsaSecretKey(MlDsaSecretKey&& other) noexcept : bytes_{other.bytes_} {
        secure_wipe(other.bytes_.data(), other.bytes_.size());
    }
    MlDsaSecretKey& operator=(MlDsaSecretKey&& other) noexcept {
        bytes_ = other.bytes_;
        secure_wipe(other.bytes_.data(), other.bytes_.size());
        return *this;
    }

    [[nodiscard]] ByteView bytes() const noexcept { return bytes_; }
    [[nodiscard]] MutableByteView mutable_bytes() noexcept { return bytes_; }

private:
    ByteArray<kSize> bytes_{};
};

template <SignatureScheme S>
struct MlDsaSignature {
    static constexpr std::size_t kSize = signature_sizes(S).signature;
    ByteArray<kSize> bytes{};
};

template <SignatureScheme S>
struct MlDsaKeyPair {
    MlDsaPublicKey<S> public_key;
    MlDsaSecretKey<S> secret_key;
};

// Algorithm 6 ML-DSA.KeyGen_internal from a 32-byte seed (what a keystore holds), and
// Algorithm 1 ML-DSA.KeyGen with the seed from the OS RNG.
template <SignatureScheme S>
[[nodiscard]] MlDsaKeyPair<S> mldsa_keygen(const ByteArray<32>& seed) noexcept;
template <SignatureScheme S>
[[nodiscard]] MlDsaKeyPair<S> mldsa_keygen() noexcept;

// Algorithm 2 ML-DSA.Sign; fails only for a context longer than 255 bytes.
template <SignatureScheme S>
[[nodiscard]] Result<MlDsaSignature<S>, MlDsaError> mldsa_sign(
    const MlDsaSecretKey<S>& secret_key, ByteView message, ByteView context,
    SigningMode mode = SigningMode::kHedged);

// The same over a secret key held as bytes, for a scheme known only at run time.
[[nodiscard]] Result<Bytes, MlDsaError> mldsa_sign(SignatureScheme scheme, ByteView secret_key,
                                                   ByteView message, ByteView context,
                                                   SigningMode mode = SigningMode::kHedged);

// The same into a caller's buffer of exactly the scheme's signature size; allocates nothing
// (the typed mldsa_sign above uses it).
[[nodiscard]] Result<void, MlDsaError> sign_into(SignatureScheme scheme, ByteView secret_key,
                                                 ByteView message, ByteView context,
                                                 SigningMode mode, MutableByteView signature);

// Algorithm 3 ML-DSA.Verify. False for a wrong signature and for any malformed input: an
// unknown scheme value, a key or signature of the wrong length, a malformed hint, a
// context over 255 bytes. Uses the process's verify-key cache (mldsa/key_cache.hpp): a key
// seen in a recent valid signature verifies without re-expanding its matrix A.
[[nodiscard]] bool verify(SignatureScheme scheme, ByteView public_key, ByteView message,
                          ByteView context, ByteView signature) noexcept;
// The same without the cache (what every first verification of a key costs).
[[nodiscard]] bool verify_uncached(SignatureScheme scheme, ByteView public_key, ByteView message,
                                   ByteView context, ByteView signature) noexcept;

template <SignatureScheme S>
[[nodiscard]] bool verify(const MlDsaPublicKey<S>& public_key, ByteView message, ByteView context,
                          const MlDsaSignature<S>& signature) noexcept {
    return verify(S, public_key.bytes, message, context, signature.bytes);
}

}  // namespace qtm::crypto
