// U256: the EVM word, an unsigned 256-bit integer with wrap-around (mod 2^256) arithmetic,
// stored as four 64-bit limbs, least significant first. Signed EVM operations (SDIV, SMOD,
// SLT, SGT, SAR, SIGNEXTEND) read the same bits as two's complement.
//
// The cheap operations are inline here because the interpreter runs them per opcode;
// division and the string conversions live in u256.cpp.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.hpp"
#include "base/result.hpp"

namespace qtm {

// GCC's 128-bit integer; __extension__ keeps -Wpedantic quiet about the non-ISO type.
__extension__ using UInt128 = unsigned __int128;

enum class U256ParseError {
    kEmpty,             // no digits
    kInvalidCharacter,  // a character that is not a digit of the base
    kOverflow,          // the value is 2^256 or more
};
std::string_view to_string(U256ParseError error) noexcept;

class U256 {
public:
    using Limb = std::uint64_t;
    static constexpr std::size_t kLimbs = 4;

    constexpr U256() noexcept = default;
    constexpr U256(std::uint64_t value) noexcept
        : limbs_{value, 0, 0, 0} {}  // NOLINT: implicit on purpose
    // Limbs least significant first.
    constexpr U256(Limb l0, Limb l1, Limb l2, Limb l3) noexcept : limbs_{l0, l1, l2, l3} {}

    [[nodiscard]] static constexpr U256 max() noexcept { return {~0ULL, ~0ULL, ~0ULL, ~0ULL}; }

    constexpr Limb& operator[](std::size_t i) noexcept { return limbs_[i]; }
    constexpr const Limb& operator[](std::size_t i) const noexcept { return limbs_[i]; }

    // Big-endian bytes, at most 32 (shorter inputs are zero-extended on the left).
    [[nodiscard]] static U256 from_be_bytes(ByteView bytes) noexcept;
    [[nodiscard]] ByteArray<32> to_be_bytes() const noexcept;
    void to_be_bytes(std::uint8_t* out32) const noexcept;

    // Decimal digits, or hex digits with an optional 0x prefix; leading zeros are fine.
    [[nodiscard]] static Result<U256, U256ParseError> from_decimal(std::string_view text);
    [[nodiscard]] static Result<U256, U256ParseError> from_hex(std::string_view text);
    [[nodiscard]] std::string to_decimal() const;
    // "0x" and the minimal lower-case digits ("0x0" for zero), as Ethereum quantities.
    [[nodiscard]] std::string to_hex() const;

    [[nodiscard]] constexpr bool is_zero() const noexcept {
        return (limbs_[0] | limbs_[1] | limbs_[2] | limbs_[3]) == 0;
    }
    [[nodiscard]] constexpr bool fits_uint64() const noexcept {
        return (limbs_[1] | limbs_[2] | limbs_[3]) == 0;
    }
    // Two's-complement sign bit.
    [[nodiscard]] constexpr bool is_negative() const noexcept { return (limbs_[3] >> 63) != 0; }
    [[nodiscard]] constexpr unsigned count_leading_zeros() const noexcept {
        for (int i = 3; i >= 0; --i) {
            const Limb limb = limbs_[static_cast<std::size_t>(i)];
            if (limb != 0) {
                return static_cast<unsigned>((3 - i) * 64 + __builtin_clzll(limb));
            }
        }
        return 256;
    }
    [[nodiscard]] constexpr unsigned bit_length() const noexcept {
        return 256 - count_leading_zeros();
    }
    // Bytes of the minimal big-endian form (0 for zero): RLP and EXP's gas use it.
    [[nodiscard]] constexpr unsigned byte_length() const noexcept { return (bit_length() + 7) / 8; }

    friend constexpr bool operator==(const U256&, const U256&) noexcept = default;
    friend constexpr std::strong_ordering operator<=>(const U256& a, const U256& b) noexcept {
        for (int i = 3; i >= 0; --i) {
            const auto index = static_cast<std::size_t>(i);
            if (a.limbs_[index] != b.limbs_[index]) return a.limbs_[index] <=> b.limbs_[index];
        }
        return std::strong_ordering::equal;
    }

    friend constexpr U256 operator+(const U256& a, const U256& b) noexcept {
        U256 sum;
        UInt128 carry = 0;
        for (std::size_t i = 0; i < kLimbs; ++i) {
            carry += static_cast<UInt128>(a.limbs_[i]) + b.limbs_[i];
            sum.limbs_[i] = static_cast<Limb>(carry);
            carry >>= 64;
        }
        return sum;
    }
    friend constexpr U256 operator-(const U256& a, const U256& b) noexcept {
        U256 difference;
        Limb borrow = 0;
        for (std::size_t i = 0; i < kLimbs; ++i) {
            const Limb x = a.limbs_[i];
            const Limb y = b.limbs_[i];
            const Limb partial = x - y;
            difference.limbs_[i] = partial - borrow;
            borrow = static_cast<Limb>((x < y) | (partial < borrow));
        }
        return difference;
    }
    friend constexpr U256 operator-(const U256& a) noexcept { return U256{} - a; }
    // Truncated schoolbook product: only the limbs below 2^256 are computed.
    friend constexpr U256 operator*(const U256& a, const U256& b) noexcept {
        U256 product;
        for (std::size_t i = 0; i < kLimbs; ++i) {
            UInt128 carry = 0;
            for (std::size_t j = 0; i + j < kLimbs; ++j) {
                carry += static_cast<UInt128>(a.limbs_[i]) * b.limbs_[j] + product.limbs_[i + j];
                product.limbs_[i + j] = static_cast<Limb>(carry);
                carry >>= 64;
            }
        }
        return product;
    }
    // Division and remainder by zero give zero, as the EVM's DIV and MOD.
    friend U256 operator/(const U256& a, const U256& b) noexcept;
    friend U256 operator%(const U256& a, const U256& b) noexcept;

    friend constexpr U256 operator&(const U256& a, const U256& b) noexcept {
        return {a.limbs_[0] & b.limbs_[0], a.limbs_[1] & b.limbs_[1], a.limbs_[2] & b.limbs_[2],
                a.limbs_[3] & b.limbs_[3]};
    }
    friend constexpr U256 operator|(const U256& a, const U256& b) noexcept {
        return {a.limbs_[0] | b.limbs_[0], a.limbs_[1] | b.limbs_[1], a.limbs_[2] | b.limbs_[2],
                a.limbs_[3] | b.limbs_[3]};
    }
    friend constexpr U256 operator^(const U256& a, const U256& b) noexcept {
        return {a.limbs_[0] ^ b.limbs_[0], a.limbs_[1] ^ b.limbs_[1], a.limbs_[2] ^ b.limbs_[2],
                a.limbs_[3] ^ b.limbs_[3]};
    }
    friend constexpr U256 operator~(const U256& a) noexcept {
        return {~a.limbs_[0], ~a.limbs_[1], ~a.limbs_[2], ~a.limbs_[3]};
    }

    // Shifts by 256 or more give zero, as the EVM's SHL and SHR.
    friend constexpr U256 operator<<(const U256& a, unsigned shift) noexcept {
        if (shift >= 256) return {};
        const unsigned limb_shift = shift / 64;
        const unsigned bit_shift = shift % 64;
        U256 out;
        for (unsigned i = limb_shift; i < kLimbs; ++i) {
            Limb value = a.limbs_[i - limb_shift] << bit_shift;
            if (bit_shift != 0 && i > limb_shift) {
                value |= a.limbs_[i - limb_shift - 1] >> (64 - bit_shift);
            }
            out.limbs_[i] = value;
        }
        return out;
    }
    friend constexpr U256 operator>>(const U256& a, unsigned shift) noexcept {
        if (shift >= 256) return {};
        const unsigned limb_shift = shift / 64;
        const unsigned bit_shift = shift % 64;
        U256 out;
        for (unsigned i = 0; i + limb_shift < kLimbs; ++i) {
            Limb value = a.limbs_[i + limb_shift] >> bit_shift;
            if (bit_shift != 0 && i + limb_shift + 1 < kLimbs) {
                value |= a.limbs_[i + limb_shift + 1] << (64 - bit_shift);
            }
            out.limbs_[i] = value;
        }
        return out;
    }
    friend constexpr U256 operator<<(const U256& a, const U256& shift) noexcept {
        return shift.fits_uint64() && shift.limbs_[0] < 256
                   ? a << static_cast<unsigned>(shift.limbs_[0])
                   : U256{};
    }
    friend constexpr U256 operator>>(const U256& a, const U256& shift) noexcept {
        return shift.fits_uint64() && shift.limbs_[0] < 256
                   ? a >> static_cast<unsigned>(shift.limbs_[0])
                   : U256{};
    }

    U256& operator+=(const U256& other) noexcept { return *this = *this + other; }
    U256& operator-=(const U256& other) noexcept { return *this = *this - other; }
    U256& operator*=(const U256& other) noexcept { return *this = *this * other; }

private:
    std::array<Limb, kLimbs> limbs_{};
};

// ---- EVM operations named after their opcodes.

[[nodiscard]] constexpr bool lt(const U256& a, const U256& b) noexcept {
    return a < b;
}
[[nodiscard]] constexpr bool gt(const U256& a, const U256& b) noexcept {
    return a > b;
}
[[nodiscard]] constexpr bool eq(const U256& a, const U256& b) noexcept {
    return a == b;
}
[[nodiscard]] constexpr bool is_zero(const U256& a) noexcept {
    return a.is_zero();
}

[[nodiscard]] constexpr bool slt(const U256& a, const U256& b) noexcept {
    const bool a_negative = a.is_negative();
    return a_negative != b.is_negative() ? a_negative : a < b;
}
[[nodiscard]] constexpr bool sgt(const U256& a, const U256& b) noexcept {
    return slt(b, a);
}

// Two's-complement division truncating toward zero; x / 0 = 0 and -2^255 / -1 = -2^255.
[[nodiscard]] U256 sdiv(const U256& a, const U256& b) noexcept;
// Remainder with the sign of the dividend; x % 0 = 0.
[[nodiscard]] U256 smod(const U256& a, const U256& b) noexcept;
// (a + b) mod m and (a * b) mod m over the full 257/512-bit intermediate; m = 0 gives 0.
[[nodiscard]] U256 addmod(const U256& a, const U256& b, const U256& m) noexcept;
[[nodiscard]] U256 mulmod(const U256& a, const U256& b, const U256& m) noexcept;
// base^exponent mod 2^256.
[[nodiscard]] U256 exp(U256 base, const U256& exponent) noexcept;

// SIGNEXTEND: extends the sign of byte `byte_index` (0 = least significant) of x.
[[nodiscard]] constexpr U256 signextend(const U256& byte_index, const U256& x) noexcept {
    if (!byte_index.fits_uint64() || byte_index[0] >= 31) return x;
    const auto sign_bit = static_cast<unsigned>(byte_index[0] * 8 + 7);
    const U256 low_mask = (U256{1} << (sign_bit + 1)) - U256{1};
    const bool negative = ((x >> sign_bit)[0] & 1) != 0;
    return negative ? (x | ~low_mask) : (x & low_mask);
}

// BYTE: byte `index` of x counted from the most significant; 0 for index >= 32.
[[nodiscard]] constexpr U256 byte(const U256& index, const U256& x) noexcept {
    if (!index.fits_uint64() || index[0] >= 32) return {};
    return U256{(x >> static_cast<unsigned>((31 - index[0]) * 8))[0] & 0xff};
}

// SAR: arithmetic shift right; shifts of 256 or more give 0 or -1 by the sign.
[[nodiscard]] constexpr U256 sar(const U256& shift, const U256& x) noexcept {
    const bool negative = x.is_negative();
    if (!shift.fits_uint64() || shift[0] >= 256) return negative ? U256::max() : U256{};
    const auto amount = static_cast<unsigned>(shift[0]);
    return negative ? ~(~x >> amount) : x >> amount;
}

}  // namespace qtm
