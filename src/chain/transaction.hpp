// The QTM transaction (docs/protocol.md, "Transactions"): an EIP-2718 typed transaction of
// type 0x51 with EIP-1559 fee fields, an explicit sender, an access list, and an ML-DSA
// signature under the context "qtm/tx/v1". An account's first transaction carries its public
// key, which registers it in the state; later ones carry only the signature.
//
//   0x51 || rlp([chain_id, nonce, max_priority_fee_per_gas, max_fee_per_gas, gas_limit,
//                from, to, value, data, access_list, scheme_id, public_key, signature])
//
// `to` is empty for a contract creation, `public_key` empty once the key is registered.
// The signing digest is keccak256(0x51 || rlp([...the first eleven fields...])); the hash
// is keccak256 of the whole encoding.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/u256.hpp"
#include "crypto/signature_scheme.hpp"
#include "state/transaction.hpp"
#include "state/world_state.hpp"

namespace qtm::chain {

inline constexpr std::uint8_t kTransactionType = 0x51;
inline constexpr std::string_view kTransactionContext = "qtm/tx/v1";
// The largest encoded transaction the node accepts (geth's txMaxSize is 128 KiB too).
inline constexpr std::size_t kMaxTransactionSize = 128 * 1024;

struct Transaction {
    std::uint64_t chain_id{0};
    std::uint64_t nonce{0};
    U256 max_priority_fee_per_gas{};
    U256 max_fee_per_gas{};
    std::uint64_t gas_limit{0};
    Address from{};
    std::optional<Address> to{};  // nullopt: contract creation
    U256 value{};
    Bytes data{};
    std::vector<state::AccessListEntry> access_list{};
    crypto::SignatureScheme scheme{crypto::SignatureScheme::kMlDsa44};
    Bytes public_key{};  // empty once the sender's key is registered
    Bytes signature{};
};

enum class TxDecodeError {
    kEmpty,
    kUnsupportedType,  // not a QTM (0x51) transaction: legacy/Ethereum types are not accepted
    kTooLarge,
    kMalformed,  // not the RLP shape above, or a field of the wrong size
    kUnknownScheme,
    kBadPublicKeyLength,
    kBadSignatureLength,
};
[[nodiscard]] std::string_view to_string(TxDecodeError error) noexcept;

[[nodiscard]] Hash32 signing_digest(const Transaction& tx);
[[nodiscard]] Bytes encode(const Transaction& tx);
[[nodiscard]] Hash32 transaction_hash(const Transaction& tx);
[[nodiscard]] Result<Transaction, TxDecodeError> decode_transaction(ByteView encoded);

// Why a transaction's signature or key is not acceptable (geth's wording where one exists).
enum class SignatureError {
    kInvalidSignature,      // does not verify under the key
    kKeyAddressMismatch,    // the carried public key does not derive `from`
    kKeyAlreadyRegistered,  // a key is carried but a different one is registered
    kMissingPublicKey,      // no key carried and none registered
    kSchemeMismatch,        // the scheme differs from the registered key's
};
[[nodiscard]] std::string_view to_string(SignatureError error) noexcept;

// The key rule alone: the key the signature must verify under, the carried one (first
// transaction: it must derive `from` and not differ from a registered one) or the registered
// one. `registered` is the sender's key in the state, if any. It depends on the state, so a
// block's validity checks it for every transaction, also one whose signature was verified
// before (against a key that then was only pooled). The view points into `tx` or
// `registered`.
[[nodiscard]] Result<ByteView, SignatureError> signing_key(
    const Transaction& tx, const std::optional<state::RegisteredKey>& registered);
// Checks the key rule and the signature under that key.
[[nodiscard]] Result<void, SignatureError> verify_signature(
    const Transaction& tx, const std::optional<state::RegisteredKey>& registered);

// Intrinsic gas: Ethereum's (21000, calldata, access list, creation and initcode) plus a
// flat ML-DSA verification cost per scheme and, for a transaction that registers its key,
// the cost of storing it. The signature and key bytes are not charged as calldata.
[[nodiscard]] std::int64_t intrinsic_gas(const Transaction& tx);
// The same from its parts, for a transaction not built yet (eth_estimateGas):
// `carried_key_bytes` is the size of the public key it carries (0 once registered).
[[nodiscard]] std::int64_t intrinsic_gas(ByteView data, bool is_create,
                                         const std::vector<state::AccessListEntry>& access_list,
                                         crypto::SignatureScheme scheme,
                                         std::size_t carried_key_bytes);
[[nodiscard]] std::int64_t verification_gas(crypto::SignatureScheme scheme) noexcept;
inline constexpr std::int64_t kKeyRegistrationBaseGas = 20000;
inline constexpr std::int64_t kKeyRegistrationGasPerByte = 16;

// The state transition's view of the transaction.
[[nodiscard]] state::TxParams to_tx_params(const Transaction& tx);

// Fills `public_key` (when `include_key`) and `signature` by signing with `key`.
class AccountKey;
void sign_transaction(Transaction& tx, const AccountKey& key, bool include_key);

}  // namespace qtm::chain
