// Encrypted keystore files (docs/protocol.md, "Keystore"): an account's 32-byte ML-DSA seed
// encrypted under a password with scrypt (memory-hard) and AES-256-GCM (authenticated),
// in a JSON file modelled on Ethereum's Web3 Secret Storage, version "qtm-1".
//
// The address and scheme are stored in clear (so a file can be listed without its
// password) and bound to the ciphertext as GCM associated data, so neither can be edited
// without the decryption failing.
#pragma once

#include <cstdint>
#include <string>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "crypto/signature_scheme.hpp"

namespace qtm::chain {

struct ScryptParams {
    std::uint64_t n{1u << 18};  // 256 MiB of memory with r = 8: about 1 s on a laptop core
    std::uint32_t r{8};
    std::uint32_t p{1};
};

// The decrypted content; the seed is wiped on destruction.
class KeystoreSecret {
public:
    KeystoreSecret(crypto::SignatureScheme scheme, const ByteArray<32>& seed) noexcept
        : scheme_{scheme}, seed_{seed} {}
    ~KeystoreSecret() { secure_wipe(seed_.data(), seed_.size()); }
    KeystoreSecret(const KeystoreSecret&) = delete;
    KeystoreSecret& operator=(const KeystoreSecret&) = delete;
    KeystoreSecret(KeystoreSecret&& other) noexcept : scheme_{other.scheme_}, seed_{other.seed_} {
        secure_wipe(other.seed_.data(), other.seed_.size());
    }
    KeystoreSecret& operator=(KeystoreSecret&&) = delete;

    [[nodiscard]] crypto::SignatureScheme scheme() const noexcept { return scheme_; }
    [[nodiscard]] const ByteArray<32>& seed() const noexcept { return seed_; }

private:
    crypto::SignatureScheme scheme_;
    ByteArray<32> seed_;
};

enum class KeystoreErrorKind {
    kMalformed,      // not a keystore file, or a field is missing or invalid (named)
    kUnsupported,    // a version, KDF or cipher this build does not know
    kWrongPassword,  // authentication failed: wrong password, or the file was altered
    kWeakParams,     // KDF parameters below the minimum accepted when decrypting
    kCrypto,         // OpenSSL failed (out of memory for scrypt, ...)
};

struct KeystoreError {
    KeystoreErrorKind kind;
    std::string message;  // never contains the password or key material
};

// The keystore JSON for `seed`, encrypted under `password`.
[[nodiscard]] Result<std::string, KeystoreError> encrypt_keystore(crypto::SignatureScheme scheme,
                                                                  const ByteArray<32>& seed,
                                                                  std::string_view password,
                                                                  const ScryptParams& params = {});

// The address and scheme a keystore claims, without decrypting it.
struct KeystoreInfo {
    Address address{};
    crypto::SignatureScheme scheme{crypto::SignatureScheme::kMlDsa44};
};
[[nodiscard]] Result<KeystoreInfo, KeystoreError> inspect_keystore(std::string_view json);

// Decrypts and checks that the seed derives the stored address.
[[nodiscard]] Result<KeystoreSecret, KeystoreError> decrypt_keystore(std::string_view json,
                                                                     std::string_view password);

}  // namespace qtm::chain
