// AES-256-GCM through OpenSSL 3: the cipher of keystore files (chain/keystore.hpp), whose
// format fixes it. (The p2p session uses ChaCha20-Poly1305, crypto/aead.hpp.) One-shot: a
// keystore seals 32 bytes once, so there is no reusable context as the session needs.
#pragma once

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "crypto/aead.hpp"

namespace qtm::crypto {

inline constexpr std::size_t kAesGcmKeySize = 32;
inline constexpr std::size_t kAesGcmIvSize = 12;
inline constexpr std::size_t kAesGcmTagSize = 16;

// Encrypts `plaintext` into `ciphertext` (the same size; a wrong size throws) and writes the
// tag.
void aes256_gcm_seal(ByteView key, ByteView iv, ByteView associated_data, ByteView plaintext,
                     MutableByteView ciphertext, MutableByteView tag);
// Checks the tag and decrypts into `plaintext` (the ciphertext's size); on failure
// `plaintext` is wiped (kAuthenticationFailed).
[[nodiscard]] Result<void, AeadError> aes256_gcm_open(ByteView key, ByteView iv,
                                                      ByteView associated_data, ByteView ciphertext,
                                                      ByteView tag, MutableByteView plaintext);

}  // namespace qtm::crypto
