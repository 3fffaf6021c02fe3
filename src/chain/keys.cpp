#include "chain/keys.hpp"

#include <cctype>
#include <stdexcept>

#include "base/hex.hpp"
#include "crypto/keccak.hpp"
#include "crypto/mldsa.hpp"

namespace qtm::chain {

Address address_of(crypto::SignatureScheme scheme, ByteView public_key) {
    crypto::Keccak256 hasher;
    const std::uint8_t id = crypto::to_byte(scheme);
    hasher.update(ByteView{&id, 1});
    hasher.update(public_key);
    const Hash32 hash = hasher.finalize();
    Address address{};
    std::copy(hash.begin() + 12, hash.end(), address.begin());
    return address;
}

std::string to_checksum_address(const Address& address) {
    std::string hex = to_hex(address, false);
    const Hash32 hash = crypto::keccak256(as_bytes(hex));
    for (std::size_t i = 0; i < hex.size(); ++i) {
        const int nibble = (i % 2 == 0) ? (hash[i / 2] >> 4) : (hash[i / 2] & 0x0f);
        if (nibble >= 8)
            hex[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(hex[i])));
    }
    return "0x" + hex;
}

namespace {

template <crypto::SignatureScheme S>
void generate(const ByteArray<32>& seed, Bytes& public_key, Bytes& secret_key) {
    auto pair = crypto::mldsa_keygen<S>(seed);
    public_key.assign(pair.public_key.bytes.begin(), pair.public_key.bytes.end());
    const ByteView secret = pair.secret_key.bytes();
    secret_key.assign(secret.begin(), secret.end());
}

}  // namespace

AccountKey::AccountKey(crypto::SignatureScheme scheme, const ByteArray<32>& seed)
    : scheme_{scheme} {
    switch (scheme) {
        case crypto::SignatureScheme::kMlDsa44:
            generate<crypto::SignatureScheme::kMlDsa44>(seed, public_key_, secret_key_);
            break;
        case crypto::SignatureScheme::kMlDsa65:
            generate<crypto::SignatureScheme::kMlDsa65>(seed, public_key_, secret_key_);
            break;
        case crypto::SignatureScheme::kMlDsa87:
            generate<crypto::SignatureScheme::kMlDsa87>(seed, public_key_, secret_key_);
            break;
        default:
            throw std::invalid_argument{"unknown signature scheme"};
    }
    address_ = address_of(scheme_, public_key_);
}

AccountKey::~AccountKey() {
    secure_wipe(secret_key_.data(), secret_key_.size());
}

AccountKey::AccountKey(AccountKey&& other) noexcept
    : scheme_{other.scheme_},
      public_key_{std::move(other.public_key_)},
      secret_key_{std::move(other.secret_key_)},
      address_{other.address_} {}

AccountKey& AccountKey::operator=(AccountKey&& other) noexcept {
    if (this != &other) {
        secure_wipe(secret_key_.data(), secret_key_.size());
        scheme_ = other.scheme_;
        public_key_ = std::move(other.public_key_);
        secret_key_ = std::move(other.secret_key_);
        address_ = other.address_;
    }
    return *this;
}

Bytes AccountKey::sign(ByteView message, std::string_view context) const {
    auto signature = crypto::mldsa_sign(scheme_, secret_key_, message, as_bytes(context),
                                        crypto::SigningMode::kDeterministic);
    if (!signature) throw std::logic_error{"signing context longer than 255 bytes"};
    return std::move(*signature);
}

}  // namespace qtm::chain
