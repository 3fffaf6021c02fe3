// The fields of the BN254 (alt_bn128) pairing, for the 0x06..0x08 precompiles: Fp in
// Montgomery form over four 64-bit limbs, and the tower Fp2 = Fp[u]/(u^2 + 1),
// Fp6 = Fp2[v]/(v^3 - xi) with xi = 9 + u, Fp12 = Fp6[w]/(w^2 - v).
//
// Everything here handles public data (precompile inputs), so nothing is constant-time.
#pragma once

#include <array>
#include <cstdint>

#include "base/u256.hpp"

namespace qtm::evm::bn254 {

class Fp {
public:
    using Limbs = std::array<std::uint64_t, 4>;

    constexpr Fp() noexcept = default;
    // The canonical integer (< p) into Montgomery form; nullopt-free: callers check < p.
    [[nodiscard]] static Fp from_u256(const U256& value) noexcept;
    [[nodiscard]] static Fp from_uint(std::uint64_t value) noexcept { return from_u256(value); }
    [[nodiscard]] static const Fp& one() noexcept;
    [[nodiscard]] static const U256& modulus() noexcept;

    [[nodiscard]] U256 to_u256() const noexcept;
    [[nodiscard]] bool is_zero() const noexcept {
        return (limbs_[0] | limbs_[1] | limbs_[2] | limbs_[3]) == 0;
    }
    friend bool operator==(const Fp&, const Fp&) noexcept = default;

    friend Fp operator+(const Fp& a, const Fp& b) noexcept;
    friend Fp operator-(const Fp& a, const Fp& b) noexcept;
    friend Fp operator*(const Fp& a, const Fp& b) noexcept;
    Fp operator-() const noexcept { return Fp{} - *this; }
    [[nodiscard]] Fp square() const noexcept { return *this * *this; }
    [[nodiscard]] Fp pow(const U256& exponent) const noexcept;
    [[nodiscard]] Fp inverse() const noexcept;  // of a non-zero element

private:
    explicit constexpr Fp(Limbs limbs) noexcept : limbs_{limbs} {}
    Limbs limbs_{};
};

struct Fp2 {
    Fp c0{}, c1{};  // c0 + c1*u

    [[nodiscard]] static Fp2 one() noexcept { return {Fp::one(), Fp{}}; }
    [[nodiscard]] bool is_zero() const noexcept { return c0.is_zero() && c1.is_zero(); }
    friend bool operator==(const Fp2&, const Fp2&) noexcept = default;
    friend Fp2 operator+(const Fp2& a, const Fp2& b) noexcept { return {a.c0 + b.c0, a.c1 + b.c1}; }
    friend Fp2 operator-(const Fp2& a, const Fp2& b) noexcept { return {a.c0 - b.c0, a.c1 - b.c1}; }
    Fp2 operator-() const noexcept { return {-c0, -c1}; }
    friend Fp2 operator*(const Fp2& a, const Fp2& b) noexcept {
        const Fp t0 = a.c0 * b.c0;
        const Fp t1 = a.c1 * b.c1;
        return {t0 - t1, (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1};
    }
    [[nodiscard]] Fp2 scale(const Fp& k) const noexcept { return {c0 * k, c1 * k}; }
    [[nodiscard]] Fp2 square() const noexcept {
        const Fp product = c0 * c1;
        return {(c0 + c1) * (c0 - c1), product + product};
    }
    [[nodiscard]] Fp2 conjugate() const noexcept { return {c0, -c1}; }
    [[nodiscard]] Fp2 inverse() const noexcept {
        const Fp norm_inverse = (c0.square() + c1.square()).inverse();
        return {c0 * norm_inverse, -(c1 * norm_inverse)};
    }
    // Multiplication by xi = 9 + u.
    [[nodiscard]] Fp2 mul_by_xi() const noexcept {
        const Fp nine_c0 = c0 + c0 + c0 + c0 + c0 + c0 + c0 + c0 + c0;
        const Fp nine_c1 = c1 + c1 + c1 + c1 + c1 + c1 + c1 + c1 + c1;
        return {nine_c0 - c1, c0 + nine_c1};
    }
    [[nodiscard]] Fp2 pow(const U256& exponent) const noexcept;
};

struct Fp6 {
    Fp2 c0{}, c1{}, c2{};  // c0 + c1*v + c2*v^2

    [[nodiscard]] static Fp6 one() noexcept { return {Fp2::one(), Fp2{}, Fp2{}}; }
    [[nodiscard]] bool is_zero() const noexcept {
        return c0.is_zero() && c1.is_zero() && c2.is_zero();
    }
    friend bool operator==(const Fp6&, const Fp6&) noexcept = default;
    friend Fp6 operator+(const Fp6& a, const Fp6& b) noexcept {
        return {a.c0 + b.c0, a.c1 + b.c1, a.c2 + b.c2};
    }
    friend Fp6 operator-(const Fp6& a, const Fp6& b) noexcept {
        return {a.c0 - b.c0, a.c1 - b.c1, a.c2 - b.c2};
    }
    Fp6 operator-() const noexcept { return {-c0, -c1, -c2}; }
    friend Fp6 operator*(const Fp6& a, const Fp6& b) noexcept;
    [[nodiscard]] Fp6 mul_by_v() const noexcept { return {c2.mul_by_xi(), c0, c1}; }
    [[nodiscard]] Fp6 inverse() const noexcept;
};

struct Fp12 {
    Fp6 c0{}, c1{};  // c0 + c1*w

    [[nodiscard]] static Fp12 one() noexcept { return {Fp6::one(), Fp6{}}; }
    friend bool operator==(const Fp12&, const Fp12&) noexcept = default;
    friend Fp12 operator*(const Fp12& a, const Fp12& b) noexcept {
        const Fp6 t0 = a.c0 * b.c0;
        const Fp6 t1 = a.c1 * b.c1;
        return {t0 + t1.mul_by_v(), (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1};
    }
    [[nodiscard]] Fp12 square() const noexcept { return *this * *this; }
    [[nodiscard]] Fp12 conjugate() const noexcept { return {c0, -c1}; }
    [[nodiscard]] Fp12 inverse() const noexcept {
        const Fp6 denominator_inverse = (c0 * c0 - (c1 * c1).mul_by_v()).inverse();
        return {c0 * denominator_inverse, -(c1 * denominator_inverse)};
    }
    // x -> x^p.
    [[nodiscard]] Fp12 frobenius() const noexcept;
};

// xi^(i(p-1)/6) for i = 0..5: the Frobenius twists of w^i, also used to map twist points.
[[nodiscard]] const std::array<Fp2, 6>& frobenius_coefficients() noexcept;

}  // namespace qtm::evm::bn254
