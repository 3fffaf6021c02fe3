// ML-KEM: the polynomial arithmetic against schoolbook definitions, round trips per
// parameter set, implicit rejection on every modified ciphertext, and the input checks.
#include <gtest/gtest.h>

#include <random>

#include "crypto/keccak.hpp"
#include "crypto/mlkem.hpp"
#include "crypto/mlkem/poly.hpp"

namespace qtm::crypto {
namespace {

using mlkem::kN;
using mlkem::kQ;
using mlkem::Poly;

constexpr MlKemParameterSet kAllSets[] = {
    MlKemParameterSet::kMlKem512, MlKemParameterSet::kMlKem768, MlKemParameterSet::kMlKem1024};

Poly random_poly(std::mt19937_64& rng) {
    Poly f;
    for (auto& c : f)
        c = static_cast<std::uint16_t>(rng() % kQ);
    return f;
}

// f * g in Z_q[X]/(X^256 + 1) by the definition.
Poly schoolbook_multiply(const Poly& f, const Poly& g) {
    std::array<std::int64_t, kN> acc{};
    for (std::size_t i = 0; i < kN; ++i) {
        for (std::size_t j = 0; j < kN; ++j) {
            const std::int64_t product = std::int64_t{f[i]} * g[j];
            if (i + j < kN) {
                acc[i + j] += product;
            } else {
                acc[i + j - kN] -= product;  // X^256 = -1
            }
        }
    }
    Poly out;
    for (std::size_t i = 0; i < kN; ++i) {
        out[i] = static_cast<std::uint16_t>(((acc[i] % kQ) + kQ) % kQ);
    }
    return out;
}

TEST(MlKemPoly, NttRoundTripsAndMultipliesLikeSchoolbook) {
    std::mt19937_64 rng{203};
    for (int round = 0; round < 20; ++round) {
        const Poly f = random_poly(rng);
        const Poly g = random_poly(rng);
        Poly f_hat = f;
        mlkem::ntt(f_hat);
        Poly back = f_hat;
        mlkem::inverse_ntt(back);
        ASSERT_EQ(back, f);
        Poly g_hat = g;
        mlkem::ntt(g_hat);
        Poly product = mlkem::multiply_ntts(f_hat, g_hat);
        mlkem::inverse_ntt(product);
        ASSERT_EQ(product, schoolbook_multiply(f, g));
    }
}

TEST(MlKemPoly, CompressionErrorIsBounded) {
    // |Decompress(Compress(x)) - x| mod± q <= round(q / 2^(d+1)) (FIPS 203 §4.2.1).
    for (const unsigned d : {1U, 4U, 5U, 10U, 11U}) {
        const auto bound = static_cast<std::int32_t>((kQ + (1U << d)) >> (d + 1));
        for (std::uint16_t x = 0; x < kQ; ++x) {
            Poly f{};
            f[0] = x;
            mlkem::compress(f, d);
            ASSERT_LT(f[0], 1U << d);
            mlkem::decompress(f, d);
            std::int32_t error =
                (static_cast<std::int32_t>(f[0]) - x) % static_cast<std::int32_t>(kQ);
            if (error > static_cast<std::int32_t>(kQ) / 2) error -= kQ;
            if (error < -static_cast<std::int32_t>(kQ) / 2) error += kQ;
            ASSERT_LE(std::abs(error), bound) << "d=" << d << " x=" << x;
        }
    }
}

TEST(MlKemPoly, ByteEncodingRoundTrips) {
    std::mt19937_64 rng{12};
    for (const unsigned d : {1U, 4U, 5U, 10U, 11U, 12U}) {
        Poly f;
        for (auto& c : f)
            c = static_cast<std::uint16_t>(rng() % (d == 12 ? kQ : 1U << d));
        std::uint8_t bytes[384];
        mlkem::byte_encode(f, d, bytes);
        ASSERT_EQ(mlkem::byte_decode(bytes, d), f) << "d=" << d;
    }
}

TEST(MlKem, RoundTripEverySet) {
    for (const auto set : kAllSets) {
        for (int round = 0; round < 5; ++round) {
            const auto pair = mlkem_keygen(set);
            const auto sizes = mlkem_sizes(set);
            ASSERT_EQ(pair.encapsulation_key.size(), sizes.encapsulation_key);
            ASSERT_EQ(pair.decapsulation_key.bytes().size(), sizes.decapsulation_key);
            const auto sent = mlkem_encaps(set, pair.encapsulation_key);
            ASSERT_TRUE(sent.has_value());
            ASSERT_EQ(sent->ciphertext.size(), sizes.ciphertext);
            const auto received =
                mlkem_decaps(set, pair.decapsulation_key.bytes(), sent->ciphertext);
            ASSERT_TRUE(received.has_value());
            EXPECT_EQ(*received, sent->shared_secret) << to_string(set);
        }
    }
}

// J(z || c), computed here from the definition, independently of mlkem_decaps.
MlKemSharedSecret rejection_key(ByteView decapsulation_key, ByteView ciphertext) {
    Shake256 j;
    j.absorb(decapsulation_key.last(32));
    j.absorb(ciphertext);
    MlKemSharedSecret out;
    j.squeeze(out);
    return out;
}

TEST(MlKem, EveryModifiedCiphertextIsImplicitlyRejected) {
    for (const auto set : kAllSets) {
        ByteArray<32> d{}, z{}, m{};
        d[0] = 1, z[0] = 2, m[0] = static_cast<std::uint8_t>(set);
        const auto pair = mlkem_keygen(set, d, z);
        const auto sent = *mlkem_encaps(set, pair.encapsulation_key, m);
        const std::size_t step = set == MlKemParameterSet::kMlKem512 ? 1 : 7;  // all bytes of 512
        int checked = 0;
        for (std::size_t position = 0; position < sent.ciphertext.size(); position += step) {
            Bytes modified = sent.ciphertext;
            modified[position] ^= static_cast<std::uint8_t>(1U << (position % 8));
            const auto key = mlkem_decaps(set, pair.decapsulation_key.bytes(), modified);
            ASSERT_TRUE(key.has_value());
            ASSERT_NE(*key, sent.shared_secret) << to_string(set) << " byte " << position;
            ASSERT_EQ(*key, rejection_key(pair.decapsulation_key.bytes(), modified));
            ++checked;
        }
        EXPECT_GT(checked, 100);
    }
}

TEST(MlKem, MalformedInputsAreTypedErrors) {
    for (const auto set : kAllSets) {
        const auto pair = mlkem_keygen(set);
        const auto sizes = mlkem_sizes(set);
        const Bytes& ek = pair.encapsulation_key;
        const ByteView dk = pair.decapsulation_key.bytes();
        for (const std::size_t size : {std::size_t{0}, std::size_t{1}, sizes.encapsulation_key - 1,
                                       sizes.encapsulation_key + 1}) {
            EXPECT_EQ(mlkem_encaps(set, Bytes(size, 0)).error(),
                      MlKemError::kEncapsulationKeyLength);
        }
        const Bytes ciphertext = mlkem_encaps(set, ek)->ciphertext;
        EXPECT_EQ(mlkem_decaps(set, dk, ByteView{ciphertext}.first(ciphertext.size() - 1)).error(),
                  MlKemError::kCiphertextLength);
        EXPECT_EQ(mlkem_decaps(set, dk.first(dk.size() - 1), ciphertext).error(),
                  MlKemError::kDecapsulationKeyLength);

        // A coefficient of 0xfff >= q: the modulus check refuses the key.
        Bytes bad_ek = ek;
        bad_ek[0] = 0xff;
        bad_ek[1] |= 0x0f;
        EXPECT_EQ(mlkem_encaps(set, bad_ek).error(), MlKemError::kEncapsulationKeyModulus);
        // A dk whose stored H(ek) no longer matches.
        Bytes bad_dk(dk.begin(), dk.end());
        bad_dk[bad_dk.size() - 40] ^= 1;
        EXPECT_EQ(mlkem_decaps(set, bad_dk, ciphertext).error(), MlKemError::kDecapsulationKeyHash);
        EXPECT_EQ(mlkem_check_decapsulation_key(set, bad_dk).error(),
                  MlKemError::kDecapsulationKeyHash);
        EXPECT_TRUE(mlkem_check_encapsulation_key(set, ek).has_value());
        EXPECT_TRUE(mlkem_check_decapsulation_key(set, dk).has_value());
    }
}

}  // namespace
}  // namespace qtm::crypto
