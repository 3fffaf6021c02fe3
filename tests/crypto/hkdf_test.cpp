// HKDF-SHA-256 against RFC 5869 Appendix A.1-A.3 (PRK and OKM), and its limits.
#include <gtest/gtest.h>

#include "base/hex.hpp"
#include "crypto/hkdf.hpp"

namespace qtm::crypto {
namespace {

Bytes h(std::string_view hex) {
    return from_hex(hex).value();
}

Bytes sequence(std::uint8_t first, std::uint8_t last) {
    Bytes out;
    for (unsigned b = first; b <= last; ++b)
        out.push_back(static_cast<std::uint8_t>(b));
    return out;
}

struct Rfc5869Case {
    const char* name;
    Bytes ikm;
    Bytes salt;
    Bytes info;
    std::size_t length;
    const char* prk;
    const char* okm;
};

TEST(Hkdf, Rfc5869Sha256Vectors) {
    const Rfc5869Case cases[] = {
        {"A.1 basic", Bytes(22, 0x0b), h("000102030405060708090a0b0c"), h("f0f1f2f3f4f5f6f7f8f9"),
         42, "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
         "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"},
        {"A.2 longer inputs and outputs", sequence(0x00, 0x4f), sequence(0x60, 0xaf),
         sequence(0xb0, 0xff), 82,
         "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
         "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
         "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
         "cc30c58179ec3e87c14c01d5c1f3434f1d87"},
        {"A.3 zero-length salt and info",
         Bytes(22, 0x0b),
         {},
         {},
         42,
         "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
         "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const auto prk = hkdf_sha256_extract(c.salt, c.ikm);
        EXPECT_EQ(to_hex(prk.bytes(), false), c.prk);

        Bytes okm(c.length);
        ASSERT_TRUE(hkdf_sha256_expand(prk.bytes(), c.info, okm));
        EXPECT_EQ(to_hex(okm, false), c.okm);

        Bytes one_shot(c.length);
        ASSERT_TRUE(hkdf_sha256(c.salt, c.ikm, c.info, one_shot));
        EXPECT_EQ(to_hex(one_shot, false), c.okm);
    }
}

TEST(Hkdf, ShorterOutputIsAPrefixOfLonger) {
    const Bytes ikm(32, 0x42);
    Bytes short_out(10);
    Bytes long_out(100);
    ASSERT_TRUE(hkdf_sha256({}, ikm, as_bytes("info"), short_out));
    ASSERT_TRUE(hkdf_sha256({}, ikm, as_bytes("info"), long_out));
    EXPECT_TRUE(std::equal(short_out.begin(), short_out.end(), long_out.begin()));
}

TEST(Hkdf, OutputLimitIs255HashLengths) {
    const auto prk = hkdf_sha256_extract({}, as_bytes("ikm"));
    Bytes at_limit(kHkdfSha256MaxOutput);
    EXPECT_TRUE(hkdf_sha256_expand(prk.bytes(), {}, at_limit));
    Bytes over(kHkdfSha256MaxOutput + 1);
    const auto result = hkdf_sha256_expand(prk.bytes(), {}, over);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error(), HkdfError::kOutputTooLong);
}

TEST(Hkdf, ShortPrkIsRefused) {
    Bytes out(32);
    const auto result = hkdf_sha256_expand(Bytes(31, 1), {}, out);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error(), HkdfError::kPrkTooShort);
}

TEST(Hkdf, EmptyInputKeyMaterialIsAllowed) {
    // RFC 5869 does not forbid an empty IKM; PRK = HMAC-SHA-256(salt, "").
    const auto a = hkdf_sha256_extract(as_bytes("salt"), {});
    const auto b = hkdf_sha256_extract(as_bytes("salt"), as_bytes("x"));
    EXPECT_NE(to_hex(a.bytes()), to_hex(b.bytes()));
}

}  // namespace
}  // namespace qtm::crypto
