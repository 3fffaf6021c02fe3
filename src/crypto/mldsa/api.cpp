// The typed API of crypto/mldsa.hpp over the internal algorithms: Algorithms 1-3.
#include "crypto/mldsa.hpp"

#include "crypto/mldsa/internal.hpp"
#include "crypto/mldsa/key_cache.hpp"
#include "crypto/random.hpp"

namespace qtm::crypto {

std::string_view to_string(MlDsaError error) noexcept {
    switch (error) {
        case MlDsaError::kContextTooLong:
            return "context longer than 255 bytes";
        case MlDsaError::kSecretKeyLength:
            return "wrong secret key length";
        case MlDsaError::kPublicKeyLength:
            return "wrong public key length";
        case MlDsaError::kMuLength:
            return "external mu is not 64 bytes";
        case MlDsaError::kUnknownPreHash:
            return "unknown HashML-DSA pre-hash";
        case MlDsaError::kSignatureLength:
            return "wrong signature buffer length";
    }
    return "invalid";
}

template <SignatureScheme S>
MlDsaKeyPair<S> mldsa_keygen(const ByteArray<32>& seed) noexcept {
    MlDsaKeyPair<S> pair;
    mldsa::keygen_internal(S, seed, pair.public_key.bytes, pair.secret_key.mutable_bytes());
    return pair;
}

template <SignatureScheme S>
MlDsaKeyPair<S> mldsa_keygen() noexcept {
    ByteArray<32> seed = random_array<32>();  // Algorithm 1: xi from an approved RBG
    MlDsaKeyPair<S> pair = mldsa_keygen<S>(seed);
    secure_wipe(seed.data(), seed.size());
    return pair;
}

Result<Bytes, MlDsaError> mldsa_sign(SignatureScheme scheme, ByteView secret_key, ByteView message,
                                     ByteView context, SigningMode mode) {
    if (!parse_signature_scheme(to_byte(scheme))) return unexpected(MlDsaError::kSecretKeyLength);
    Bytes signature(signature_sizes(scheme).signature);
    auto done = sign_into(scheme, secret_key, message, context, mode, signature);
    if (!done) return unexpected(done.error());
    return signature;
}

// Algorithm 2 into a caller's buffer: nothing allocated.
Result<void, MlDsaError> sign_into(SignatureScheme scheme, ByteView secret_key, ByteView message,
                                   ByteView context, SigningMode mode, MutableByteView signature) {
    // Hedged signing mixes fresh randomness into the nonce so that fault and side-channel
    // attacks on a repeated (key, message) pair get no fixed target.
    ByteArray<32> rnd{};
    if (mode == SigningMode::kHedged) random_bytes(rnd);
    auto done = mldsa::sign_pure_into(scheme, secret_key, message, context, rnd, signature);
    secure_wipe(rnd.data(), rnd.size());
    return done;
}

template <SignatureScheme S>
Result<MlDsaSignature<S>, MlDsaError> mldsa_sign(const MlDsaSecretKey<S>& secret_key,
                                                 ByteView message, ByteView context,
                                                 SigningMode mode) {
    MlDsaSignature<S> signature;
    auto done = sign_into(S, secret_key.bytes(), message, context, mode, signature.bytes);
    if (!done) return unexpected(done.error());
    return signature;
}

bool verify(SignatureScheme scheme, ByteView public_key, ByteView message, ByteView context,
            ByteView signature) noexcept {
    return mldsa::verify_pure(&mldsa::default_verify_key_cache(), scheme, public_key, message,
                              context, signature);
}

bool verify_uncached(SignatureScheme scheme, ByteView public_key, ByteView message,
                     ByteView context, ByteView signature) noexcept {
    return mldsa::verify_pure(nullptr, scheme, public_key, message, context, signature);
}

#define QTM_MLDSA_INSTANTIATE(S)                                                           \
    template MlDsaKeyPair<S> mldsa_keygen<S>(const ByteArray<32>&) noexcept;               \
    template MlDsaKeyPair<S> mldsa_keygen<S>() noexcept;                                   \
    template Result<MlDsaSignature<S>, MlDsaError> mldsa_sign<S>(const MlDsaSecretKey<S>&, \
                                                                 ByteView, ByteView, SigningMode);
QTM_MLDSA_INSTANTIATE(SignatureScheme::kMlDsa44)
QTM_MLDSA_INSTANTIATE(SignatureScheme::kMlDsa65)
QTM_MLDSA_INSTANTIATE(SignatureScheme::kMlDsa87)
#undef QTM_MLDSA_INSTANTIATE

}  // namespace qtm::crypto
