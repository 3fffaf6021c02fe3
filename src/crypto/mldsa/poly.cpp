#include "crypto/mldsa/poly.hpp"

namespace qtm::crypto::mldsa {
namespace {

constexpr std::int32_t kZeta = 1753;         // a primitive 512-th root of unity mod q
constexpr std::int32_t kNInverse = 8347681;  // 256^-1 mod q, the final scale of NTT^-1

constexpr std::uint8_t bit_reverse8(std::uint32_t x) noexcept {
    std::uint32_t r = 0;
    for (int i = 0; i < 8; ++i)
        r |= ((x >> i) & 1U) << (7 - i);
    return static_cast<std::uint8_t>(r);
}

// zetas[m] = zeta^BitRev8(m) mod q (FIPS 204 Appendix B), computed at compile time so the
// table cannot be mistyped.
constexpr std::array<std::int32_t, kN> make_zetas() noexcept {
    std::array<std::int32_t, kN> powers{};
    powers[0] = 1;
    for (std::size_t i = 1; i < kN; ++i)
        powers[i] = reduce_mul(powers[i - 1], kZeta);
    std::array<std::int32_t, kN> zetas{};
    for (std::uint32_t m = 0; m < kN; ++m)
        zetas[m] = powers[bit_reverse8(m)];
    return zetas;
}
constexpr std::array<std::int32_t, kN> kZetas = make_zetas();
static_assert(kZetas[1] == 4808194 && kZetas[255] == 7648983);
static_assert(reduce_mul(256, kNInverse) == 1);

}  // namespace

void ntt(Poly& w) noexcept {
    std::size_t m = 0;
    for (std::size_t len = 128; len >= 1; len /= 2) {
        for (std::size_t start = 0; start < kN; start += 2 * len) {
            const std::int32_t z = kZetas[++m];
            for (std::size_t j = start; j < start + len; ++j) {
                const std::int32_t t = reduce_mul(z, w[j + len]);
                w[j + len] = reduce_sub(w[j], t);
                w[j] = reduce_add(w[j], t);
            }
        }
    }
}

void inverse_ntt(Poly& w) noexcept {
    std::size_t m = kN;
    for (std::size_t len = 1; len < kN; len *= 2) {
        for (std::size_t start = 0; start < kN; start += 2 * len) {
            const std::int32_t z = kQ - kZetas[--m];
            for (std::size_t j = start; j < start + len; ++j) {
                const std::int32_t t = w[j];
                w[j] = reduce_add(t, w[j + len]);
                w[j + len] = reduce_mul(z, reduce_sub(t, w[j + len]));
            }
        }
    }
    for (auto& c : w)
        c = reduce_mul(c, kNInverse);
}

Poly multiply_ntt(const Poly& a, const Poly& b) noexcept {
    Poly c;
    for (std::size_t i = 0; i < kN; ++i)
        c[i] = reduce_mul(a[i], b[i]);
    return c;
}

void add_to(Poly& accumulator, const Poly& term) noexcept {
    for (std::size_t i = 0; i < kN; ++i)
        accumulator[i] = reduce_add(accumulator[i], term[i]);
}

void subtract_from(Poly& accumulator, const Poly& term) noexcept {
    for (std::size_t i = 0; i < kN; ++i)
        accumulator[i] = reduce_sub(accumulator[i], term[i]);
}

void matrix_vector_ntt(const Params& p, const std::array<PolyVecL, kMaxK>& a_hat,
                       const PolyVecL& v_hat, PolyVecK& out) noexcept {
    for (std::size_t i = 0; i < p.k; ++i) {
        out[i] = multiply_ntt(a_hat[i][0], v_hat[0]);
        for (std::size_t j = 1; j < p.l; ++j)
            add_to(out[i], multiply_ntt(a_hat[i][j], v_hat[j]));
    }
}

std::int32_t infinity_norm(const Poly& a) noexcept {
    std::int32_t norm = 0;
    for (const std::int32_t c : a) {
        std::int32_t v = centered(c);
        v = (v ^ (v >> 31)) - (v >> 31);          // |v| without a branch
        norm += ((norm - v) >> 31) & (v - norm);  // norm = max(norm, v) without a branch
    }
    return norm;
}

}  // namespace qtm::crypto::mldsa
