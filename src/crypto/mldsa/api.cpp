// The typed API of crypto/mldsa.hpp over the internal algorithms: Algorithms 1-3.
#include "crypto/mldsa.hpp"

#include "crypto/mldsa/internal.hpp"
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
    auto formatted = mldsa::format_message(message, context);
    if (!formatted) return unexpected(formatted.error());
    // Hedged signing mixes fresh randomness into the nonce so that fault and side-channel
    // attacks on a repeated (key, message) pair get no fixed target.
    ByteArray<32> rnd{};
    if (mode == SigningMode::kHedged) random_bytes(rnd);
    auto signature = mldsa::sign_internal(scheme, secret_key, *formatted, rnd);
    secure_wipe(rnd.data(), rnd.size());
    return signature;
}

template <SignatureScheme S>
Result<MlDsaSignature<S>, MlDsaError> mldsa_sign(const MlDsaSecretKey<S>& secret_key,
                                                 ByteView message, ByteView context,
                                                 SigningMode mode) {
    auto bytes = mldsa_sign(S, secret_key.bytes(), message, context, mode);
    if (!bytes) return unexpected(bytes.error());
    MlDsaSignature<S> signature;
    std::copy(bytes->begin(), bytes->end(), signature.bytes.begin());
    return signature;
}

bool verify(SignatureScheme scheme, ByteView public_key, ByteView message, ByteView context,
            ByteView signature) noexcept {
    try {
        auto formatted = mldsa::format_message(message, context);
        return formatted && mldsa::verify_internal(scheme, public_key, *formatted, signature);
    } catch (...) {  // allocation failure: the only answer a verifier can give is no
        return false;
    }
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
