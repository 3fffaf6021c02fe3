// BN254 field arithmetic (see bn254_field.hpp).
#include "evm/precompiles/bn254_field.hpp"

#include <gmp.h>

namespace qtm::evm::bn254 {

namespace {

using Limbs = Fp::Limbs;

constexpr Limbs kModulus = {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL,
                            0x30644e72e131a029ULL};

// -p^-1 mod 2^64, by Newton's iteration (each step doubles the correct low bits).
constexpr std::uint64_t montgomery_inverse() noexcept {
    std::uint64_t x = 1;
    for (int i = 0; i < 7; ++i)
        x *= 2 - kModulus[0] * x;
    return ~x + 1;
}
constexpr std::uint64_t kInverse = montgomery_inverse();
static_assert(kInverse * kModulus[0] == ~std::uint64_t{0});

bool geq_modulus(const Limbs& a) noexcept {
    for (int i = 3; i >= 0; --i) {
        const auto index = static_cast<std::size_t>(i);
        if (a[index] != kModulus[index]) return a[index] > kModulus[index];
    }
    return true;
}

void subtract_modulus(Limbs& a) noexcept {
    std::uint64_t borrow = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        const UInt128 difference = static_cast<UInt128>(a[i]) - kModulus[i] - borrow;
        a[i] = static_cast<std::uint64_t>(difference);
        borrow = static_cast<std::uint64_t>(difference >> 64) & 1;
    }
}

Limbs add_mod(const Limbs& a, const Limbs& b) noexcept {
    Limbs sum{};
    UInt128 carry = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        carry += static_cast<UInt128>(a[i]) + b[i];
        sum[i] = static_cast<std::uint64_t>(carry);
        carry >>= 64;
    }
    // p < 2^254, so the sum of two reduced values never carries out of 256 bits.
    if (geq_modulus(sum)) subtract_modulus(sum);
    return sum;
}

Limbs montgomery_multiply(const Limbs& a, const Limbs& b) noexcept {
    std::array<std::uint64_t, 6> t{};
    for (std::size_t i = 0; i < 4; ++i) {
        UInt128 carry = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            carry += static_cast<UInt128>(a[j]) * b[i] + t[j];
            t[j] = static_cast<std::uint64_t>(carry);
            carry >>= 64;
        }
        carry += t[4];
        t[4] = static_cast<std::uint64_t>(carry);
        t[5] = static_cast<std::uint64_t>(carry >> 64);

        const std::uint64_t m = t[0] * kInverse;
        carry = static_cast<UInt128>(m) * kModulus[0] + t[0];
        carry >>= 64;
        for (std::size_t j = 1; j < 4; ++j) {
            carry += static_cast<UInt128>(m) * kModulus[j] + t[j];
            t[j - 1] = static_cast<std::uint64_t>(carry);
            carry >>= 64;
        }
        carry += t[4];
        t[3] = static_cast<std::uint64_t>(carry);
        t[4] = t[5] + static_cast<std::uint64_t>(carry >> 64);
    }
    Limbs result = {t[0], t[1], t[2], t[3]};
    if (t[4] != 0 || geq_modulus(result)) subtract_modulus(result);
    return result;
}

// 2^(256*k) mod p, by doubling: R for k = 1 (Montgomery one) and R^2 for k = 2.
Limbs power_of_two_mod(unsigned exponent) noexcept {
    Limbs value = {1, 0, 0, 0};
    for (unsigned i = 0; i < exponent; ++i)
        value = add_mod(value, value);
    return value;
}

const Limbs& r_squared() noexcept {
    static const Limbs value = power_of_two_mod(512);
    return value;
}

Limbs to_limbs(const U256& value) noexcept {
    return {value[0], value[1], value[2], value[3]};
}

}  // namespace

Fp Fp::from_u256(const U256& value) noexcept {
    return Fp{montgomery_multiply(to_limbs(value), r_squared())};
}

const Fp& Fp::one() noexcept {
    static const Fp value{power_of_two_mod(256)};
    return value;
}

const U256& Fp::modulus() noexcept {
    static const U256 value{kModulus[0], kModulus[1], kModulus[2], kModulus[3]};
    return value;
}

U256 Fp::to_u256() const noexcept {
    const Limbs plain = montgomery_multiply(limbs_, {1, 0, 0, 0});
    return {plain[0], plain[1], plain[2], plain[3]};
}

Fp operator+(const Fp& a, const Fp& b) noexcept {
    return Fp{add_mod(a.limbs_, b.limbs_)};
}

Fp operator-(const Fp& a, const Fp& b) noexcept {
    Limbs difference{};
    std::uint64_t borrow = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        const UInt128 value = static_cast<UInt128>(a.limbs_[i]) - b.limbs_[i] - borrow;
        difference[i] = static_cast<std::uint64_t>(value);
        borrow = static_cast<std::uint64_t>(value >> 64) & 1;
    }
    if (borrow != 0) difference = add_mod(difference, kModulus);  // wraps back below p
    return Fp{difference};
}

Fp operator*(const Fp& a, const Fp& b) noexcept {
    return Fp{montgomery_multiply(a.limbs_, b.limbs_)};
}

Fp Fp::pow(const U256& exponent) const noexcept {
    Fp result = one();
    for (int bit = static_cast<int>(exponent.bit_length()) - 1; bit >= 0; --bit) {
        result = result.square();
        if ((exponent[static_cast<std::size_t>(bit) / 64] >> (bit % 64)) & 1) {
            result = result * *this;
        }
    }
    return result;
}

// By GMP's extended Euclid (inputs are public: no constant-time requirement): about ten
// times faster than Fermat's a^(p-2), and the Miller loop inverts once per step.
Fp Fp::inverse() const noexcept {
    const auto value = to_u256().to_be_bytes();
    const auto p = modulus().to_be_bytes();
    mpz_t a, m, r;
    mpz_inits(a, m, r, nullptr);
    mpz_import(a, value.size(), 1, 1, 1, 0, value.data());
    mpz_import(m, p.size(), 1, 1, 1, 0, p.data());
    ByteArray<32> out{};
    if (mpz_invert(r, a, m) != 0) {
        std::size_t count = 0;
        const std::size_t bytes = (mpz_sizeinbase(r, 2) + 7) / 8;
        mpz_export(out.data() + (out.size() - bytes), &count, 1, 1, 1, 0, r);
    }
    mpz_clears(a, m, r, nullptr);
    return from_u256(U256::from_be_bytes(out));
}

Fp2 Fp2::pow(const U256& exponent) const noexcept {
    Fp2 result = one();
    for (int bit = static_cast<int>(exponent.bit_length()) - 1; bit >= 0; --bit) {
        result = result.square();
        if ((exponent[static_cast<std::size_t>(bit) / 64] >> (bit % 64)) & 1) {
            result = result * *this;
        }
    }
    return result;
}

Fp6 operator*(const Fp6& a, const Fp6& b) noexcept {
    const Fp2 t0 = a.c0 * b.c0;
    const Fp2 t1 = a.c1 * b.c1;
    const Fp2 t2 = a.c2 * b.c2;
    return {t0 + ((a.c1 + a.c2) * (b.c1 + b.c2) - t1 - t2).mul_by_xi(),
            (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1 + t2.mul_by_xi(),
            (a.c0 + a.c2) * (b.c0 + b.c2) - t0 - t2 + t1};
}

Fp6 Fp6::inverse() const noexcept {
    const Fp2 t0 = c0.square() - (c1 * c2).mul_by_xi();
    const Fp2 t1 = c2.square().mul_by_xi() - c0 * c1;
    const Fp2 t2 = c1.square() - c0 * c2;
    const Fp2 norm = c0 * t0 + (c2 * t1).mul_by_xi() + (c1 * t2).mul_by_xi();
    const Fp2 norm_inverse = norm.inverse();
    return {t0 * norm_inverse, t1 * norm_inverse, t2 * norm_inverse};
}

const std::array<Fp2, 6>& frobenius_coefficients() noexcept {
    static const std::array<Fp2, 6> coefficients = [] {
        const Fp2 xi{Fp::from_uint(9), Fp::one()};
        const Fp2 gamma = xi.pow((Fp::modulus() - U256{1}) / U256{6});
        std::array<Fp2, 6> result{};
        result[0] = Fp2::one();
        for (std::size_t i = 1; i < 6; ++i)
            result[i] = result[i - 1] * gamma;
        return result;
    }();
    return coefficients;
}

Fp12 Fp12::frobenius() const noexcept {
    // Written as sum a_i w^i (c0 = a0 + a2 v + a4 v^2, c1 = a1 + a3 v + a5 v^2), the p-th power
    // is sum conj(a_i) w^i xi^(i(p-1)/6).
    const auto& gamma = frobenius_coefficients();
    return {
        {c0.c0.conjugate(), c0.c1.conjugate() * gamma[2], c0.c2.conjugate() * gamma[4]},
        {c1.c0.conjugate() * gamma[1], c1.c1.conjugate() * gamma[3], c1.c2.conjugate() * gamma[5]}};
}

}  // namespace qtm::evm::bn254
