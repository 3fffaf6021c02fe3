// The AVX2 variants of kernels.hpp: eight 32-bit lanes per vector, the same lazily reduced
// Montgomery arithmetic as the portable code, value for value, so the outputs agree bit for
// bit. Compiled with the avx2 target attribute on these functions only: the program stays
// portable x86-64 and poly.cpp calls them only when the CPU has AVX2.
//
// Montgomery product of 8 lanes (the technique of Seiler, "Faster AVX2 optimized NTT
// multiplication for Ring-LWE lattice cryptography", 2018, and of Dilithium's AVX2 code):
// t = a * (b q^-1) mod 2^32 in one 32-bit multiply, then the high halves of a * b and t * q
// from 32x32->64-bit multiplies of the even and odd lanes; their difference is
// (a b - t q) / 2^32 exactly, because the low halves are equal.
//
// Layers with butterflies 8 or more apart work on whole vectors; the last three (4, 2, 1
// apart) work on 16 coefficients in two vectors, rearranged so that each lane of one vector
// pairs with the same lane of the other, with the twiddles laid out to match (the lanes
// tables of kernels.hpp, built at compile time).
#include "base/bytes.hpp"
#include "crypto/mldsa/kernels.hpp"
#include "crypto/mldsa/poly.hpp"

#if defined(__x86_64__)
#include <immintrin.h>

#define QTM_AVX2 [[gnu::target("avx2")]]

namespace qtm::crypto::mldsa::detail {
namespace {

QTM_AVX2 inline __m256i q_vector() noexcept {
    return _mm256_set1_epi32(kQ);
}

// The odd 32-bit lanes moved to the even positions (vmovshdup: a shuffle, not a shift, so
// it runs beside the multiplies).
QTM_AVX2 inline __m256i odd_lanes(__m256i a) noexcept {
    return _mm256_castps_si256(_mm256_movehdup_ps(_mm256_castsi256_ps(a)));
}

// The Montgomery product of the even lanes (in the high halves of the 64-bit results) and
// of the odd lanes given at even positions: t = a (b q^-1) mod 2^32 from a 32x32->64
// multiply whose low half is all that the next multiply by q reads.
QTM_AVX2 inline __m256i montgomery_halves(__m256i a_even, __m256i a_odd, __m256i b_even,
                                          __m256i bq_even, __m256i b_odd, __m256i bq_odd) noexcept {
    const __m256i q = q_vector();
    const __m256i product_even = _mm256_mul_epi32(a_even, b_even);
    const __m256i product_odd = _mm256_mul_epi32(a_odd, b_odd);
    const __m256i t_even = _mm256_mul_epi32(a_even, bq_even);
    const __m256i t_odd = _mm256_mul_epi32(a_odd, bq_odd);
    const __m256i even = _mm256_sub_epi64(product_even, _mm256_mul_epi32(t_even, q));
    const __m256i odd = _mm256_sub_epi64(product_odd, _mm256_mul_epi32(t_odd, q));
    return _mm256_blend_epi32(odd_lanes(even), odd, 0xAA);
}

// reduce32 of poly.hpp per lane: a - round(a / 2^23) q, with t q = (t << 23) - (t << 13) + t.
QTM_AVX2 inline __m256i reduce32(__m256i a) noexcept {
    const __m256i t = _mm256_srai_epi32(_mm256_add_epi32(a, _mm256_set1_epi32(1 << 22)), 23);
    const __m256i tq =
        _mm256_add_epi32(_mm256_sub_epi32(_mm256_slli_epi32(t, 23), _mm256_slli_epi32(t, 13)), t);
    return _mm256_sub_epi32(a, tq);
}

// (-q, q) -> [0, q).
QTM_AVX2 inline __m256i to_field(__m256i a) noexcept {
    return _mm256_add_epi32(a, _mm256_and_si256(_mm256_srai_epi32(a, 31), q_vector()));
}

QTM_AVX2 inline __m256i load(const std::int32_t* p) noexcept {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}
QTM_AVX2 inline void store(std::int32_t* p, __m256i v) noexcept {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v);
}

// A broadcast twiddle and its q^-1 multiple.
struct Twiddle {
    __m256i z;
    __m256i zq;
};

// The Montgomery product by a twiddle that is the same in every lane: its odd lanes need
// no shuffle.
QTM_AVX2 inline __m256i montgomery_broadcast(__m256i a, Twiddle b) noexcept {
    return montgomery_halves(a, odd_lanes(a), b.z, b.zq, b.z, b.zq);
}

QTM_AVX2 inline Twiddle forward_twiddle(std::size_t m) noexcept {
    return {_mm256_set1_epi32(kTwiddles.forward[m]), _mm256_set1_epi32(kTwiddles.forward_qinv[m])};
}
QTM_AVX2 inline Twiddle inverse_twiddle(std::size_t m) noexcept {
    return {_mm256_set1_epi32(kTwiddles.inverse[m]), _mm256_set1_epi32(kTwiddles.inverse_qinv[m])};
}

QTM_AVX2 inline void forward_butterfly(__m256i& low, __m256i& high, Twiddle z) noexcept {
    const __m256i t = montgomery_broadcast(high, z);
    high = _mm256_sub_epi32(low, t);
    low = _mm256_add_epi32(low, t);
}
QTM_AVX2 inline void inverse_butterfly(__m256i& low, __m256i& high, Twiddle z) noexcept {
    const __m256i t = low;
    low = _mm256_add_epi32(t, high);
    high = montgomery_broadcast(_mm256_sub_epi32(t, high), z);
}

struct Pair {
    __m256i low;
    __m256i high;
};

// [0..7], [8..15] -> [0 1 2 3 8 9 10 11], [4 5 6 7 12 13 14 15]: pairs 4 apart.
QTM_AVX2 inline Pair split4(__m256i a, __m256i b) noexcept {
    return {_mm256_permute2x128_si256(a, b, 0x20), _mm256_permute2x128_si256(a, b, 0x31)};
}
// The pairs 4 apart -> [0 1 4 5 8 9 12 13], [2 3 6 7 10 11 14 15]: pairs 2 apart; and back.
QTM_AVX2 inline Pair swap64(Pair x) noexcept {
    return {_mm256_unpacklo_epi64(x.low, x.high), _mm256_unpackhi_epi64(x.low, x.high)};
}
// The pairs 2 apart -> [0 2 4 6 8 10 12 14], [1 3 5 7 9 11 13 15]: pairs 1 apart; and back.
QTM_AVX2 inline Pair swap32(Pair x) noexcept {
    return {_mm256_blend_epi32(x.low, _mm256_slli_epi64(x.high, 32), 0xAA),
            _mm256_blend_epi32(_mm256_srli_epi64(x.low, 32), x.high, 0xAA)};
}

// The twiddles of group g from a lanes table (kernels.hpp): no gathers, no odd-lane shuffles.
QTM_AVX2 inline __m256i lane_product(__m256i a, const LaneTwiddles& t, std::size_t g) noexcept {
    return montgomery_halves(a, odd_lanes(a), load(t.z[g]), load(t.zq[g]), load(t.z_odd[g]),
                             load(t.zq_odd[g]));
}
QTM_AVX2 inline void forward_butterfly(Pair& x, const LaneTwiddles& t, std::size_t g) noexcept {
    const __m256i u = lane_product(x.high, t, g);
    x.high = _mm256_sub_epi32(x.low, u);
    x.low = _mm256_add_epi32(x.low, u);
}
QTM_AVX2 inline void inverse_butterfly(Pair& x, const LaneTwiddles& t, std::size_t g) noexcept {
    const __m256i u = x.low;
    x.low = _mm256_add_epi32(u, x.high);
    x.high = lane_product(_mm256_sub_epi32(u, x.high), t, g);
}

}  // namespace

QTM_AVX2 void ntt_avx2(std::int32_t* w) noexcept {
    const Twiddles& tw = kTwiddles;
    // Layers 128, 64, 32 in registers: eight vectors 32 coefficients apart, four times.
    for (std::size_t j = 0; j < 32; j += 8) {
        __m256i x[8];
        for (std::size_t t = 0; t < 8; ++t)
            x[t] = load(w + j + 32 * t);
        const Twiddle z1 = forward_twiddle(1);
        for (std::size_t t = 0; t < 4; ++t)
            forward_butterfly(x[t], x[t + 4], z1);
        for (std::size_t h = 0; h < 2; ++h) {
            const Twiddle z = forward_twiddle(2 + h);
            for (std::size_t t = 4 * h; t < 4 * h + 2; ++t)
                forward_butterfly(x[t], x[t + 2], z);
        }
        for (std::size_t h = 0; h < 4; ++h)
            forward_butterfly(x[2 * h], x[2 * h + 1], forward_twiddle(4 + h));
        for (std::size_t t = 0; t < 8; ++t)
            store(w + j + 32 * t, x[t]);
    }
    // Layers 16, 8, 4, 2, 1 in registers: 32 coefficients (four vectors) at a time; the last
    // three on pairs of vectors rearranged so that lane i of one pairs with lane i of the
    // other.
    for (std::size_t b = 0; b < kN / 32; ++b) {
        std::int32_t* p = w + 32 * b;
        __m256i x[4] = {load(p), load(p + 8), load(p + 16), load(p + 24)};
        const Twiddle z16 = forward_twiddle(8 + b);
        forward_butterfly(x[0], x[2], z16);
        forward_butterfly(x[1], x[3], z16);
        forward_butterfly(x[0], x[1], forward_twiddle(16 + 2 * b));
        forward_butterfly(x[2], x[3], forward_twiddle(17 + 2 * b));
        for (std::size_t half = 0; half < 2; ++half) {
            const std::size_t g = 2 * b + half;
            Pair y = split4(x[2 * half], x[2 * half + 1]);
            forward_butterfly(y, tw.forward4, g);
            y = swap64(y);
            forward_butterfly(y, tw.forward2, g);
            y = swap32(y);
            forward_butterfly(y, tw.forward1, g);
            // Back to natural order, then frozen into [0, q).
            const __m256i low = _mm256_unpacklo_epi32(y.low, y.high);
            const __m256i high = _mm256_unpackhi_epi32(y.low, y.high);
            store(p + 16 * half, to_field(reduce32(_mm256_permute2x128_si256(low, high, 0x20))));
            store(p + 16 * half + 8,
                  to_field(reduce32(_mm256_permute2x128_si256(low, high, 0x31))));
        }
    }
}

QTM_AVX2 void inverse_ntt_avx2(std::int32_t* w, std::int32_t scale) noexcept {
    const Twiddles& tw = kTwiddles;
    // Layers 1, 2, 4, 8, 16 in registers, 32 coefficients at a time.
    for (std::size_t b = 0; b < kN / 32; ++b) {
        std::int32_t* p = w + 32 * b;
        __m256i x[4];
        for (std::size_t half = 0; half < 2; ++half) {
            const std::size_t g = 2 * b + half;
            // [0..3 8..11], [4..7 12..15] -> evens and odds.
            const Pair halves =
                split4(reduce32(load(p + 16 * half)), reduce32(load(p + 16 * half + 8)));
            const __m256i a = _mm256_shuffle_epi32(halves.low, 0xD8);  // 0 2 1 3 per 128 bits
            const __m256i c = _mm256_shuffle_epi32(halves.high, 0xD8);
            Pair y{_mm256_unpacklo_epi64(a, c), _mm256_unpackhi_epi64(a, c)};
            inverse_butterfly(y, tw.inverse1, g);
            y = swap32(y);
            inverse_butterfly(y, tw.inverse2, g);
            y = swap64(y);
            inverse_butterfly(y, tw.inverse4, g);
            x[2 * half] = _mm256_permute2x128_si256(y.low, y.high, 0x20);
            x[2 * half + 1] = _mm256_permute2x128_si256(y.low, y.high, 0x31);
        }
        inverse_butterfly(x[0], x[1], inverse_twiddle(31 - 2 * b));
        inverse_butterfly(x[2], x[3], inverse_twiddle(30 - 2 * b));
        const Twiddle z16 = inverse_twiddle(15 - b);
        inverse_butterfly(x[0], x[2], z16);
        inverse_butterfly(x[1], x[3], z16);
        for (std::size_t t = 0; t < 4; ++t)
            store(p + 8 * t, x[t]);
    }
    // Layers 32, 64, 128 and the scale in registers: eight vectors 32 apart, four times.
    const Twiddle f{
        _mm256_set1_epi32(scale),
        _mm256_set1_epi32(static_cast<std::int32_t>(static_cast<std::uint32_t>(scale) *
                                                    static_cast<std::uint32_t>(kQInverse)))};
    for (std::size_t j = 0; j < 32; j += 8) {
        __m256i x[8];
        for (std::size_t t = 0; t < 8; ++t)
            x[t] = load(w + j + 32 * t);
        for (std::size_t h = 0; h < 4; ++h)
            inverse_butterfly(x[2 * h], x[2 * h + 1], inverse_twiddle(7 - h));
        for (std::size_t h = 0; h < 2; ++h) {
            const Twiddle z = inverse_twiddle(3 - h);
            for (std::size_t t = 4 * h; t < 4 * h + 2; ++t)
                inverse_butterfly(x[t], x[t + 2], z);
        }
        const Twiddle z1 = inverse_twiddle(1);
        for (std::size_t t = 0; t < 4; ++t)
            inverse_butterfly(x[t], x[t + 4], z1);
        for (std::size_t t = 0; t < 8; ++t)
            store(w + j + 32 * t, to_field(montgomery_broadcast(x[t], f)));
    }
}

QTM_AVX2 void multiply_montgomery_avx2(const std::int32_t* a, const std::int32_t* b,
                                       std::int32_t* c, bool accumulate) noexcept {
    // t = (a b mod 2^32) q^-1 mod 2^32 from the low half of each 64-bit product.
    const __m256i qinv = _mm256_set1_epi32(kQInverse);
    const __m256i q = q_vector();
    for (std::size_t j = 0; j < kN; j += 8) {
        const __m256i x = load(a + j);
        const __m256i y = load(b + j);
        const __m256i product_even = _mm256_mul_epi32(x, y);
        const __m256i product_odd = _mm256_mul_epi32(odd_lanes(x), odd_lanes(y));
        const __m256i t_even = _mm256_mul_epi32(product_even, qinv);
        const __m256i t_odd = _mm256_mul_epi32(product_odd, qinv);
        const __m256i even = _mm256_sub_epi64(product_even, _mm256_mul_epi32(t_even, q));
        const __m256i odd = _mm256_sub_epi64(product_odd, _mm256_mul_epi32(t_odd, q));
        const __m256i product = _mm256_blend_epi32(odd_lanes(even), odd, 0xAA);
        store(c + j, accumulate ? _mm256_add_epi32(load(c + j), product) : product);
    }
}

// The products of multiply_montgomery_avx2 summed over a row: each block of eight
// coefficients is accumulated in a register over the `count` products and stored once.
QTM_AVX2 void multiply_accumulate_avx2(const std::int32_t* a, const std::int32_t* b,
                                       std::size_t count, std::int32_t* c) noexcept {
    const __m256i qinv = _mm256_set1_epi32(kQInverse);
    const __m256i q = q_vector();
    for (std::size_t i = 0; i < kN; i += 16) {
        __m256i sum[2] = {_mm256_setzero_si256(), _mm256_setzero_si256()};
        for (std::size_t j = 0; j < count; ++j) {
            for (std::size_t h = 0; h < 2; ++h) {
                const __m256i x = load(a + j * kN + i + 8 * h);
                const __m256i y = load(b + j * kN + i + 8 * h);
                const __m256i product_even = _mm256_mul_epi32(x, y);
                const __m256i product_odd = _mm256_mul_epi32(odd_lanes(x), odd_lanes(y));
                const __m256i t_even = _mm256_mul_epi32(product_even, qinv);
                const __m256i t_odd = _mm256_mul_epi32(product_odd, qinv);
                const __m256i even = _mm256_sub_epi64(product_even, _mm256_mul_epi32(t_even, q));
                const __m256i odd = _mm256_sub_epi64(product_odd, _mm256_mul_epi32(t_odd, q));
                sum[h] = _mm256_add_epi32(sum[h], _mm256_blend_epi32(odd_lanes(even), odd, 0xAA));
            }
        }
        store(c + i, sum[0]);
        store(c + i + 8, sum[1]);
    }
}

// sparse_multiply_portable in sixteen 16-bit lanes: each position adds (or subtracts) one
// unaligned window of the extended copy [-s, s]; the sums stay in registers.
QTM_AVX2 void sparse_multiply_avx2(const std::uint8_t* plus, std::size_t plus_count,
                                   const std::uint8_t* minus, std::size_t minus_count,
                                   const std::int16_t* extended, std::int32_t* out) noexcept {
    const __m256i q = q_vector();
    // Half a polynomial (8 vectors of 16) at a time, so the sums fit in registers.
    for (std::size_t half = 0; half < 2; ++half) {
        __m256i sum[8];
        for (auto& v : sum)
            v = _mm256_setzero_si256();
        for (std::size_t k = 0; k < plus_count; ++k) {
            const std::int16_t* shifted = extended + kN - plus[k] + 128 * half;
            for (std::size_t v = 0; v < 8; ++v)
                sum[v] = _mm256_add_epi16(
                    sum[v], _mm256_loadu_si256(reinterpret_cast<const __m256i*>(shifted + 16 * v)));
        }
        for (std::size_t k = 0; k < minus_count; ++k) {
            const std::int16_t* shifted = extended + kN - minus[k] + 128 * half;
            for (std::size_t v = 0; v < 8; ++v)
                sum[v] = _mm256_sub_epi16(
                    sum[v], _mm256_loadu_si256(reinterpret_cast<const __m256i*>(shifted + 16 * v)));
        }
        for (std::size_t v = 0; v < 8; ++v) {
            const __m256i low = _mm256_cvtepi16_epi32(_mm256_castsi256_si128(sum[v]));
            const __m256i high = _mm256_cvtepi16_epi32(_mm256_extracti128_si256(sum[v], 1));
            std::int32_t* o = out + 128 * half + 16 * v;
            store(o, _mm256_add_epi32(low, _mm256_and_si256(_mm256_srai_epi32(low, 31), q)));
            store(o + 8, _mm256_add_epi32(high, _mm256_and_si256(_mm256_srai_epi32(high, 31), q)));
        }
    }
}

}  // namespace qtm::crypto::mldsa::detail

#else  // not x86-64: poly.cpp never calls these (use_avx2() is false).

namespace qtm::crypto::mldsa::detail {
void ntt_avx2(std::int32_t* w) noexcept {
    ntt_portable(w);
}
void inverse_ntt_avx2(std::int32_t* w, std::int32_t scale) noexcept {
    inverse_ntt_portable(w, scale);
}
void multiply_montgomery_avx2(const std::int32_t* a, const std::int32_t* b, std::int32_t* c,
                              bool accumulate) noexcept {
    multiply_montgomery_portable(a, b, c, accumulate);
}
void multiply_accumulate_avx2(const std::int32_t* a, const std::int32_t* b, std::size_t count,
                              std::int32_t* c) noexcept {
    multiply_accumulate_portable(a, b, count, c);
}
void sparse_multiply_avx2(const std::uint8_t* plus, std::size_t plus_count,
                          const std::uint8_t* minus, std::size_t minus_count,
                          const std::int16_t* extended, std::int32_t* out) noexcept {
    sparse_multiply_portable(plus, plus_count, minus, minus_count, extended, out);
}
}  // namespace qtm::crypto::mldsa::detail
#endif
