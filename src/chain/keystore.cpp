// Keystore files: scrypt + AES-256-GCM (src/crypto's OpenSSL wrappers; keystore.hpp).
#include "chain/keystore.hpp"

#include <nlohmann/json.hpp>

#include <memory>

#include "base/hex.hpp"
#include "chain/keys.hpp"
#include "crypto/aes_gcm.hpp"
#include "crypto/random.hpp"
#include "crypto/scrypt.hpp"

namespace qtm::chain {

namespace {

using Json = nlohmann::json;

constexpr std::string_view kVersion = "qtm-1";
constexpr std::size_t kSaltSize = 32;
constexpr std::size_t kIvSize = 12;
constexpr std::size_t kTagSize = 16;
// Decryption refuses parameters weaker than this (a tampered file could otherwise make a
// later re-encryption or a brute-force cheap) and stronger than the memory limit allows.
constexpr std::uint64_t kMinScryptN = 1u << 10;
constexpr std::uint64_t kMaxScryptMemory = 2ull << 30;

KeystoreError error(KeystoreErrorKind kind, std::string message) {
    return KeystoreError{kind, std::move(message)};
}

// A buffer wiped when it goes out of scope (derived keys, plaintext).
template <std::size_t N>
struct SecretBuffer {
    ByteArray<N> bytes{};
    ~SecretBuffer() { secure_wipe(bytes.data(), bytes.size()); }
};

Result<void, KeystoreError> derive_key(std::string_view password, ByteView salt,
                                       const ScryptParams& params, SecretBuffer<32>& key) {
    const crypto::ScryptCost cost{params.n, params.r, params.p};
    auto derived = crypto::scrypt(password, salt, cost, kMaxScryptMemory, key.bytes);
    if (!derived && derived.error() == crypto::ScryptError::kTooMuchMemory) {
        return unexpected(error(
            KeystoreErrorKind::kUnsupported,
            "keystore scrypt parameters need " + std::to_string(crypto::scrypt_memory(cost) >> 20) +
                " MiB; the limit is " + std::to_string(kMaxScryptMemory >> 20) + " MiB"));
    }
    if (!derived) {
        return unexpected(error(KeystoreErrorKind::kCrypto,
                                "scrypt failed (parameters too large for this machine?)"));
    }
    return {};
}

Bytes associated_data(const Address& address, crypto::SignatureScheme scheme) {
    Bytes aad(kVersion.size() + address.size() + 1);
    std::copy(kVersion.begin(), kVersion.end(), aad.begin());
    std::copy(address.begin(), address.end(),
              aad.begin() + static_cast<std::ptrdiff_t>(kVersion.size()));
    aad.back() = crypto::to_byte(scheme);
    return aad;
}

std::string scheme_name(crypto::SignatureScheme scheme) {
    return std::string{crypto::to_string(scheme)};
}

Result<crypto::SignatureScheme, KeystoreError> parse_scheme(const std::string& name) {
    if (const auto scheme = crypto::signature_scheme_from_name(name)) return *scheme;
    return unexpected(error(KeystoreErrorKind::kUnsupported,
                            "keystore field 'scheme': unknown scheme '" + name +
                                "' (expected ML-DSA-44, ML-DSA-65 or ML-DSA-87)"));
}

// Reads a hex field of exactly `size` bytes (any size when 0).
Result<Bytes, KeystoreError> hex_field(const Json& object, const std::string& path,
                                       const char* name, std::size_t size) {
    const auto it = object.find(name);
    if (it == object.end() || !it->is_string()) {
        return unexpected(error(KeystoreErrorKind::kMalformed,
                                "keystore field '" + path + name + "' is missing or not a string"));
    }
    auto bytes = from_hex(it->get<std::string>(), HexPrefix::kOptional);
    if (!bytes || (size != 0 && bytes->size() != size)) {
        return unexpected(error(KeystoreErrorKind::kMalformed,
                                "keystore field '" + path + name + "' must be " +
                                    (size != 0 ? std::to_string(size) + " bytes of " : "") +
                                    "hex"));
    }
    return std::move(*bytes);
}

// A string member, or "" when absent or of another type (json::value() would throw).
std::string string_member(const Json& object, const char* name) {
    const auto it = object.find(name);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// An object member, or an empty object.
Json object_member(const Json& object, const char* name) {
    const auto it = object.find(name);
    return it != object.end() && it->is_object() ? *it : Json::object();
}

struct Parsed {
    KeystoreInfo info;
    ScryptParams params;
    Bytes salt, iv, ciphertext, tag;
};

Result<Parsed, KeystoreError> parse(std::string_view text) {
    const Json json = Json::parse(text, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
        return unexpected(
            error(KeystoreErrorKind::kMalformed, "not a keystore file (not a JSON object)"));
    }
    if (string_member(json, "version") != kVersion) {
        return unexpected(
            error(KeystoreErrorKind::kUnsupported,
                  "keystore field 'version': expected \"" + std::string{kVersion} + "\""));
    }
    Parsed parsed;
    auto address = hex_field(json, "", "address", 20);
    if (!address) return unexpected(address.error());
    std::copy(address->begin(), address->end(), parsed.info.address.begin());
    if (!json.contains("scheme") || !json["scheme"].is_string()) {
        return unexpected(
            error(KeystoreErrorKind::kMalformed, "keystore field 'scheme' is missing"));
    }
    auto scheme = parse_scheme(json["scheme"].get<std::string>());
    if (!scheme) return unexpected(scheme.error());
    parsed.info.scheme = *scheme;

    if (!json.contains("crypto") || !json["crypto"].is_object()) {
        return unexpected(
            error(KeystoreErrorKind::kMalformed, "keystore field 'crypto' is missing"));
    }
    const Json& crypto_json = json["crypto"];
    if (string_member(crypto_json, "kdf") != "scrypt") {
        return unexpected(error(KeystoreErrorKind::kUnsupported,
                                "keystore field 'crypto.kdf': only scrypt is supported"));
    }
    if (string_member(crypto_json, "cipher") != "aes-256-gcm") {
        return unexpected(error(KeystoreErrorKind::kUnsupported,
                                "keystore field 'crypto.cipher': only aes-256-gcm is supported"));
    }
    const Json kdf = object_member(crypto_json, "kdfparams");
    const auto read_uint = [&](const char* name) -> std::optional<std::uint64_t> {
        const auto it = kdf.find(name);
        if (it == kdf.end() || !it->is_number_unsigned()) return std::nullopt;
        return it->get<std::uint64_t>();
    };
    const auto n = read_uint("n");
    const auto r = read_uint("r");
    const auto p = read_uint("p");
    if (!n || !r || !p || *r == 0 || *p == 0 || *r > 64 || *p > 16 || (*n & (*n - 1)) != 0) {
        return unexpected(error(KeystoreErrorKind::kMalformed,
                                "keystore field 'crypto.kdfparams': n (a power of two), r and p "
                                "must be positive integers"));
    }
    parsed.params = {*n, static_cast<std::uint32_t>(*r), static_cast<std::uint32_t>(*p)};
    auto salt = hex_field(kdf, "crypto.kdfparams.", "salt", kSaltSize);
    if (!salt) return unexpected(salt.error());
    parsed.salt = std::move(*salt);
    auto iv = hex_field(object_member(crypto_json, "cipherparams"), "crypto.cipherparams.", "iv",
                        kIvSize);
    if (!iv) return unexpected(iv.error());
    parsed.iv = std::move(*iv);
    auto ciphertext = hex_field(crypto_json, "crypto.", "ciphertext", 32);
    if (!ciphertext) return unexpected(ciphertext.error());
    parsed.ciphertext = std::move(*ciphertext);
    auto tag = hex_field(crypto_json, "crypto.", "tag", kTagSize);
    if (!tag) return unexpected(tag.error());
    parsed.tag = std::move(*tag);
    return parsed;
}

}  // namespace

Result<std::string, KeystoreError> encrypt_keystore(crypto::SignatureScheme scheme,
                                                    const ByteArray<32>& seed,
                                                    std::string_view password,
                                                    const ScryptParams& params) {
    const AccountKey key{scheme, seed};
    const auto salt = crypto::random_array<kSaltSize>();
    const auto iv = crypto::random_array<kIvSize>();
    SecretBuffer<32> derived;
    if (auto ok = derive_key(password, salt, params, derived); !ok) return unexpected(ok.error());

    const Bytes aad = associated_data(key.address(), scheme);
    ByteArray<32> ciphertext{};
    ByteArray<kTagSize> tag{};
    crypto::aes256_gcm_seal(derived.bytes, iv, aad, seed, ciphertext, tag);
    const Json json = {
        {"version", kVersion},
        {"address", to_hex(key.address())},
        {"scheme", scheme_name(scheme)},
        {"crypto",
         {{"kdf", "scrypt"},
          {"kdfparams",
           {{"n", params.n}, {"r", params.r}, {"p", params.p}, {"salt", to_hex(salt)}}},
          {"cipher", "aes-256-gcm"},
          {"cipherparams", {{"iv", to_hex(iv)}}},
          {"ciphertext", to_hex(ciphertext)},
          {"tag", to_hex(tag)}}},
    };
    return json.dump(2) + "\n";
}

Result<KeystoreInfo, KeystoreError> inspect_keystore(std::string_view json) {
    auto parsed = parse(json);
    if (!parsed) return unexpected(parsed.error());
    return parsed->info;
}

Result<KeystoreSecret, KeystoreError> decrypt_keystore(std::string_view json,
                                                       std::string_view password) {
    auto parsed = parse(json);
    if (!parsed) return unexpected(parsed.error());
    if (parsed->params.n < kMinScryptN) {
        return unexpected(error(KeystoreErrorKind::kWeakParams,
                                "keystore scrypt parameter n is below " +
                                    std::to_string(kMinScryptN) + "; refusing a weakened file"));
    }
    SecretBuffer<32> derived;
    if (auto ok = derive_key(password, parsed->salt, parsed->params, derived); !ok) {
        return unexpected(ok.error());
    }
    const Bytes aad = associated_data(parsed->info.address, parsed->info.scheme);
    SecretBuffer<32> plaintext;
    const bool ok = parsed->ciphertext.size() == plaintext.bytes.size() &&
                    crypto::aes256_gcm_open(derived.bytes, parsed->iv, aad, parsed->ciphertext,
                                            parsed->tag, plaintext.bytes)
                        .has_value();
    if (!ok) {
        return unexpected(error(KeystoreErrorKind::kWrongPassword,
                                "could not decrypt the keystore: wrong password, or the file was "
                                "modified"));
    }
    KeystoreSecret secret{parsed->info.scheme, plaintext.bytes};
    if (AccountKey{secret.scheme(), secret.seed()}.address() != parsed->info.address) {
        return unexpected(error(KeystoreErrorKind::kMalformed,
                                "keystore field 'address' does not match the decrypted key"));
    }
    return secret;
}

}  // namespace qtm::chain
