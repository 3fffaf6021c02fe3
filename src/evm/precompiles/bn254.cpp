// 0x06 ecAdd, 0x07 ecMul (EIP-196) and 0x08 ecPairing (EIP-197) on BN254, with the
// EIP-1108 prices.
//
// G1 is y^2 = x^3 + 3 over Fp; G2 is the D-type twist y^2 = x^3 + 3/xi over Fp2, mapped into
// E(Fp12) by (x, y) -> (x w^2, y w^3). The pairing is the optimal ate pairing: a Miller loop
// over 6u+2 in affine twist coordinates, the two Frobenius steps, and the final
// exponentiation by (p^12 - 1)/r (easy part by Frobenius and inversion, hard part by the
// u-based chain). Points come in as 32-byte big-endian coordinates, (0, 0) for infinity; a G2
// coordinate is its imaginary part first.
#include <algorithm>
#include <vector>

#include "evm/precompiles.hpp"
#include "evm/precompiles/bn254_field.hpp"
#include "evm/precompiles/input.hpp"

namespace qtm::evm::precompile {

namespace {

using bn254::Fp;
using bn254::Fp12;
using bn254::Fp2;
using bn254::Fp6;

// The order r of G1 and G2.
const U256 kGroupOrder{0x43e1f593f0000001ULL, 0x2833e84879b97091ULL, 0xb85045b68181585dULL,
                       0x30644e72e131a029ULL};
// 6u + 2 for u = 4965661367192848881; 65 bits, the top one implicit in the loop's start.
constexpr UInt128 kAteLoopCount =
    (static_cast<UInt128>(0x1) << 64) | static_cast<UInt128>(0x9d797039be763ba8ULL);
constexpr int kAteLoopTopBit = 64;

// A point in Jacobian coordinates (x/z^2, y/z^3); z = 0 is infinity. F is Fp or Fp2.
template <typename F>
struct Jacobian {
    F x{}, y{}, z{};
    [[nodiscard]] bool is_infinity() const noexcept { return z.is_zero(); }
};

template <typename F>
Jacobian<F> point_double(const Jacobian<F>& p) noexcept {
    if (p.is_infinity() || p.y.is_zero()) return {};
    const F a = p.x * p.x;
    const F b = p.y * p.y;
    const F c = b * b;
    const F t = (p.x + b) * (p.x + b) - a - c;
    const F d = t + t;
    const F e = a + a + a;
    const F f = e * e;
    const F x3 = f - d - d;
    const F c8 = c + c + c + c + c + c + c + c;
    const F yz = p.y * p.z;
    return {x3, e * (d - x3) - c8, yz + yz};
}

template <typename F>
Jacobian<F> point_add(const Jacobian<F>& p, const Jacobian<F>& q) noexcept {
    if (p.is_infinity()) return q;
    if (q.is_infinity()) return p;
    const F z1z1 = p.z * p.z;
    const F z2z2 = q.z * q.z;
    const F u1 = p.x * z2z2;
    const F u2 = q.x * z1z1;
    const F s1 = p.y * q.z * z2z2;
    const F s2 = q.y * p.z * z1z1;
    if (u1 == u2) return s1 == s2 ? point_double(p) : Jacobian<F>{};
    const F h = u2 - u1;
    const F h2 = h + h;
    const F i = h2 * h2;
    const F j = h * i;
    const F r = (s2 - s1) + (s2 - s1);
    const F v = u1 * i;
    const F x3 = r * r - j - v - v;
    const F s1j = s1 * j;
    return {x3, r * (v - x3) - s1j - s1j, ((p.z + q.z) * (p.z + q.z) - z1z1 - z2z2) * h};
}

template <typename F>
Jacobian<F> point_multiply(const Jacobian<F>& p, const U256& scalar) noexcept {
    Jacobian<F> result{};
    for (int bit = static_cast<int>(scalar.bit_length()) - 1; bit >= 0; --bit) {
        result = point_double(result);
        if ((scalar[static_cast<std::size_t>(bit) / 64] >> (bit % 64)) & 1) {
            result = point_add(result, p);
        }
    }
    return result;
}

template <typename F>
struct Affine {
    F x{}, y{};
    bool infinity{true};
};

template <typename F>
Affine<F> to_affine(const Jacobian<F>& p) noexcept {
    if (p.is_infinity()) return {};
    const F z_inverse = p.z.inverse();
    const F z2 = z_inverse * z_inverse;
    return {p.x * z2, p.y * z2 * z_inverse, false};
}

template <typename F>
Jacobian<F> to_jacobian(const Affine<F>& p) noexcept {
    if (p.infinity) return {};
    return {p.x, p.y, F::one()};
}

// Reads a coordinate; nullopt when it is not below p.
std::optional<Fp> read_fp(const std::uint8_t* bytes) {
    const U256 value = U256::from_be_bytes(ByteView{bytes, 32});
    if (value >= Fp::modulus()) return std::nullopt;
    return Fp::from_u256(value);
}

std::optional<Affine<Fp>> read_g1(const std::uint8_t* bytes) {
    const auto x = read_fp(bytes);
    const auto y = read_fp(bytes + 32);
    if (!x || !y) return std::nullopt;
    if (x->is_zero() && y->is_zero()) return Affine<Fp>{};
    if (y->square() != x->square() * *x + Fp::from_uint(3)) return std::nullopt;
    return Affine<Fp>{*x, *y, false};
}

const Fp2& twist_b() noexcept {
    static const Fp2 value =
        Fp2{Fp::from_uint(3), Fp{}} * Fp2{Fp::from_uint(9), Fp::one()}.inverse();
    return value;
}

std::optional<Affine<Fp2>> read_g2(const std::uint8_t* bytes) {
    const auto x1 = read_fp(bytes);
    const auto x0 = read_fp(bytes + 32);
    const auto y1 = read_fp(bytes + 64);
    const auto y0 = read_fp(bytes + 96);
    if (!x0 || !x1 || !y0 || !y1) return std::nullopt;
    const Fp2 x{*x0, *x1};
    const Fp2 y{*y0, *y1};
    if (x.is_zero() && y.is_zero()) return Affine<Fp2>{};
    if (y.square() != x.square() * x + twist_b()) return std::nullopt;
    // The twist has a large cofactor: only points of order r are in G2.
    const Affine<Fp2> point{x, y, false};
    if (!point_multiply(to_jacobian(point), kGroupOrder).is_infinity()) return std::nullopt;
    return point;
}

Bytes write_g1(const Affine<Fp>& point) {
    Bytes out(64, 0);
    if (point.infinity) return out;
    point.x.to_u256().to_be_bytes(out.data());
    point.y.to_u256().to_be_bytes(out.data() + 32);
    return out;
}

// The line through t with slope lambda (on the twist), evaluated at p and untwisted:
// -y_p + lambda x_p w + (y_t - lambda x_t) w^3.
Fp12 line(const Fp2& lambda, const Affine<Fp2>& t, const Affine<Fp>& p) noexcept {
    return {Fp6{Fp2{-p.y, Fp{}}, Fp2{}, Fp2{}}, Fp6{lambda.scale(p.x), t.y - lambda * t.x, Fp2{}}};
}

// t <- t + q (or 2t when q == t), multiplying the line into f. Returns false when the sum is
// infinity (a vertical line, which the final exponentiation would remove anyway).
bool add_step(Fp12& f, Affine<Fp2>& t, const Affine<Fp2>& q, const Affine<Fp>& p) noexcept {
    Fp2 lambda;
    if (t.x == q.x) {
        if (t.y != q.y || t.y.is_zero()) return false;
        const Fp2 x2 = t.x.square();
        lambda = (x2 + x2 + x2) * (t.y + t.y).inverse();
    } else {
        lambda = (q.y - t.y) * (q.x - t.x).inverse();
    }
    f = f * line(lambda, t, p);
    const Fp2 x3 = lambda.square() - t.x - q.x;
    t = {x3, lambda * (t.x - x3) - t.y, false};
    return true;
}

Fp12 miller_loop(const Affine<Fp2>& q, const Affine<Fp>& p) noexcept {
    Fp12 f = Fp12::one();
    Affine<Fp2> t = q;
    for (int bit = kAteLoopTopBit - 1; bit >= 0; --bit) {
        f = f.square();
        if (!add_step(f, t, t, p)) return f;  // impossible for a point of order r
        if ((kAteLoopCount >> bit) & 1) {
            if (!add_step(f, t, q, p)) return f;
        }
    }
    // q1 = pi(q), q2 = pi^2(q) on the twist; the loop ends with t + q1 - q2, whose last line
    // is vertical for q in G2.
    const auto& gamma = bn254::frobenius_coefficients();
    const Affine<Fp2> q1{q.x.conjugate() * gamma[2], q.y.conjugate() * gamma[3], false};
    const Affine<Fp2> q2{q1.x.conjugate() * gamma[2], -(q1.y.conjugate() * gamma[3]), false};
    if (!add_step(f, t, q1, p)) return f;
    (void)add_step(f, t, q2, p);
    return f;
}

constexpr std::uint64_t kCurveU = 4965661367192848881ULL;  // the BN parameter u

Fp12 power_of_u(const Fp12& f) {
    Fp12 result = Fp12::one();
    for (int bit = 63; bit >= 0; --bit) {
        result = result.square();
        if ((kCurveU >> bit) & 1) result = result * f;
    }
    return result;
}

// The hard part through u (Scott et al., "On the final exponentiation for calculating
// pairings on ordinary elliptic curves"): three exponentiations by the 63-bit u and a few
// Frobenius maps instead of one by a 761-bit exponent. For g in the cyclotomic subgroup
// (after the easy part) conjugation is inversion.
Fp12 hard_part(const Fp12& g) {
    const Fp12 fp = g.frobenius();
    const Fp12 fp2 = fp.frobenius();
    const Fp12 fp3 = fp2.frobenius();
    const Fp12 fu = power_of_u(g);
    const Fp12 fu2 = power_of_u(fu);
    const Fp12 fu3 = power_of_u(fu2);
    const Fp12 y0 = fp * fp2 * fp3;
    const Fp12 y1 = g.conjugate();
    const Fp12 y2 = fu2.frobenius().frobenius();
    const Fp12 y3 = fu.frobenius().conjugate();
    const Fp12 y4 = (fu * fu2.frobenius()).conjugate();
    const Fp12 y5 = fu2.conjugate();
    const Fp12 y6 = (fu3 * fu3.frobenius()).conjugate();
    Fp12 t0 = y6.square() * y4 * y5;
    Fp12 t1 = y3 * y5 * t0;
    t0 = t0 * y2;
    t1 = (t1.square() * t0).square();
    t0 = t1 * y1;
    t1 = t1 * y0;
    return t0.square() * t1;
}

Fp12 final_exponentiation(const Fp12& f) {
    // Easy part: f^((p^6 - 1)(p^2 + 1)).
    Fp12 g = f.conjugate() * f.inverse();
    g = g.frobenius().frobenius() * g;
    return hard_part(g);
}

}  // namespace

std::int64_t bn254_add_gas(ByteView) noexcept {
    return 150;
}

std::optional<Bytes> bn254_add(ByteView input) {
    const auto data = padded<128>(input);
    const auto a = read_g1(data.data());
    const auto b = read_g1(data.data() + 64);
    if (!a || !b) return std::nullopt;
    return write_g1(to_affine(point_add(to_jacobian(*a), to_jacobian(*b))));
}

std::int64_t bn254_mul_gas(ByteView) noexcept {
    return 6000;
}

std::optional<Bytes> bn254_mul(ByteView input) {
    const auto data = padded<96>(input);
    const auto point = read_g1(data.data());
    if (!point) return std::nullopt;
    const U256 scalar = U256::from_be_bytes(ByteView{data}.subspan(64, 32));
    return write_g1(to_affine(point_multiply(to_jacobian(*point), scalar)));
}

std::int64_t bn254_pairing_gas(ByteView input) noexcept {
    return 45000 + 34000 * static_cast<std::int64_t>(input.size() / 192);
}

std::optional<Bytes> bn254_pairing(ByteView input) {
    if (input.size() % 192 != 0) return std::nullopt;
    Fp12 product = Fp12::one();
    bool any = false;
    for (std::size_t offset = 0; offset < input.size(); offset += 192) {
        const auto p = read_g1(&input[offset]);
        const auto q = read_g2(&input[offset + 64]);
        if (!p || !q) return std::nullopt;
        if (p->infinity || q->infinity) continue;  // e(O, Q) = e(P, O) = 1
        product = product * miller_loop(*q, *p);
        any = true;
    }
    Bytes out(32, 0);
    if (!any || final_exponentiation(product) == Fp12::one()) out[31] = 1;
    return out;
}

}  // namespace qtm::evm::precompile
