#include "crypto/mldsa/poly.hpp"

#include <atomic>

#include "base/bytes.hpp"
#include "crypto/cpu.hpp"
#include "crypto/mldsa/kernels.hpp"

namespace qtm::crypto::mldsa {
namespace {

constexpr std::int32_t kZeta = 1753;         // a primitive 512-th root of unity mod q
constexpr std::int32_t kNInverse = 8347681;  // 256^-1 mod q

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
static_assert(reduce_mul(kNInverse, static_cast<std::int32_t>((1ULL << 32) % kQ)) ==
              detail::kScaleStandard);
static_assert(reduce_mul(detail::kScaleStandard, static_cast<std::int32_t>((1ULL << 32) % kQ)) ==
              detail::kScaleMontgomery);

// x * 2^32 mod q, centred in (-q/2, q/2]: twiddles in Montgomery form, small so that the
// products of the lazily reduced butterflies stay within montgomery_reduce's bound.
constexpr std::int32_t to_montgomery_centred(std::int32_t x) noexcept {
    const auto m = static_cast<std::int32_t>((static_cast<std::uint64_t>(x) << 32) % kQ);
    return centered(m);
}

constexpr std::int32_t times_q_inverse(std::int32_t x) noexcept {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(x) *
                                     static_cast<std::uint32_t>(kQInverse));
}

constexpr detail::Twiddles make_twiddles() noexcept {
    detail::Twiddles t{};
    for (std::size_t m = 0; m < kN; ++m) {
        t.forward[m] = to_montgomery_centred(kZetas[m]);
        t.inverse[m] = to_montgomery_centred(kZetas[m] == 0 ? 0 : kQ - kZetas[m]);
        t.forward_qinv[m] = times_q_inverse(t.forward[m]);
        t.inverse_qinv[m] = times_q_inverse(t.inverse[m]);
    }
    const auto fill = [](detail::LaneTwiddles& lanes, const std::int32_t* z, const std::int32_t* zq,
                         auto index) {
        for (std::size_t g = 0; g < kN / 16; ++g) {
            for (std::size_t i = 0; i < 8; ++i) {
                lanes.z[g][i] = z[index(g, i)];
                lanes.zq[g][i] = zq[index(g, i)];
                lanes.z_odd[g][i] = z[index(g, i | 1)];
                lanes.zq_odd[g][i] = zq[index(g, i | 1)];
            }
        }
    };
    fill(t.forward4, t.forward, t.forward_qinv,
         [](std::size_t g, std::size_t i) { return 32 + 2 * g + i / 4; });
    fill(t.forward2, t.forward, t.forward_qinv,
         [](std::size_t g, std::size_t i) { return 64 + 4 * g + i / 2; });
    fill(t.forward1, t.forward, t.forward_qinv,
         [](std::size_t g, std::size_t i) { return 128 + 8 * g + i; });
    fill(t.inverse1, t.inverse, t.inverse_qinv,
         [](std::size_t g, std::size_t i) { return 248 - 8 * g + 7 - i; });
    fill(t.inverse2, t.inverse, t.inverse_qinv,
         [](std::size_t g, std::size_t i) { return 124 - 4 * g + 3 - i / 2; });
    fill(t.inverse4, t.inverse, t.inverse_qinv,
         [](std::size_t g, std::size_t i) { return 62 - 2 * g + 1 - i / 4; });
    return t;
}

constexpr detail::Kernels kAvx2{
    .ntt = detail::ntt_avx2,
    .inverse = detail::inverse_ntt_avx2,
    .multiply = detail::multiply_montgomery_avx2,
    .power2round = detail::power2round_avx2,
    .high_bits = detail::high_bits_avx2,
    .low_bits_norm = detail::low_bits_norm_avx2,
    .make_hints = detail::make_hints_avx2,
    .use_hints = detail::use_hints_avx2,
    .infinity_norm = detail::infinity_norm_avx2,
    .unpack_z = detail::unpack_z_avx2,
    .unpack_t1 = detail::unpack_t1_avx2,
    .pack_w1 = detail::pack_w1_avx2,
    .pack_bits = detail::pack_bits_avx2,
    .rej_ntt = detail::rej_ntt_avx2,
    .rej_eta = detail::rej_eta_avx2,
    .multiply_accumulate = detail::multiply_accumulate_avx2,
    .sparse_multiply = detail::sparse_multiply_avx2,
};
constexpr detail::Kernels kPortable{
    .ntt = detail::ntt_portable,
    .inverse = detail::inverse_ntt_portable,
    .multiply = detail::multiply_montgomery_portable,
    .power2round = detail::power2round_portable,
    .high_bits = detail::high_bits_portable,
    .low_bits_norm = detail::low_bits_norm_portable,
    .make_hints = detail::make_hints_portable,
    .use_hints = detail::use_hints_portable,
    .infinity_norm = detail::infinity_norm_portable,
    .unpack_z = detail::unpack_z_portable,
    .unpack_t1 = detail::unpack_t1_portable,
    .pack_w1 = detail::pack_w1_portable,
    .pack_bits = detail::pack_bits_portable,
    .rej_ntt = detail::rej_ntt_portable,
    .rej_eta = detail::rej_eta_portable,
    .multiply_accumulate = detail::multiply_accumulate_portable,
    .sparse_multiply = detail::sparse_multiply_portable,
};

// Chosen on first use (crypto/cpu.hpp); tests may switch it (select_kernels_for_testing).
std::atomic<const detail::Kernels*> active_kernels{nullptr};

}  // namespace

namespace detail {

const Kernels& kernels() noexcept {
    const Kernels* k = active_kernels.load(std::memory_order_relaxed);
    if (k == nullptr) [[unlikely]] {
        k = use_avx2() ? &kAvx2 : &kPortable;
        active_kernels.store(k, std::memory_order_relaxed);
    }
    return *k;
}

bool select_kernels_for_testing(bool avx2) noexcept {
    if (avx2 && !cpu_has_avx2()) return false;
    active_kernels.store(avx2 ? &kAvx2 : &kPortable, std::memory_order_relaxed);
    return true;
}

bool avx2_kernels_active() noexcept {
    return &kernels() == &kAvx2;
}

constinit const Twiddles kTwiddles = make_twiddles();

// Cooley-Tukey butterflies without reduction of the sums: each layer adds less than q to
// the magnitude, so after 8 layers |c| < 9q; one freeze at the end.
void ntt_portable(std::int32_t* w) noexcept {
    std::size_t m = 0;
    for (std::size_t len = 128; len >= 1; len /= 2) {
        for (std::size_t start = 0; start < kN; start += 2 * len) {
            const std::int64_t z = kTwiddles.forward[++m];
            for (std::size_t j = start; j < start + len; ++j) {
                const std::int32_t t = montgomery_reduce(z * w[j + len]);
                w[j + len] = w[j] - t;
                w[j] = w[j] + t;
            }
        }
    }
    for (std::size_t j = 0; j < kN; ++j)
        w[j] = freeze(w[j]);
}

// Gentleman-Sande butterflies: inputs are first brought below 6283009 < q in magnitude,
// so the unreduced sums stay below 256 * 6283009 < 2^31 through the 8 layers, and each
// difference is reduced by its Montgomery product.
void inverse_ntt_portable(std::int32_t* w, std::int32_t scale) noexcept {
    for (std::size_t j = 0; j < kN; ++j)
        w[j] = reduce32(w[j]);
    std::size_t m = kN;
    for (std::size_t len = 1; len < kN; len *= 2) {
        for (std::size_t start = 0; start < kN; start += 2 * len) {
            const std::int64_t z = kTwiddles.inverse[--m];
            for (std::size_t j = start; j < start + len; ++j) {
                const std::int32_t t = w[j];
                w[j] = t + w[j + len];
                w[j + len] = montgomery_reduce(z * (t - w[j + len]));
            }
        }
    }
    for (std::size_t j = 0; j < kN; ++j)
        w[j] = to_field(montgomery_reduce(static_cast<std::int64_t>(scale) * w[j]));
}

void multiply_montgomery_portable(const std::int32_t* a, const std::int32_t* b, std::int32_t* c,
                                  bool accumulate) noexcept {
    if (accumulate) {
        for (std::size_t i = 0; i < kN; ++i)
            c[i] += montgomery_reduce(static_cast<std::int64_t>(a[i]) * b[i]);
    } else {
        for (std::size_t i = 0; i < kN; ++i)
            c[i] = montgomery_reduce(static_cast<std::int64_t>(a[i]) * b[i]);
    }
}

void multiply_accumulate_portable(const std::int32_t* a, const std::int32_t* b, std::size_t count,
                                  std::int32_t* c) noexcept {
    multiply_montgomery_portable(a, b, c, false);
    for (std::size_t j = 1; j < count; ++j)
        multiply_montgomery_portable(a + j * kN, b + j * kN, c, true);
}

namespace {
// sum += sign * window, 256 lanes of 16 bits (a loop the compiler vectorises; as a
// separate function with unaliased pointers so that it is not interchanged with the loop
// over positions).
template <int kSign>
[[gnu::noinline]] void add_window(std::int16_t* __restrict sum,
                                  const std::int16_t* __restrict window) noexcept {
    for (std::size_t i = 0; i < kN; ++i)
        sum[i] = static_cast<std::int16_t>(sum[i] + kSign * window[i]);
}
}  // namespace

void sparse_multiply_portable(const std::uint8_t* plus, std::size_t plus_count,
                              const std::uint8_t* minus, std::size_t minus_count,
                              const std::int16_t* extended, std::int32_t* out) noexcept {
    // extended[256 - p + i] is (X^p s)_i: s_(i-p) for i >= p, -s_(i-p+256) below.
    std::int16_t sum[kN] = {};
    for (std::size_t k = 0; k < plus_count; ++k)
        add_window<1>(sum, extended + kN - plus[k]);
    for (std::size_t k = 0; k < minus_count; ++k)
        add_window<-1>(sum, extended + kN - minus[k]);
    for (std::size_t i = 0; i < kN; ++i)
        out[i] = to_field(sum[i]);
    secure_wipe(sum, sizeof sum);
}

}  // namespace detail

using detail::kernels;

SparseChallenge sparse_challenge(const Poly& c) noexcept {
    SparseChallenge sparse;  // entries past the counts are never read
    sparse.plus_count = 0;
    sparse.minus_count = 0;
    // c is public (from c_tilde), but its positions are random: written without branches,
    // which would be mispredicted about tau times.
    for (std::size_t i = 0; i < kN; ++i) {
        sparse.plus[sparse.plus_count] = static_cast<std::uint8_t>(i);
        sparse.minus[sparse.minus_count] = static_cast<std::uint8_t>(i);
        sparse.plus_count += static_cast<std::size_t>(c[i] == 1);
        sparse.minus_count += static_cast<std::size_t>(c[i] == kQ - 1);
    }
    return sparse;
}

void sparse_multiply(const SparseChallenge& c, const SmallPoly& s, Poly& out) noexcept {
    kernels().sparse_multiply(c.plus, c.plus_count, c.minus, c.minus_count, s.extended.data(),
                              out.data());
}

SmallPoly to_small(const Poly& a) noexcept {
    SmallPoly s;
    for (std::size_t i = 0; i < kN; ++i) {
        const auto c = static_cast<std::int16_t>(centered(a[i]));
        s.extended[i] = static_cast<std::int16_t>(-c);
        s.extended[kN + i] = c;
    }
    return s;
}

void ntt(Poly& w) noexcept {
    kernels().ntt(w.data());
}

void inverse_ntt(Poly& w) noexcept {
    kernels().inverse(w.data(), detail::kScaleStandard);
}

void inverse_ntt_montgomery(Poly& w) noexcept {
    kernels().inverse(w.data(), detail::kScaleMontgomery);
}

Poly multiply_ntt(const Poly& a, const Poly& b) noexcept {
    Poly c;
    for (std::size_t i = 0; i < kN; ++i)
        c[i] = reduce_mul(a[i], b[i]);
    return c;
}

void multiply_ntt_montgomery(const Poly& a, const Poly& b, Poly& c) noexcept {
    kernels().multiply(a.data(), b.data(), c.data(), false);
}

void multiply_add_ntt_montgomery(const Poly& a, const Poly& b, Poly& c) noexcept {
    kernels().multiply(a.data(), b.data(), c.data(), true);
}

void multiply_rows(const Poly* a, const Poly* b, std::size_t count, Poly& c) noexcept {
    kernels().multiply_accumulate(a->data(), b->data(), count, c.data());
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
    for (std::size_t i = 0; i < p.k; ++i)
        multiply_rows(a_hat[i].data(), v_hat.data(), p.l, out[i]);
}

std::int32_t infinity_norm(const Poly& a) noexcept {
    return kernels().infinity_norm(a.data());
}

}  // namespace qtm::crypto::mldsa
