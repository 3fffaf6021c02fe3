// The two variants of ML-DSA's ring kernels (portable and AVX2, mldsa/kernels.hpp) against
// the definitions of FIPS 204 Algorithms 41/42 and against each other on random inputs at
// the edges of their input bounds, and whole sign/verify on both paths in one process.
// The same programs also run with QTM_CRYPTO_PORTABLE=1 (ctest "portable." entries);
// ForcedPortableIsHonoured proves that those runs are on the portable path.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "crypto/cpu.hpp"
#include "crypto/mldsa.hpp"
#include "crypto/mldsa/encoding.hpp"
#include "crypto/mldsa/internal.hpp"
#include "crypto/mldsa/kernels.hpp"
#include "crypto/mldsa/poly.hpp"
#include "crypto/mldsa/rounding.hpp"

namespace qtm::crypto {
namespace {

using mldsa::kN;
using mldsa::kQ;
using mldsa::Poly;

// Algorithm 41 NTT and Algorithm 42 NTT^-1 as written, with % q on exact products.
std::int32_t mul_mod(std::int64_t a, std::int64_t b) {
    return static_cast<std::int32_t>(((a * b) % kQ + kQ) % kQ);
}
std::int32_t power(std::int64_t base, unsigned exponent) {
    std::int64_t r = 1;
    for (unsigned i = 0; i < exponent; ++i)
        r = r * base % kQ;
    return static_cast<std::int32_t>(r);
}
std::int32_t zeta(unsigned m) {
    unsigned reversed = 0;
    for (int i = 0; i < 8; ++i)
        reversed |= ((m >> i) & 1U) << (7 - i);
    return power(1753, reversed);
}
Poly reference_ntt(Poly w) {
    unsigned m = 0;
    for (std::size_t len = 128; len >= 1; len /= 2) {
        for (std::size_t start = 0; start < kN; start += 2 * len) {
            const std::int32_t z = zeta(++m);
            for (std::size_t j = start; j < start + len; ++j) {
                const std::int32_t t = mul_mod(z, w[j + len]);
                w[j + len] = ((w[j] - t) % kQ + kQ) % kQ;
                w[j] = (w[j] + t) % kQ;
            }
        }
    }
    return w;
}
Poly reference_inverse_ntt(Poly w) {
    unsigned m = 256;
    for (std::size_t len = 1; len < kN; len *= 2) {
        for (std::size_t start = 0; start < kN; start += 2 * len) {
            const std::int32_t z = kQ - zeta(--m);
            for (std::size_t j = start; j < start + len; ++j) {
                const std::int32_t t = w[j];
                w[j] = (t + w[j + len]) % kQ;
                w[j + len] = mul_mod(z, ((t - w[j + len]) % kQ + kQ) % kQ);
            }
        }
    }
    for (auto& c : w)
        c = mul_mod(c, 8347681);  // 256^-1
    return w;
}
Poly reduced(const Poly& a) {
    Poly r;
    for (std::size_t i = 0; i < kN; ++i)
        r[i] = static_cast<std::int32_t>((a[i] % kQ + kQ) % kQ);
    return r;
}

Poly random_poly(std::mt19937& rng, std::int32_t low, std::int32_t high) {
    std::uniform_int_distribution<std::int32_t> coefficient{low, high};
    Poly p;
    for (auto& c : p)
        c = coefficient(rng);
    return p;
}
// Random coefficients, with some set to the extremes of [low, high].
Poly edgy_poly(std::mt19937& rng, std::int32_t low, std::int32_t high) {
    Poly p = random_poly(rng, low, high);
    for (std::size_t i = 0; i < kN; i += 7)
        p[i] = (i / 7) % 2 == 0 ? low : high;
    return p;
}

constexpr std::int32_t kInverseBound = (1 << 30) + ((1 << 30) - (1 << 22)) - 1;  // < 2^31 - 2^22

bool have_avx2() {
    return cpu_has_avx2();
}

TEST(MlDsaKernels, PortableMatchesTheDefinitions) {
    std::mt19937 rng{41};
    for (int trial = 0; trial < 20; ++trial) {
        const Poly a = edgy_poly(rng, -(kQ - 1), kQ - 1);
        Poly w = a;
        mldsa::detail::ntt_portable(w.data());
        EXPECT_EQ(w, reference_ntt(reduced(a)));
        Poly b = edgy_poly(rng, -kInverseBound, kInverseBound);
        Poly v = b;
        mldsa::detail::inverse_ntt_portable(v.data(), mldsa::detail::kScaleStandard);
        EXPECT_EQ(v, reference_inverse_ntt(reduced(b)));
    }
}

TEST(MlDsaKernels, Avx2MatchesPortableOnRandomInputs) {
    if (!have_avx2()) GTEST_SKIP() << "this CPU has no AVX2: only the portable path exists";
    std::mt19937 rng{42};
    for (int trial = 0; trial < 500; ++trial) {
        const Poly a = edgy_poly(rng, -(kQ - 1), kQ - 1);
        Poly p = a, v = a;
        mldsa::detail::ntt_portable(p.data());
        mldsa::detail::ntt_avx2(v.data());
        ASSERT_EQ(p, v) << "ntt, trial " << trial;

        for (const std::int32_t scale :
             {mldsa::detail::kScaleStandard, mldsa::detail::kScaleMontgomery}) {
            const Poly b = edgy_poly(rng, -kInverseBound, kInverseBound);
            Poly pi = b, vi = b;
            mldsa::detail::inverse_ntt_portable(pi.data(), scale);
            mldsa::detail::inverse_ntt_avx2(vi.data(), scale);
            ASSERT_EQ(pi, vi) << "inverse ntt, trial " << trial;
        }

        const Poly x = edgy_poly(rng, -(kQ - 1), kQ - 1);
        const Poly y = edgy_poly(rng, -(kQ - 1), kQ - 1);
        Poly pc{}, vc{};
        mldsa::detail::multiply_montgomery_portable(x.data(), y.data(), pc.data(), false);
        mldsa::detail::multiply_montgomery_avx2(x.data(), y.data(), vc.data(), false);
        ASSERT_EQ(pc, vc) << "product, trial " << trial;
        mldsa::detail::multiply_montgomery_portable(y.data(), x.data(), pc.data(), true);
        mldsa::detail::multiply_montgomery_avx2(y.data(), x.data(), vc.data(), true);
        ASSERT_EQ(pc, vc) << "accumulated product, trial " << trial;

        // A row of up to 7 products summed in one pass, against the chained products.
        Poly row_a[7], row_b[7];
        for (std::size_t j = 0; j < 7; ++j) {
            row_a[j] = edgy_poly(rng, -(kQ - 1), kQ - 1);
            row_b[j] = edgy_poly(rng, -(kQ - 1), kQ - 1);
        }
        const std::size_t count = 1 + static_cast<std::size_t>(trial) % 7;
        Poly chained{}, fused_portable{}, fused_avx2{};
        for (std::size_t j = 0; j < count; ++j)
            mldsa::detail::multiply_montgomery_portable(row_a[j].data(), row_b[j].data(),
                                                        chained.data(), j != 0);
        mldsa::detail::multiply_accumulate_portable(row_a[0].data(), row_b[0].data(), count,
                                                    fused_portable.data());
        mldsa::detail::multiply_accumulate_avx2(row_a[0].data(), row_b[0].data(), count,
                                                fused_avx2.data());
        ASSERT_EQ(chained, fused_portable) << "row product, trial " << trial;
        ASSERT_EQ(chained, fused_avx2) << "row product, trial " << trial;
    }
}

// Algorithm 36 Decompose as written: r mod± 2 gamma2 with %, and the q - 1 corner case.
mldsa::Split reference_decompose(std::int32_t r, std::int32_t gamma2) {
    const std::int32_t alpha = 2 * gamma2;
    std::int32_t low = r % alpha;
    if (low > gamma2) low -= alpha;
    if (r - low == kQ - 1) return {0, low - 1};
    return {(r - low) / alpha, low};
}

constexpr std::int32_t kGamma2s[2] = {(kQ - 1) / 88, (kQ - 1) / 32};

TEST(MlDsaKernels, RoundingMatchesTheDefinitionsForEveryCoefficient) {
    for (std::int32_t r = 0; r < kQ; ++r) {
        const auto split = mldsa::power2round(r);
        std::int32_t low = r % (1 << 13);
        if (low > (1 << 12)) low -= 1 << 13;
        ASSERT_EQ(split.low, low) << r;
        ASSERT_EQ(split.high, (r - low) >> 13) << r;
        for (const std::int32_t gamma2 : kGamma2s) {
            const auto got = mldsa::decompose(r, gamma2);
            const auto want = reference_decompose(r, gamma2);
            ASSERT_EQ(got.high, want.high) << r << " " << gamma2;
            ASSERT_EQ(got.low, want.low) << r << " " << gamma2;
        }
    }
}

// Coefficients in [0, q) with the values where rounding changes: multiples of 2 gamma2 and
// of 2^13 and their neighbours, gamma2 itself, (q-1)/2 and its neighbours, 0 and q - 1.
Poly rounding_edges(std::mt19937& rng, std::int32_t gamma2) {
    Poly p = random_poly(rng, 0, kQ - 1);
    std::vector<std::int32_t> edges = {
        0,      1,          kQ - 1,          kQ - 2,      (kQ - 1) / 2, (kQ + 1) / 2,
        gamma2, gamma2 + 1, kQ - 1 - gamma2, kQ - gamma2, 4096,         4097};
    for (std::int32_t m = 2 * gamma2; m < kQ; m += 2 * gamma2) {
        for (const std::int32_t d : {-1, 0, 1})
            edges.push_back(m + d);
    }
    for (std::size_t i = 0; i < kN; i += 2)
        p[i] = edges[rng() % edges.size()];
    return p;
}

TEST(MlDsaKernels, Avx2RoundingAndNormsMatchPortable) {
    if (!have_avx2()) GTEST_SKIP() << "this CPU has no AVX2: only the portable path exists";
    namespace d = mldsa::detail;
    std::mt19937 rng{44};
    for (int trial = 0; trial < 2000; ++trial) {
        for (const std::int32_t gamma2 : kGamma2s) {
            const Poly r = rounding_edges(rng, gamma2);
            const Poly ct0 = rounding_edges(rng, gamma2);
            Poly a{}, b{}, c{}, e{};
            d::power2round_portable(r.data(), a.data(), b.data());
            d::power2round_avx2(r.data(), c.data(), e.data());
            ASSERT_EQ(a, c) << "power2round t1, trial " << trial;
            ASSERT_EQ(b, e) << "power2round t0, trial " << trial;
            d::high_bits_portable(r.data(), a.data(), gamma2);
            d::high_bits_avx2(r.data(), c.data(), gamma2);
            ASSERT_EQ(a, c) << "high bits, trial " << trial;
            ASSERT_EQ(d::low_bits_norm_portable(r.data(), gamma2),
                      d::low_bits_norm_avx2(r.data(), gamma2))
                << "low bits norm, trial " << trial;
            const std::int32_t ones =
                d::make_hints_portable(r.data(), ct0.data(), a.data(), gamma2);
            ASSERT_EQ(ones, d::make_hints_avx2(r.data(), ct0.data(), c.data(), gamma2));
            ASSERT_EQ(a, c) << "make hints, trial " << trial;
            for (std::size_t i = 0; i < kN; ++i) {  // against the one-coefficient definition
                const std::int32_t z = ct0[i] == 0 ? 0 : kQ - ct0[i];
                ASSERT_EQ(a[i], mldsa::make_hint(z, mldsa::reduce_add(r[i], ct0[i]), gamma2));
            }
            Poly h;
            for (auto& x : h)
                x = static_cast<std::int32_t>(rng() % 2);
            Poly w_portable = r, w_avx2 = r;
            d::use_hints_portable(h.data(), w_portable.data(), gamma2);
            d::use_hints_avx2(h.data(), w_avx2.data(), gamma2);
            ASSERT_EQ(w_portable, w_avx2) << "use hints, trial " << trial;
            for (std::size_t i = 0; i < kN; ++i)
                ASSERT_EQ(w_portable[i], mldsa::use_hint(h[i], r[i], gamma2));
            ASSERT_EQ(d::infinity_norm_portable(r.data()), d::infinity_norm_avx2(r.data()));
        }
    }
}

TEST(MlDsaKernels, Avx2PackingMatchesPortable) {
    if (!have_avx2()) GTEST_SKIP() << "this CPU has no AVX2: only the portable path exists";
    namespace d = mldsa::detail;
    std::mt19937 rng{45};
    for (int trial = 0; trial < 1000; ++trial) {
        std::uint8_t bytes[640];
        const int fill = trial % 10;  // some all-zero and all-one inputs
        for (auto& b : bytes)
            b = fill == 0 ? 0 : fill == 1 ? 0xFF : static_cast<std::uint8_t>(rng());
        Poly a{}, b{};
        for (const int bits : {18, 20}) {
            d::unpack_z_portable(bytes, a.data(), bits);
            d::unpack_z_avx2(bytes, b.data(), bits);
            ASSERT_EQ(a, b) << "z, " << bits << " bits, trial " << trial;
            ASSERT_EQ(a, mldsa::bit_unpack(bytes, bits, 1 << (bits - 1)));
        }
        d::unpack_t1_portable(bytes, a.data());
        d::unpack_t1_avx2(bytes, b.data());
        ASSERT_EQ(a, b) << "t1, trial " << trial;
        ASSERT_EQ(a, mldsa::simple_bit_unpack(bytes, 10));
        // SimpleBitPack (t1) and BitPack (s1/s2 with b = eta, t0 with b = 2^12).
        for (const auto& [bits, b_value] : std::array<std::pair<int, std::int32_t>, 5>{
                 {{3, 2}, {4, 4}, {10, 0}, {13, 1 << 12}, {4, 0}}}) {
            const bool subtract = b_value != 0;
            Poly packed_values = random_poly(rng, 0, (1 << bits) - 1);
            if (fill == 1) packed_values.fill((1 << bits) - 1);
            if (fill == 0) packed_values.fill(0);
            Poly w = packed_values;
            if (subtract) {
                for (auto& c : w)
                    c = mldsa::to_field(b_value - c);  // b - (w mod ± q) is the packed value
            }
            std::uint8_t portable[416] = {}, avx2[416] = {};
            d::pack_bits_portable(w.data(), portable, bits, b_value, subtract);
            d::pack_bits_avx2(w.data(), avx2, bits, b_value, subtract);
            ASSERT_EQ(0, std::memcmp(portable, avx2, sizeof portable))
                << bits << " bits, trial " << trial;
            ASSERT_EQ(subtract ? mldsa::bit_unpack(portable, bits, b_value)
                               : mldsa::simple_bit_unpack(portable, bits),
                      w)
                << "round trip, " << bits << " bits, trial " << trial;
        }
        for (const int bits : {4, 6}) {
            Poly w = random_poly(rng, 0, (1 << bits) - 1);
            if (fill == 1) w.fill((1 << bits) - 1);
            std::uint8_t portable[200] = {}, avx2[200] = {}, reference[200] = {};
            d::pack_w1_portable(w.data(), portable, bits);
            d::pack_w1_avx2(w.data(), avx2, bits);
            mldsa::simple_bit_pack(w, bits, reference);
            ASSERT_EQ(0, std::memcmp(portable, avx2, sizeof portable)) << "w1, trial " << trial;
            ASSERT_EQ(0, std::memcmp(portable, reference, sizeof portable));
        }
    }
}

// Algorithm 30's rejection loop and Algorithm 31's, resumable, as written.
std::size_t reference_rej_ntt(Poly& a, std::size_t j, const std::uint8_t* bytes, std::size_t n) {
    for (std::size_t p = 0; p + 3 <= n && j < kN; p += 3) {
        const std::int32_t c = bytes[p] | bytes[p + 1] << 8 | (bytes[p + 2] & 0x7F) << 16;
        if (c < kQ) a[j++] = c;
    }
    return j;
}
std::size_t reference_rej_eta(Poly& a, std::size_t j, const std::uint8_t* bytes, std::size_t n,
                              std::int32_t eta) {
    for (std::size_t p = 0; p < n && j < kN; ++p) {
        for (const std::int32_t b : {bytes[p] & 15, bytes[p] >> 4}) {
            if (j == kN) break;
            if (eta == 2 && b < 15) a[j++] = mldsa::to_field(2 - b % 5);
            if (eta == 4 && b < 9) a[j++] = mldsa::to_field(4 - b);
        }
    }
    return j;
}

TEST(MlDsaKernels, Avx2RejectionSamplingMatchesPortable) {
    if (!have_avx2()) GTEST_SKIP() << "this CPU has no AVX2: only the portable path exists";
    namespace d = mldsa::detail;
    std::mt19937 rng{46};
    for (int trial = 0; trial < 3000; ++trial) {
        std::uint8_t bytes[840];
        for (auto& b : bytes)
            b = static_cast<std::uint8_t>(rng());
        // Candidates at q - 1, q and 2^23 - 1 (the edges of acceptance), often.
        for (std::size_t p = 0; p + 3 <= sizeof bytes; p += 3 * (1 + rng() % 4)) {
            const std::uint32_t c = std::array<std::uint32_t, 4>{static_cast<std::uint32_t>(kQ - 1),
                                                                 static_cast<std::uint32_t>(kQ),
                                                                 0x7FFFFF, 0xFFFFFF}[rng() % 4];
            bytes[p] = static_cast<std::uint8_t>(c),
            bytes[p + 1] = static_cast<std::uint8_t>(c >> 8);
            bytes[p + 2] = static_cast<std::uint8_t>(c >> 16);
        }
        const std::size_t start = rng() % 2 == 0 ? 0 : rng() % kN;
        const std::size_t length = 3 * (rng() % (sizeof bytes / 3 + 1));
        Poly a{}, b{}, r{};
        const std::size_t ja = d::rej_ntt_portable(a.data(), start, bytes, length);
        const std::size_t jb = d::rej_ntt_avx2(b.data(), start, bytes, length);
        const std::size_t jr = reference_rej_ntt(r, start, bytes, length);
        ASSERT_EQ(ja, jr) << "rej_ntt count, trial " << trial;
        ASSERT_EQ(jb, jr) << "rej_ntt count, trial " << trial;
        ASSERT_TRUE(std::equal(a.begin() + static_cast<std::ptrdiff_t>(start),
                               a.begin() + static_cast<std::ptrdiff_t>(ja),
                               r.begin() + static_cast<std::ptrdiff_t>(start)));
        ASSERT_TRUE(std::equal(b.begin() + static_cast<std::ptrdiff_t>(start),
                               b.begin() + static_cast<std::ptrdiff_t>(jb),
                               r.begin() + static_cast<std::ptrdiff_t>(start)));
        for (const std::int32_t eta : {2, 4}) {
            const std::size_t n = rng() % 300;  // any length, not only multiples of 8
            Poly x{}, y{}, z{};
            const std::size_t jx = d::rej_eta_portable(x.data(), start, bytes, n, eta);
            const std::size_t jy = d::rej_eta_avx2(y.data(), start, bytes, n, eta);
            const std::size_t jz = reference_rej_eta(z, start, bytes, n, eta);
            ASSERT_EQ(jx, jz) << "rej_eta count, trial " << trial;
            ASSERT_EQ(jy, jz) << "rej_eta count, trial " << trial;
            for (std::size_t i = start; i < jz; ++i) {
                ASSERT_EQ(x[i], z[i]) << "rej_eta portable, trial " << trial;
                ASSERT_EQ(y[i], z[i]) << "rej_eta avx2, trial " << trial;
            }
        }
    }
}

TEST(MlDsaKernels, SparseChallengeProductsAreNttProducts) {
    std::mt19937 rng{47};
    for (int trial = 0; trial < 300; ++trial) {
        // A challenge with tau = 39..60 nonzero coefficients (trial 0: all 256 positions, 1,
        // the extreme of the 16-bit bound with |s| <= 1).
        Poly c{};
        const std::size_t tau = trial == 0 ? kN : 39 + rng() % 22;
        for (std::size_t placed = 0; placed < tau;) {
            const std::size_t i = rng() % kN;
            if (c[i] != 0) continue;
            c[i] = rng() % 2 == 0 ? 1 : kQ - 1;
            ++placed;
        }
        // s in [-11, 4] (the widest a malformed key decodes to) or [-1, 1] for trial 0.
        const std::int32_t low = trial == 0 ? -1 : -11, high = trial == 0 ? 1 : 4;
        Poly s = random_poly(rng, low, high);
        for (auto& x : s)
            x = mldsa::to_field(x);
        const auto sparse = mldsa::sparse_challenge(c);
        const mldsa::SmallPoly small = mldsa::to_small(s);
        Poly portable{}, avx2{};
        mldsa::detail::sparse_multiply_portable(sparse.plus, sparse.plus_count, sparse.minus,
                                                sparse.minus_count, small.extended.data(),
                                                portable.data());
        Poly c_hat = c, s_hat = s;
        mldsa::ntt(c_hat);
        mldsa::ntt(s_hat);
        Poly exact = mldsa::multiply_ntt(c_hat, s_hat);
        mldsa::inverse_ntt(exact);
        ASSERT_EQ(portable, exact) << "trial " << trial;
        if (have_avx2()) {
            mldsa::detail::sparse_multiply_avx2(sparse.plus, sparse.plus_count, sparse.minus,
                                                sparse.minus_count, small.extended.data(),
                                                avx2.data());
            ASSERT_EQ(avx2, portable) << "trial " << trial;
        }
    }
}

TEST(MlDsaKernels, MontgomeryProductsThroughTheInverseAreExactProducts) {
    std::mt19937 rng{43};
    for (int trial = 0; trial < 8; ++trial) {
        const Poly a = random_poly(rng, 0, kQ - 1);
        const Poly b = random_poly(rng, 0, kQ - 1);
        Poly a_hat = a, b_hat = b;
        mldsa::ntt(a_hat);
        mldsa::ntt(b_hat);
        Poly exact = mldsa::multiply_ntt(a_hat, b_hat);
        mldsa::inverse_ntt(exact);
        Poly lazy;
        mldsa::multiply_ntt_montgomery(a_hat, b_hat, lazy);
        mldsa::multiply_add_ntt_montgomery(a_hat, b_hat, lazy);  // 2 a b
        mldsa::inverse_ntt_montgomery(lazy);
        for (std::size_t i = 0; i < kN; ++i)
            ASSERT_EQ(lazy[i], mldsa::reduce_add(exact[i], exact[i])) << i;
    }
}

TEST(MlDsaKernels, ForcedPortableIsHonoured) {
    const char* forced = std::getenv("QTM_CRYPTO_PORTABLE");
    if (forced != nullptr && std::string_view{forced} == "1") {
        EXPECT_TRUE(portable_forced());
        EXPECT_FALSE(use_avx2());
        EXPECT_FALSE(mldsa::detail::avx2_kernels_active());
    } else {
        EXPECT_EQ(use_avx2(), have_avx2());
        EXPECT_EQ(mldsa::detail::avx2_kernels_active(), have_avx2());
    }
}

// Restores the process's choice of kernels when a test switched them.
class KernelSwitch {
public:
    KernelSwitch() : avx2_{mldsa::detail::avx2_kernels_active()} {}
    ~KernelSwitch() { (void)mldsa::detail::select_kernels_for_testing(avx2_); }
    KernelSwitch(const KernelSwitch&) = delete;
    KernelSwitch& operator=(const KernelSwitch&) = delete;

private:
    bool avx2_;
};

template <SignatureScheme S>
void sign_and_verify_on_both_paths(std::uint32_t seed_value) {
    KernelSwitch restore;
    std::mt19937 rng{seed_value};
    for (int trial = 0; trial < 6; ++trial) {
        ByteArray<32> seed, rnd;
        for (auto& b : seed)
            b = static_cast<std::uint8_t>(rng());
        for (auto& b : rnd)
            b = static_cast<std::uint8_t>(rng());
        Bytes message(static_cast<std::size_t>(rng() % 200));
        for (auto& b : message)
            b = static_cast<std::uint8_t>(rng());
        const auto sizes = signature_sizes(S);
        Bytes pk[2] = {Bytes(sizes.public_key), Bytes(sizes.public_key)};
        Bytes sk[2] = {Bytes(sizes.secret_key), Bytes(sizes.secret_key)};
        Bytes sig[2];
        for (int path = 0; path < 2; ++path) {
            ASSERT_TRUE(mldsa::detail::select_kernels_for_testing(path == 1));
            mldsa::keygen_internal(S, seed, pk[path], sk[path]);
            auto s = mldsa::sign_internal(S, sk[path], message, rnd);
            ASSERT_TRUE(s.has_value());
            sig[path] = *s;
        }
        EXPECT_EQ(pk[0], pk[1]);
        EXPECT_EQ(sk[0], sk[1]);
        EXPECT_EQ(sig[0], sig[1]);
        Bytes bad = sig[0];
        bad[rng() % bad.size()] ^= static_cast<std::uint8_t>(1U << (rng() % 8));
        for (int path = 0; path < 2; ++path) {
            ASSERT_TRUE(mldsa::detail::select_kernels_for_testing(path == 1));
            EXPECT_TRUE(mldsa::verify_internal(S, pk[0], message, sig[0]));
            EXPECT_FALSE(mldsa::verify_internal(S, pk[0], message, bad));
        }
    }
}

TEST(MlDsaKernels, SignAndVerifyAgreeOnBothPaths) {
    if (!have_avx2()) GTEST_SKIP() << "this CPU has no AVX2: only the portable path exists";
    sign_and_verify_on_both_paths<SignatureScheme::kMlDsa44>(44);
    sign_and_verify_on_both_paths<SignatureScheme::kMlDsa65>(65);
    sign_and_verify_on_both_paths<SignatureScheme::kMlDsa87>(87);
}

}  // namespace
}  // namespace qtm::crypto
