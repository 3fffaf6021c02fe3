// An account as the state trie stores it. Ethereum's four fields (nonce, balance, storage
// root, code hash), plus, once the account has sent its first transaction, the hash of its
// registered post-quantum public key (docs/protocol.md, "Accounts"). An account without a
// registered key encodes exactly as in Ethereum, so contract accounts and the state tests'
// accounts have Ethereum's state roots.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/u256.hpp"
#include "trie/trie.hpp"

namespace qtm::state {

// keccak256 of the empty string: the code hash of an account without code.
inline constexpr Hash32 kEmptyCodeHash = {
    0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d, 0xb2, 0xdc, 0xc7, 0x03, 0xc0,
    0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82, 0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70};

struct Account {
    std::uint64_t nonce{0};
    U256 balance{};
    Hash32 storage_root{trie::kEmptyRoot};
    Hash32 code_hash{kEmptyCodeHash};
    // keccak256(scheme_id || public_key) of the registered key; its preimage is stored in
    // the code table under this hash.
    std::optional<Hash32> key_hash{};

    // EIP-161: no code, zero nonce, zero balance.
    [[nodiscard]] bool is_empty() const noexcept {
        return nonce == 0 && balance == U256{} && code_hash == kEmptyCodeHash;
    }
    friend bool operator==(const Account&, const Account&) = default;
};

enum class AccountError {
    kBadEncoding,  // not an RLP list of 4 or 5 well-formed fields
};
std::string_view to_string(AccountError error) noexcept;

// rlp([nonce, balance, storage_root, code_hash]) or, with a registered key,
// rlp([nonce, balance, storage_root, code_hash, key_hash]).
[[nodiscard]] Bytes encode_account(const Account& account);
[[nodiscard]] Result<Account, AccountError> decode_account(ByteView encoded);

}  // namespace qtm::state
