// Four Keccak-f[1600] states in step (keccak.hpp ShakeX4): with AVX2, the round function of
// keccak_permute.hpp on GCC vectors of four 64-bit lanes, so one pass of the rounds
// permutes all four states.
#include <cassert>
#include <cstring>

#include "crypto/cpu.hpp"
#include "crypto/keccak.hpp"

// The round function compiled for AVX2 in this file: it is only called from the AVX2
// variant here (the one-state variants instantiate it in keccak.cpp). Its helpers take
// 256-bit vectors by value, which the compilers flag (-Wpsabi) as an ABI that differs with
// and without AVX; they are always inlined into the AVX2 function, so no call uses it.
#if defined(__x86_64__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
#if defined(__clang__)  // clang compiles inlined code for the caller's target anyway
#include "crypto/keccak_permute.hpp"
#else
#pragma GCC push_options
#pragma GCC target("avx2")
#include "crypto/keccak_permute.hpp"
#pragma GCC pop_options
#endif
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
using Lanes4 = std::uint64_t __attribute__((vector_size(32)));

[[gnu::target("avx2")]] void keccak_f1600_x4_avx2(std::uint64_t lanes[25][4]) noexcept {
    Lanes4 state[25];
    std::memcpy(state, lanes, sizeof state);
    permute<Lanes4>(state);
    std::memcpy(lanes, state, sizeof state);
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
    while (length - offset >= rate_) {
        for (std::size_t j = 0; j < 4; ++j) {
            for (std::size_t lane = 0; lane < rate_ / 8; ++lane) {
                std::uint64_t word;
                std::memcpy(&word, in[j] + offset + 8 * lane, 8);  // little-endian hosts only
                lanes_[lane][j] ^= word;
            }
        }
        permute();
        offset += rate_;
    }
    const std::size_t rest = length - offset;
    for (std::size_t j = 0; j < 4; ++j) {
        for (std::size_t b = 0; b < rest; ++b)
            xor_byte(j, b, in[j][offset + b]);
        xor_byte(j, rest, 0x1f);  // SHAKE's domain bits and the first bit of pad10*1
        xor_byte(j, rate_ - 1, 0x80);
    }
}

void ShakeX4::squeeze_blocks(std::uint8_t* const out[4], std::size_t block_count) noexcept {
    for (std::size_t block = 0; block < block_count; ++block) {
        permute();
        for (std::size_t j = 0; j < 4; ++j) {
            for (std::size_t lane = 0; lane < rate_ / 8; ++lane)
                std::memcpy(out[j] + block * rate_ + 8 * lane, &lanes_[lane][j], 8);
        }
    }
}

}  // namespace qtm::crypto
