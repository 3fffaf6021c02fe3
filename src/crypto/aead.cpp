#include "crypto/aead.hpp"

#include <limits>
#include <stdexcept>
#include <utility>

#include "crypto/openssl_support.hpp"

namespace qtm::crypto {

struct ChaCha20Poly1305::Contexts {
    detail::EvpCipherCtx encrypt{EVP_CIPHER_CTX_new()};
    detail::EvpCipherCtx decrypt{EVP_CIPHER_CTX_new()};
};

namespace {

int int_size(std::size_t size) {
    if (size > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        throw std::invalid_argument("AEAD input larger than 2 GiB");
    }
    return static_cast<int>(size);
}

// Feeds the associated data and the message through an initialised context.
bool update(EVP_CIPHER_CTX* ctx, ByteView associated_data, ByteView in, std::uint8_t* out) {
    int length = 0;
    if (!associated_data.empty() && EVP_CipherUpdate(ctx, nullptr, &length, associated_data.data(),
                                                     int_size(associated_data.size())) != 1) {
        return false;
    }
    if (!in.empty() && (EVP_CipherUpdate(ctx, out, &length, in.data(), int_size(in.size())) != 1 ||
                        static_cast<std::size_t>(length) != in.size())) {
        return false;
    }
    return true;
}

}  // namespace

std::string_view to_string(AeadError error) noexcept {
    switch (error) {
        case AeadError::kSealedTooShort:
            return "sealed message shorter than the 16-byte tag";
        case AeadError::kAuthenticationFailed:
            return "authentication failed (wrong key or modified message)";
    }
    return "unknown AEAD error";
}

ChaCha20Poly1305::ChaCha20Poly1305(const AeadKey& key) : contexts_{new Contexts} {
    const EVP_CIPHER* cipher = EVP_chacha20_poly1305();
    if (!contexts_->encrypt || !contexts_->decrypt ||
        EVP_CipherInit_ex(contexts_->encrypt.get(), cipher, nullptr, key.bytes().data(), nullptr,
                          /*enc=*/1) != 1 ||
        EVP_CipherInit_ex(contexts_->decrypt.get(), cipher, nullptr, key.bytes().data(), nullptr,
                          /*enc=*/0) != 1) {
        delete contexts_;
        detail::openssl_failure("ChaCha20-Poly1305 key setup");
    }
}

ChaCha20Poly1305::~ChaCha20Poly1305() {
    delete contexts_;
}

ChaCha20Poly1305::ChaCha20Poly1305(ChaCha20Poly1305&& other) noexcept
    : contexts_{std::exchange(other.contexts_, nullptr)} {}

ChaCha20Poly1305& ChaCha20Poly1305::operator=(ChaCha20Poly1305&& other) noexcept {
    if (this != &other) {
        delete contexts_;
        contexts_ = std::exchange(other.contexts_, nullptr);
    }
    return *this;
}

void ChaCha20Poly1305::seal(const AeadNonce& nonce, ByteView associated_data, ByteView plaintext,
                            MutableByteView out) {
    if (contexts_ == nullptr || out.size() != plaintext.size() + kAeadTagSize) {
        throw std::invalid_argument("ChaCha20Poly1305::seal: output size or moved-from object");
    }
    EVP_CIPHER_CTX* ctx = contexts_->encrypt.get();
    int length = 0;
    std::uint8_t final_block[kAeadTagSize];  // a stream cipher writes nothing at Final
    if (EVP_CipherInit_ex(ctx, nullptr, nullptr, nullptr, nonce.data(), /*enc=*/1) != 1 ||
        !update(ctx, associated_data, plaintext, out.data()) ||
        EVP_CipherFinal_ex(ctx, final_block, &length) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(kAeadTagSize),
                            out.data() + plaintext.size()) != 1) {
        detail::openssl_failure("ChaCha20-Poly1305 seal");
    }
}

Bytes ChaCha20Poly1305::seal(const AeadNonce& nonce, ByteView associated_data, ByteView plaintext) {
    Bytes out(plaintext.size() + kAeadTagSize);
    seal(nonce, associated_data, plaintext, out);
    return out;
}

Result<void, AeadError> ChaCha20Poly1305::open(const AeadNonce& nonce, ByteView associated_data,
                                               ByteView sealed, MutableByteView out) {
    if (sealed.size() < kAeadTagSize) return unexpected(AeadError::kSealedTooShort);
    const std::size_t message_size = sealed.size() - kAeadTagSize;
    if (contexts_ == nullptr || out.size() != message_size) {
        throw std::invalid_argument("ChaCha20Poly1305::open: output size or moved-from object");
    }
    // The tag is copied first: with in-place decryption `out` overwrites `sealed`.
    ByteArray<kAeadTagSize> tag{};
    std::copy(sealed.begin() + static_cast<std::ptrdiff_t>(message_size), sealed.end(),
              tag.begin());
    EVP_CIPHER_CTX* ctx = contexts_->decrypt.get();
    int length = 0;
    if (EVP_CipherInit_ex(ctx, nullptr, nullptr, nullptr, nonce.data(), /*enc=*/0) != 1 ||
        !update(ctx, associated_data, sealed.first(message_size), out.data()) ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(kAeadTagSize),
                            tag.data()) != 1) {
        detail::openssl_failure("ChaCha20-Poly1305 open");
    }
    std::uint8_t final_block[kAeadTagSize];  // a stream cipher writes nothing at Final
    if (EVP_CipherFinal_ex(ctx, final_block, &length) != 1) {
        secure_wipe(out.data(), out.size());
        return unexpected(AeadError::kAuthenticationFailed);
    }
    return {};
}

Result<Bytes, AeadError> ChaCha20Poly1305::open(const AeadNonce& nonce, ByteView associated_data,
                                                ByteView sealed) {
    if (sealed.size() < kAeadTagSize) return unexpected(AeadError::kSealedTooShort);
    Bytes out(sealed.size() - kAeadTagSize);
    auto opened = open(nonce, associated_data, sealed, out);
    if (!opened) return unexpected(opened.error());
    return out;
}

}  // namespace qtm::crypto
