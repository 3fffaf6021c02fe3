// Unit tests for ML-DSA (FIPS 204): the ring arithmetic against schoolbook multiplication,
// the rounding lemmas, round trips per parameter set, and verify() on malformed input.
#include <gtest/gtest.h>

#include <random>

#include "crypto/mldsa.hpp"
#include "crypto/mldsa/encoding.hpp"
#include "crypto/mldsa/internal.hpp"
#include "crypto/mldsa/poly.hpp"
#include "crypto/mldsa/rounding.hpp"

namespace qtm::crypto {
namespace {

using mldsa::kN;
using mldsa::kQ;
using mldsa::Poly;

Poly random_poly(std::mt19937& rng) {
    std::uniform_int_distribution<std::int32_t> coefficient{0, kQ - 1};
    Poly p;
    for (auto& c : p)
        c = coefficient(rng);
    return p;
}

// Multiplication in Z_q[X]/(X^256 + 1) by the definition: X^256 = -1.
Poly schoolbook(const Poly& a, const Poly& b) {
    std::array<std::int64_t, kN> sum{};
    for (std::size_t i = 0; i < kN; ++i) {
        for (std::size_t j = 0; j < kN; ++j) {
            const std::int64_t product = static_cast<std::int64_t>(a[i]) * b[j] % kQ;
            if (i + j < kN) {
                sum[i + j] += product;
            } else {
                sum[i + j - kN] -= product;
            }
        }
    }
    Poly c;
    for (std::size_t i = 0; i < kN; ++i)
        c[i] = static_cast<std::int32_t>(((sum[i] % kQ) + kQ) % kQ);
    return c;
}

TEST(MlDsaRing, NttRoundTripAndProductMatchSchoolbook) {
    std::mt19937 rng{204};
    for (int trial = 0; trial < 8; ++trial) {
        const Poly a = random_poly(rng);
        const Poly b = random_poly(rng);
        Poly a_hat = a;
        Poly b_hat = b;
        mldsa::ntt(a_hat);
        mldsa::ntt(b_hat);
        Poly back = a_hat;
        mldsa::inverse_ntt(back);
        EXPECT_EQ(back, a);
        Poly product = mldsa::multiply_ntt(a_hat, b_hat);
        mldsa::inverse_ntt(product);
        EXPECT_EQ(product, schoolbook(a, b));
    }
}

TEST(MlDsaRounding, Power2RoundReassembles) {
    for (std::int32_t r = 0; r < kQ; r += 97) {
        const auto split = mldsa::power2round(r);
        EXPECT_EQ(split.high * (1 << mldsa::kD) + split.low, r);
        EXPECT_GT(split.low, -(1 << (mldsa::kD - 1)));
        EXPECT_LE(split.low, 1 << (mldsa::kD - 1));
    }
}

TEST(MlDsaRounding, DecomposeReassemblesAndStaysInRange) {
    for (const std::int32_t gamma2 : {(kQ - 1) / 88, (kQ - 1) / 32}) {
        const std::int32_t alpha = 2 * gamma2;
        const std::int32_t m = (kQ - 1) / alpha;
        auto check = [&](std::int32_t r) {
            const auto split = mldsa::decompose(r, gamma2);
            ASSERT_GE(split.high, 0) << r;
            ASSERT_LT(split.high, m) << r;
            ASSERT_GE(split.low, -gamma2) << r;
            ASSERT_LE(split.low, gamma2) << r;
            const std::int64_t back =
                (static_cast<std::int64_t>(split.high) * alpha + split.low + kQ) % kQ;
            ASSERT_EQ(back, r);
        };
        for (std::int32_t r = 0; r < kQ; r += 61)
            check(r);
        // The corner case of Algorithm 36 lies at the top of the range.
        for (std::int32_t r = kQ - 1 - gamma2 - 2; r < kQ; ++r)
            check(r);
    }
}

TEST(MlDsaRounding, UseHintRecoversHighBitsOfSum) {
    // FIPS 204 §7.4 (Lemma 1 of the Dilithium paper): for |z| <= gamma2,
    // UseHint(MakeHint(z, r), r) = HighBits(r + z).
    std::mt19937 rng{44};
    for (const std::int32_t gamma2 : {(kQ - 1) / 88, (kQ - 1) / 32}) {
        std::uniform_int_distribution<std::int32_t> any{0, kQ - 1};
        std::uniform_int_distribution<std::int32_t> small{-gamma2, gamma2};
        for (int trial = 0; trial < 100000; ++trial) {
            const std::int32_t r = any(rng);
            const std::int32_t z = mldsa::to_field(small(rng));
            const std::int32_t hint = mldsa::make_hint(z, r, gamma2);
            const std::int32_t sum = mldsa::reduce_add(r, z);
            ASSERT_EQ(mldsa::use_hint(hint, r, gamma2), mldsa::decompose(sum, gamma2).high)
                << r << " " << z;
        }
    }
}

TEST(SignatureScheme, ParseAndName) {
    EXPECT_EQ(parse_signature_scheme(0).error(), SignatureSchemeError::kReserved);
    EXPECT_EQ(parse_signature_scheme(4).error(), SignatureSchemeError::kUnknown);
    EXPECT_EQ(parse_signature_scheme(255).error(), SignatureSchemeError::kUnknown);
    EXPECT_EQ(*parse_signature_scheme(1), SignatureScheme::kMlDsa44);
    EXPECT_EQ(*parse_signature_scheme(3), SignatureScheme::kMlDsa87);
    EXPECT_EQ(to_string(SignatureScheme::kMlDsa65), "ML-DSA-65");
    EXPECT_EQ(signature_sizes(SignatureScheme::kMlDsa44).signature, 2420U);
}

template <class T>
class MlDsaRoundTrip : public ::testing::Test {};
template <SignatureScheme S>
struct Scheme {
    static constexpr SignatureScheme kValue = S;
};
using Schemes =
    ::testing::Types<Scheme<SignatureScheme::kMlDsa44>, Scheme<SignatureScheme::kMlDsa65>,
                     Scheme<SignatureScheme::kMlDsa87>>;
TYPED_TEST_SUITE(MlDsaRoundTrip, Schemes);

TYPED_TEST(MlDsaRoundTrip, SignVerifyHedgedAndDeterministic) {
    constexpr SignatureScheme kS = TypeParam::kValue;
    const auto pair = mldsa_keygen<kS>();
    const Bytes message = to_bytes(as_bytes("transfer 1 QTM"));
    const ByteView context = as_bytes("qtm/tx/v1");

    const auto hedged1 = mldsa_sign<kS>(pair.secret_key, message, context);
    const auto hedged2 = mldsa_sign<kS>(pair.secret_key, message, context);
    ASSERT_TRUE(hedged1.has_value() && hedged2.has_value());
    EXPECT_NE(hedged1->bytes, hedged2->bytes);  // fresh rnd each time
    EXPECT_TRUE(verify(pair.public_key, message, context, *hedged1));
    EXPECT_TRUE(verify(pair.public_key, message, context, *hedged2));

    const auto det1 =
        mldsa_sign<kS>(pair.secret_key, message, context, SigningMode::kDeterministic);
    const auto det2 =
        mldsa_sign<kS>(pair.secret_key, message, context, SigningMode::kDeterministic);
    ASSERT_TRUE(det1.has_value() && det2.has_value());
    EXPECT_EQ(det1->bytes, det2->bytes);
    EXPECT_TRUE(verify(kS, pair.public_key.bytes, message, context, det1->bytes));

    // The empty context and the longest one are both valid.
    const Bytes longest(255, 0xA5);
    for (const ByteView ctx : {ByteView{}, ByteView{longest}}) {
        const auto sig = mldsa_sign<kS>(pair.secret_key, message, ctx);
        ASSERT_TRUE(sig.has_value());
        EXPECT_TRUE(verify(pair.public_key, message, ctx, *sig));
    }
    // Wrong message, wrong context, wrong key.
    EXPECT_FALSE(verify(pair.public_key, as_bytes("transfer 2 QTM"), context, *hedged1));
    EXPECT_FALSE(verify(pair.public_key, message, as_bytes("qtm/vote/v1"), *hedged1));
    EXPECT_FALSE(verify(pair.public_key, message, {}, *hedged1));
    const auto other = mldsa_keygen<kS>();
    EXPECT_FALSE(verify(other.public_key, message, context, *hedged1));
}

TYPED_TEST(MlDsaRoundTrip, KeygenFromSeedIsKeyGenInternal) {
    constexpr SignatureScheme kS = TypeParam::kValue;
    ByteArray<32> seed{};
    seed[0] = 7;
    const auto a = mldsa_keygen<kS>(seed);
    const auto b = mldsa_keygen<kS>(seed);
    EXPECT_EQ(a.public_key.bytes, b.public_key.bytes);
    EXPECT_TRUE(equal(a.secret_key.bytes(), b.secret_key.bytes()));
    Bytes pk(signature_sizes(kS).public_key);
    Bytes sk(signature_sizes(kS).secret_key);
    mldsa::keygen_internal(kS, seed, pk, sk);
    EXPECT_TRUE(equal(pk, a.public_key.bytes));
    EXPECT_TRUE(equal(sk, a.secret_key.bytes()));
}

class MlDsa44Negative : public ::testing::Test {
protected:
    static constexpr SignatureScheme kS = SignatureScheme::kMlDsa44;
    void SetUp() override {
        ByteArray<32> seed{};
        seed[31] = 44;
        auto pair = mldsa_keygen<kS>(seed);
        pk_ = to_bytes(pair.public_key.bytes);
        sk_ = to_bytes(pair.secret_key.bytes());
        auto sig = mldsa_sign(kS, sk_, message_, context_, SigningMode::kDeterministic);
        ASSERT_TRUE(sig.has_value());
        sig_ = *sig;
        ASSERT_TRUE(verify(kS, pk_, message_, context_, sig_));
    }
    bool verifies(ByteView pk, ByteView sig) const {
        return verify(kS, pk, message_, context_, sig);
    }
    const mldsa::Params& params_ = mldsa::kMlDsa44;
    Bytes message_ = to_bytes(as_bytes("vote for block 42"));
    Bytes context_ = to_bytes(as_bytes("qtm/vote/v1"));
    Bytes pk_, sk_, sig_;
};

TEST_F(MlDsa44Negative, EveryFlippedSignatureByteFails) {
    int rejected = 0;
    for (std::size_t i = 0; i < sig_.size(); ++i) {
        Bytes bad = sig_;
        bad[i] ^= 0x01;
        const bool ok = verifies(pk_, bad);
        EXPECT_FALSE(ok) << "byte " << i;
        rejected += ok ? 0 : 1;
    }
    EXPECT_EQ(rejected, 2420);
}

TEST_F(MlDsa44Negative, FlippedPublicKeyBytesFail) {
    for (std::size_t i = 0; i < pk_.size(); i += 13) {
        Bytes bad = pk_;
        bad[i] ^= 0x80;
        EXPECT_FALSE(verifies(bad, sig_)) << "byte " << i;
    }
}

TEST_F(MlDsa44Negative, ContextTooLongIsRejected) {
    const Bytes too_long(256, 0x11);
    const auto sig = mldsa_sign(kS, sk_, message_, too_long);
    ASSERT_FALSE(sig.has_value());
    EXPECT_EQ(sig.error(), MlDsaError::kContextTooLong);
    EXPECT_FALSE(verify(kS, pk_, message_, too_long, sig_));
}

TEST_F(MlDsa44Negative, WrongLengthsAndSchemesFail) {
    for (const std::size_t size :
         {std::size_t{0}, std::size_t{1}, sig_.size() - 1, sig_.size() + 1}) {
        Bytes bad = sig_;
        bad.resize(size);
        EXPECT_FALSE(verifies(pk_, bad)) << "signature of " << size << " bytes";
    }
    for (const std::size_t size :
         {std::size_t{0}, std::size_t{1}, pk_.size() - 1, pk_.size() + 1}) {
        Bytes bad = pk_;
        bad.resize(size);
        EXPECT_FALSE(verifies(bad, sig_)) << "public key of " << size << " bytes";
    }
    for (const int id : {0, 2, 3, 4, 255}) {
        EXPECT_FALSE(verify(static_cast<SignatureScheme>(static_cast<std::uint8_t>(id)), pk_,
                            message_, context_, sig_));
    }
    EXPECT_FALSE(mldsa_sign(kS, ByteView{sk_}.first(100), message_, context_).has_value());
}

TEST_F(MlDsa44Negative, MalformedHintsFail) {
    const std::size_t hint = params_.c_tilde_bytes + 32 * 18 * params_.l;
    const std::size_t omega = params_.omega;
    const std::size_t k = params_.k;
    ASSERT_EQ(hint + omega + k, sig_.size());
    const std::size_t total = sig_[hint + omega + k - 1];
    ASSERT_GE(total, 2U) << "need at least two hint bits for these cases";
    ASSERT_LT(total, omega) << "need padding for these cases";

    Bytes bad = sig_;
    bad[hint + omega + k - 1] = static_cast<std::uint8_t>(omega + 1);  // count above omega
    EXPECT_FALSE(verifies(pk_, bad));

    bad = sig_;
    bad[hint + omega] = static_cast<std::uint8_t>(bad[hint + omega + 1] + 1);  // counts decrease
    EXPECT_FALSE(verifies(pk_, bad));

    bad = sig_;
    bad[hint + total] = 1;  // nonzero padding after the last index
    EXPECT_FALSE(verifies(pk_, bad));

    // Indices must strictly increase within a polynomial: find two in the same one.
    std::size_t start = 0;
    bool tested = false;
    for (std::size_t i = 0; i < k && !tested; ++i) {
        const std::size_t end = sig_[hint + omega + i];
        if (end >= start + 2) {
            bad = sig_;
            bad[hint + start + 1] = bad[hint + start];  // repeated index
            EXPECT_FALSE(verifies(pk_, bad));
            bad = sig_;
            std::swap(bad[hint + start], bad[hint + start + 1]);  // decreasing indices
            EXPECT_FALSE(verifies(pk_, bad));
            tested = true;
        }
        start = end;
    }
    EXPECT_TRUE(tested);

    // Every byte value in every hint position: never a crash, and never valid unless it is
    // the original byte.
    for (std::size_t i = hint; i < sig_.size(); ++i) {
        for (int value = 0; value < 256; value += 17) {
            bad = sig_;
            if (bad[i] == value) continue;
            bad[i] = static_cast<std::uint8_t>(value);
            EXPECT_FALSE(verifies(pk_, bad)) << "hint byte " << i - hint << " = " << value;
        }
    }
}

TEST_F(MlDsa44Negative, HintDecoderRejectsWithoutVerifying) {
    mldsa::PolyVecL z;
    mldsa::PolyVecK h;
    EXPECT_TRUE(mldsa::sig_decode(params_, sig_.data(), z, h));
    Bytes bad = sig_;
    bad.back() = static_cast<std::uint8_t>(params_.omega + 1);
    EXPECT_FALSE(mldsa::sig_decode(params_, bad.data(), z, h));
}

}  // namespace
}  // namespace qtm::crypto
