// The two variants of ML-DSA's ring kernels (portable and AVX2, mldsa/kernels.hpp) against
// the definitions of FIPS 204 Algorithms 41/42 and against each other on random inputs at
// the edges of their input bounds, and whole sign/verify on both paths in one process.
// The same programs also run with QTM_CRYPTO_PORTABLE=1 (ctest "portable." entries);
// ForcedPortableIsHonoured proves that those runs are on the portable path.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "crypto/cpu.hpp"
#include "crypto/mldsa.hpp"
#include "crypto/mldsa/internal.hpp"
#include "crypto/mldsa/kernels.hpp"
#include "crypto/mldsa/poly.hpp"

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
