// Pseudorandom sampling of FIPS 204 §7.3: SampleInBall, RejNTTPoly, RejBoundedPoly and the
// expansions ExpandA, ExpandS, ExpandMask built on them.
#pragma once

#include "base/bytes.hpp"
#include "crypto/mldsa/params.hpp"

namespace qtm::crypto::mldsa {

// Algorithm 29 SampleInBall: c with tau coefficients in {-1, 1} (as 1 and q - 1), from the
// commitment hash c_tilde.
[[nodiscard]] Poly sample_in_ball(const Params& p, ByteView c_tilde) noexcept;

// Algorithm 32 ExpandA: the k x l matrix A_hat in NTT form, from the public seed rho.
void expand_a(const Params& p, const ByteArray<32>& rho,
              std::array<PolyVecL, kMaxK>& a_hat) noexcept;

// The same into A_hat[r][s] = a_hat[r * row_stride + s] (compact storage of the cache).
void expand_a_into(const Params& p, const ByteArray<32>& rho, Poly* a_hat,
                   std::size_t row_stride) noexcept;

// Algorithm 33 ExpandS: the secret vectors s1 (l) and s2 (k), coefficients in [-eta, eta]
// stored mod q.
void expand_s(const Params& p, const ByteArray<64>& rho_prime, PolyVecL& s1, PolyVecK& s2) noexcept;

// Algorithm 34 ExpandMask: the masking vector y, coefficients in (-gamma1, gamma1] mod q.
void expand_mask(const Params& p, const ByteArray<64>& rho_second, std::uint16_t kappa,
                 PolyVecL& y) noexcept;

}  // namespace qtm::crypto::mldsa
