// A public key expanded for verification (FIPS 204 Algorithm 8 lines 1-5 and the NTT of
// t1 * 2^d from line 9): the matrix A_hat, NTT(t1 * 2^d) and tr = H(pk). Verification with
// it skips ExpandA, the k NTTs of t1 and the hash of pk, which is what the verify-key
// cache (key_cache.hpp) keeps per recently used key.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.hpp"
#include "crypto/mldsa/params.hpp"

namespace qtm::crypto::mldsa {

// Where the parts of an expanded key lie: A_hat[i][j] at a_hat[i * row_stride + j].
struct ExpandedKeyView {
    const Poly* a_hat;
    std::size_t row_stride;
    const Poly* t1_hat;      // k polynomials
    const std::uint8_t* tr;  // 64 bytes (verify_expanded does not read it)
};

// Expands `pk` (public_key_bytes() long) into the given storage; tr is skipped if null.
void expand_public_key(const Params& p, const std::uint8_t* pk, Poly* a_hat, std::size_t row_stride,
                       Poly* t1_hat, std::uint8_t* tr) noexcept;

// Algorithm 8 from line 7 on with mu given: `sig` has signature_bytes().
[[nodiscard]] bool verify_expanded(const Params& p, const ExpandedKeyView& key,
                                   const std::uint8_t* mu, const std::uint8_t* sig) noexcept;

// mu = H(tr || M', 64) for the pure M' = 0 || |ctx| || ctx || M (Algorithm 2/3), absorbed
// piece by piece so that no M' is built; ctx must be at most 255 bytes.
void compute_pure_mu(const std::uint8_t* tr, ByteView message, ByteView context,
                     std::uint8_t* mu) noexcept;

}  // namespace qtm::crypto::mldsa
