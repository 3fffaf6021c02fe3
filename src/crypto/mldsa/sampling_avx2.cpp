// The AVX2 variants of RejNTTPoly's and RejBoundedPoly's inner loops (kernels.hpp): eight 3-byte
// candidates per step. Two 16-byte loads cover the 24 bytes, a byte shuffle widens each candidate
// to a 32-bit lane, a mask keeps its 23 bits, and a compare with q gives eight accept bits; the
// accepted lanes are moved to the front by a lane permutation looked up from those bits (a
// table of 256 index lists, the usual AVX2 "left-pack"), stored, and the count advanced by
// the number of accepted lanes. The matrix A is public, so the table index may depend on
// the data. Same coefficients, in the same order, as the portable loop.
#include <array>
#include <cstring>

#include "base/bytes.hpp"
#include "crypto/declassify.hpp"
#include "crypto/mldsa/kernels.hpp"
#include "crypto/mldsa/poly.hpp"

#if defined(__x86_64__)
#include <immintrin.h>

#define QTM_AVX2 [[gnu::target("avx2")]]

namespace qtm::crypto::mldsa::detail {
namespace {

// For each 8-bit accept mask, the indices of the set bits in increasing order, one byte
// each (unused bytes 0).
constexpr std::array<std::uint64_t, 256> make_left_pack() noexcept {
    std::array<std::uint64_t, 256> table{};
    for (unsigned mask = 0; mask < 256; ++mask) {
        std::uint64_t entry = 0;
        unsigned count = 0;
        for (unsigned bit = 0; bit < 8; ++bit) {
            if ((mask >> bit) & 1U) entry |= static_cast<std::uint64_t>(bit) << (8 * count++);
        }
        table[mask] = entry;
    }
    return table;
}
constexpr std::array<std::uint64_t, 256> kLeftPack = make_left_pack();

}  // namespace

QTM_AVX2 std::size_t rej_ntt_avx2(std::int32_t* a, std::size_t j, const std::uint8_t* bytes,
                                  std::size_t length) noexcept {
    const __m256i widen =
        _mm256_setr_epi8(0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1,  //
                         4, 5, 6, -1, 7, 8, 9, -1, 10, 11, 12, -1, 13, 14, 15, -1);
    const __m256i mask23 = _mm256_set1_epi32(0x7FFFFF);
    const __m256i q = _mm256_set1_epi32(kQ);
    std::size_t position = 0;
    for (; position + 24 <= length && j < kN; position += 24) {
        const __m128i low = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + position));
        const __m128i high =
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + position + 8));
        __m256i x = _mm256_inserti128_si256(_mm256_castsi128_si256(low), high, 1);
        x = _mm256_and_si256(_mm256_shuffle_epi8(x, widen), mask23);
        const auto accept = static_cast<unsigned>(
            _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(q, x))));
        const __m256i index =
            _mm256_cvtepu8_epi32(_mm_cvtsi64_si128(static_cast<long long>(kLeftPack[accept])));
        const __m256i packed = _mm256_permutevar8x32_epi32(x, index);
        const auto count = static_cast<std::size_t>(__builtin_popcount(accept));
        if (j + 8 <= kN) {
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(a + j), packed);
            j += count;
        } else {
            alignas(32) std::int32_t buffer[8];
            _mm256_store_si256(reinterpret_cast<__m256i*>(buffer), packed);
            const std::size_t take = count < kN - j ? count : kN - j;
            std::memcpy(a + j, buffer, take * sizeof(std::int32_t));
            j += take;
        }
    }
    return rej_ntt_portable(a, j, bytes + position, length - position);
}

// RejBoundedPoly: sixteen nibbles (eight bytes) per step, in two vectors of eight; the
// accept bits (nibble < 15 for eta = 2, < 9 for eta = 4) are declassified, as in the
// portable code, and only they choose the permutation; the values stay secret.
QTM_AVX2 std::size_t rej_eta_avx2(std::int32_t* a, std::size_t j, const std::uint8_t* bytes,
                                  std::size_t length, std::int32_t eta) noexcept {
    const __m128i spread = _mm_setr_epi8(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
    const __m256i shift = _mm256_setr_epi32(0, 4, 0, 4, 0, 4, 0, 4);
    const __m256i fifteen = _mm256_set1_epi32(15);
    const __m256i bound = _mm256_set1_epi32(eta == 2 ? 15 : 9);
    const __m256i q = _mm256_set1_epi32(kQ);
    std::size_t position = 0;
    for (; position + 8 <= length && j < kN; position += 8) {
        std::int64_t word;
        std::memcpy(&word, bytes + position, 8);
        const __m128i pairs = _mm_shuffle_epi8(_mm_cvtsi64_si128(word), spread);
        __m256i nibbles[2] = {_mm256_cvtepu8_epi32(pairs),
                              _mm256_cvtepu8_epi32(_mm_srli_si128(pairs, 8))};
        unsigned accept[2];
        for (std::size_t h = 0; h < 2; ++h) {
            const __m256i b = _mm256_and_si256(_mm256_srlv_epi32(nibbles[h], shift), fifteen);
            accept[h] = static_cast<unsigned>(
                _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(bound, b))));
            __m256i value;
            if (eta == 2) {  // 2 - (b mod 5), b mod 5 = b - 5 ((205 b) >> 10)
                const __m256i quotient =
                    _mm256_srli_epi32(_mm256_mullo_epi32(b, _mm256_set1_epi32(205)), 10);
                const __m256i remainder =
                    _mm256_sub_epi32(b, _mm256_add_epi32(_mm256_slli_epi32(quotient, 2), quotient));
                value = _mm256_sub_epi32(_mm256_set1_epi32(2), remainder);
            } else {
                value = _mm256_sub_epi32(_mm256_set1_epi32(4), b);
            }
            nibbles[h] = _mm256_add_epi32(value, _mm256_and_si256(_mm256_srai_epi32(value, 31), q));
        }
        declassify(accept, sizeof accept);
        for (std::size_t h = 0; h < 2 && j < kN; ++h) {
            const __m256i index = _mm256_cvtepu8_epi32(
                _mm_cvtsi64_si128(static_cast<long long>(kLeftPack[accept[h]])));
            const __m256i packed = _mm256_permutevar8x32_epi32(nibbles[h], index);
            const auto count = static_cast<std::size_t>(__builtin_popcount(accept[h]));
            if (j + 8 <= kN) {
                _mm256_storeu_si256(reinterpret_cast<__m256i*>(a + j), packed);
                j += count;
            } else {
                alignas(32) std::int32_t buffer[8];
                _mm256_store_si256(reinterpret_cast<__m256i*>(buffer), packed);
                const std::size_t take = count < kN - j ? count : kN - j;
                std::memcpy(a + j, buffer, take * sizeof(std::int32_t));
                secure_wipe(buffer, sizeof buffer);
                j += take;
            }
        }
    }
    return rej_eta_portable(a, j, bytes + position, length - position, eta);
}

}  // namespace qtm::crypto::mldsa::detail

#else  // not x86-64: never called (use_avx2() is false).

namespace qtm::crypto::mldsa::detail {
std::size_t rej_ntt_avx2(std::int32_t* a, std::size_t j, const std::uint8_t* bytes,
                         std::size_t length) noexcept {
    return rej_ntt_portable(a, j, bytes, length);
}
std::size_t rej_eta_avx2(std::int32_t* a, std::size_t j, const std::uint8_t* bytes,
                         std::size_t length, std::int32_t eta) noexcept {
    return rej_eta_portable(a, j, bytes, length, eta);
}
}  // namespace qtm::crypto::mldsa::detail
#endif
