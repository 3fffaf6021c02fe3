// X25519 against RFC 7748: the two scalar-multiplication vectors and the 1- and
// 1,000-iteration values of §5.2, the Diffie-Hellman example of §6.1, and the refusal of
// small-order peer keys (all-zero shared secret).
#include <gtest/gtest.h>

#include "base/hex.hpp"
#include "crypto/x25519.hpp"

namespace qtm::crypto {
namespace {

ByteArray<32> h32(std::string_view hex) {
    return from_hex_fixed<32>(hex).value();
}

std::string hex(ByteView bytes) {
    return to_hex(bytes, /*with_prefix=*/false);
}

TEST(X25519, Rfc7748ScalarMultiplicationVectors) {
    struct Vector {
        const char* scalar;
        const char* u;
        const char* out;
    };
    // RFC 7748 §5.2. The second u-coordinate has its top bit set, which X25519 ignores.
    const Vector vectors[] = {
        {"a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
         "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
         "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"},
        {"4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
         "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
         "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"},
    };
    for (const auto& v : vectors) {
        const X25519Secret scalar{h32(v.scalar)};
        const auto shared = x25519(scalar, h32(v.u));
        ASSERT_TRUE(shared);
        EXPECT_EQ(hex(shared->bytes()), v.out);
    }
}

TEST(X25519, Rfc7748IteratedVectors) {
    // RFC 7748 §5.2: k = u = 9; each round k, u = X25519(k, u), k. The 1,000,000-round
    // value is not checked here (minutes of CPU); 1 and 1,000 are.
    ByteArray<32> k{};
    k[0] = 9;
    ByteArray<32> u = k;
    for (int round = 1; round <= 1000; ++round) {
        const auto next = x25519(X25519Secret{k}, u);
        ASSERT_TRUE(next);
        u = k;
        k = next->array();
        if (round == 1) {
            EXPECT_EQ(hex(k), "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
        }
    }
    EXPECT_EQ(hex(k), "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
}

TEST(X25519, Rfc7748DiffieHellmanExample) {
    // RFC 7748 §6.1.
    const auto alice =
        x25519_keygen(h32("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
    const auto bob =
        x25519_keygen(h32("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
    EXPECT_EQ(hex(alice.public_key),
              "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    EXPECT_EQ(hex(bob.public_key),
              "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    const auto k_alice = x25519(alice.private_key, bob.public_key);
    const auto k_bob = x25519(bob.private_key, alice.public_key);
    ASSERT_TRUE(k_alice);
    ASSERT_TRUE(k_bob);
    EXPECT_EQ(hex(k_alice->bytes()),
              "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    EXPECT_EQ(hex(k_bob->bytes()), hex(k_alice->bytes()));
}

TEST(X25519, RandomKeysAgree) {
    const auto a = x25519_keygen();
    const auto b = x25519_keygen();
    EXPECT_NE(hex(a.public_key), hex(b.public_key));
    const auto ab = x25519(a.private_key, b.public_key);
    const auto ba = x25519(b.private_key, a.public_key);
    ASSERT_TRUE(ab);
    ASSERT_TRUE(ba);
    EXPECT_EQ(hex(ab->bytes()), hex(ba->bytes()));
}

TEST(X25519, SmallOrderPeerKeysAreRefused) {
    const auto own = x25519_keygen();
    // u = 0 and u = 1 are of small order; so is u = p (= 0 mod p) and u = p + 1 (= 1).
    const char* small_order[] = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        // A point of order 8 (the x-coordinate of a torsion point, little-endian).
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
    };
    for (const char* u : small_order) {
        const auto shared = x25519(own.private_key, h32(u));
        ASSERT_FALSE(shared) << u;
        EXPECT_EQ(shared.error(), X25519Error::kLowOrderPoint);
    }
}

}  // namespace
}  // namespace qtm::crypto
