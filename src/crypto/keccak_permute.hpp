// The Keccak-f[1600] round function, shared by the one-state variants in keccak.cpp (the
// four-state AVX2 variant in keccak_x4.cpp has the same row-by-row round in intrinsics).
// Internal to src/crypto.
#pragma once

#include <cstddef>
#include <cstdint>

namespace qtm::crypto::detail {

constexpr std::uint64_t kRoundConstants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

template <class Lane>
[[gnu::always_inline]] constexpr Lane rotl(Lane x, unsigned n) noexcept {
    return (x << n) | (x >> ((64 - n) & 63));
}

// The permutation (FIPS 202 §3.2, lane a[x + 5y]), one round at a time between two arrays
// in memory: the five column parities and D values first (D stays in registers), then
// each output row from its five inputs (theta, rho and pi, then chi; iota on lane 0). At
// most about a dozen lanes are live, so the 64-bit code keeps everything in the 15 usable
// general registers, each lane loaded twice and stored once per round; a round over 25
// named lanes in registers spills most of them (about 40% more instructions). Always
// inlined into each variant, so that every variant is compiled for its own instruction
// set (keccak.cpp: portable x86-64 and BMI1+BMI2).
template <class Lane>
[[gnu::always_inline]] inline void round_rows(const Lane* __restrict a, Lane* __restrict e,
                                              std::uint64_t constant) noexcept {
    const Lane c0 = a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20];
    const Lane c1 = a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21];
    const Lane c2 = a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22];
    const Lane c3 = a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23];
    const Lane c4 = a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24];
    const Lane d0 = c4 ^ rotl(c1, 1);
    const Lane d1 = c0 ^ rotl(c2, 1);
    const Lane d2 = c1 ^ rotl(c3, 1);
    const Lane d3 = c2 ^ rotl(c4, 1);
    const Lane d4 = c3 ^ rotl(c0, 1);
    const auto row = [e](std::size_t y, Lane b0, Lane b1, Lane b2, Lane b3, Lane b4) {
        e[y + 0] = b0 ^ (~b1 & b2);
        e[y + 1] = b1 ^ (~b2 & b3);
        e[y + 2] = b2 ^ (~b3 & b4);
        e[y + 3] = b3 ^ (~b4 & b0);
        e[y + 4] = b4 ^ (~b0 & b1);
    };
    // rho and pi: b[y, 2x + 3y] = rotl(a[x, y] ^ d[x], r[x, y]), then chi per row.
    row(0, a[0] ^ d0, rotl(a[6] ^ d1, 44), rotl(a[12] ^ d2, 43), rotl(a[18] ^ d3, 21),
        rotl(a[24] ^ d4, 14));
    e[0] ^= constant;
    row(5, rotl(a[3] ^ d3, 28), rotl(a[9] ^ d4, 20), rotl(a[10] ^ d0, 3), rotl(a[16] ^ d1, 45),
        rotl(a[22] ^ d2, 61));
    row(10, rotl(a[1] ^ d1, 1), rotl(a[7] ^ d2, 6), rotl(a[13] ^ d3, 25), rotl(a[19] ^ d4, 8),
        rotl(a[20] ^ d0, 18));
    row(15, rotl(a[4] ^ d4, 27), rotl(a[5] ^ d0, 36), rotl(a[11] ^ d1, 10), rotl(a[17] ^ d2, 15),
        rotl(a[23] ^ d3, 56));
    row(20, rotl(a[2] ^ d2, 62), rotl(a[8] ^ d3, 55), rotl(a[14] ^ d4, 39), rotl(a[15] ^ d0, 41),
        rotl(a[21] ^ d1, 2));
}

// The 24 rounds between the state and a scratch array (24 is even: the result ends in
// the state).
[[gnu::always_inline]] inline void permute_rows(std::uint64_t* state) noexcept {
    std::uint64_t scratch[25];
    for (int round = 0; round < 24; round += 2) {
        round_rows<std::uint64_t>(state, scratch, kRoundConstants[round]);
        round_rows<std::uint64_t>(scratch, state, kRoundConstants[round + 1]);
    }
}

}  // namespace qtm::crypto::detail
