// The vectorisable kernels of ML-DSA's ring arithmetic, in a portable and an AVX2 variant
// with the same contract and the same outputs (bit for bit), so that tests can run both
// on the same inputs. poly.cpp dispatches between them (crypto/cpu.hpp).
#pragma once

#include <cstdint>

#include "crypto/mldsa/params.hpp"

namespace qtm::crypto::mldsa::detail {

// Forward NTT: inputs in (-q, q), outputs in [0, q).
void ntt_portable(std::int32_t* w) noexcept;
// Inverse NTT times the Montgomery factor `scale` (the result is NTT^-1(w) * scale * 2^-32
// with the 1/256 folded into scale): inputs |c| < 2^31 - 2^22, outputs in [0, q).
void inverse_ntt_portable(std::int32_t* w, std::int32_t scale) noexcept;
// c = a b 2^-32 (accumulate: c += a b 2^-32), |a|, |b| < q; each product in (-q, q).
void multiply_montgomery_portable(const std::int32_t* a, const std::int32_t* b, std::int32_t* c,
                                  bool accumulate) noexcept;

// The AVX2 variants; call only when use_avx2().
void ntt_avx2(std::int32_t* w) noexcept;
void inverse_ntt_avx2(std::int32_t* w, std::int32_t scale) noexcept;
void multiply_montgomery_avx2(const std::int32_t* a, const std::int32_t* b, std::int32_t* c,
                              bool accumulate) noexcept;

// Makes every ML-DSA operation of this process use the AVX2 (true) or portable kernels;
// false (and no change) if AVX2 is asked for on a CPU without it. For tests that compare
// the paths in one process: not to be called while other threads use ML-DSA.
bool select_kernels_for_testing(bool avx2) noexcept;
// Whether the AVX2 kernels are the ones in use.
[[nodiscard]] bool avx2_kernels_active() noexcept;

// The twiddle factors both variants use: zetas[m] = zeta^BitRev8(m) * 2^32 mod q as a
// centred representative (forward NTT), and the inverse NTT's -zetas[m], likewise.
// The *_qinv tables hold each twiddle times q^-1 mod 2^32, the factor a vector Montgomery
// product needs (one multiply fewer per butterfly).
struct Twiddles {
    std::int32_t forward[kN];
    std::int32_t inverse[kN];
    std::int32_t forward_qinv[kN];
    std::int32_t inverse_qinv[kN];
};
extern const Twiddles kTwiddles;

// The scale constants of inverse_ntt_portable/avx2: 2^32 / 256 and 2^64 / 256 mod q.
inline constexpr std::int32_t kScaleStandard = 16382;    // 2^24 mod q
inline constexpr std::int32_t kScaleMontgomery = 41978;  // 2^56 mod q

}  // namespace qtm::crypto::mldsa::detail
