// The simulator's only source of randomness: a seeded xoshiro256** generator (Blackman and
// Vigna), so that one seed always replays the same run on every machine and compiler
// (std::uniform_int_distribution is implementation-defined, so it is not used).
#pragma once

#include <cstdint>

namespace qtm::sim {

class Rng {
public:
    explicit Rng(std::uint64_t seed) noexcept {
        // splitmix64 spreads a small seed over the whole state.
        for (auto& word : state_) {
            seed += 0x9e3779b97f4a7c15ULL;
            std::uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            word = z ^ (z >> 31);
        }
    }

    std::uint64_t next() noexcept {
        const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return result;
    }

    // Uniform in [lo, hi] (inclusive); the modulo bias is below 2^-40 for the ranges used.
    std::uint64_t between(std::uint64_t lo, std::uint64_t hi) noexcept {
        return lo + next() % (hi - lo + 1);
    }
    // True with probability `per_mille` / 1000.
    bool chance(std::uint32_t per_mille) noexcept { return next() % 1000 < per_mille; }

    // A generator for a sub-purpose, so that adding draws in one place does not shift them
    // in another.
    Rng fork() noexcept { return Rng{next()}; }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) noexcept {
        return (x << k) | (x >> (64 - k));
    }
    std::uint64_t state_[4]{};
};

}  // namespace qtm::sim
