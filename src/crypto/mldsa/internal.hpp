// The internal functions of FIPS 204 (§6) and HashML-DSA (§5.4), over byte strings with
// every length checked. The typed API for applications is crypto/mldsa.hpp; these are for
// conformance tests and callers that hold keys in the standard's byte formats.
#pragma once

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "crypto/mldsa.hpp"

namespace qtm::crypto::mldsa {

// Algorithm 6 ML-DSA.KeyGen_internal(xi): pk and the expanded sk, sized per scheme.
void keygen_internal(SignatureScheme scheme, const ByteArray<32>& xi, MutableByteView pk,
                     MutableByteView sk) noexcept;

// Algorithm 7 ML-DSA.Sign_internal over the formatted message M' with explicit rnd.
[[nodiscard]] Result<Bytes, MlDsaError> sign_internal(SignatureScheme scheme, ByteView sk,
                                                      ByteView message_prime,
                                                      const ByteArray<32>& rnd);
// Algorithm 7 from line 7 on, with mu = H(tr || M', 64) computed by the caller (the
// "external mu" interface of FIPS 204 §6.2 and ACVP).
[[nodiscard]] Result<Bytes, MlDsaError> sign_mu(SignatureScheme scheme, ByteView sk, ByteView mu,
                                                const ByteArray<32>& rnd);

// The same into a caller's buffer of signature_bytes() (kSignatureLength otherwise),
// allocating nothing; and Algorithm 2's pure signing of (message, context) the same way,
// with mu absorbed from the pieces of M' (no M' is built).
[[nodiscard]] Result<void, MlDsaError> sign_mu_into(SignatureScheme scheme, ByteView sk,
                                                    ByteView mu, const ByteArray<32>& rnd,
                                                    MutableByteView signature);
[[nodiscard]] Result<void, MlDsaError> sign_pure_into(SignatureScheme scheme, ByteView sk,
                                                      ByteView message, ByteView context,
                                                      const ByteArray<32>& rnd,
                                                      MutableByteView signature);

// Algorithm 8 ML-DSA.Verify_internal over M', and the same with mu given.
[[nodiscard]] bool verify_internal(SignatureScheme scheme, ByteView pk, ByteView message_prime,
                                   ByteView signature) noexcept;
[[nodiscard]] bool verify_mu(SignatureScheme scheme, ByteView pk, ByteView mu,
                             ByteView signature) noexcept;

// The pre-hash functions HashML-DSA approves (FIPS 204 §5.4.1).
enum class PreHash {
    kSha2_224,
    kSha2_256,
    kSha2_384,
    kSha2_512,
    kSha2_512_224,
    kSha2_512_256,
    kSha3_224,
    kSha3_256,
    kSha3_384,
    kSha3_512,
    kShake128,
    kShake256,
};
// Parses the ACVP names ("SHA2-256", "SHA3-512", "SHAKE-128", ...).
[[nodiscard]] Result<PreHash, MlDsaError> parse_pre_hash(std::string_view name);

// M' of Algorithm 2/3 (pure: 0 || |ctx| || ctx || M) and Algorithm 4/5 (pre-hash:
// 1 || |ctx| || ctx || OID || PH(M)); kContextTooLong if ctx exceeds 255 bytes.
[[nodiscard]] Result<Bytes, MlDsaError> format_message(ByteView message, ByteView context);
[[nodiscard]] Result<Bytes, MlDsaError> format_pre_hashed_message(ByteView message,
                                                                  ByteView context,
                                                                  PreHash pre_hash);

// Algorithm 4 HashML-DSA.Sign with explicit rnd, Algorithm 5 HashML-DSA.Verify.
[[nodiscard]] Result<Bytes, MlDsaError> hash_sign(SignatureScheme scheme, ByteView sk,
                                                  ByteView message, ByteView context,
                                                  PreHash pre_hash, const ByteArray<32>& rnd);
[[nodiscard]] bool hash_verify(SignatureScheme scheme, ByteView pk, ByteView message,
                               ByteView context, PreHash pre_hash, ByteView signature) noexcept;

}  // namespace qtm::crypto::mldsa
