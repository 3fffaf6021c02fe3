// The AVX2 variants of the packing kernels (kernels.hpp): the unpacking of z (18 or 20
// bits) and t1 (10 bits), and w1Encode's packing (4 or 6 bits). Same outputs as
// encoding.cpp, bit for bit.
//
// Unpacking works on groups of eight coefficients (exactly `bits` bytes): each 128-bit half
// of a vector is loaded from the byte where its first coefficient starts, a byte shuffle
// puts the 4 bytes holding each coefficient into its 32-bit lane, and a per-lane variable
// shift and a mask extract it. No load goes past the input: the groups whose loads would
// are copied into a zeroed buffer first.
//
// w1 packing narrows 32 coefficients to bytes (saturating packs and one lane permute), then
// merges neighbours with multiply-adds (vpmaddubsw, vpmaddwd: x0 + 2^bits x1, ...) and
// gathers the bytes with a shuffle.
#include <cstring>

#include "crypto/mldsa/kernels.hpp"
#include "crypto/mldsa/poly.hpp"

#if defined(__x86_64__)
#include <immintrin.h>

#define QTM_AVX2 [[gnu::target("avx2")]]

namespace qtm::crypto::mldsa::detail {
namespace {

// The shuffle and shift constants of one width, computed at compile time.
template <int kBits>
struct UnpackPlan {
    static constexpr int kSecondHalf = 4 * kBits / 8;  // where the second half's load starts
    alignas(32) std::int8_t shuffle[32];
    alignas(32) std::int32_t shift[8];
    constexpr UnpackPlan() : shuffle{}, shift{} {
        for (int h = 0; h < 2; ++h) {
            for (int j = 0; j < 4; ++j) {
                const int bit = kBits * (4 * h + j) - 8 * (h == 0 ? 0 : kSecondHalf);
                for (int b = 0; b < 4; ++b)
                    shuffle[16 * h + 4 * j + b] = static_cast<std::int8_t>(bit / 8 + b);
                shift[4 * h + j] = bit % 8;
            }
        }
    }
};

template <int kBits>
inline constexpr UnpackPlan<kBits> kUnpackPlan{};

// Eight coefficients (raw, in [0, 2^bits)) from the `bits` bytes at in; reads
// in[0, kSecondHalf + 16).
template <int kBits>
QTM_AVX2 inline __m256i unpack8(const std::uint8_t* in) noexcept {
    const UnpackPlan<kBits>& plan = kUnpackPlan<kBits>;
    const __m128i low = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in));
    const __m128i high =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + UnpackPlan<kBits>::kSecondHalf));
    __m256i x = _mm256_inserti128_si256(_mm256_castsi128_si256(low), high, 1);
    x = _mm256_shuffle_epi8(x, _mm256_load_si256(reinterpret_cast<const __m256i*>(plan.shuffle)));
    x = _mm256_srlv_epi32(x, _mm256_load_si256(reinterpret_cast<const __m256i*>(plan.shift)));
    return _mm256_and_si256(x, _mm256_set1_epi32((1 << kBits) - 1));
}

// The eight coefficients of group g as stored: raw (SimpleBitUnpack) or, for z, as
// gamma1 - raw mod q (BitUnpack with b = gamma1 = 2^(bits-1)).
template <int kBits, bool kCentred>
QTM_AVX2 inline void store8(std::int32_t* out, std::size_t g, __m256i raw) noexcept {
    if constexpr (kCentred) {
        const __m256i c = _mm256_sub_epi32(_mm256_set1_epi32(1 << (kBits - 1)), raw);
        raw =
            _mm256_add_epi32(c, _mm256_and_si256(_mm256_srai_epi32(c, 31), _mm256_set1_epi32(kQ)));
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 8 * g), raw);
}

template <int kBits, bool kCentred>
QTM_AVX2 void unpack_poly(const std::uint8_t* in, std::int32_t* out) noexcept {
    constexpr int kRead = UnpackPlan<kBits>::kSecondHalf + 16;
    // Group g reads in[g bits, g bits + kRead): direct while that ends within 32 bits bytes.
    constexpr std::size_t kDirect = static_cast<std::size_t>((32 * kBits - kRead) / kBits + 1);
    std::size_t g = 0;
    for (; g < kDirect && g < kN / 8; ++g)
        store8<kBits, kCentred>(out, g, unpack8<kBits>(in + static_cast<std::size_t>(kBits) * g));
    for (; g < kN / 8; ++g) {
        alignas(32) std::uint8_t buffer[64] = {};
        std::memcpy(buffer, in + static_cast<std::size_t>(kBits) * g, kBits);
        store8<kBits, kCentred>(out, g, unpack8<kBits>(buffer));
    }
}

QTM_AVX2 inline __m256i load32(const std::int32_t* p) noexcept {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}

// 32 coefficients below 2^8 from four vectors -> 32 bytes in order.
QTM_AVX2 inline __m256i narrow_to_bytes(const std::int32_t* w) noexcept {
    const __m256i ab = _mm256_packs_epi32(load32(w), load32(w + 8));        // a0-3 b0-3 | a4-7 b4-7
    const __m256i cd = _mm256_packs_epi32(load32(w + 16), load32(w + 24));  // c0-3 d0-3 | c4-7 d4-7
    const __m256i bytes = _mm256_packus_epi16(ab, cd);  // a0-3 b0-3 c0-3 d0-3 | a4-7 ...
    return _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

}  // namespace

QTM_AVX2 void unpack_z_avx2(const std::uint8_t* in, std::int32_t* z, int bits) noexcept {
    if (bits == 18) return unpack_poly<18, true>(in, z);
    unpack_poly<20, true>(in, z);
}

QTM_AVX2 void unpack_t1_avx2(const std::uint8_t* in, std::int32_t* t1) noexcept {
    unpack_poly<10, false>(in, t1);
}

QTM_AVX2 void pack_w1_avx2(const std::int32_t* w1, std::uint8_t* out, int bits) noexcept {
    if (bits == 4) {
        // bytes -> x0 + 16 x1 in 16 bits -> 16 bytes.
        const __m256i merge = _mm256_set1_epi16(0x1001);
        for (std::size_t i = 0; i < kN; i += 32) {
            const __m256i pairs = _mm256_maddubs_epi16(narrow_to_bytes(w1 + i), merge);
            const __m256i packed =
                _mm256_permute4x64_epi64(_mm256_packus_epi16(pairs, pairs), 0x08);
            _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i / 2),
                             _mm256_castsi256_si128(packed));
        }
        return;
    }
    // bytes -> x0 + 64 x1 (12 bits) -> + 4096 (x2 + 64 x3) (24 bits) -> 3 bytes each.
    const __m256i merge8 = _mm256_set1_epi16(0x4001);
    const __m256i merge16 = _mm256_set1_epi32(0x10000001);
    const __m256i gather = _mm256_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1,
                                            0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1);
    const __m256i join = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 3, 7);
    for (std::size_t i = 0; i < kN; i += 32) {
        const __m256i pairs = _mm256_maddubs_epi16(narrow_to_bytes(w1 + i), merge8);
        const __m256i quads = _mm256_madd_epi16(pairs, merge16);
        const __m256i packed =
            _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(quads, gather), join);  // 24 bytes
        std::uint8_t* o = out + i / 32 * 24;
        _mm_storeu_si128(reinterpret_cast<__m128i*>(o), _mm256_castsi256_si128(packed));
        _mm_storel_epi64(reinterpret_cast<__m128i*>(o + 16), _mm256_extracti128_si256(packed, 1));
    }
}

// SimpleBitPack / BitPack for bits <= 16, eight coefficients (bits bytes) per step: pairs
// are merged in the 64-bit lanes (x0 + 2^bits x1), pairs of pairs in each 128-bit half
// (4 bits bits), and the two halves joined in two 64-bit words written out.
template <int kBits>
QTM_AVX2 void pack_bits_with(const std::int32_t* w, std::uint8_t* out, std::int32_t b,
                             bool subtract) noexcept {
    static_assert(kBits <= 16);
    const __m256i low32 = _mm256_set1_epi64x(0xFFFFFFFF);
    const __m256i half_q = _mm256_set1_epi32((kQ - 1) / 2);
    const __m256i q = _mm256_set1_epi32(kQ);
    const __m256i bound = _mm256_set1_epi32(b);
    for (std::size_t g = 0; g < kN / 8; ++g) {
        __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 8 * g));
        if (subtract) {  // b - (x mod ± q)
            const __m256i above = _mm256_srai_epi32(_mm256_sub_epi32(half_q, x), 31);
            x = _mm256_sub_epi32(bound, _mm256_sub_epi32(x, _mm256_and_si256(above, q)));
        }
        const __m256i pairs = _mm256_or_si256(_mm256_and_si256(x, low32),
                                              _mm256_slli_epi64(_mm256_srli_epi64(x, 32), kBits));
        const __m256i quads =
            _mm256_or_si256(pairs, _mm256_slli_epi64(_mm256_srli_si256(pairs, 8), 2 * kBits));
        const auto lo =
            static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm256_castsi256_si128(quads)));
        const auto hi =
            static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm256_extracti128_si256(quads, 1)));
        // The 8 bits-bit values: lo holds bits [0, 4 bits), hi [4 bits, 8 bits).
        const std::uint64_t word0 = lo | hi << (4 * kBits);
        std::uint8_t* o = out + static_cast<std::size_t>(kBits) * g;
        if constexpr (kBits <= 8) {
            std::memcpy(o, &word0, kBits);
        } else {
            const std::uint64_t word1 = hi >> (64 - 4 * kBits);
            std::memcpy(o, &word0, 8);
            std::memcpy(o + 8, &word1, kBits - 8);
        }
    }
}

QTM_AVX2 void pack_bits_avx2(const std::int32_t* w, std::uint8_t* out, int bits, std::int32_t b,
                             bool subtract) noexcept {
    switch (bits) {
        case 3:
            return pack_bits_with<3>(w, out, b, subtract);
        case 4:
            return pack_bits_with<4>(w, out, b, subtract);
        case 10:
            return pack_bits_with<10>(w, out, b, subtract);
        default:
            return pack_bits_with<13>(w, out, b, subtract);
    }
}

}  // namespace qtm::crypto::mldsa::detail

#else  // not x86-64: never called (use_avx2() is false).

namespace qtm::crypto::mldsa::detail {
void unpack_z_avx2(const std::uint8_t* in, std::int32_t* z, int bits) noexcept {
    unpack_z_portable(in, z, bits);
}
void unpack_t1_avx2(const std::uint8_t* in, std::int32_t* t1) noexcept {
    unpack_t1_portable(in, t1);
}
void pack_w1_avx2(const std::int32_t* w1, std::uint8_t* out, int bits) noexcept {
    pack_w1_portable(w1, out, bits);
}
void pack_bits_avx2(const std::int32_t* w, std::uint8_t* out, int bits, std::int32_t b,
                    bool subtract) noexcept {
    pack_bits_portable(w, out, bits, b, subtract);
}
}  // namespace qtm::crypto::mldsa::detail
#endif
