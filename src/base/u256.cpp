#include "base/u256.hpp"

#include <algorithm>
#include <cassert>

namespace qtm {
namespace {

using Limb = U256::Limb;
using Wide = UInt128;

// Number of significant limbs (0 for zero).
int significant_limbs(const Limb* limbs, int count) noexcept {
    while (count > 0 && limbs[count - 1] == 0)
        --count;
    return count;
}

// Long division of `numerator` (m limbs) by `divisor` (n limbs, top limb non-zero, m >= n),
// Knuth's Algorithm D (TAOCP vol. 2, 4.3.1). The divisor is first shifted so that its top
// bit is set: then the quotient digit estimated from the top two limbs is at most two too
// large, and the loop corrects it cheaply. quotient gets m - n + 1 limbs, remainder n.
void divide(const Limb* numerator, int m, const Limb* divisor, int n, Limb* quotient,
            Limb* remainder) noexcept {
    assert(n >= 1 && m >= n && divisor[n - 1] != 0 && m <= 8);
    if (n == 1) {
        Wide rest = 0;
        for (int i = m - 1; i >= 0; --i) {
            const Wide current = (rest << 64) | numerator[i];
            quotient[i] = static_cast<Limb>(current / divisor[0]);
            rest = current % divisor[0];
        }
        remainder[0] = static_cast<Limb>(rest);
        return;
    }

    const int shift = __builtin_clzll(divisor[n - 1]);
    const auto shl = [shift](Limb high, Limb low) -> Limb {
        return shift == 0 ? high : (high << shift) | (low >> (64 - shift));
    };
    Limb v[8];
    Limb u[9];
    for (int i = n - 1; i > 0; --i)
        v[i] = shl(divisor[i], divisor[i - 1]);
    v[0] = divisor[0] << shift;
    u[m] = shift == 0 ? 0 : numerator[m - 1] >> (64 - shift);
    for (int i = m - 1; i > 0; --i)
        u[i] = shl(numerator[i], numerator[i - 1]);
    u[0] = numerator[0] << shift;

    for (int j = m - n; j >= 0; --j) {
        // Estimate the quotient digit from the top two limbs and refine with the third.
        const Wide top = (static_cast<Wide>(u[j + n]) << 64) | u[j + n - 1];
        Wide estimate = top / v[n - 1];
        Wide estimate_rest = top % v[n - 1];
        while ((estimate >> 64) != 0 ||
               estimate * v[n - 2] > ((estimate_rest << 64) | u[j + n - 2])) {
            --estimate;
            estimate_rest += v[n - 1];
            if ((estimate_rest >> 64) != 0) break;
        }

        // u[j .. j+n] -= estimate * v
        Limb borrow = 0;
        Limb carry = 0;
        for (int i = 0; i < n; ++i) {
            const Wide product = estimate * v[i] + carry;
            carry = static_cast<Limb>(product >> 64);
            const auto low = static_cast<Limb>(product);
            const Limb partial = u[i + j] - low;
            const Limb borrow_low = u[i + j] < low ? 1 : 0;
            u[i + j] = partial - borrow;
            borrow = borrow_low + (partial < borrow ? 1 : 0);
        }
        const Limb partial = u[j + n] - carry;
        const Limb borrow_low = u[j + n] < carry ? 1 : 0;
        u[j + n] = partial - borrow;
        const bool negative = (borrow_low + (partial < borrow ? 1 : 0)) != 0;

        if (negative) {
            // The estimate was one too large (rare): add the divisor back.
            --estimate;
            Wide add_carry = 0;
            for (int i = 0; i < n; ++i) {
                add_carry += static_cast<Wide>(u[i + j]) + v[i];
                u[i + j] = static_cast<Limb>(add_carry);
                add_carry >>= 64;
            }
            u[j + n] += static_cast<Limb>(add_carry);
        }
        quotient[j] = static_cast<Limb>(estimate);
    }

    for (int i = 0; i < n; ++i) {
        remainder[i] = shift == 0 ? u[i] : (u[i] >> shift) | (u[i + 1] << (64 - shift));
    }
}

// numerator (up to 8 limbs) mod divisor.
U256 reduce(const Limb* numerator, int numerator_limbs, const U256& divisor) noexcept {
    const Limb d[4] = {divisor[0], divisor[1], divisor[2], divisor[3]};
    const int n = significant_limbs(d, 4);
    if (n == 0) return {};
    const int m = significant_limbs(numerator, numerator_limbs);
    if (m < n) {
        U256 out;
        for (int i = 0; i < m; ++i)
            out[static_cast<std::size_t>(i)] = numerator[i];
        return out;
    }
    Limb quotient[8] = {};
    Limb remainder[4] = {};
    divide(numerator, m, d, n, quotient, remainder);
    return {remainder[0], remainder[1], remainder[2], remainder[3]};
}

void divmod(const U256& a, const U256& b, U256* quotient, U256* remainder) noexcept {
    const Limb u[4] = {a[0], a[1], a[2], a[3]};
    const Limb d[4] = {b[0], b[1], b[2], b[3]};
    const int n = significant_limbs(d, 4);
    const int m = significant_limbs(u, 4);
    if (n == 0 || m < n || a < b) {
        if (quotient != nullptr) *quotient = n == 0 ? U256{} : U256{};
        if (remainder != nullptr) *remainder = n == 0 ? U256{} : a;
        return;
    }
    Limb q[8] = {};
    Limb r[4] = {};
    divide(u, m, d, n, q, r);
    if (quotient != nullptr) *quotient = U256{q[0], q[1], q[2], q[3]};
    if (remainder != nullptr) *remainder = U256{r[0], r[1], r[2], r[3]};
}

constexpr int digit_value(char c, int base) noexcept {
    int value = -1;
    if (c >= '0' && c <= '9') value = c - '0';
    if (c >= 'a' && c <= 'f') value = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') value = c - 'A' + 10;
    return value < base ? value : -1;
}

}  // namespace

std::string_view to_string(U256ParseError error) noexcept {
    switch (error) {
        case U256ParseError::kEmpty:
            return "number has no digits";
        case U256ParseError::kInvalidCharacter:
            return "number contains an invalid digit";
        case U256ParseError::kOverflow:
            return "number does not fit in 256 bits";
    }
    return "unknown number error";
}

U256 operator/(const U256& a, const U256& b) noexcept {
    U256 quotient;
    divmod(a, b, &quotient, nullptr);
    return quotient;
}

U256 operator%(const U256& a, const U256& b) noexcept {
    U256 remainder;
    divmod(a, b, nullptr, &remainder);
    return remainder;
}

U256 U256::from_be_bytes(ByteView bytes) noexcept {
    assert(bytes.size() <= 32);
    U256 out;
    const std::size_t size = std::min<std::size_t>(bytes.size(), 32);
    for (std::size_t i = 0; i < size; ++i) {
        const std::size_t bit = 8 * i;  // position of byte i counted from the right
        out.limbs_[bit / 64] |= static_cast<Limb>(bytes[size - 1 - i]) << (bit % 64);
    }
    return out;
}

void U256::to_be_bytes(std::uint8_t* out32) const noexcept {
    for (std::size_t i = 0; i < 32; ++i) {
        const std::size_t bit = 8 * i;
        out32[31 - i] = static_cast<std::uint8_t>(limbs_[bit / 64] >> (bit % 64));
    }
}

ByteArray<32> U256::to_be_bytes() const noexcept {
    ByteArray<32> out;
    to_be_bytes(out.data());
    return out;
}

Result<U256, U256ParseError> U256::from_decimal(std::string_view text) {
    if (text.empty()) return unexpected(U256ParseError::kEmpty);
    // The largest value that can be multiplied by 10 without passing 2^256.
    const U256 limit = U256::max() / U256{10};
    U256 value;
    for (const char c : text) {
        const int digit = digit_value(c, 10);
        if (digit < 0) return unexpected(U256ParseError::kInvalidCharacter);
        if (value > limit) return unexpected(U256ParseError::kOverflow);
        const U256 next = value * U256{10} + U256{static_cast<std::uint64_t>(digit)};
        if (next < value * U256{10}) return unexpected(U256ParseError::kOverflow);
        value = next;
    }
    return value;
}

Result<U256, U256ParseError> U256::from_hex(std::string_view text) {
    if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        text.remove_prefix(2);
    }
    if (text.empty()) return unexpected(U256ParseError::kEmpty);
    U256 value;
    for (const char c : text) {
        const int digit = digit_value(c, 16);
        if (digit < 0) return unexpected(U256ParseError::kInvalidCharacter);
        if ((value.limbs_[3] >> 60) != 0) return unexpected(U256ParseError::kOverflow);
        value = (value << 4U) | U256{static_cast<std::uint64_t>(digit)};
    }
    return value;
}

std::string U256::to_decimal() const {
    if (is_zero()) return "0";
    // Peel off 19 decimal digits at a time (10^19 is the largest power of ten in a limb).
    constexpr Limb kChunk = 10'000'000'000'000'000'000ULL;
    std::string digits;
    U256 rest = *this;
    while (!rest.is_zero()) {
        Wide carry = 0;
        U256 quotient;
        for (int i = 3; i >= 0; --i) {
            const auto index = static_cast<std::size_t>(i);
            const Wide current = (carry << 64) | rest.limbs_[index];
            quotient.limbs_[index] = static_cast<Limb>(current / kChunk);
            carry = current % kChunk;
        }
        auto chunk = static_cast<Limb>(carry);
        for (int i = 0; i < 19; ++i) {
            digits.push_back(static_cast<char>('0' + chunk % 10));
            chunk /= 10;
        }
        rest = quotient;
    }
    while (digits.size() > 1 && digits.back() == '0')
        digits.pop_back();
    std::reverse(digits.begin(), digits.end());
    return digits;
}

std::string U256::to_hex() const {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out = "0x";
    const unsigned nibbles = std::max(1U, (bit_length() + 3) / 4);
    for (unsigned i = nibbles; i-- > 0;) {
        out += kDigits[(limbs_[i / 16] >> (4 * (i % 16))) & 0xf];
    }
    return out;
}

U256 sdiv(const U256& a, const U256& b) noexcept {
    const bool a_negative = a.is_negative();
    const bool b_negative = b.is_negative();
    const U256 quotient = (a_negative ? -a : a) / (b_negative ? -b : b);
    // -2^255 / -1 wraps to -2^255 by itself: |-2^255| is 2^255 again in 256 bits.
    return a_negative != b_negative ? -quotient : quotient;
}

U256 smod(const U256& a, const U256& b) noexcept {
    const bool a_negative = a.is_negative();
    const U256 remainder = (a_negative ? -a : a) % (b.is_negative() ? -b : b);
    return a_negative ? -remainder : remainder;
}

U256 addmod(const U256& a, const U256& b, const U256& m) noexcept {
    if (m.is_zero()) return {};
    const U256 sum = a + b;
    const Limb carry = sum < a ? 1 : 0;  // the 257th bit
    const Limb wide[5] = {sum[0], sum[1], sum[2], sum[3], carry};
    return reduce(wide, 5, m);
}

U256 mulmod(const U256& a, const U256& b, const U256& m) noexcept {
    if (m.is_zero()) return {};
    Limb product[8] = {};
    for (std::size_t i = 0; i < 4; ++i) {
        Wide carry = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            carry += static_cast<Wide>(a[i]) * b[j] + product[i + j];
            product[i + j] = static_cast<Limb>(carry);
            carry >>= 64;
        }
        product[i + 4] = static_cast<Limb>(carry);
    }
    return reduce(product, 8, m);
}

U256 exp(U256 base, const U256& exponent) noexcept {
    U256 result{1};
    const unsigned bits = exponent.bit_length();
    for (unsigned i = 0; i < bits; ++i) {
        if (((exponent[i / 64] >> (i % 64)) & 1) != 0) result *= base;
        base *= base;
    }
    return result;
}

}  // namespace qtm
