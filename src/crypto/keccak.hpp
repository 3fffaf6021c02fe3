// Keccak-f[1600] and the hashes built on it: Ethereum's keccak256 (original Keccak padding),
// FIPS 202 SHA3-256, SHA3-512, SHAKE128 and SHAKE256 with incremental absorb and squeeze.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.hpp"

namespace qtm::crypto {

// The Keccak-f[1600] permutation over 25 little-endian 64-bit lanes. Dispatches at run
// time to the fastest variant the CPU supports (BMI1+BMI2, else portable x86-64).
void keccak_f1600(std::uint64_t state[25]) noexcept;

namespace detail {
// The variants, exposed so that tests run each one on the same states.
void keccak_f1600_portable(std::uint64_t state[25]) noexcept;
void keccak_f1600_bmi2(std::uint64_t state[25]) noexcept;  // only if supported()
bool keccak_f1600_bmi2_supported() noexcept;
}  // namespace detail

// A Keccak sponge with a fixed rate and domain-separation suffix: absorb any number of
// times, then squeeze any number of times (absorbing after the first squeeze is a
// programming error). `rate` is in bytes; `domain` is 0x01 (Keccak), 0x06 (SHA-3) or
// 0x1f (SHAKE).
class KeccakSponge {
public:
    KeccakSponge(std::size_t rate, std::uint8_t domain) noexcept;
    ~KeccakSponge();  // wipes the state: sponges absorb secret seeds in ML-DSA/ML-KEM

    KeccakSponge(const KeccakSponge&) = default;
    KeccakSponge& operator=(const KeccakSponge&) = default;

    void absorb(ByteView data) noexcept;
    void squeeze(MutableByteView out) noexcept;
    // Squeezes whole blocks of `rate()` bytes; cheaper than squeeze() for samplers.
    void squeeze_blocks(std::uint8_t* out, std::size_t block_count) noexcept;
    void reset() noexcept;
    [[nodiscard]] std::size_t rate() const noexcept { return rate_; }

private:
    void pad_and_switch_to_squeezing() noexcept;

    std::uint64_t state_[25]{};
    std::size_t rate_;
    std::size_t position_{0};  // byte offset in the current block
    std::uint8_t domain_;
    bool squeezing_{false};
};

// One-shot hashes.
[[nodiscard]] Hash32 keccak256(ByteView data) noexcept;
[[nodiscard]] Hash32 sha3_256(ByteView data) noexcept;
[[nodiscard]] ByteArray<64> sha3_512(ByteView data) noexcept;
void shake128(ByteView data, MutableByteView out) noexcept;
void shake256(ByteView data, MutableByteView out) noexcept;

// Incremental hashers with the usual update/finalize shape.
class Keccak256 {
public:
    Keccak256() noexcept : sponge_{136, 0x01} {}
    Keccak256& update(ByteView data) noexcept {
        sponge_.absorb(data);
        return *this;
    }
    [[nodiscard]] Hash32 finalize() noexcept;

private:
    KeccakSponge sponge_;
};

class Sha3_256 {
public:
    Sha3_256() noexcept : sponge_{136, 0x06} {}
    Sha3_256& update(ByteView data) noexcept {
        sponge_.absorb(data);
        return *this;
    }
    [[nodiscard]] Hash32 finalize() noexcept;

private:
    KeccakSponge sponge_;
};

class Sha3_512 {
public:
    Sha3_512() noexcept : sponge_{72, 0x06} {}
    Sha3_512& update(ByteView data) noexcept {
        sponge_.absorb(data);
        return *this;
    }
    [[nodiscard]] ByteArray<64> finalize() noexcept;

private:
    KeccakSponge sponge_;
};

// Extendable-output functions: absorb, then squeeze as much as needed.
class Shake128 : public KeccakSponge {
public:
    static constexpr std::size_t kRate = 168;
    Shake128() noexcept : KeccakSponge{kRate, 0x1f} {}
};

class Shake256 : public KeccakSponge {
public:
    static constexpr std::size_t kRate = 136;
    Shake256() noexcept : KeccakSponge{kRate, 0x1f} {}
};

// Four SHAKE128 or SHAKE256 instances run in step, over four inputs of one length: the
// parallel streams of ML-DSA's ExpandA/ExpandS/ExpandMask and ML-KEM's matrix and noise.
// With AVX2 the four permutations are one (each 256-bit register holds a lane of all four
// states); without it, four one-state permutations. The outputs are those of four
// separate Shake128/Shake256 objects, bit for bit.
class ShakeX4 {
public:
    // rate: Shake128::kRate or Shake256::kRate.
    explicit ShakeX4(std::size_t rate) noexcept;
    ~ShakeX4();  // wipes the states
    ShakeX4(const ShakeX4&) = delete;
    ShakeX4& operator=(const ShakeX4&) = delete;

    // Absorbs in[j][0, length) into instance j, all of the input at once, and pads.
    void absorb_all(const std::uint8_t* const in[4], std::size_t length) noexcept;
    // Squeezes block_count blocks of rate() bytes into out[j] for each instance.
    void squeeze_blocks(std::uint8_t* const out[4], std::size_t block_count) noexcept;
    [[nodiscard]] std::size_t rate() const noexcept { return rate_; }

private:
    void permute() noexcept;
    alignas(32) std::uint64_t lanes_[25][4]{};  // lane i of instance j at lanes_[i][j]
    std::size_t rate_;
};

namespace detail {
// The four-state permutations over lanes[i][j] (lane i of state j).
void keccak_f1600_x4_portable(std::uint64_t lanes[25][4]) noexcept;
void keccak_f1600_x4_avx2(std::uint64_t lanes[25][4]) noexcept;  // only if AVX2
}  // namespace detail

}  // namespace qtm::crypto
