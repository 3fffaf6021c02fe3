// 0x05 modexp (EIP-198) with EIP-2565 pricing, on GMP.
//
// Input: base_len(32) || exp_len(32) || mod_len(32) || base || exp || mod, every field
// big-endian, the input zero-extended on the right as far as the lengths reach. The lengths
// are 256-bit words; anything that does not fit 64 bits prices far above any gas limit.
#include <gmp.h>

#include <algorithm>
#include <limits>

#include "base/u256.hpp"
#include "evm/precompiles.hpp"

namespace qtm::evm::precompile {

namespace {

constexpr std::int64_t kMaxGas = std::numeric_limits<std::int64_t>::max();

// The bytes [offset, offset + length) of the input, zero beyond its end.
Bytes slice_padded(ByteView input, std::uint64_t offset, std::uint64_t length) {
    Bytes out(length, 0);
    if (offset < input.size()) {
        const auto available = std::min<std::uint64_t>(length, input.size() - offset);
        std::copy_n(input.begin() + static_cast<std::ptrdiff_t>(offset), available, out.begin());
    }
    return out;
}

U256 header_word(ByteView input, std::size_t index) {
    const Bytes word = slice_padded(input, 32 * index, 32);
    return U256::from_be_bytes(word);
}

struct Lengths {
    U256 base;
    U256 exponent;
    U256 modulus;
};

Lengths read_lengths(ByteView input) {
    return {header_word(input, 0), header_word(input, 1), header_word(input, 2)};
}

// Saturating helpers on unsigned 128-bit values.
UInt128 saturating_mul(UInt128 a, UInt128 b) noexcept {
    if (a != 0 && b > std::numeric_limits<UInt128>::max() / a) {
        return std::numeric_limits<UInt128>::max();
    }
    return a * b;
}

}  // namespace

std::int64_t modexp_gas(ByteView input) noexcept {
    const Lengths lengths = read_lengths(input);
    const U256 max_length = std::max(lengths.base, lengths.modulus);
    if (max_length.is_zero()) return 200;  // multiplication complexity 0
    if (!max_length.fits_uint64() || !lengths.exponent.fits_uint64()) return kMaxGas;

    const UInt128 words = (static_cast<UInt128>(max_length[0]) + 7) / 8;
    const UInt128 complexity = saturating_mul(words, words);

    // The iteration count depends on the exponent's first 32 bytes (its "head").
    const std::uint64_t exponent_length = lengths.exponent[0];
    const std::uint64_t base_length = lengths.base.fits_uint64() ? lengths.base[0] : 0;
    U256 head{};
    if (lengths.base.fits_uint64() &&
        base_length <= std::numeric_limits<std::uint64_t>::max() - 96) {
        const Bytes head_bytes =
            slice_padded(input, 96 + base_length, std::min<std::uint64_t>(exponent_length, 32));
        head = U256::from_be_bytes(head_bytes);
    }
    UInt128 iterations = 0;
    const UInt128 head_bits = head.is_zero() ? 0 : head.bit_length() - 1;
    if (exponent_length <= 32) {
        iterations = head_bits;
    } else {
        iterations = saturating_mul(8, exponent_length - 32) + head_bits;
    }
    iterations = std::max<UInt128>(iterations, 1);

    const UInt128 gas = saturating_mul(complexity, iterations) / 3;
    if (gas > static_cast<UInt128>(kMaxGas)) return kMaxGas;
    return std::max<std::int64_t>(200, static_cast<std::int64_t>(gas));
}

std::optional<Bytes> modexp(ByteView input) {
    const Lengths lengths = read_lengths(input);
    // Reaching here means the gas was paid, so the lengths that matter are small; a huge
    // base or exponent with a zero modulus length still yields empty output.
    if (lengths.modulus.is_zero()) return Bytes{};
    if (!lengths.base.fits_uint64() || !lengths.exponent.fits_uint64() ||
        !lengths.modulus.fits_uint64()) {
        return std::nullopt;  // cannot have been paid for
    }
    const std::uint64_t base_length = lengths.base[0];
    const std::uint64_t exponent_length = lengths.exponent[0];
    const std::uint64_t modulus_length = lengths.modulus[0];
    const Bytes base = slice_padded(input, 96, base_length);
    const Bytes exponent = slice_padded(input, 96 + base_length, exponent_length);
    const Bytes modulus = slice_padded(input, 96 + base_length + exponent_length, modulus_length);

    mpz_t b, e, m, r;
    mpz_inits(b, e, m, r, nullptr);
    mpz_import(b, base.size(), 1, 1, 1, 0, base.data());
    mpz_import(e, exponent.size(), 1, 1, 1, 0, exponent.data());
    mpz_import(m, modulus.size(), 1, 1, 1, 0, modulus.data());
    Bytes out(modulus_length, 0);
    if (mpz_sgn(m) != 0) {  // x mod 0 is defined as 0
        mpz_powm(r, b, e, m);
        std::size_t count = 0;
        const std::size_t needed = (mpz_sizeinbase(r, 2) + 7) / 8;
        if (mpz_sgn(r) != 0) {
            mpz_export(out.data() + (modulus_length - needed), &count, 1, 1, 1, 0, r);
        }
    }
    mpz_clears(b, e, m, r, nullptr);
    return out;
}

}  // namespace qtm::evm::precompile
