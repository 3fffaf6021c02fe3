#include "crypto/x25519.hpp"

#include "crypto/openssl_support.hpp"
#include "crypto/random.hpp"

namespace qtm::crypto {
namespace {

detail::EvpPkey private_key_object(const X25519Secret& private_key) {
    detail::EvpPkey key{EVP_PKEY_new_raw_private_key(
        EVP_PKEY_X25519, nullptr, private_key.bytes().data(), private_key.bytes().size())};
    if (!key) detail::openssl_failure("X25519 private key");
    return key;
}

}  // namespace

std::string_view to_string(X25519Error error) noexcept {
    switch (error) {
        case X25519Error::kLowOrderPoint:
            return "X25519 shared secret is zero (peer key is a small-order point)";
    }
    return "unknown X25519 error";
}

X25519KeyPair x25519_keygen(const ByteArray<kX25519KeySize>& seed) {
    X25519KeyPair pair{X25519Secret{seed}, {}};
    const auto key = private_key_object(pair.private_key);
    std::size_t length = pair.public_key.size();
    if (EVP_PKEY_get_raw_public_key(key.get(), pair.public_key.data(), &length) != 1 ||
        length != pair.public_key.size()) {
        detail::openssl_failure("X25519 public key");
    }
    return pair;
}

X25519KeyPair x25519_keygen() {
    auto seed = random_array<kX25519KeySize>();
    auto pair = x25519_keygen(seed);
    secure_wipe(seed.data(), seed.size());
    return pair;
}

Result<X25519Secret, X25519Error> x25519(const X25519Secret& private_key,
                                         const X25519PublicKey& peer_public_key) {
    const auto own = private_key_object(private_key);
    const detail::EvpPkey peer{EVP_PKEY_new_raw_public_key(
        EVP_PKEY_X25519, nullptr, peer_public_key.data(), peer_public_key.size())};
    if (!peer) detail::openssl_failure("X25519 public key");
    const detail::EvpPkeyCtx ctx{EVP_PKEY_CTX_new(own.get(), nullptr)};
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
        EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) != 1) {
        detail::openssl_failure("X25519 derive setup");
    }
    ByteArray<kX25519KeySize> shared{};
    std::size_t length = shared.size();
    // OpenSSL itself fails the derivation when the result is all zero; the explicit check
    // below keeps the rule true whatever the library version does.
    const bool derived =
        EVP_PKEY_derive(ctx.get(), shared.data(), &length) == 1 && length == shared.size();
    X25519Secret secret{shared};
    secure_wipe(shared.data(), shared.size());
    const ByteArray<kX25519KeySize> zero{};
    if (!derived || constant_time_equal(secret.bytes(), zero)) {
        return unexpected(X25519Error::kLowOrderPoint);
    }
    return secret;
}

}  // namespace qtm::crypto
