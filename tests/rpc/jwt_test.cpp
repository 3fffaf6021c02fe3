#include "rpc/jwt.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace qtm::rpc {
namespace {

JwtSecret secret_of(std::uint8_t fill) {
    JwtSecret secret{};
    secret.fill(fill);
    return secret;
}

TEST(Jwt, AcceptsItsOwnTokensWithinTheClockSkew) {
    const JwtSecret secret = secret_of(0x42);
    constexpr std::int64_t now = 1'800'000'000;
    EXPECT_TRUE(verify_jwt(make_jwt(secret, now), secret, now));
    EXPECT_TRUE(verify_jwt(make_jwt(secret, now - 60), secret, now));
    EXPECT_TRUE(verify_jwt(make_jwt(secret, now + 60), secret, now));
    const auto stale = verify_jwt(make_jwt(secret, now - 61), secret, now);
    ASSERT_FALSE(stale);
    EXPECT_NE(stale.error().find("iat"), std::string::npos);
    EXPECT_FALSE(verify_jwt(make_jwt(secret, now + 61), secret, now));
}

TEST(Jwt, KnownTokenFromAnotherImplementation) {
    // HS256 over {"alg":"HS256","typ":"JWT"}.{"iat":1700000000} with a secret of 32 x 0x01,
    // computed with Python's hmac and base64 modules.
    const JwtSecret secret = secret_of(0x01);
    const std::string expected =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3MDAwMDAwMDB9."
        "S3esM_43rSn57zYhtZ-FpifXBK_oKaYJ0Dx6M3iWn70";
    EXPECT_EQ(make_jwt(secret, 1'700'000'000), expected);
    EXPECT_TRUE(verify_jwt(expected, secret, 1'700'000'030));
}

TEST(Jwt, RejectsForgedAndMalformedTokens) {
    const JwtSecret secret = secret_of(0x42);
    constexpr std::int64_t now = 1'800'000'000;
    const std::string token = make_jwt(secret, now);
    // Another secret.
    const auto forged = verify_jwt(make_jwt(secret_of(0x43), now), secret, now);
    ASSERT_FALSE(forged);
    EXPECT_NE(forged.error().find("signature"), std::string::npos);
    // A flipped signature character, a changed claim, missing parts, junk.
    std::string flipped = token;
    flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
    EXPECT_FALSE(verify_jwt(flipped, secret, now));
    std::string changed = token;
    changed[token.find('.') + 2] ^= 1;
    EXPECT_FALSE(verify_jwt(changed, secret, now));
    EXPECT_FALSE(verify_jwt(token.substr(0, token.rfind('.')), secret, now));
    EXPECT_FALSE(verify_jwt("", secret, now));
    EXPECT_FALSE(verify_jwt("a.b.c.d", secret, now));
    EXPECT_FALSE(verify_jwt("!!!.???.***", secret, now));
    // alg "none" with an empty signature.
    EXPECT_FALSE(verify_jwt("eyJhbGciOiJub25lIn0.eyJpYXQiOjE4MDAwMDAwMDB9.", secret, now));
}

TEST(Jwt, SecretFileIsCreatedPrivateAndReadBack) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("qtm-jwt-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const auto path = dir / "jwtsecret";
    const auto created = load_or_create_jwt_secret(path);
    ASSERT_TRUE(created);
    EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    const auto read_back = load_or_create_jwt_secret(path);
    ASSERT_TRUE(read_back);
    EXPECT_EQ(*created, *read_back);

    const auto with_prefix = dir / "prefixed";
    std::ofstream{with_prefix} << "  0x" << std::string(64, 'a') << "\n";
    const auto prefixed = load_or_create_jwt_secret(with_prefix);
    ASSERT_TRUE(prefixed);
    EXPECT_EQ(*prefixed, secret_of(0xaa));

    const auto bad = dir / "bad";
    std::ofstream{bad} << "not hex";
    const auto refused = load_or_create_jwt_secret(bad);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().find("64 hex digits"), std::string::npos);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace qtm::rpc
