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
// pairs with the same lane of the other, with the twiddles laid out to match.
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

// a * b * 2^-32 in (-q, q) per lane, with bq = b * q^-1 mod 2^32.
QTM_AVX2 inline __m256i montgomery(__m256i a, __m256i b, __m256i bq) noexcept {
    const __m256i q = q_vector();
    const __m256i t = _mm256_mullo_epi32(a, bq);
    const __m256i product_even = _mm256_mul_epi32(a, b);
    const __m256i product_odd =
        _mm256_mul_epi32(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(b, 32));
    const __m256i tq_even = _mm256_mul_epi32(t, q);
    const __m256i tq_odd = _mm256_mul_epi32(_mm256_srli_epi64(t, 32), q);
    const __m256i even = _mm256_srli_epi64(_mm256_sub_epi64(product_even, tq_even), 32);
    const __m256i odd = _mm256_sub_epi64(product_odd, tq_odd);
    return _mm256_blend_epi32(even, odd, 0xAA);
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
// Eight twiddles from table[first + index[i]] for the lanes i.
QTM_AVX2 inline __m256i gather(const std::int32_t* table, std::size_t first,
                               __m256i index) noexcept {
    return _mm256_permutevar8x32_epi32(load(table + first), index);
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

QTM_AVX2 inline void forward_butterfly(Pair& x, __m256i z, __m256i zq) noexcept {
    const __m256i t = montgomery(x.high, z, zq);
    x.high = _mm256_sub_epi32(x.low, t);
    x.low = _mm256_add_epi32(x.low, t);
}
QTM_AVX2 inline void inverse_butterfly(Pair& x, __m256i z, __m256i zq) noexcept {
    const __m256i t = x.low;
    x.low = _mm256_add_epi32(t, x.high);
    x.high = montgomery(_mm256_sub_epi32(t, x.high), z, zq);
}

}  // namespace

QTM_AVX2 void ntt_avx2(std::int32_t* w) noexcept {
    const Twiddles& tw = kTwiddles;
    std::size_t m = 0;
    for (std::size_t len = 128; len >= 8; len /= 2) {
        for (std::size_t start = 0; start < kN; start += 2 * len) {
            ++m;
            const __m256i z = _mm256_set1_epi32(tw.forward[m]);
            const __m256i zq = _mm256_set1_epi32(tw.forward_qinv[m]);
            for (std::size_t j = start; j < start + len; j += 8) {
                Pair x{load(w + j), load(w + j + len)};
                forward_butterfly(x, z, zq);
                store(w + j, x.low);
                store(w + j + len, x.high);
            }
        }
    }
    const __m256i index4 = _mm256_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1);
    const __m256i index2 = _mm256_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3);
    for (std::size_t g = 0; g < kN / 16; ++g) {
        std::int32_t* p = w + 16 * g;
        Pair x = split4(load(p), load(p + 8));
        forward_butterfly(x, gather(tw.forward, 32 + 2 * g, index4),
                          gather(tw.forward_qinv, 32 + 2 * g, index4));
        x = swap64(x);
        forward_butterfly(x, gather(tw.forward, 64 + 4 * g, index2),
                          gather(tw.forward_qinv, 64 + 4 * g, index2));
        x = swap32(x);
        forward_butterfly(x, load(tw.forward + 128 + 8 * g), load(tw.forward_qinv + 128 + 8 * g));
        // Back to natural order, then frozen into [0, q).
        const __m256i low = _mm256_unpacklo_epi32(x.low, x.high);
        const __m256i high = _mm256_unpackhi_epi32(x.low, x.high);
        store(p, to_field(reduce32(_mm256_permute2x128_si256(low, high, 0x20))));
        store(p + 8, to_field(reduce32(_mm256_permute2x128_si256(low, high, 0x31))));
    }
}

QTM_AVX2 void inverse_ntt_avx2(std::int32_t* w, std::int32_t scale) noexcept {
    const Twiddles& tw = kTwiddles;
    const __m256i index1 = _mm256_setr_epi32(7, 6, 5, 4, 3, 2, 1, 0);
    const __m256i index2 = _mm256_setr_epi32(3, 3, 2, 2, 1, 1, 0, 0);
    const __m256i index4 = _mm256_setr_epi32(1, 1, 1, 1, 0, 0, 0, 0);
    for (std::size_t g = 0; g < kN / 16; ++g) {
        std::int32_t* p = w + 16 * g;
        // [0..3 8..11], [4..7 12..15] -> evens and odds.
        const Pair halves = split4(reduce32(load(p)), reduce32(load(p + 8)));
        const __m256i a = _mm256_shuffle_epi32(halves.low, 0xD8);  // 0 2 1 3 per 128 bits
        const __m256i b = _mm256_shuffle_epi32(halves.high, 0xD8);
        Pair x{_mm256_unpacklo_epi64(a, b), _mm256_unpackhi_epi64(a, b)};
        inverse_butterfly(x, gather(tw.inverse, 248 - 8 * g, index1),
                          gather(tw.inverse_qinv, 248 - 8 * g, index1));
        x = swap32(x);
        inverse_butterfly(x, gather(tw.inverse, 124 - 4 * g, index2),
                          gather(tw.inverse_qinv, 124 - 4 * g, index2));
        x = swap64(x);
        inverse_butterfly(x, gather(tw.inverse, 62 - 2 * g, index4),
                          gather(tw.inverse_qinv, 62 - 2 * g, index4));
        store(p, _mm256_permute2x128_si256(x.low, x.high, 0x20));
        store(p + 8, _mm256_permute2x128_si256(x.low, x.high, 0x31));
    }
    std::size_t m = 32;
    for (std::size_t len = 8; len < kN; len *= 2) {
        for (std::size_t start = 0; start < kN; start += 2 * len) {
            --m;
            const __m256i z = _mm256_set1_epi32(tw.inverse[m]);
            const __m256i zq = _mm256_set1_epi32(tw.inverse_qinv[m]);
            for (std::size_t j = start; j < start + len; j += 8) {
                Pair x{load(w + j), load(w + j + len)};
                inverse_butterfly(x, z, zq);
                store(w + j, x.low);
                store(w + j + len, x.high);
            }
        }
    }
    const __m256i f = _mm256_set1_epi32(scale);
    const __m256i fq = _mm256_set1_epi32(static_cast<std::int32_t>(
        static_cast<std::uint32_t>(scale) * static_cast<std::uint32_t>(kQInverse)));
    for (std::size_t j = 0; j < kN; j += 8)
        store(w + j, to_field(montgomery(load(w + j), f, fq)));
}

QTM_AVX2 void multiply_montgomery_avx2(const std::int32_t* a, const std::int32_t* b,
                                       std::int32_t* c, bool accumulate) noexcept {
    const __m256i qinv = _mm256_set1_epi32(kQInverse);
    for (std::size_t j = 0; j < kN; j += 8) {
        const __m256i x = load(a + j);
        const __m256i y = load(b + j);
        const __m256i product = montgomery(x, y, _mm256_mullo_epi32(y, qinv));
        store(c + j, accumulate ? _mm256_add_epi32(load(c + j), product) : product);
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
}  // namespace qtm::crypto::mldsa::detail
#endif
