// The AVX2 variants of kernels.hpp: sixteen signed 16-bit lanes per vector, written from
// FIPS 203 and the published AVX2 techniques for Kyber (Seiler, "Faster AVX2 optimized NTT
// multiplication for Ring-LWE lattice cryptography", 2018; Bos et al., "CRYSTALS-Kyber",
// 2018). Compiled with the avx2 target attribute on these functions only: the program stays
// portable x86-64 and poly.cpp calls them only when the CPU has AVX2. Every kernel takes and
// returns coefficients in [0, q) in the standard order, so the outputs equal the portable
// ones bit for bit; inside, values are signed and lazily reduced.
//
// Arithmetic (R = 2^16): montmul(a, b) = a b R^-1 in (-q, q) for |a b| < q 2^15, from the
// high halves of a b and of t q with t = a (b q^-1 mod R) (vpmulhw, vpmullw); the low
// halves are equal, so the difference is exact. Barrett reduction a - round(a / q) q with
// 20159 = round(2^26 / q) (vpmulhw, a rounding shift).
//
// NTT: the layers with butterflies 16 or more apart work on whole vectors; for the last
// three (8, 4, 2 apart) two vectors (32 coefficients) are rearranged by three involutions
// (128-bit halves, 64-bit and 32-bit interleaves) so that each butterfly pairs lane i of
// one vector with lane i of the other, with the twiddles laid out to match; the same
// involutions put the coefficients back in order. Forward sums stay below 8q < 2^15
// through seven layers, so only the products are reduced; the inverse is Barrett-reduced
// once, after its third layer.
//
// Base-case products in the standard order, where a0 and a1 of each pair are adjacent 16-bit
// lanes: vpmaddwd gives a0 b1 + a1 b0 in a 32-bit lane directly, and a0 b0 + m gamma R with
// m = montmul(a1, b1) (so m gamma R = a1 b1 gamma mod q); the 32-bit sums of up to four
// products are Montgomery-reduced once and multiplied by R^2 to undo the R^-1.
#include <algorithm>
#include <cstring>

#include "crypto/mlkem/kernels.hpp"

#if defined(__x86_64__)
#include <immintrin.h>

#define QTM_AVX2 [[gnu::target("avx2")]]

namespace qtm::crypto::mlkem::detail {
namespace {

constexpr std::int32_t kQi = static_cast<std::int32_t>(kQ);
constexpr std::int32_t kQInverse16 = 62209;  // q^-1 mod 2^16
static_assert(kQ * 62209U % 65536U == 1U);

// x R mod q as a centred representative, and its product with q^-1 mod R.
constexpr std::int16_t montgomery_centred(std::uint32_t x) noexcept {
    auto m = static_cast<std::int32_t>((std::uint64_t{x} << 16) % kQ);
    if (m > kQi / 2) m -= kQi;
    return static_cast<std::int16_t>(m);
}
constexpr std::int16_t times_q_inverse(std::int16_t x) noexcept {
    const std::uint32_t low = static_cast<std::uint16_t>(x);
    return static_cast<std::int16_t>(static_cast<std::uint16_t>(low * kQInverse16));
}

struct alignas(32) Lanes {
    std::int16_t v[16];
};

// Twiddles per layer in the lane layout of the butterflies (see the file comment). Each
// table has the Montgomery twiddle and its product with q^-1.
struct Tables {
    std::int16_t zeta[128];
    std::int16_t zeta_qinv[128];
    Lanes forward8[8], forward8_qinv[8], forward4[8], forward4_qinv[8], forward2[8],
        forward2_qinv[8];
    Lanes inverse8[8], inverse8_qinv[8], inverse4[8], inverse4_qinv[8], inverse2[8],
        inverse2_qinv[8];
    Lanes gamma[16];  // odd lanes: gamma_i R for the pair of those lanes; even lanes 0
};

constexpr Tables make_tables() noexcept {
    Tables t{};
    for (std::size_t k = 0; k < 128; ++k) {
        t.zeta[k] = montgomery_centred(ntt_zeta(k));
        t.zeta_qinv[k] = times_q_inverse(t.zeta[k]);
    }
    // Forward: the block of `blocks` blocks at position b uses zeta[blocks + b]; the
    // inverse uses zeta[2 blocks - 1 - b] (FIPS 203 Algorithms 9 and 10).
    for (std::size_t m = 0; m < 8; ++m) {
        for (std::size_t lane = 0; lane < 16; ++lane) {
            const std::size_t b8 = 2 * m + lane / 8, b4 = 4 * m + lane / 4, b2 = 8 * m + lane / 2;
            t.forward8[m].v[lane] = t.zeta[16 + b8];
            t.forward4[m].v[lane] = t.zeta[32 + b4];
            t.forward2[m].v[lane] = t.zeta[64 + b2];
            t.inverse8[m].v[lane] = t.zeta[31 - b8];
            t.inverse4[m].v[lane] = t.zeta[63 - b4];
            t.inverse2[m].v[lane] = t.zeta[127 - b2];
            t.forward8_qinv[m].v[lane] = times_q_inverse(t.forward8[m].v[lane]);
            t.forward4_qinv[m].v[lane] = times_q_inverse(t.forward4[m].v[lane]);
            t.forward2_qinv[m].v[lane] = times_q_inverse(t.forward2[m].v[lane]);
            t.inverse8_qinv[m].v[lane] = times_q_inverse(t.inverse8[m].v[lane]);
            t.inverse4_qinv[m].v[lane] = times_q_inverse(t.inverse4[m].v[lane]);
            t.inverse2_qinv[m].v[lane] = times_q_inverse(t.inverse2[m].v[lane]);
        }
    }
    for (std::size_t i = 0; i < 16; ++i) {
        for (std::size_t pair = 0; pair < 8; ++pair)
            t.gamma[i].v[2 * pair + 1] = montgomery_centred(basecase_gamma(8 * i + pair));
    }
    return t;
}
constexpr Tables kTables = make_tables();

// 128^-1 R mod q (NTT^-1's final factor) and R^2 mod q (undoes a Montgomery reduction).
constexpr std::int16_t kInverseScale = montgomery_centred(3303);  // 3303 = 128^-1 mod q
constexpr std::int16_t kRSquared = montgomery_centred(static_cast<std::uint32_t>(65536 % kQ));
static_assert(128U * 3303U % kQ == 1U);

// Rejection sampling: for each 8-bit mask of accepted candidates, the byte shuffle that
// moves the accepted 16-bit lanes to the front, and the number accepted.
struct RejectionTable {
    std::uint8_t shuffle[256][16];
    std::uint8_t count[256];
};
constexpr RejectionTable make_rejection_table() noexcept {
    RejectionTable t{};
    for (std::size_t mask = 0; mask < 256; ++mask) {
        std::size_t n = 0;
        for (std::size_t lane = 0; lane < 8; ++lane) {
            if (((mask >> lane) & 1U) == 0) continue;
            t.shuffle[mask][2 * n] = static_cast<std::uint8_t>(2 * lane);
            t.shuffle[mask][2 * n + 1] = static_cast<std::uint8_t>(2 * lane + 1);
            ++n;
        }
        for (std::size_t j = 2 * n; j < 16; ++j)
            t.shuffle[mask][j] = 0x80;
        t.count[mask] = static_cast<std::uint8_t>(n);
    }
    return t;
}
constexpr RejectionTable kRejection = make_rejection_table();

QTM_AVX2 inline __m256i set16(std::int32_t x) noexcept {
    return _mm256_set1_epi16(static_cast<short>(x));
}
QTM_AVX2 inline __m256i load(const void* p) noexcept {
    return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}
QTM_AVX2 inline void store(void* p, __m256i v) noexcept {
    _mm256_storeu_si256(static_cast<__m256i*>(p), v);
}
QTM_AVX2 inline __m256i load_lanes(const Lanes& l) noexcept {
    return _mm256_load_si256(reinterpret_cast<const __m256i*>(l.v));
}

// a b R^-1 in (-q, q), with bq = b q^-1 mod R.
QTM_AVX2 inline __m256i montmul(__m256i a, __m256i b, __m256i bq) noexcept {
    const __m256i high = _mm256_mulhi_epi16(a, b);
    const __m256i t = _mm256_mullo_epi16(a, bq);
    return _mm256_sub_epi16(high, _mm256_mulhi_epi16(t, set16(kQi)));
}
// a - round(a / q) q, in [-(q - 1)/2, (q - 1)/2] for any 16-bit a (checked for all 2^16).
QTM_AVX2 inline __m256i barrett(__m256i a) noexcept {
    __m256i t = _mm256_mulhi_epi16(a, set16(20159));
    t = _mm256_srai_epi16(_mm256_add_epi16(t, set16(1 << 9)), 10);
    return _mm256_sub_epi16(a, _mm256_mullo_epi16(t, set16(kQi)));
}
// (-q, q) -> [0, q).
QTM_AVX2 inline __m256i to_field(__m256i a) noexcept {
    return _mm256_add_epi16(a, _mm256_and_si256(_mm256_srai_epi16(a, 15), set16(kQi)));
}

// Cooley-Tukey (forward) and Gentleman-Sande (inverse) butterflies on lanes of a and b.
QTM_AVX2 inline void forward_butterfly(__m256i& a, __m256i& b, __m256i z, __m256i zq) noexcept {
    const __m256i t = montmul(b, z, zq);
    b = _mm256_sub_epi16(a, t);
    a = _mm256_add_epi16(a, t);
}
QTM_AVX2 inline void inverse_butterfly(__m256i& a, __m256i& b, __m256i z, __m256i zq) noexcept {
    const __m256i t = a;
    a = _mm256_add_epi16(t, b);
    b = montmul(_mm256_sub_epi16(b, t), z, zq);
}
QTM_AVX2 inline void forward_layer(__m256i& a, __m256i& b, std::size_t k) noexcept {
    forward_butterfly(a, b, set16(kTables.zeta[k]), set16(kTables.zeta_qinv[k]));
}
QTM_AVX2 inline void inverse_layer(__m256i& a, __m256i& b, std::size_t k) noexcept {
    inverse_butterfly(a, b, set16(kTables.zeta[k]), set16(kTables.zeta_qinv[k]));
}

// The three involutions on 32 coefficients c0..c31 in (a, b) = (c0..15, c16..31):
// after shuffle8 a = c0..7 c16..23, b = c8..15 c24..31 (pairs 8 apart share a lane), then
// shuffle4 pairs 4 apart, then shuffle2 pairs 2 apart; applying them in reverse order
// restores the standard order.
QTM_AVX2 inline void shuffle8(__m256i& a, __m256i& b) noexcept {
    const __m256i x = _mm256_permute2x128_si256(a, b, 0x20);
    b = _mm256_permute2x128_si256(a, b, 0x31);
    a = x;
}
QTM_AVX2 inline void shuffle4(__m256i& a, __m256i& b) noexcept {
    const __m256i x = _mm256_unpacklo_epi64(a, b);
    b = _mm256_unpackhi_epi64(a, b);
    a = x;
}
QTM_AVX2 inline void shuffle2(__m256i& a, __m256i& b) noexcept {
    const __m256i x = _mm256_blend_epi32(a, _mm256_slli_epi64(b, 32), 0xAA);
    b = _mm256_blend_epi32(_mm256_srli_epi64(a, 32), b, 0xAA);
    a = x;
}

// The 32-bit lanes x (|x| < q 2^15) Montgomery-reduced: x R^-1 in (-q, q) in the low 16 bits
// of each 32-bit lane (the high 16 bits are not meaningful).
QTM_AVX2 inline __m256i montgomery_reduce32(__m256i x) noexcept {
    const __m256i t = _mm256_mullo_epi16(x, set16(kQInverse16));
    return _mm256_sub_epi16(_mm256_srai_epi32(x, 16), _mm256_mulhi_epi16(t, set16(kQi)));
}

}  // namespace

QTM_AVX2 void ntt_avx2(Poly& f) noexcept {
    // The first layer straight from memory (a plain load loop into v becomes a memcpy, and
    // the vector loads after it stall on store forwarding).
    __m256i v[16];
    for (std::size_t i = 0; i < 8; ++i) {
        __m256i a = load(f.data() + 16 * i), b = load(f.data() + 16 * i + 128);
        forward_layer(a, b, 1);
        v[i] = a;
        v[i + 8] = b;
    }
    // Then each half on its own (8 vectors: fewer live registers).
    for (std::size_t h = 0; h < 2; ++h) {
        __m256i* w = v + 8 * h;
        for (std::size_t i = 0; i < 4; ++i)
            forward_layer(w[i], w[i + 4], 2 + h);
        for (std::size_t b = 0; b < 2; ++b)
            for (std::size_t i = 0; i < 2; ++i)
                forward_layer(w[4 * b + i], w[4 * b + i + 2], 4 + 2 * h + b);
        for (std::size_t b = 0; b < 4; ++b)
            forward_layer(w[2 * b], w[2 * b + 1], 8 + 4 * h + b);
        for (std::size_t m = 4 * h; m < 4 * h + 4; ++m) {
            __m256i a = v[2 * m], b = v[2 * m + 1];
            shuffle8(a, b);
            forward_butterfly(a, b, load_lanes(kTables.forward8[m]),
                              load_lanes(kTables.forward8_qinv[m]));
            shuffle4(a, b);
            forward_butterfly(a, b, load_lanes(kTables.forward4[m]),
                              load_lanes(kTables.forward4_qinv[m]));
            shuffle2(a, b);
            forward_butterfly(a, b, load_lanes(kTables.forward2[m]),
                              load_lanes(kTables.forward2_qinv[m]));
            shuffle2(a, b);
            shuffle4(a, b);
            shuffle8(a, b);
            // |a|, |b| < 8q < 2^15.
            store(f.data() + 32 * m, to_field(barrett(a)));
            store(f.data() + 32 * m + 16, to_field(barrett(b)));
        }
    }
}

QTM_AVX2 void inverse_ntt_avx2(Poly& f) noexcept {
    __m256i v[16];
    for (std::size_t m = 0; m < 8; ++m) {
        __m256i a = load(f.data() + 32 * m), b = load(f.data() + 32 * m + 16);
        shuffle8(a, b);
        shuffle4(a, b);
        shuffle2(a, b);
        inverse_butterfly(a, b, load_lanes(kTables.inverse2[m]),
                          load_lanes(kTables.inverse2_qinv[m]));
        shuffle2(a, b);
        inverse_butterfly(a, b, load_lanes(kTables.inverse4[m]),
                          load_lanes(kTables.inverse4_qinv[m]));
        shuffle4(a, b);
        inverse_butterfly(a, b, load_lanes(kTables.inverse8[m]),
                          load_lanes(kTables.inverse8_qinv[m]));
        shuffle8(a, b);
        // Below 8q after three layers from [0, q); reduced to about q/2, the next four stay
        // below 16 (q - 1)/2 < 2^15.
        v[2 * m] = barrett(a);
        v[2 * m + 1] = barrett(b);
    }
    for (std::size_t b = 0; b < 8; ++b)
        inverse_layer(v[2 * b], v[2 * b + 1], 15 - b);
    for (std::size_t b = 0; b < 4; ++b)
        for (std::size_t i = 0; i < 2; ++i)
            inverse_layer(v[4 * b + i], v[4 * b + i + 2], 7 - b);
    for (std::size_t b = 0; b < 2; ++b)
        for (std::size_t i = 0; i < 4; ++i)
            inverse_layer(v[8 * b + i], v[8 * b + i + 4], 3 - b);
    for (std::size_t i = 0; i < 8; ++i)
        inverse_layer(v[i], v[i + 8], 1);
    const __m256i scale = set16(kInverseScale), scale_q = set16(times_q_inverse(kInverseScale));
    for (std::size_t i = 0; i < 16; ++i)
        store(f.data() + 16 * i, to_field(montmul(v[i], scale, scale_q)));
}

QTM_AVX2 void inner_product_avx2(const Poly* a, const Poly* b, std::size_t count,
                                 Poly& out) noexcept {
    // Swaps the two 16-bit lanes of each 32-bit lane: (b0, b1) -> (b1, b0).
    const __m256i swap = _mm256_setr_epi8(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13, 2,
                                          3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
    const __m256i qinv = set16(kQInverse16);
    const __m256i q = set16(kQi);
    const __m256i r2 = set16(kRSquared), r2q = set16(times_q_inverse(kRSquared));
    for (std::size_t i = 0; i < 16; ++i) {
        const __m256i gamma = load_lanes(kTables.gamma[i]);
        __m256i even = _mm256_setzero_si256(), odd = _mm256_setzero_si256();
        for (std::size_t j = 0; j < count; ++j) {
            const __m256i x = load(a[j].data() + 16 * i);
            const __m256i y = load(b[j].data() + 16 * i);
            // a0 b1 + a1 b0 per pair; inputs in [0, q): each sum below 2 q^2.
            odd = _mm256_add_epi32(odd, _mm256_madd_epi16(x, _mm256_shuffle_epi8(y, swap)));
            // m = a1 b1 R^-1 in the odd lanes, then a0 b0 + m gamma R (below 1.5 q^2).
            const __m256i t = _mm256_mullo_epi16(_mm256_mullo_epi16(x, y), qinv);
            const __m256i m = _mm256_sub_epi16(_mm256_mulhi_epi16(x, y), _mm256_mulhi_epi16(t, q));
            even = _mm256_add_epi32(even, _mm256_madd_epi16(_mm256_blend_epi16(x, m, 0xAA),
                                                            _mm256_blend_epi16(y, gamma, 0xAA)));
        }
        // Four terms at most: below 8 q^2 < q 2^15.
        const __m256i low = montgomery_reduce32(even);
        const __m256i high = montgomery_reduce32(odd);
        const __m256i both = _mm256_blend_epi16(low, _mm256_slli_epi32(high, 16), 0xAA);
        store(out.data() + 16 * i, to_field(montmul(both, r2, r2q)));
    }
}

QTM_AVX2 void add_avx2(Poly& accumulator, const Poly& term) noexcept {
    const __m256i q = set16(kQi);
    for (std::size_t i = 0; i < kN; i += 16) {
        const __m256i s = _mm256_sub_epi16(
            _mm256_add_epi16(load(accumulator.data() + i), load(term.data() + i)), q);
        store(accumulator.data() + i, to_field(s));
    }
}

QTM_AVX2 void subtract_avx2(Poly& accumulator, const Poly& term) noexcept {
    for (std::size_t i = 0; i < kN; i += 16) {
        const __m256i s = _mm256_sub_epi16(load(accumulator.data() + i), load(term.data() + i));
        store(accumulator.data() + i, to_field(s));
    }
}

QTM_AVX2 std::size_t rej_uniform_avx2(std::uint16_t* out, std::size_t filled,
                                      const std::uint8_t* bytes, std::size_t length) noexcept {
    // 24 bytes -> 16 candidates: the low 128-bit half takes bytes 0..11, the high 12..23,
    // each 3 bytes spread to two 16-bit lanes (b0 b1, b1 b2); the even lanes keep their low
    // 12 bits, the odd lanes their high 12.
    const __m256i spread = _mm256_setr_epi8(0, 1, 1, 2, 3, 4, 4, 5, 6, 7, 7, 8, 9, 10, 10, 11, 4, 5,
                                            5, 6, 7, 8, 8, 9, 10, 11, 11, 12, 13, 14, 14, 15);
    const __m256i low12 = set16(0x0FFF);
    const __m256i q = set16(kQi);
    std::size_t offset = 0;
    // Each round takes the 24 bytes at `offset` (bytes 0..15 in the low half, 8..23 in the
    // high) and appends the accepted candidates at `filled`: straight into out while 16 more
    // fit, else through `last`, keeping only those up to kN.
    while (filled < kN && offset + 24 <= length) {
        const std::uint8_t* p = bytes + offset;
        __m256i w = _mm256_inserti128_si256(
            _mm256_castsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))),
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 8)), 1);
        w = _mm256_shuffle_epi8(w, spread);
        const __m256i d =
            _mm256_blend_epi16(_mm256_and_si256(w, low12), _mm256_srli_epi16(w, 4), 0xAA);
        const __m256i accept = _mm256_cmpgt_epi16(q, d);
        const auto bits = static_cast<std::uint32_t>(
            _mm256_movemask_epi8(_mm256_packs_epi16(accept, _mm256_setzero_si256())));
        const std::uint32_t low_mask = bits & 0xFFU, high_mask = (bits >> 16) & 0xFFU;
        const __m128i low = _mm_shuffle_epi8(
            _mm256_castsi256_si128(d),
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(kRejection.shuffle[low_mask])));
        const __m128i high = _mm_shuffle_epi8(
            _mm256_extracti128_si256(d, 1),
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(kRejection.shuffle[high_mask])));
        const std::size_t low_count = kRejection.count[low_mask];
        const std::size_t count = low_count + kRejection.count[high_mask];
        if (filled + 16 <= kN) {
            _mm_storeu_si128(reinterpret_cast<__m128i*>(out + filled), low);
            _mm_storeu_si128(reinterpret_cast<__m128i*>(out + filled + low_count), high);
            filled += count;
        } else {
            std::uint16_t last[24];
            _mm_storeu_si128(reinterpret_cast<__m128i*>(last), low);
            _mm_storeu_si128(reinterpret_cast<__m128i*>(last + low_count), high);
            const std::size_t kept = std::min(count, kN - filled);
            for (std::size_t i = 0; i < kept; ++i)
                out[filled + i] = last[i];
            filled += kept;
        }
        offset += 24;
    }
    return rej_uniform_portable(out, filled, bytes + offset, length - offset);
}

namespace {

// Coefficients x - y in [-eta, eta] (16-bit lanes) -> [0, q).
QTM_AVX2 inline __m256i centred_to_field(__m256i c) noexcept {
    return to_field(c);
}

QTM_AVX2 void cbd2(const std::uint8_t* bytes, Poly& out) noexcept {
    // Per byte: bits 0-1 and 2-3 hold x and y of coefficient 2j, bits 4-5 and 6-7 those of
    // 2j + 1, after adding the two bits of each pair.
    const __m128i m55 = _mm_set1_epi8(0x55), m03 = _mm_set1_epi8(0x03);
    for (std::size_t i = 0; i < 8; ++i) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + 16 * i));
        const __m128i s =
            _mm_add_epi8(_mm_and_si128(x, m55), _mm_and_si128(_mm_srli_epi16(x, 1), m55));
        const __m128i d0 =
            _mm_sub_epi8(_mm_and_si128(s, m03), _mm_and_si128(_mm_srli_epi16(s, 2), m03));
        const __m128i d1 = _mm_sub_epi8(_mm_and_si128(_mm_srli_epi16(s, 4), m03),
                                        _mm_and_si128(_mm_srli_epi16(s, 6), m03));
        const __m256i first = _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(d0, d1));
        const __m256i second = _mm256_cvtepi8_epi16(_mm_unpackhi_epi8(d0, d1));
        store(out.data() + 32 * i, centred_to_field(first));
        store(out.data() + 32 * i + 16, centred_to_field(second));
    }
}

QTM_AVX2 void cbd3(const std::uint8_t* bytes, Poly& out) noexcept {
    // 24 bytes = eight 24-bit groups of four coefficients, one group per 32-bit lane; the
    // three bits of each triple added, then coefficients 0 1 and 2 3 of each group in the
    // two 16-bit halves of two vectors, interleaved back into order.
    // 32-byte loads at 24-byte steps straight from the input; the last one (it would pass
    // the 192 bytes) from a padded copy of the tail.
    alignas(32) std::uint8_t tail[32] = {};
    std::memcpy(tail, bytes + 168, 24);
    const __m256i spread = _mm256_setr_epi8(0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1, 4,
                                            5, 6, -1, 7, 8, 9, -1, 10, 11, 12, -1, 13, 14, 15, -1);
    const __m256i m249 = _mm256_set1_epi32(0x249249);
    const __m256i m3f = _mm256_set1_epi32(0x3F), m3f_high = _mm256_set1_epi32(0x3F0000);
    const __m256i m7 = set16(7);
    for (std::size_t i = 0; i < 8; ++i) {
        __m256i w = _mm256_permute4x64_epi64(load(i < 7 ? bytes + 24 * i : tail), 0x94);
        w = _mm256_shuffle_epi8(w, spread);
        const __m256i s =
            _mm256_add_epi32(_mm256_add_epi32(_mm256_and_si256(w, m249),
                                              _mm256_and_si256(_mm256_srli_epi32(w, 1), m249)),
                             _mm256_and_si256(_mm256_srli_epi32(w, 2), m249));
        const __m256i v01 = _mm256_or_si256(_mm256_and_si256(s, m3f),
                                            _mm256_and_si256(_mm256_slli_epi32(s, 10), m3f_high));
        const __m256i v23 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi32(s, 12), m3f),
                                            _mm256_and_si256(_mm256_srli_epi32(s, 2), m3f_high));
        const __m256i c01 = centred_to_field(_mm256_sub_epi16(
            _mm256_and_si256(v01, m7), _mm256_and_si256(_mm256_srli_epi16(v01, 3), m7)));
        const __m256i c23 = centred_to_field(_mm256_sub_epi16(
            _mm256_and_si256(v23, m7), _mm256_and_si256(_mm256_srli_epi16(v23, 3), m7)));
        const __m256i low = _mm256_unpacklo_epi32(c01, c23);   // groups 0 1 | 4 5
        const __m256i high = _mm256_unpackhi_epi32(c01, c23);  // groups 2 3 | 6 7
        store(out.data() + 32 * i, _mm256_permute2x128_si256(low, high, 0x20));
        store(out.data() + 32 * i + 16, _mm256_permute2x128_si256(low, high, 0x31));
    }
    secure_wipe(tail, sizeof tail);  // the PRF output the secret came from
}

}  // namespace

QTM_AVX2 void cbd_avx2(const std::uint8_t* bytes, unsigned eta, Poly& out) noexcept {
    if (eta == 2) {
        cbd2(bytes, out);
    } else {
        cbd3(bytes, out);
    }
}

QTM_AVX2 void compress_avx2(Poly& f, unsigned d) noexcept {
    // e ~ round(x 2^d / q) from y = floor(x 2^15 / q) (40318 = round(2^27 / q)), off by at
    // most one; the remainder r = x 2^d + (q - 1) / 2 - e q, exact in 16 bits because it
    // lies in [-q, 2q), corrects it. Then e = floor((x 2^d + (q - 1) / 2) / q), which is the
    // portable floor((x 2^(d+1) + q) / 2q).
    const __m128i shift_d = _mm_cvtsi32_si128(static_cast<int>(d));
    const __m128i shift_rest = _mm_cvtsi32_si128(static_cast<int>(15 - d));
    const __m256i half = set16(1 << (14 - d));
    const __m256i scale = set16(40318);
    const __m256i q = set16(kQi), q_minus_1 = set16(kQi - 1), offset = set16((kQi - 1) / 2);
    const __m256i mask = set16((1 << d) - 1);
    for (std::size_t i = 0; i < kN; i += 16) {
        const __m256i x = load(f.data() + i);
        const __m256i y = _mm256_mulhi_epu16(_mm256_slli_epi16(x, 4), scale);
        __m256i e = _mm256_srl_epi16(_mm256_add_epi16(y, half), shift_rest);
        const __m256i r = _mm256_sub_epi16(_mm256_add_epi16(_mm256_sll_epi16(x, shift_d), offset),
                                           _mm256_mullo_epi16(e, q));
        e = _mm256_add_epi16(e, _mm256_srai_epi16(r, 15));
        e = _mm256_sub_epi16(e, _mm256_cmpgt_epi16(r, q_minus_1));
        store(f.data() + i, _mm256_and_si256(e, mask));
    }
}

QTM_AVX2 void decompress_avx2(Poly& f, unsigned d) noexcept {
    // vpmulhrsw: (y 2^(15-d) q + 2^14) >> 15 = floor(y q / 2^d + 1/2), the portable
    // (2 y q + 2^d) >> (d + 1).
    const __m128i shift = _mm_cvtsi32_si128(static_cast<int>(15 - d));
    const __m256i q = set16(kQi);
    for (std::size_t i = 0; i < kN; i += 16) {
        const __m256i y = _mm256_sll_epi16(load(f.data() + i), shift);
        store(f.data() + i, _mm256_mulhrs_epi16(y, q));
    }
}

namespace {

// ByteEncode_D: 16 coefficients -> 2D bytes. Pairs joined in 32-bit lanes (vpmaddwd with
// 1 and 2^D), pairs of those in 64-bit lanes, then the two 64-bit lanes of each 128-bit
// half into one 8D-bit little-endian number: D bytes per half.
template <int D>
QTM_AVX2 void encode(const Poly& f, std::uint8_t* out) noexcept {
    alignas(32) std::uint8_t buffer[32 * D + 16];
    const __m256i join = _mm256_set1_epi32(static_cast<int>((1U << D) << 16 | 1U));
    const __m256i low32 = _mm256_set1_epi64x(0xFFFFFFFF);
    for (std::size_t i = 0; i < 16; ++i) {
        const __m256i s1 = _mm256_madd_epi16(load(f.data() + 16 * i), join);
        const __m256i s2 = _mm256_or_si256(_mm256_and_si256(s1, low32),
                                           _mm256_slli_epi64(_mm256_srli_epi64(s1, 32), 2 * D));
        const __m256i joined =
            _mm256_or_si256(s2, _mm256_bsrli_epi128(_mm256_slli_epi64(s2, 4 * D), 8));
        const __m256i r = _mm256_blend_epi32(joined, _mm256_srli_epi64(s2, 64 - 4 * D), 0xCC);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(buffer + 2 * D * i), _mm256_castsi256_si128(r));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(buffer + 2 * D * i + D),
                         _mm256_extracti128_si256(r, 1));
    }
    std::memcpy(out, buffer, 32 * D);
    secure_wipe(buffer, sizeof buffer);  // may be a secret key or message
}

// The byte shuffle that puts the 4 bytes starting at field i's first byte into 32-bit lane i
// (fields 0-3 in the low half, 4-7 in the high), and each field's bit offset in that lane.
template <int D>
struct DecodeTable {
    std::uint8_t shuffle[32];
    std::int32_t shift[8];
};
template <int D>
constexpr DecodeTable<D> make_decode_table() noexcept {
    DecodeTable<D> t{};
    for (std::size_t i = 0; i < 8; ++i) {
        const std::size_t bit = static_cast<std::size_t>(D) * i;
        for (std::size_t j = 0; j < 4; ++j)
            t.shuffle[4 * i + j] = static_cast<std::uint8_t>(bit / 8 + j);
        t.shift[i] = static_cast<std::int32_t>(bit % 8);
    }
    return t;
}
template <int D>
constexpr DecodeTable<D> kDecode = make_decode_table<D>();

template <int D>
QTM_AVX2 void decode(const std::uint8_t* in, Poly& out) noexcept {
    // 16-byte loads at each chunk of D bytes; those that would pass the end read a copy of
    // the last 16 bytes followed by zeros.
    alignas(16) std::uint8_t tail[32] = {};
    std::memcpy(tail, in + 32 * D - 16, 16);
    const auto chunk_at = [&](std::size_t offset) noexcept {
        const std::uint8_t* p =
            offset + 16 <= 32 * D ? in + offset : tail + (offset - (32 * D - 16));
        return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    };
    const __m256i shuffle = load(kDecode<D>.shuffle);
    const __m256i shift = load(kDecode<D>.shift);
    const __m256i mask = _mm256_set1_epi32((1 << D) - 1);
    for (std::size_t i = 0; i < 16; ++i) {
        __m256i half[2];
        for (std::size_t h = 0; h < 2; ++h) {
            const __m128i chunk = chunk_at(D * (2 * i + h));
            const __m256i spread = _mm256_shuffle_epi8(_mm256_broadcastsi128_si256(chunk), shuffle);
            half[h] = _mm256_and_si256(_mm256_srlv_epi32(spread, shift), mask);
        }
        __m256i v = _mm256_permute4x64_epi64(_mm256_packus_epi32(half[0], half[1]), 0xD8);
        if constexpr (D == 12) {  // mod q: subtract q where v >= q
            const __m256i q = set16(kQi);
            v = _mm256_sub_epi16(v, _mm256_and_si256(_mm256_cmpgt_epi16(v, set16(kQi - 1)), q));
        }
        store(out.data() + 16 * i, v);
    }
    secure_wipe(tail, sizeof tail);  // may be a secret key or message
}

}  // namespace

QTM_AVX2 void byte_encode_avx2(const Poly& f, unsigned d, std::uint8_t* out) noexcept {
    switch (d) {
        case 1:
            encode<1>(f, out);
            break;
        case 4:
            encode<4>(f, out);
            break;
        case 5:
            encode<5>(f, out);
            break;
        case 10:
            encode<10>(f, out);
            break;
        case 11:
            encode<11>(f, out);
            break;
        case 12:
            encode<12>(f, out);
            break;
        default:
            byte_encode_portable(f, d, out);
            break;
    }
}

QTM_AVX2 void byte_decode_avx2(const std::uint8_t* in, unsigned d, Poly& out) noexcept {
    switch (d) {
        case 1:
            decode<1>(in, out);
            break;
        case 4:
            decode<4>(in, out);
            break;
        case 5:
            decode<5>(in, out);
            break;
        case 10:
            decode<10>(in, out);
            break;
        case 11:
            decode<11>(in, out);
            break;
        case 12:
            decode<12>(in, out);
            break;
        default:
            byte_decode_portable(in, d, out);
            break;
    }
}

}  // namespace qtm::crypto::mlkem::detail

#else  // not x86-64: poly.cpp never calls these (use_avx2() is false).

namespace qtm::crypto::mlkem::detail {
void ntt_avx2(Poly& f) noexcept {
    ntt_portable(f);
}
void inverse_ntt_avx2(Poly& f) noexcept {
    inverse_ntt_portable(f);
}
void inner_product_avx2(const Poly* a, const Poly* b, std::size_t count, Poly& out) noexcept {
    inner_product_portable(a, b, count, out);
}
void add_avx2(Poly& accumulator, const Poly& term) noexcept {
    add_portable(accumulator, term);
}
void subtract_avx2(Poly& accumulator, const Poly& term) noexcept {
    subtract_portable(accumulator, term);
}
std::size_t rej_uniform_avx2(std::uint16_t* out, std::size_t filled, const std::uint8_t* bytes,
                             std::size_t length) noexcept {
    return rej_uniform_portable(out, filled, bytes, length);
}
void cbd_avx2(const std::uint8_t* bytes, unsigned eta, Poly& out) noexcept {
    cbd_portable(bytes, eta, out);
}
void compress_avx2(Poly& f, unsigned d) noexcept {
    compress_portable(f, d);
}
void decompress_avx2(Poly& f, unsigned d) noexcept {
    decompress_portable(f, d);
}
void byte_encode_avx2(const Poly& f, unsigned d, std::uint8_t* out) noexcept {
    byte_encode_portable(f, d, out);
}
void byte_decode_avx2(const std::uint8_t* in, unsigned d, Poly& out) noexcept {
    byte_decode_portable(in, d, out);
}
}  // namespace qtm::crypto::mlkem::detail
#endif
