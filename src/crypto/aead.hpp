// ChaCha20-Poly1305 (RFC 8439) authenticated encryption through OpenSSL 3: the cipher of
// the p2p session. A sealed message is the ciphertext followed by the 16-byte tag.
//
// A ChaCha20Poly1305 object holds one key in an OpenSSL context set up once, so sealing a
// frame costs no key schedule; it is not thread safe (one per direction of a session).
// Nonces are the caller's: never use a (key, nonce) pair twice.
#pragma once

#include <string_view>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "crypto/secret.hpp"

namespace qtm::crypto {

inline constexpr std::size_t kAeadKeySize = 32;
inline constexpr std::size_t kAeadNonceSize = 12;
inline constexpr std::size_t kAeadTagSize = 16;

using AeadKey = Secret<kAeadKeySize>;
using AeadNonce = ByteArray<kAeadNonceSize>;

enum class AeadError {
    kSealedTooShort,        // fewer bytes than a tag
    kAuthenticationFailed,  // wrong key, nonce, associated data, or modified bytes
};
std::string_view to_string(AeadError error) noexcept;

class ChaCha20Poly1305 {
public:
    explicit ChaCha20Poly1305(const AeadKey& key);
    ~ChaCha20Poly1305();
    ChaCha20Poly1305(ChaCha20Poly1305&& other) noexcept;
    ChaCha20Poly1305& operator=(ChaCha20Poly1305&& other) noexcept;
    ChaCha20Poly1305(const ChaCha20Poly1305&) = delete;
    ChaCha20Poly1305& operator=(const ChaCha20Poly1305&) = delete;

    // Encrypts `plaintext` into `out`, which must be exactly plaintext.size() + 16 bytes
    // (a wrong size is a programming error and throws). `out` may start where `plaintext`
    // starts (in place).
    void seal(const AeadNonce& nonce, ByteView associated_data, ByteView plaintext,
              MutableByteView out);
    [[nodiscard]] Bytes seal(const AeadNonce& nonce, ByteView associated_data, ByteView plaintext);

    // Checks and decrypts `sealed` into `out` (exactly sealed.size() - 16 bytes, may start
    // where `sealed` starts). On failure `out` is wiped: unauthenticated bytes never leak.
    [[nodiscard]] Result<void, AeadError> open(const AeadNonce& nonce, ByteView associated_data,
                                               ByteView sealed, MutableByteView out);
    [[nodiscard]] Result<Bytes, AeadError> open(const AeadNonce& nonce, ByteView associated_data,
                                                ByteView sealed);

private:
    struct Contexts;
    Contexts* contexts_;  // owned; OpenSSL cleanses the key when it frees the contexts
};

}  // namespace qtm::crypto
