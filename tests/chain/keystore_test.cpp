// Keystore files: round trip for every scheme, wrong password, altered ciphertext, address
// or scheme (bound as associated data), malformed fields named, weakened KDF refused, and
// no secret in the file or the errors.
#include "chain/keystore.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/hex.hpp"
#include "chain/keys.hpp"

namespace qtm::chain {
namespace {

using Json = nlohmann::json;
using crypto::SignatureScheme;

// Fast parameters for tests; the default (n = 2^18) is what the CLI writes.
constexpr ScryptParams kFast{.n = 1u << 10, .r = 8, .p = 1};

ByteArray<32> seed(std::uint8_t fill) {
    ByteArray<32> out{};
    out.fill(fill);
    return out;
}

TEST(Keystore, RoundTripsEveryScheme) {
    for (const auto scheme :
         {SignatureScheme::kMlDsa44, SignatureScheme::kMlDsa65, SignatureScheme::kMlDsa87}) {
        const auto file = encrypt_keystore(scheme, seed(3), "correct horse", kFast);
        ASSERT_TRUE(file.has_value()) << file.error().message;
        const auto info = inspect_keystore(*file);
        ASSERT_TRUE(info.has_value());
        EXPECT_EQ(info->address, AccountKey(scheme, seed(3)).address());
        EXPECT_EQ(info->scheme, scheme);
        const auto secret = decrypt_keystore(*file, "correct horse");
        ASSERT_TRUE(secret.has_value()) << secret.error().message;
        EXPECT_EQ(secret->seed(), seed(3));
        EXPECT_EQ(secret->scheme(), scheme);
    }
}

TEST(Keystore, TheFileHoldsNoSecretInClear) {
    const auto file = encrypt_keystore(SignatureScheme::kMlDsa44, seed(0x5c), "pw", kFast);
    ASSERT_TRUE(file.has_value());
    EXPECT_EQ(file->find(to_hex(seed(0x5c), false)), std::string::npos);
    EXPECT_EQ(file->find("\"pw\""), std::string::npos);
    // Fresh salt and IV each time.
    EXPECT_NE(*file, *encrypt_keystore(SignatureScheme::kMlDsa44, seed(0x5c), "pw", kFast));
}

TEST(Keystore, WrongPasswordOrAlteredFileFailsAuthentication) {
    const std::string file = *encrypt_keystore(SignatureScheme::kMlDsa44, seed(1), "pw", kFast);
    const auto wrong = decrypt_keystore(file, "pW");
    ASSERT_FALSE(wrong.has_value());
    EXPECT_EQ(wrong.error().kind, KeystoreErrorKind::kWrongPassword);
    EXPECT_EQ(wrong.error().message.find("pW"), std::string::npos);

    const auto altered = [&](const std::function<void(Json&)>& edit) {
        Json json = Json::parse(file);
        edit(json);
        return decrypt_keystore(json.dump(), "pw");
    };
    auto flip_first_hex_digit = [](std::string text) {
        const std::size_t at = text.rfind('x') + 1;
        text[at] = text[at] == '0' ? '1' : '0';
        return text;
    };
    EXPECT_EQ(altered([&](Json& j) {
                  j["crypto"]["ciphertext"] = flip_first_hex_digit(j["crypto"]["ciphertext"]);
              })
                  .error()
                  .kind,
              KeystoreErrorKind::kWrongPassword);
    EXPECT_EQ(altered([&](Json& j) {
                  j["address"] = to_hex(AccountKey(SignatureScheme::kMlDsa44, seed(2)).address());
              })
                  .error()
                  .kind,
              KeystoreErrorKind::kWrongPassword);  // the address is associated data
    EXPECT_EQ(altered([](Json& j) { j["scheme"] = "ML-DSA-65"; }).error().kind,
              KeystoreErrorKind::kWrongPassword);
}

TEST(Keystore, MalformedFilesNameTheField) {
    const std::string file = *encrypt_keystore(SignatureScheme::kMlDsa44, seed(1), "pw", kFast);
    const auto with = [&](const std::function<void(Json&)>& edit) {
        Json json = Json::parse(file);
        edit(json);
        const auto result = decrypt_keystore(json.dump(), "pw");
        EXPECT_FALSE(result.has_value());
        return result ? std::string{} : result.error().message;
    };
    EXPECT_NE(with([](Json& j) { j.erase("address"); }).find("'address'"), std::string::npos);
    EXPECT_NE(with([](Json& j) { j["crypto"]["tag"] = "0x12"; }).find("'crypto.tag'"),
              std::string::npos);
    EXPECT_NE(with([](Json& j) { j["crypto"]["kdf"] = "pbkdf2"; }).find("'crypto.kdf'"),
              std::string::npos);
    EXPECT_NE(with([](Json& j) { j["version"] = 3; }).find("'version'"), std::string::npos);
    EXPECT_NE(with([](Json& j) { j["crypto"]["kdfparams"]["n"] = 1000; }).find("kdfparams"),
              std::string::npos);
    EXPECT_EQ(decrypt_keystore("not json", "pw").error().kind, KeystoreErrorKind::kMalformed);
}

TEST(Keystore, WeakenedKdfParametersAreRefused) {
    const ScryptParams weak{.n = 1u << 4, .r = 1, .p = 1};
    const auto file = encrypt_keystore(SignatureScheme::kMlDsa44, seed(1), "pw", weak);
    ASSERT_TRUE(file.has_value());
    EXPECT_EQ(decrypt_keystore(*file, "pw").error().kind, KeystoreErrorKind::kWeakParams);
}

}  // namespace
}  // namespace qtm::chain
