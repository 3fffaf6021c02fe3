// Four Keccak-f[1600] states in step (keccak.hpp ShakeX4): with AVX2, each 256-bit register
// holds one lane of all four states, so one pass of the rounds permutes all four; without
// it, four one-state permutations.
#include <cassert>
#include <cstring>

#include "base/bytes.hpp"
#include "crypto/cpu.hpp"
#include "crypto/keccak.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#define QTM_AVX2_LAMBDA __attribute__((target("avx2")))
#endif

#include "crypto/keccak_permute.hpp"

// The AVX2 helpers below take 256-bit vectors by value, which the compilers flag (-Wpsabi)
// as an ABI that differs with and without AVX; they are always inlined into the AVX2
// function, so no call uses it.
#if defined(__x86_64__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

namespace qtm::crypto {
namespace {

using Permutation4 = void (*)(std::uint64_t[25][4]) noexcept;

Permutation4 select_permutation4() noexcept {
    return use_avx2() ? detail::keccak_f1600_x4_avx2 : detail::keccak_f1600_x4_portable;
}

}  // namespace

namespace detail {

void keccak_f1600_x4_portable(std::uint64_t lanes[25][4]) noexcept {
    for (std::size_t j = 0; j < 4; ++j) {
        std::uint64_t state[25];
        for (std::size_t i = 0; i < 25; ++i)
            state[i] = lanes[i][j];
        keccak_f1600(state);
        for (std::size_t i = 0; i < 25; ++i)
            lanes[i][j] = state[i];
    }
}

#if defined(__x86_64__)
namespace {

#define QTM_AVX2 [[gnu::target("avx2")]]

// One 64-bit rotation in each of the four lanes: two shifts and an or, except by 8 and 56
// (byte moves: one vpshufb).
template <int kN>
QTM_AVX2 inline __m256i rotl(__m256i x) noexcept {
    if constexpr (kN == 8) {
        return _mm256_shuffle_epi8(
            x, _mm256_setr_epi8(7, 0, 1, 2, 3, 4, 5, 6, 15, 8, 9, 10, 11, 12, 13, 14, 7, 0, 1, 2, 3,
                                4, 5, 6, 15, 8, 9, 10, 11, 12, 13, 14));
    } else if constexpr (kN == 56) {
        return _mm256_shuffle_epi8(
            x, _mm256_setr_epi8(1, 2, 3, 4, 5, 6, 7, 0, 9, 10, 11, 12, 13, 14, 15, 8, 1, 2, 3, 4, 5,
                                6, 7, 0, 9, 10, 11, 12, 13, 14, 15, 8));
    } else {
        return _mm256_or_si256(_mm256_slli_epi64(x, kN), _mm256_srli_epi64(x, 64 - kN));
    }
}

QTM_AVX2 inline __m256i xor5(const __m256i* a, int x) noexcept {
    return _mm256_xor_si256(
        _mm256_xor_si256(_mm256_xor_si256(a[x], a[x + 5]), _mm256_xor_si256(a[x + 10], a[x + 15])),
        a[x + 20]);
}

// chi on one row: out[i] = b[i] ^ (~b[i+1] & b[i+2]).
QTM_AVX2 inline void chi_row(__m256i* out, __m256i b0, __m256i b1, __m256i b2, __m256i b3,
                             __m256i b4) noexcept {
    out[0] = _mm256_xor_si256(b0, _mm256_andnot_si256(b1, b2));
    out[1] = _mm256_xor_si256(b1, _mm256_andnot_si256(b2, b3));
    out[2] = _mm256_xor_si256(b2, _mm256_andnot_si256(b3, b4));
    out[3] = _mm256_xor_si256(b3, _mm256_andnot_si256(b4, b0));
    out[4] = _mm256_xor_si256(b4, _mm256_andnot_si256(b0, b1));
}

// One round from state a into state e (both in memory). The round is computed one output
// row at a time: the column parities are read from memory and the five D values stay in
// registers, then each row needs only its five inputs, so at most 15 vectors are live and
// nothing spills (a round written over 25 named lanes needs 25+ registers of the 16).
QTM_AVX2 inline void round_x4(const __m256i* a, __m256i* e, std::uint64_t constant) noexcept {
    const __m256i c0 = xor5(a, 0), c1 = xor5(a, 1), c2 = xor5(a, 2), c3 = xor5(a, 3),
                  c4 = xor5(a, 4);
    const __m256i d0 = _mm256_xor_si256(c4, rotl<1>(c1));
    const __m256i d1 = _mm256_xor_si256(c0, rotl<1>(c2));
    const __m256i d2 = _mm256_xor_si256(c1, rotl<1>(c3));
    const __m256i d3 = _mm256_xor_si256(c2, rotl<1>(c4));
    const __m256i d4 = _mm256_xor_si256(c3, rotl<1>(c0));
    const auto x = [](__m256i u, __m256i v) QTM_AVX2_LAMBDA { return _mm256_xor_si256(u, v); };
    // rho and pi: b[y, 2x + 3y] = rotl(a[x, y] ^ d[x], r[x, y]), then chi per row.
    chi_row(e, x(a[0], d0), rotl<44>(x(a[6], d1)), rotl<43>(x(a[12], d2)), rotl<21>(x(a[18], d3)),
            rotl<14>(x(a[24], d4)));
    e[0] = _mm256_xor_si256(e[0], _mm256_set1_epi64x(static_cast<long long>(constant)));
    chi_row(e + 5, rotl<28>(x(a[3], d3)), rotl<20>(x(a[9], d4)), rotl<3>(x(a[10], d0)),
            rotl<45>(x(a[16], d1)), rotl<61>(x(a[22], d2)));
    chi_row(e + 10, rotl<1>(x(a[1], d1)), rotl<6>(x(a[7], d2)), rotl<25>(x(a[13], d3)),
            rotl<8>(x(a[19], d4)), rotl<18>(x(a[20], d0)));
    chi_row(e + 15, rotl<27>(x(a[4], d4)), rotl<36>(x(a[5], d0)), rotl<10>(x(a[11], d1)),
            rotl<15>(x(a[17], d2)), rotl<56>(x(a[23], d3)));
    chi_row(e + 20, rotl<62>(x(a[2], d2)), rotl<55>(x(a[8], d3)), rotl<39>(x(a[14], d4)),
            rotl<41>(x(a[15], d0)), rotl<2>(x(a[21], d1)));
}

}  // namespace

QTM_AVX2 void keccak_f1600_x4_avx2(std::uint64_t lanes[25][4]) noexcept {
    // lanes[i] holds lane i of the four states: one vector each. Rounds alternate between
    // the caller's array and a local one (24 is even: the result ends in the caller's).
    __m256i a[25];
    __m256i e[25];
    std::memcpy(a, lanes, sizeof a);  // the caller's array need not be 32-byte aligned
    for (int round = 0; round < 24; round += 2) {
        round_x4(a, e, kRoundConstants[round]);
        round_x4(e, a, kRoundConstants[round + 1]);
    }
    std::memcpy(lanes, a, sizeof a);
    secure_wipe(a, sizeof a);
    secure_wipe(e, sizeof e);
}
#pragma GCC diagnostic pop
#else
void keccak_f1600_x4_avx2(std::uint64_t lanes[25][4]) noexcept {
    keccak_f1600_x4_portable(lanes);
}
#endif

}  // namespace detail

ShakeX4::ShakeX4(std::size_t rate) noexcept : rate_{rate} {
    assert(rate == Shake128::kRate || rate == Shake256::kRate);
}

ShakeX4::~ShakeX4() {
    secure_wipe(lanes_, sizeof lanes_);
}

void ShakeX4::permute() noexcept {
    static const Permutation4 permutation = select_permutation4();
    permutation(lanes_);
}

void ShakeX4::absorb_all(const std::uint8_t* const in[4], std::size_t length) noexcept {
    std::size_t offset = 0;
    const auto xor_byte = [this](std::size_t j, std::size_t position, std::uint8_t value) {
        lanes_[position / 8][j] ^= static_cast<std::uint64_t>(value) << (8 * (position % 8));
    };
    const auto xor_words = [this, in](std::size_t from, std::size_t words) {
        for (std::size_t j = 0; j < 4; ++j) {
            for (std::size_t lane = 0; lane < words; ++lane) {
                std::uint64_t word;
                std::memcpy(&word, in[j] + from + 8 * lane, 8);  // little-endian hosts only
                lanes_[lane][j] ^= word;
            }
        }
    };
    while (length - offset >= rate_) {
        xor_words(offset, rate_ / 8);
        permute();
        offset += rate_;
    }
    const std::size_t rest = length - offset;
    xor_words(offset, rest / 8);
    for (std::size_t j = 0; j < 4; ++j) {
        for (std::size_t b = rest / 8 * 8; b < rest; ++b)
            xor_byte(j, b, in[j][offset + b]);
        xor_byte(j, rest, 0x1f);  // SHAKE's domain bits and the first bit of pad10*1
        xor_byte(j, rate_ - 1, 0x80);
    }
}

#if defined(__x86_64__)
namespace {
// The squeezed block of each instance from the interleaved lanes: four lanes of four
// instances are one 4x4 transpose of 64-bit words (unpacks and 128-bit permutes).
[[gnu::target("avx2")]] void extract_blocks_avx2(const std::uint64_t (*lanes)[4], std::size_t words,
                                                 std::uint8_t* const out[4],
                                                 std::size_t at) noexcept {
    const auto* v = reinterpret_cast<const __m256i*>(lanes);
    std::size_t lane = 0;
    for (; lane + 4 <= words; lane += 4) {
        const __m256i l0 = _mm256_load_si256(v + lane), l1 = _mm256_load_si256(v + lane + 1);
        const __m256i l2 = _mm256_load_si256(v + lane + 2), l3 = _mm256_load_si256(v + lane + 3);
        const __m256i a = _mm256_unpacklo_epi64(l0, l1);  // l0[0] l1[0] l0[2] l1[2]
        const __m256i b = _mm256_unpackhi_epi64(l0, l1);  // l0[1] l1[1] l0[3] l1[3]
        const __m256i c = _mm256_unpacklo_epi64(l2, l3);
        const __m256i d = _mm256_unpackhi_epi64(l2, l3);
        const __m256i rows[4] = {
            _mm256_permute2x128_si256(a, c, 0x20), _mm256_permute2x128_si256(b, d, 0x20),
            _mm256_permute2x128_si256(a, c, 0x31), _mm256_permute2x128_si256(b, d, 0x31)};
        for (std::size_t j = 0; j < 4; ++j)
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(out[j] + at + 8 * lane), rows[j]);
    }
    for (; lane < words; ++lane) {
        for (std::size_t j = 0; j < 4; ++j)
            std::memcpy(out[j] + at + 8 * lane, &lanes[lane][j], 8);
    }
}
}  // namespace
#endif

void ShakeX4::squeeze_blocks(std::uint8_t* const out[4], std::size_t block_count) noexcept {
    for (std::size_t block = 0; block < block_count; ++block) {
        permute();
#if defined(__x86_64__)
        if (use_avx2()) {
            extract_blocks_avx2(lanes_, rate_ / 8, out, block * rate_);
            continue;
        }
#endif
        for (std::size_t j = 0; j < 4; ++j) {
            for (std::size_t lane = 0; lane < rate_ / 8; ++lane)
                std::memcpy(out[j] + block * rate_ + 8 * lane, &lanes_[lane][j], 8);
        }
    }
}

}  // namespace qtm::crypto
