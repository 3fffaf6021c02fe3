// Account keys: an ML-DSA key pair of any scheme, made from a 32-byte seed (FIPS 204
// KeyGen_internal), and the address rule address = keccak256(scheme_id || public_key)[12:]
// (docs/protocol.md, "Addresses").
#pragma once

#include <string>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "crypto/signature_scheme.hpp"

namespace qtm::chain {

[[nodiscard]] Address address_of(crypto::SignatureScheme scheme, ByteView public_key);

// EIP-55 mixed-case checksum text ("0x" + 40 hex digits).
[[nodiscard]] std::string to_checksum_address(const Address& address);

// An account's key pair. The secret key and seed are wiped when the object dies and never
// appear in any text the node prints.
class AccountKey {
public:
    AccountKey(crypto::SignatureScheme scheme, const ByteArray<32>& seed);
    ~AccountKey();
    AccountKey(const AccountKey&) = delete;
    AccountKey& operator=(const AccountKey&) = delete;
    AccountKey(AccountKey&&) noexcept;
    AccountKey& operator=(AccountKey&&) noexcept;

    [[nodiscard]] crypto::SignatureScheme scheme() const noexcept { return scheme_; }
    [[nodiscard]] const Bytes& public_key() const noexcept { return public_key_; }
    [[nodiscard]] const Address& address() const noexcept { return address_; }
    // Deterministic ML-DSA signature of `message` under `context` (a domain string such as
    // "qtm/tx/v1"); deterministic so that a transaction signed twice is the same bytes.
    [[nodiscard]] Bytes sign(ByteView message, std::string_view context) const;

private:
    crypto::SignatureScheme scheme_;
    Bytes public_key_;
    Bytes secret_key_;
    Address address_{};
};

}  // namespace qtm::chain
