// The two variants of ML-KEM's kernels (portable and AVX2, mlkem/kernels.hpp) against the
// definitions of FIPS 203 and against each other, on random inputs and at the edges (all
// zero, all q - 1, the largest d-bit values, streams that accept or reject every candidate),
// exhaustively where the domain is small (Compress_d, Decompress_d); then whole KeyGen,
// Encaps and Decaps on both paths in one process. The same program also runs with
// QTM_CRYPTO_PORTABLE=1 (ctest "portable." entry); ForcedPortableIsHonoured proves that
// that run is on the portable path.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string_view>
#include <vector>

#include "crypto/cpu.hpp"
#include "crypto/mlkem.hpp"
#include "crypto/mlkem/kernels.hpp"
#include "crypto/mlkem/poly.hpp"

namespace qtm::crypto {
namespace {

using mlkem::kN;
using mlkem::kQ;
using mlkem::Poly;
namespace detail = mlkem::detail;

bool have_avx2() {
    return cpu_has_avx2();
}

Poly random_poly(std::mt19937& rng, std::uint32_t bound) {  // coefficients in [0, bound)
    Poly p;
    for (auto& c : p)
        c = static_cast<std::uint16_t>(rng() % bound);
    return p;
}
Poly constant_poly(std::uint16_t value) {
    Poly p;
    p.fill(value);
    return p;
}
// Random, all zero, all q - 1, alternating extremes, and random with runs of extremes.
std::vector<Poly> test_polys(std::mt19937& rng, std::size_t random_count) {
    std::vector<Poly> out{constant_poly(0), constant_poly(kQ - 1)};
    Poly alternating;
    for (std::size_t i = 0; i < kN; ++i)
        alternating[i] = static_cast<std::uint16_t>(i % 2 == 0 ? 0 : kQ - 1);
    out.push_back(alternating);
    for (std::size_t t = 0; t < random_count; ++t) {
        Poly p = random_poly(rng, kQ);
        if (t % 3 == 1) {
            for (std::size_t i = 0; i < kN; i += 5)
                p[i] = static_cast<std::uint16_t>((i / 5) % 2 == 0 ? kQ - 1 : 0);
        }
        out.push_back(p);
    }
    return out;
}

// FIPS 203 Algorithms 9-12 as written, with % q on exact products.
Poly reference_ntt(Poly f) {
    std::size_t k = 1;
    for (std::size_t len = 128; len >= 2; len /= 2) {
        for (std::size_t start = 0; start < kN; start += 2 * len) {
            const std::uint32_t zeta = detail::ntt_zeta(k++);
            for (std::size_t j = start; j < start + len; ++j) {
                const std::uint32_t t = zeta * f[j + len] % kQ;
                f[j + len] = static_cast<std::uint16_t>((f[j] + kQ - t) % kQ);
                f[j] = static_cast<std::uint16_t>((f[j] + t) % kQ);
            }
        }
    }
    return f;
}
Poly reference_inverse_ntt(Poly f) {
    std::size_t k = 127;
    for (std::size_t len = 2; len <= 128; len *= 2) {
        for (std::size_t start = 0; start < kN; start += 2 * len) {
            const std::uint32_t zeta = detail::ntt_zeta(k--);
            for (std::size_t j = start; j < start + len; ++j) {
                const std::uint32_t t = f[j];
                f[j] = static_cast<std::uint16_t>((t + f[j + len]) % kQ);
                f[j + len] = static_cast<std::uint16_t>(zeta * ((f[j + len] + kQ - t) % kQ) % kQ);
            }
        }
    }
    for (auto& c : f)
        c = static_cast<std::uint16_t>(c * 3303U % kQ);  // 128^-1
    return f;
}
Poly reference_product(const Poly& f, const Poly& g) {
    Poly h;
    for (std::size_t i = 0; i < 128; ++i) {
        const std::uint64_t a0 = f[2 * i], a1 = f[2 * i + 1], b0 = g[2 * i], b1 = g[2 * i + 1];
        h[2 * i] =
            static_cast<std::uint16_t>((a0 * b0 + a1 * b1 % kQ * detail::basecase_gamma(i)) % kQ);
        h[2 * i + 1] = static_cast<std::uint16_t>((a0 * b1 + a1 * b0) % kQ);
    }
    return h;
}

TEST(MlKemKernels, PortableMatchesTheDefinitions) {
    std::mt19937 rng{51};
    for (const Poly& a : test_polys(rng, 20)) {
        Poly w = a;
        detail::ntt_portable(w);
        EXPECT_EQ(w, reference_ntt(a));
        Poly v = a;
        detail::inverse_ntt_portable(v);
        EXPECT_EQ(v, reference_inverse_ntt(a));
        const Poly b = random_poly(rng, kQ);
        Poly h;
        detail::inner_product_portable(&a, &b, 1, h);
        EXPECT_EQ(h, reference_product(a, b));
    }
}

TEST(MlKemKernels, Avx2NttMatchesPortable) {
    if (!have_avx2()) GTEST_SKIP() << "this CPU has no AVX2: only the portable path exists";
    std::mt19937 rng{52};
    for (const Poly& a : test_polys(rng, 300)) {
        Poly p = a, v = a;
        detail::ntt_portable(p);
        detail::ntt_avx2(v);
        ASSERT_EQ(p, v) << "ntt";
        p = a;
        v = a;
        detail::inverse_ntt_portable(p);
        detail::inverse_ntt_avx2(v);
        ASSERT_EQ(p, v) << "inverse ntt";
    }
}

TEST(MlKemKernels, Avx2ProductsAndSumsMatchPortable) {
    if (!have_avx2()) GTEST_SKIP() << "this CPU has no AVX2: only the portable path exists";
    std::mt19937 rng{53};
    const std::vector<Poly> polys = test_polys(rng, 60);
    for (std::size_t t = 0; t < polys.size(); ++t) {
        for (std::size_t count = 1; count <= mlkem::kMaxK; ++count) {
            Poly a[mlkem::kMaxK], b[mlkem::kMaxK];
            for (std::size_t j = 0; j < count; ++j) {
                a[j] = polys[(t + j) % polys.size()];
                b[j] = polys[(t * 7 + 3 * j + 1) % polys.size()];
            }
            if (t == 1) {  // every term at its largest: all q - 1
                for (std::size_t j = 0; j < count; ++j)
                    a[j] = b[j] = constant_poly(kQ - 1);
            }
            Poly p, v;
            detail::inner_product_portable(a, b, count, p);
            detail::inner_product_avx2(a, b, count, v);
            ASSERT_EQ(p, v) << "inner product of " << count << ", case " << t;
        }
        const Poly& x = polys[t];
        const Poly& y = polys[(t + 5) % polys.size()];
        Poly p = x, v = x;
        detail::add_portable(p, y);
        detail::add_avx2(v, y);
        ASSERT_EQ(p, v) << "add, case " << t;
        p = x;
        v = x;
        detail::subtract_portable(p, y);
        detail::subtract_avx2(v, y);
        ASSERT_EQ(p, v) << "subtract, case " << t;
    }
}

TEST(MlKemKernels, Avx2CompressionMatchesPortableForEveryInput) {
    if (!have_avx2()) GTEST_SKIP() << "this CPU has no AVX2: only the portable path exists";
    for (const unsigned d : {1U, 4U, 5U, 10U, 11U}) {
        for (std::uint32_t first = 0; first < kQ; first += kN) {  // every x in [0, q)
            Poly x;
            for (std::size_t i = 0; i < kN; ++i)
                x[i] = static_cast<std::uint16_t>(std::min<std::size_t>(first + i, kQ - 1));
            Poly p = x, v = x;
            detail::compress_portable(p, d);
            detail::compress_avx2(v, d);
            ASSERT_EQ(p, v) << "compress " << d << " from " << first;
        }
        for (std::uint32_t first = 0; first < (1U << d); first += kN) {  // every y < 2^d
            Poly y;
            for (std::size_t i = 0; i < kN; ++i)
                y[i] = static_cast<std::uint16_t>((first + i) % (1U << d));
            Poly p = y, v = y;
            detail::decompress_portable(p, d);
            detail::decompress_avx2(v, d);
            ASSERT_EQ(p, v) << "decompress " << d << " from " << first;
        }
    }
}

TEST(MlKemKernels, Avx2EncodingMatchesPortable) {
    if (!have_avx2()) GTEST_SKIP() << "this CPU has no AVX2: only the portable path exists";
    std::mt19937 rng{54};
    for (const unsigned d : {1U, 4U, 5U, 10U, 11U, 12U}) {
        const std::uint32_t bound = d == 12 ? kQ : 1U << d;
        std::vector<Poly> inputs{constant_poly(0),
                                 constant_poly(static_cast<std::uint16_t>(bound - 1))};
        for (int t = 0; t < 50; ++t)
            inputs.push_back(random_poly(rng, bound));
        for (const Poly& f : inputs) {
            std::uint8_t p[32 * 12] = {}, v[32 * 12 + 1] = {};
            v[32 * d] = 0xA5;  // nothing is written past 32 d bytes
            detail::byte_encode_portable(f, d, p);
            detail::byte_encode_avx2(f, d, v);
            ASSERT_EQ(0, std::memcmp(p, v, 32 * d)) << "encode " << d;
            ASSERT_EQ(v[32 * d], 0xA5) << "encode " << d;
            // Decoding from a buffer of exactly 32 d bytes (under ASan an over-read fails).
            const std::vector<std::uint8_t> exact(v, v + 32 * d);
            Poly back;
            detail::byte_decode_avx2(exact.data(), d, back);
            ASSERT_EQ(back, f) << "decode " << d;
            std::vector<std::uint8_t> written(32 * d);
            detail::byte_encode_avx2(f, d, written.data());
            ASSERT_EQ(0, std::memcmp(p, written.data(), 32 * d)) << "encode " << d;
        }
        // Decoding arbitrary bytes (for d = 12 including values from q to 4095).
        for (int t = 0; t < 50; ++t) {
            std::vector<std::uint8_t> bytes(32 * d);
            for (auto& b : bytes)
                b = static_cast<std::uint8_t>(t == 0 ? 0xFF : t == 1 ? 0 : rng());
            Poly p, v;
            detail::byte_decode_portable(bytes.data(), d, p);
            detail::byte_decode_avx2(bytes.data(), d, v);
            ASSERT_EQ(p, v) << "decode " << d << ", case " << t;
        }
    }
}

TEST(MlKemKernels, Avx2RejectionSamplingMatchesPortable) {
    if (!have_avx2()) GTEST_SKIP() << "this CPU has no AVX2: only the portable path exists";
    std::mt19937 rng{55};
    for (int t = 0; t < 400; ++t) {
        // Lengths as sample_ntt_many uses them (3 and 1 blocks of 168 bytes) and others.
        const std::size_t length = t % 4 == 0 ? 504 : t % 4 == 1 ? 168 : 3 * (rng() % 200);
        std::vector<std::uint8_t> bytes(length + 32);
        for (auto& b : bytes)
            b = static_cast<std::uint8_t>(rng());
        if (t % 10 == 3) std::fill(bytes.begin(), bytes.end(), 0xFF);  // rejects all
        if (t % 10 == 4) std::fill(bytes.begin(), bytes.end(), 0x00);  // accepts all
        if (t % 10 == 5) {  // candidates q - 1, q, 4095 and 0 in turn
            for (std::size_t i = 0; i + 3 <= length; i += 3) {
                const std::uint32_t d1 = (i / 3) % 2 == 0 ? kQ - 1 : kQ;
                const std::uint32_t d2 = (i / 3) % 3 == 0 ? 4095 : 0;
                bytes[i] = static_cast<std::uint8_t>(d1);
                bytes[i + 1] = static_cast<std::uint8_t>((d1 >> 8) | ((d2 & 0xF) << 4));
                bytes[i + 2] = static_cast<std::uint8_t>(d2 >> 4);
            }
        }
        const std::size_t filled = t % 3 == 0 ? 0 : rng() % kN;
        Poly p{}, v{};
        const std::size_t np = detail::rej_uniform_portable(p.data(), filled, bytes.data(), length);
        const std::size_t nv = detail::rej_uniform_avx2(v.data(), filled, bytes.data(), length);
        ASSERT_EQ(np, nv) << "case " << t;
        for (std::size_t i = 0; i < np; ++i)
            ASSERT_EQ(p[i], v[i]) << "case " << t << ", coefficient " << i;
    }
}

TEST(MlKemKernels, Avx2CbdMatchesPortable) {
    if (!have_avx2()) GTEST_SKIP() << "this CPU has no AVX2: only the portable path exists";
    std::mt19937 rng{56};
    for (const unsigned eta : {2U, 3U}) {
        for (int t = 0; t < 200; ++t) {
            std::vector<std::uint8_t> bytes(64 * eta);  // exactly: ASan sees an over-read
            for (auto& b : bytes)
                b = static_cast<std::uint8_t>(t == 0 ? 0 : t == 1 ? 0xFF : t == 2 ? 0x0F : rng());
            Poly p, v;
            detail::cbd_portable(bytes.data(), eta, p);
            detail::cbd_avx2(bytes.data(), eta, v);
            ASSERT_EQ(p, v) << "eta " << eta << ", case " << t;
        }
    }
}

TEST(MlKemKernels, ForcedPortableIsHonoured) {
    const char* forced = std::getenv("QTM_CRYPTO_PORTABLE");
    if (forced != nullptr && std::string_view{forced} == "1") {
        EXPECT_TRUE(portable_forced());
        EXPECT_FALSE(use_avx2());
        EXPECT_FALSE(detail::avx2_kernels_active());
    } else {
        EXPECT_EQ(use_avx2(), have_avx2());
        EXPECT_EQ(detail::avx2_kernels_active(), have_avx2());
    }
}

// Restores the process's choice of kernels when a test switched them.
class KernelSwitch {
public:
    KernelSwitch() : avx2_{detail::avx2_kernels_active()} {}
    ~KernelSwitch() { (void)detail::select_kernels_for_testing(avx2_); }
    KernelSwitch(const KernelSwitch&) = delete;
    KernelSwitch& operator=(const KernelSwitch&) = delete;

private:
    bool avx2_;
};

TEST(MlKemKernels, KeyGenEncapsDecapsAgreeOnBothPaths) {
    if (!have_avx2()) GTEST_SKIP() << "this CPU has no AVX2: only the portable path exists";
    KernelSwitch restore;
    std::mt19937 rng{57};
    for (const auto set : {MlKemParameterSet::kMlKem512, MlKemParameterSet::kMlKem768,
                           MlKemParameterSet::kMlKem1024}) {
        for (int trial = 0; trial < 20; ++trial) {
            ByteArray<32> d, z, m;
            for (auto* seed : {&d, &z, &m})
                for (auto& b : *seed)
                    b = static_cast<std::uint8_t>(rng());
            Bytes ek[2], dk[2], ct[2], bad;
            MlKemSharedSecret key[2], received[2], rejected[2];
            for (int path = 0; path < 2; ++path) {
                ASSERT_TRUE(detail::select_kernels_for_testing(path == 1));
                const auto pair = mlkem_keygen(set, d, z);
                ek[path] = pair.encapsulation_key;
                dk[path] = Bytes(pair.decapsulation_key.bytes().begin(),
                                 pair.decapsulation_key.bytes().end());
                auto sent = mlkem_encaps(set, ek[path], m);
                ASSERT_TRUE(sent.has_value());
                ct[path] = sent->ciphertext;
                key[path] = sent->shared_secret;
                if (path == 0) {
                    bad = ct[0];
                    bad[rng() % bad.size()] ^= static_cast<std::uint8_t>(1U << (rng() % 8));
                }
                auto got = mlkem_decaps(set, dk[path], ct[path]);
                auto implicit = mlkem_decaps(set, dk[path], bad);
                ASSERT_TRUE(got.has_value() && implicit.has_value());
                received[path] = *got;
                rejected[path] = *implicit;
            }
            EXPECT_EQ(ek[0], ek[1]);
            EXPECT_EQ(dk[0], dk[1]);
            EXPECT_EQ(ct[0], ct[1]);
            EXPECT_EQ(key[0], key[1]);
            EXPECT_EQ(received[0], key[0]);
            EXPECT_EQ(received[1], key[1]);
            EXPECT_EQ(rejected[0], rejected[1]);
            EXPECT_NE(rejected[0], key[0]);
        }
    }
}

}  // namespace
}  // namespace qtm::crypto
