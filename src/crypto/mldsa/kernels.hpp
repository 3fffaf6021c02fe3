// The vectorisable kernels of ML-DSA's ring arithmetic, in a portable and an AVX2 variant
// with the same contract and the same outputs (bit for bit), so that tests can run both
// on the same inputs. poly.cpp dispatches between them (crypto/cpu.hpp).
#pragma once

#include <cstddef>
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
// c = sum_j a_j b_j 2^-32 over `count` consecutive polynomials a_j and b_j (a matrix row
// times a vector), |a|, |b| < q; the sum in (-count q, count q).
void multiply_accumulate_portable(const std::int32_t* a, const std::int32_t* b, std::size_t count,
                                  std::int32_t* c) noexcept;
void multiply_accumulate_avx2(const std::int32_t* a, const std::int32_t* b, std::size_t count,
                              std::int32_t* c) noexcept;

// The AVX2 variants; call only when use_avx2().
void ntt_avx2(std::int32_t* w) noexcept;
void inverse_ntt_avx2(std::int32_t* w, std::int32_t scale) noexcept;
void multiply_montgomery_avx2(const std::int32_t* a, const std::int32_t* b, std::int32_t* c,
                              bool accumulate) noexcept;

// The rounding, norm, packing and sampling kernels (FIPS 204 §7.1-7.4 on whole
// polynomials); r, t, w in [0, q) unless said otherwise. gamma2 is (q-1)/88 or (q-1)/32.
// Power2Round: t1 = high bits, t0 = low bits mod q (in [0, q)).
void power2round_portable(const std::int32_t* t, std::int32_t* t1, std::int32_t* t0) noexcept;
void power2round_avx2(const std::int32_t* t, std::int32_t* t1, std::int32_t* t0) noexcept;
// HighBits of each coefficient.
void high_bits_portable(const std::int32_t* r, std::int32_t* high, std::int32_t gamma2) noexcept;
void high_bits_avx2(const std::int32_t* r, std::int32_t* high, std::int32_t gamma2) noexcept;
// max |LowBits(r_i)| (constant time).
std::int32_t low_bits_norm_portable(const std::int32_t* r, std::int32_t gamma2) noexcept;
std::int32_t low_bits_norm_avx2(const std::int32_t* r, std::int32_t gamma2) noexcept;
// h_i = MakeHint(-ct0_i, r_i + ct0_i) = [HighBits(r_i) != HighBits(r_i + ct0_i)] for r the
// w - c s2 of Algorithm 7 and ct0 in [0, q); returns the number of ones (constant time).
std::int32_t make_hints_portable(const std::int32_t* r, const std::int32_t* ct0, std::int32_t* h,
                                 std::int32_t gamma2) noexcept;
std::int32_t make_hints_avx2(const std::int32_t* r, const std::int32_t* ct0, std::int32_t* h,
                             std::int32_t gamma2) noexcept;
// w_i = UseHint(h_i, w_i) in place, h_i in {0, 1}.
void use_hints_portable(const std::int32_t* h, std::int32_t* w, std::int32_t gamma2) noexcept;
void use_hints_avx2(const std::int32_t* h, std::int32_t* w, std::int32_t gamma2) noexcept;
// max_i |a_i mod ± q| (constant time).
std::int32_t infinity_norm_portable(const std::int32_t* a) noexcept;
std::int32_t infinity_norm_avx2(const std::int32_t* a) noexcept;
// Algorithm 19 BitUnpack with b = gamma1 (bits = 18 or 20): z from 32 * bits bytes.
void unpack_z_portable(const std::uint8_t* in, std::int32_t* z, int bits) noexcept;
void unpack_z_avx2(const std::uint8_t* in, std::int32_t* z, int bits) noexcept;
// Algorithm 18 SimpleBitUnpack with 10 bits (t1 of the public key).
void unpack_t1_portable(const std::uint8_t* in, std::int32_t* t1) noexcept;
void unpack_t1_avx2(const std::uint8_t* in, std::int32_t* t1) noexcept;
// Algorithm 16 SimpleBitPack of w1 with bits = 4 or 6 (w1Encode, one polynomial).
void pack_w1_portable(const std::int32_t* w1, std::uint8_t* out, int bits) noexcept;
void pack_w1_avx2(const std::int32_t* w1, std::uint8_t* out, int bits) noexcept;
// Algorithm 16 SimpleBitPack (subtract = false) or Algorithm 17 BitPack (true: packs
// b - (w_i mod ± q)) for bits = 3, 4, 10 or 13 (s1/s2, t1, t0); 32 * bits bytes.
void pack_bits_portable(const std::int32_t* w, std::uint8_t* out, int bits, std::int32_t b,
                        bool subtract) noexcept;
void pack_bits_avx2(const std::int32_t* w, std::uint8_t* out, int bits, std::int32_t b,
                    bool subtract) noexcept;
// Algorithm 30 RejNTTPoly, resumable: appends to a[j..256) the coefficients that `bytes`
// (length a multiple of 3) yields; returns the new count. Public data only.
std::size_t rej_ntt_portable(std::int32_t* a, std::size_t j, const std::uint8_t* bytes,
                             std::size_t length) noexcept;
std::size_t rej_ntt_avx2(std::int32_t* a, std::size_t j, const std::uint8_t* bytes,
                         std::size_t length) noexcept;
// Algorithm 31 RejBoundedPoly, resumable likewise: the coefficients of [-eta, eta] (as values
// mod q) that the nibbles of `bytes` yield. Only the accept bits are declassified.
std::size_t rej_eta_portable(std::int32_t* a, std::size_t j, const std::uint8_t* bytes,
                             std::size_t length, std::int32_t eta) noexcept;
std::size_t rej_eta_avx2(std::int32_t* a, std::size_t j, const std::uint8_t* bytes,
                         std::size_t length, std::int32_t eta) noexcept;
// c * s for a challenge c given by its nonzero positions (plus: +1, minus: -1; public) and
// s with small centred coefficients given as the extended copy [-s_0..-s_255, s_0..s_255]
// (512 values, |s_i| * (number of positions) < 2^15): the negacyclic sum of shifted copies
// of s, as values mod q in [0, q).
void sparse_multiply_portable(const std::uint8_t* plus, std::size_t plus_count,
                              const std::uint8_t* minus, std::size_t minus_count,
                              const std::int16_t* extended, std::int32_t* out) noexcept;
void sparse_multiply_avx2(const std::uint8_t* plus, std::size_t plus_count,
                          const std::uint8_t* minus, std::size_t minus_count,
                          const std::int16_t* extended, std::int32_t* out) noexcept;

// The kernels in use, chosen once (crypto/cpu.hpp) or by select_kernels_for_testing.
struct Kernels {
    void (*ntt)(std::int32_t*) noexcept;
    void (*inverse)(std::int32_t*, std::int32_t) noexcept;
    void (*multiply)(const std::int32_t*, const std::int32_t*, std::int32_t*, bool) noexcept;
    void (*power2round)(const std::int32_t*, std::int32_t*, std::int32_t*) noexcept;
    void (*high_bits)(const std::int32_t*, std::int32_t*, std::int32_t) noexcept;
    std::int32_t (*low_bits_norm)(const std::int32_t*, std::int32_t) noexcept;
    std::int32_t (*make_hints)(const std::int32_t*, const std::int32_t*, std::int32_t*,
                               std::int32_t) noexcept;
    void (*use_hints)(const std::int32_t*, std::int32_t*, std::int32_t) noexcept;
    std::int32_t (*infinity_norm)(const std::int32_t*) noexcept;
    void (*unpack_z)(const std::uint8_t*, std::int32_t*, int) noexcept;
    void (*unpack_t1)(const std::uint8_t*, std::int32_t*) noexcept;
    void (*pack_w1)(const std::int32_t*, std::uint8_t*, int) noexcept;
    void (*pack_bits)(const std::int32_t*, std::uint8_t*, int, std::int32_t, bool) noexcept;
    std::size_t (*rej_ntt)(std::int32_t*, std::size_t, const std::uint8_t*, std::size_t) noexcept;
    std::size_t (*rej_eta)(std::int32_t*, std::size_t, const std::uint8_t*, std::size_t,
                           std::int32_t) noexcept;
    void (*multiply_accumulate)(const std::int32_t*, const std::int32_t*, std::size_t,
                                std::int32_t*) noexcept;
    void (*sparse_multiply)(const std::uint8_t*, std::size_t, const std::uint8_t*, std::size_t,
                            const std::int16_t*, std::int32_t*) noexcept;
};
[[nodiscard]] const Kernels& kernels() noexcept;

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
// The lanes tables hold the twiddles of the NTT's last three layers (the inverse's first
// three) for each group g of 16 coefficients in the lane order the AVX2 code uses, with
// the odd lanes' values also at the even positions (z_odd[g][i] = z[g][i | 1]), which is
// what its even/odd Montgomery product reads: loads instead of lane shuffles.
struct LaneTwiddles {
    std::int32_t z[kN / 16][8];
    std::int32_t zq[kN / 16][8];
    std::int32_t z_odd[kN / 16][8];
    std::int32_t zq_odd[kN / 16][8];
};
struct Twiddles {
    std::int32_t forward[kN];
    std::int32_t inverse[kN];
    std::int32_t forward_qinv[kN];
    std::int32_t inverse_qinv[kN];
    // forward4[g][i] = forward[32 + 2g + i / 4], forward2: [64 + 4g + i / 2],
    // forward1: [128 + 8g + i]; inverse1: inverse[248 - 8g + 7 - i], inverse2:
    // [124 - 4g + 3 - i / 2], inverse4: [62 - 2g + 1 - i / 4]; the z values with their
    // q^-1 multiples.
    LaneTwiddles forward4, forward2, forward1, inverse1, inverse2, inverse4;
};
extern const Twiddles kTwiddles;

// The scale constants of inverse_ntt_portable/avx2: 2^32 / 256 and 2^64 / 256 mod q.
inline constexpr std::int32_t kScaleStandard = 16382;    // 2^24 mod q
inline constexpr std::int32_t kScaleMontgomery = 41978;  // 2^56 mod q

}  // namespace qtm::crypto::mldsa::detail
