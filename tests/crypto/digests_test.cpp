// The OpenSSL wrappers the keystore, the JWT and the EVM's hash precompiles use
// (crypto/digests.hpp, aes_gcm.hpp, scrypt.hpp), against published vectors: FIPS 180-2's
// "abc" for SHA-256, the RIPEMD-160 authors' "abc", RFC 4231 test case 2 for HMAC-SHA-256,
// RFC 7914 §12's second vector for scrypt; AES-256-GCM by round trip and tampering.
#include <gtest/gtest.h>

#include <string_view>

#include "base/hex.hpp"
#include "crypto/aes_gcm.hpp"
#include "crypto/digests.hpp"
#include "crypto/scrypt.hpp"

namespace qtm::crypto {
namespace {

ByteView text(std::string_view value) {
    return {reinterpret_cast<const std::uint8_t*>(value.data()), value.size()};
}

TEST(Digests, Sha256OfAbc) {
    EXPECT_EQ(to_hex(sha256(text("abc")), false),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(to_hex(sha256({}), false),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Digests, Ripemd160OfAbc) {
    EXPECT_EQ(to_hex(ripemd160(text("abc")), false), "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
}

TEST(Digests, HmacSha256Rfc4231Case2) {
    EXPECT_EQ(to_hex(hmac_sha256(text("Jefe"), text("what do ya want for nothing?")), false),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Scrypt, Rfc7914SecondVector) {
    ByteArray<64> out{};
    ASSERT_TRUE(scrypt("password", text("NaCl"), ScryptCost{1024, 8, 16}, 64u << 20, out));
    EXPECT_EQ(to_hex(out, false),
              "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
              "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
}

TEST(Scrypt, RefusesParametersOverTheMemoryLimitAndBadCosts) {
    ByteArray<32> out{};
    const auto too_much = scrypt("pw", text("salt"), ScryptCost{1u << 20, 8, 1}, 64u << 20, out);
    ASSERT_FALSE(too_much);
    EXPECT_EQ(too_much.error(), ScryptError::kTooMuchMemory);
    EXPECT_EQ(scrypt_memory(ScryptCost{1u << 20, 8, 1}), 128ull * 8 * ((1u << 20) + 3));
    const auto not_power_of_two =
        scrypt("pw", text("salt"), ScryptCost{1000, 8, 1}, 64u << 20, out);
    ASSERT_FALSE(not_power_of_two);
    EXPECT_EQ(not_power_of_two.error(), ScryptError::kFailed);
}

TEST(AesGcm, RoundTripsAndRefusesAnyChange) {
    ByteArray<32> key{};
    key[0] = 7;
    ByteArray<12> iv{};
    iv[11] = 1;
    const auto aad = text("qtm-1 address");
    const auto plaintext = text("thirty-two bytes of seed material");
    Bytes ciphertext(plaintext.size());
    ByteArray<16> tag{};
    aes256_gcm_seal(key, iv, aad, plaintext, ciphertext, tag);
    EXPECT_NE(Bytes(plaintext.begin(), plaintext.end()), ciphertext);

    Bytes opened(ciphertext.size());
    ASSERT_TRUE(aes256_gcm_open(key, iv, aad, ciphertext, tag, opened));
    EXPECT_EQ(Bytes(plaintext.begin(), plaintext.end()), opened);

    const auto refused = [&](ByteView k, ByteView v, ByteView a, ByteView c, ByteView t) {
        Bytes out(c.size(), 0xaa);
        const auto result = aes256_gcm_open(k, v, a, c, t, out);
        if (result) return false;
        // Nothing unauthenticated is left in the output.
        return result.error() == AeadError::kAuthenticationFailed && out == Bytes(c.size(), 0);
    };
    ByteArray<32> other_key = key;
    other_key[31] ^= 1;
    ByteArray<12> other_iv = iv;
    other_iv[0] ^= 1;
    Bytes other_ciphertext = ciphertext;
    other_ciphertext[5] ^= 0x10;
    ByteArray<16> other_tag = tag;
    other_tag[15] ^= 0x80;
    EXPECT_TRUE(refused(other_key, iv, aad, ciphertext, tag));
    EXPECT_TRUE(refused(key, other_iv, aad, ciphertext, tag));
    EXPECT_TRUE(refused(key, iv, text("qtm-1 another"), ciphertext, tag));
    EXPECT_TRUE(refused(key, iv, aad, other_ciphertext, tag));
    EXPECT_TRUE(refused(key, iv, aad, ciphertext, other_tag));
    EXPECT_THROW(
        aes256_gcm_seal(key, iv, aad, plaintext, MutableByteView{ciphertext}.first(3), tag),
        std::invalid_argument);
}

}  // namespace
}  // namespace qtm::crypto
