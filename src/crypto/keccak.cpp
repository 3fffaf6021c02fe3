#include "crypto/keccak.hpp"

#include <cassert>
#include <cstring>

#include "base/endian.hpp"
#include "crypto/keccak_permute.hpp"

namespace qtm::crypto {
namespace {

// XORs `length` bytes into the state starting at byte `offset` (lanes are little-endian).
void xor_bytes(std::uint64_t state[25], std::size_t offset, const std::uint8_t* in,
               std::size_t length) noexcept {
    auto* bytes = reinterpret_cast<std::uint8_t*>(state);
    for (std::size_t i = 0; i < length; ++i)
        bytes[offset + i] ^= in[i];
}

void xor_full_block(std::uint64_t state[25], const std::uint8_t* in, std::size_t rate) noexcept {
    for (std::size_t lane = 0; lane < rate / 8; ++lane)
        state[lane] ^= load_le64(in + 8 * lane);
}

using Permutation = void (*)(std::uint64_t*) noexcept;

// BMI1's ANDN computes chi's ~b & c in one instruction and BMI2's RORX rotates without
// touching flags: about a fifth fewer instructions per round.
Permutation select_permutation() noexcept {
    __builtin_cpu_init();
    // Scalar code either way, so QTM_CRYPTO_PORTABLE (which is about vector code) leaves
    // this choice alone.
    if (__builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2")) {
        return detail::keccak_f1600_bmi2;
    }
    return detail::keccak_f1600_portable;
}

}  // namespace

namespace detail {
void keccak_f1600_portable(std::uint64_t state[25]) noexcept {
    permute_rows(state);
}
[[gnu::target("bmi,bmi2")]] void keccak_f1600_bmi2(std::uint64_t state[25]) noexcept {
    permute_rows(state);
}
bool keccak_f1600_bmi2_supported() noexcept {
    __builtin_cpu_init();
    return __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
}
}  // namespace detail

void keccak_f1600(std::uint64_t state[25]) noexcept {
    // Function-local, so that hashes computed during static initialisation of other files
    // (constants, tables) find the permutation chosen.
    static const Permutation permutation = select_permutation();
    permutation(state);
}

KeccakSponge::KeccakSponge(std::size_t rate, std::uint8_t domain) noexcept
    : rate_{rate}, domain_{domain} {
    assert(rate > 0 && rate < 200 && rate % 8 == 0);
}

KeccakSponge::~KeccakSponge() {
    secure_wipe(state_, sizeof state_);
}

void KeccakSponge::reset() noexcept {
    secure_wipe(state_, sizeof state_);
    position_ = 0;
    squeezing_ = false;
}

void KeccakSponge::absorb(ByteView data) noexcept {
    assert(!squeezing_);
    const std::uint8_t* in = data.data();
    std::size_t remaining = data.size();
    if (position_ != 0) {
        const std::size_t take = std::min(remaining, rate_ - position_);
        xor_bytes(state_, position_, in, take);
        position_ += take, in += take, remaining -= take;
        if (position_ < rate_) return;
        keccak_f1600(state_);
        position_ = 0;
    }
    while (remaining >= rate_) {
        xor_full_block(state_, in, rate_);
        keccak_f1600(state_);
        in += rate_, remaining -= rate_;
    }
    xor_bytes(state_, 0, in, remaining);
    position_ = remaining;
}

void KeccakSponge::pad_and_switch_to_squeezing() noexcept {
    auto* bytes = reinterpret_cast<std::uint8_t*>(state_);
    bytes[position_] ^= domain_;
    bytes[rate_ - 1] ^= 0x80;
    keccak_f1600(state_);
    position_ = 0;
    squeezing_ = true;
}

void KeccakSponge::squeeze(MutableByteView out) noexcept {
    if (!squeezing_) pad_and_switch_to_squeezing();
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(state_);
    std::uint8_t* dst = out.data();
    std::size_t remaining = out.size();
    while (remaining > 0) {
        if (position_ == rate_) {
            keccak_f1600(state_);
            position_ = 0;
        }
        const std::size_t take = std::min(remaining, rate_ - position_);
        std::memcpy(dst, bytes + position_, take);
        position_ += take, dst += take, remaining -= take;
    }
}

void KeccakSponge::squeeze_blocks(std::uint8_t* out, std::size_t block_count) noexcept {
    // Block-aligned squeezing only makes sense from a block boundary; fall back otherwise.
    if (!squeezing_ || position_ != rate_) {
        squeeze({out, block_count * rate_});
        return;
    }
    for (std::size_t block = 0; block < block_count; ++block) {
        keccak_f1600(state_);
        std::memcpy(out + block * rate_, state_, rate_);
    }
}

Hash32 Keccak256::finalize() noexcept {
    Hash32 out;
    sponge_.squeeze(out);
    return out;
}
Hash32 Sha3_256::finalize() noexcept {
    Hash32 out;
    sponge_.squeeze(out);
    return out;
}
ByteArray<64> Sha3_512::finalize() noexcept {
    ByteArray<64> out;
    sponge_.squeeze(out);
    return out;
}

Hash32 keccak256(ByteView data) noexcept {
    return Keccak256{}.update(data).finalize();
}
Hash32 sha3_256(ByteView data) noexcept {
    return Sha3_256{}.update(data).finalize();
}
ByteArray<64> sha3_512(ByteView data) noexcept {
    return Sha3_512{}.update(data).finalize();
}

void shake128(ByteView data, MutableByteView out) noexcept {
    Shake128 xof;
    xof.absorb(data);
    xof.squeeze(out);
}
void shake256(ByteView data, MutableByteView out) noexcept {
    Shake256 xof;
    xof.absorb(data);
    xof.squeeze(out);
}

}  // namespace qtm::crypto
