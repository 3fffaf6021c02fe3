// The Keccak-f[1600] round function as one template, shared by the one-state variants in
// keccak.cpp and the four-state variant in keccak_x4.cpp. Internal to src/crypto.
#pragma once

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

// The permutation: theta, rho+pi, chi, iota per round on named lanes, so the compiler
// keeps the 25 lanes in registers (FIPS 202 §3.2, with lane a[x + 5y]). Always inlined into
// each variant, so that every variant is compiled for its own instruction set. `Lane` is
// std::uint64_t (one state) or a GCC vector of four (four states, lane by lane: the same
// code, each operation on four states at once).
template <class Lane>
[[gnu::always_inline]] inline void permute(Lane a[25]) noexcept {
    Lane a00 = a[0], a01 = a[1], a02 = a[2], a03 = a[3], a04 = a[4];
    Lane a05 = a[5], a06 = a[6], a07 = a[7], a08 = a[8], a09 = a[9];
    Lane a10 = a[10], a11 = a[11], a12 = a[12], a13 = a[13], a14 = a[14];
    Lane a15 = a[15], a16 = a[16], a17 = a[17], a18 = a[18], a19 = a[19];
    Lane a20 = a[20], a21 = a[21], a22 = a[22], a23 = a[23], a24 = a[24];

    for (int round = 0; round < 24; ++round) {
        // theta
        const Lane c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20;
        const Lane c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21;
        const Lane c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22;
        const Lane c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23;
        const Lane c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24;
        const Lane d0 = c4 ^ rotl(c1, 1);
        const Lane d1 = c0 ^ rotl(c2, 1);
        const Lane d2 = c1 ^ rotl(c3, 1);
        const Lane d3 = c2 ^ rotl(c4, 1);
        const Lane d4 = c3 ^ rotl(c0, 1);

        // rho and pi: b[y, 2x + 3y] = rotl(a[x, y] ^ d[x], r[x, y])
        const Lane b00 = a00 ^ d0;
        const Lane b10 = rotl(a01 ^ d1, 1);
        const Lane b20 = rotl(a02 ^ d2, 62);
        const Lane b05 = rotl(a03 ^ d3, 28);
        const Lane b15 = rotl(a04 ^ d4, 27);
        const Lane b16 = rotl(a05 ^ d0, 36);
        const Lane b01 = rotl(a06 ^ d1, 44);
        const Lane b11 = rotl(a07 ^ d2, 6);
        const Lane b21 = rotl(a08 ^ d3, 55);
        const Lane b06 = rotl(a09 ^ d4, 20);
        const Lane b07 = rotl(a10 ^ d0, 3);
        const Lane b17 = rotl(a11 ^ d1, 10);
        const Lane b02 = rotl(a12 ^ d2, 43);
        const Lane b12 = rotl(a13 ^ d3, 25);
        const Lane b22 = rotl(a14 ^ d4, 39);
        const Lane b23 = rotl(a15 ^ d0, 41);
        const Lane b08 = rotl(a16 ^ d1, 45);
        const Lane b18 = rotl(a17 ^ d2, 15);
        const Lane b03 = rotl(a18 ^ d3, 21);
        const Lane b13 = rotl(a19 ^ d4, 8);
        const Lane b14 = rotl(a20 ^ d0, 18);
        const Lane b24 = rotl(a21 ^ d1, 2);
        const Lane b09 = rotl(a22 ^ d2, 61);
        const Lane b19 = rotl(a23 ^ d3, 56);
        const Lane b04 = rotl(a24 ^ d4, 14);

        // chi (and iota on lane 0)
        a00 = b00 ^ (~b01 & b02) ^ kRoundConstants[round];
        a01 = b01 ^ (~b02 & b03);
        a02 = b02 ^ (~b03 & b04);
        a03 = b03 ^ (~b04 & b00);
        a04 = b04 ^ (~b00 & b01);
        a05 = b05 ^ (~b06 & b07);
        a06 = b06 ^ (~b07 & b08);
        a07 = b07 ^ (~b08 & b09);
        a08 = b08 ^ (~b09 & b05);
        a09 = b09 ^ (~b05 & b06);
        a10 = b10 ^ (~b11 & b12);
        a11 = b11 ^ (~b12 & b13);
        a12 = b12 ^ (~b13 & b14);
        a13 = b13 ^ (~b14 & b10);
        a14 = b14 ^ (~b10 & b11);
        a15 = b15 ^ (~b16 & b17);
        a16 = b16 ^ (~b17 & b18);
        a17 = b17 ^ (~b18 & b19);
        a18 = b18 ^ (~b19 & b15);
        a19 = b19 ^ (~b15 & b16);
        a20 = b20 ^ (~b21 & b22);
        a21 = b21 ^ (~b22 & b23);
        a22 = b22 ^ (~b23 & b24);
        a23 = b23 ^ (~b24 & b20);
        a24 = b24 ^ (~b20 & b21);
    }

    a[0] = a00, a[1] = a01, a[2] = a02, a[3] = a03, a[4] = a04;
    a[5] = a05, a[6] = a06, a[7] = a07, a[8] = a08, a[9] = a09;
    a[10] = a10, a[11] = a11, a[12] = a12, a[13] = a13, a[14] = a14;
    a[15] = a15, a[16] = a16, a[17] = a17, a[18] = a18, a[19] = a19;
    a[20] = a20, a[21] = a21, a[22] = a22, a[23] = a23, a[24] = a24;
}

}  // namespace qtm::crypto::detail
