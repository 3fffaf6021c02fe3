// The AVX2 variants of the rounding and norm kernels (kernels.hpp), eight coefficients per
// vector, computing the same values as rounding.cpp's portable code step for step (the same
// reciprocal for Decompose), so the outputs agree bit for bit. Everything is arithmetic and
// masks: no branch or table depends on a coefficient.
#include "crypto/mldsa/kernels.hpp"
#include "crypto/mldsa/poly.hpp"
#include "crypto/mldsa/rounding.hpp"

#if defined(__x86_64__)
#include <immintrin.h>

#define QTM_AVX2 [[gnu::target("avx2")]]

namespace qtm::crypto::mldsa::detail {
namespace {

constexpr std::int32_t kGamma2Small = (kQ - 1) / 88;
constexpr std::int32_t kGamma2Large = (kQ - 1) / 32;

QTM_AVX2 inline __m256i load(const std::int32_t* p) noexcept {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}
QTM_AVX2 inline void store(std::int32_t* p, __m256i v) noexcept {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v);
}
QTM_AVX2 inline __m256i set(std::int32_t x) noexcept {
    return _mm256_set1_epi32(x);
}

// rounding.cpp high_of, per lane.
template <std::int32_t kGamma2>
QTM_AVX2 inline __m256i high_of(__m256i r) noexcept {
    const __m256i a = _mm256_srai_epi32(_mm256_add_epi32(r, set(127)), 7);
    if constexpr (kGamma2 == kGamma2Large) {
        const __m256i t = _mm256_add_epi32(_mm256_mullo_epi32(a, set(1025)), set(1 << 21));
        return _mm256_and_si256(_mm256_srai_epi32(t, 22), set(15));
    } else {
        const __m256i t = _mm256_add_epi32(_mm256_mullo_epi32(a, set(11275)), set(1 << 23));
        const __m256i high = _mm256_srai_epi32(t, 24);
        return _mm256_andnot_si256(_mm256_srai_epi32(_mm256_sub_epi32(set(43), high), 31), high);
    }
}

template <std::int32_t kGamma2>
QTM_AVX2 inline __m256i low_of(__m256i r, __m256i high) noexcept {
    __m256i low = _mm256_sub_epi32(r, _mm256_mullo_epi32(high, set(2 * kGamma2)));
    const __m256i above = _mm256_srai_epi32(_mm256_sub_epi32(set((kQ - 1) / 2), low), 31);
    return _mm256_sub_epi32(low, _mm256_and_si256(above, set(kQ)));
}

// (a + b) mod q for a, b in [0, q).
QTM_AVX2 inline __m256i add_mod(__m256i a, __m256i b) noexcept {
    const __m256i s = _mm256_sub_epi32(_mm256_add_epi32(a, b), set(kQ));
    return _mm256_add_epi32(s, _mm256_and_si256(_mm256_srai_epi32(s, 31), set(kQ)));
}

QTM_AVX2 inline std::int32_t horizontal_max(__m256i v) noexcept {
    __m128i m = _mm_max_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    m = _mm_max_epi32(m, _mm_shuffle_epi32(m, 0x4E));
    m = _mm_max_epi32(m, _mm_shuffle_epi32(m, 0xB1));
    return _mm_cvtsi128_si32(m);
}
QTM_AVX2 inline std::int32_t horizontal_sum(__m256i v) noexcept {
    __m128i m = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    m = _mm_add_epi32(m, _mm_shuffle_epi32(m, 0x4E));
    m = _mm_add_epi32(m, _mm_shuffle_epi32(m, 0xB1));
    return _mm_cvtsi128_si32(m);
}

template <std::int32_t kGamma2>
QTM_AVX2 void high_bits_with(const std::int32_t* r, std::int32_t* high) noexcept {
    for (std::size_t i = 0; i < kN; i += 8)
        store(high + i, high_of<kGamma2>(load(r + i)));
}

template <std::int32_t kGamma2>
QTM_AVX2 std::int32_t low_bits_norm_with(const std::int32_t* r) noexcept {
    __m256i norm = _mm256_setzero_si256();
    for (std::size_t i = 0; i < kN; i += 8) {
        const __m256i x = load(r + i);
        norm = _mm256_max_epi32(norm, _mm256_abs_epi32(low_of<kGamma2>(x, high_of<kGamma2>(x))));
    }
    return horizontal_max(norm);
}

template <std::int32_t kGamma2>
QTM_AVX2 std::int32_t make_hints_with(const std::int32_t* r, const std::int32_t* ct0,
                                      std::int32_t* h) noexcept {
    __m256i ones = _mm256_setzero_si256();
    for (std::size_t i = 0; i < kN; i += 8) {
        const __m256i x = load(r + i);
        const __m256i same =
            _mm256_cmpeq_epi32(high_of<kGamma2>(x), high_of<kGamma2>(add_mod(x, load(ct0 + i))));
        const __m256i hint = _mm256_andnot_si256(same, set(1));
        store(h + i, hint);
        ones = _mm256_add_epi32(ones, hint);
    }
    return horizontal_sum(ones);
}

template <std::int32_t kGamma2>
QTM_AVX2 void use_hints_with(const std::int32_t* h, std::int32_t* w) noexcept {
    constexpr std::int32_t m = (kQ - 1) / (2 * kGamma2);
    for (std::size_t i = 0; i < kN; i += 8) {
        const __m256i x = load(w + i);
        const __m256i high = high_of<kGamma2>(x);
        const __m256i low = low_of<kGamma2>(x, high);
        // delta = h (low > 0 ? 1 : -1) = (h ^ m) - m with m = -1 iff low <= 0.
        const __m256i not_positive = _mm256_cmpgt_epi32(set(1), low);
        const __m256i hint = load(h + i);
        const __m256i delta = _mm256_sub_epi32(_mm256_xor_si256(hint, not_positive), not_positive);
        __m256i result = _mm256_add_epi32(high, delta);
        if constexpr (m == 16) {
            result = _mm256_and_si256(result, set(15));
        } else {
            result =
                _mm256_add_epi32(result, _mm256_and_si256(_mm256_srai_epi32(result, 31), set(m)));
            result = _mm256_andnot_si256(_mm256_cmpeq_epi32(result, set(m)), result);
        }
        store(w + i, result);
    }
}

}  // namespace

QTM_AVX2 void power2round_avx2(const std::int32_t* t, std::int32_t* t1, std::int32_t* t0) noexcept {
    for (std::size_t i = 0; i < kN; i += 8) {
        const __m256i x = load(t + i);
        const __m256i high = _mm256_srai_epi32(_mm256_add_epi32(x, set((1 << (kD - 1)) - 1)), kD);
        const __m256i low = _mm256_sub_epi32(x, _mm256_slli_epi32(high, kD));
        store(t1 + i, high);
        store(t0 + i, _mm256_add_epi32(low, _mm256_and_si256(_mm256_srai_epi32(low, 31), set(kQ))));
    }
}

QTM_AVX2 void high_bits_avx2(const std::int32_t* r, std::int32_t* high,
                             std::int32_t gamma2) noexcept {
    if (gamma2 == kGamma2Small) return high_bits_with<kGamma2Small>(r, high);
    high_bits_with<kGamma2Large>(r, high);
}

QTM_AVX2 std::int32_t low_bits_norm_avx2(const std::int32_t* r, std::int32_t gamma2) noexcept {
    if (gamma2 == kGamma2Small) return low_bits_norm_with<kGamma2Small>(r);
    return low_bits_norm_with<kGamma2Large>(r);
}

QTM_AVX2 std::int32_t make_hints_avx2(const std::int32_t* r, const std::int32_t* ct0,
                                      std::int32_t* h, std::int32_t gamma2) noexcept {
    if (gamma2 == kGamma2Small) return make_hints_with<kGamma2Small>(r, ct0, h);
    return make_hints_with<kGamma2Large>(r, ct0, h);
}

QTM_AVX2 void use_hints_avx2(const std::int32_t* h, std::int32_t* w, std::int32_t gamma2) noexcept {
    if (gamma2 == kGamma2Small) return use_hints_with<kGamma2Small>(h, w);
    use_hints_with<kGamma2Large>(h, w);
}

QTM_AVX2 std::int32_t infinity_norm_avx2(const std::int32_t* a) noexcept {
    __m256i norm = _mm256_setzero_si256();
    for (std::size_t i = 0; i < kN; i += 8) {
        const __m256i x = load(a + i);
        // centred: x - q if x > (q-1)/2
        const __m256i above = _mm256_srai_epi32(_mm256_sub_epi32(set((kQ - 1) / 2), x), 31);
        const __m256i c = _mm256_sub_epi32(x, _mm256_and_si256(above, set(kQ)));
        norm = _mm256_max_epi32(norm, _mm256_abs_epi32(c));
    }
    return horizontal_max(norm);
}

}  // namespace qtm::crypto::mldsa::detail

#else  // not x86-64: never called (use_avx2() is false).

namespace qtm::crypto::mldsa::detail {
void power2round_avx2(const std::int32_t* t, std::int32_t* t1, std::int32_t* t0) noexcept {
    power2round_portable(t, t1, t0);
}
void high_bits_avx2(const std::int32_t* r, std::int32_t* high, std::int32_t gamma2) noexcept {
    high_bits_portable(r, high, gamma2);
}
std::int32_t low_bits_norm_avx2(const std::int32_t* r, std::int32_t gamma2) noexcept {
    return low_bits_norm_portable(r, gamma2);
}
std::int32_t make_hints_avx2(const std::int32_t* r, const std::int32_t* ct0, std::int32_t* h,
                             std::int32_t gamma2) noexcept {
    return make_hints_portable(r, ct0, h, gamma2);
}
void use_hints_avx2(const std::int32_t* h, std::int32_t* w, std::int32_t gamma2) noexcept {
    use_hints_portable(h, w, gamma2);
}
std::int32_t infinity_norm_avx2(const std::int32_t* a) noexcept {
    return infinity_norm_portable(a);
}
}  // namespace qtm::crypto::mldsa::detail
#endif
