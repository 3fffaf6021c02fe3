#include "chain/transaction.hpp"

#include "chain/keys.hpp"
#include "codec/rlp.hpp"
#include "crypto/keccak.hpp"
#include "crypto/mldsa.hpp"

namespace qtm::chain {

std::string_view to_string(TxDecodeError error) noexcept {
    switch (error) {
        case TxDecodeError::kEmpty:
            return "empty transaction";
        case TxDecodeError::kUnsupportedType:
            return "transaction type not supported (QTM accepts only type 0x51 transactions, "
                   "signed with ML-DSA)";
        case TxDecodeError::kTooLarge:
            return "oversized data";
        case TxDecodeError::kMalformed:
            return "rlp: malformed QTM transaction";
        case TxDecodeError::kUnknownScheme:
            return "unknown signature scheme id";
        case TxDecodeError::kBadPublicKeyLength:
            return "public key length does not match the signature scheme";
        case TxDecodeError::kBadSignatureLength:
            return "signature length does not match the signature scheme";
    }
    return "invalid transaction";
}

std::string_view to_string(SignatureError error) noexcept {
    switch (error) {
        case SignatureError::kInvalidSignature:
            return "invalid signature";
        case SignatureError::kKeyAddressMismatch:
            return "invalid sender: public key does not derive the from address";
        case SignatureError::kKeyAlreadyRegistered:
            return "invalid sender: a different public key is registered for this account";
        case SignatureError::kMissingPublicKey:
            return "invalid sender: no public key registered; the first transaction of an "
                   "account must carry its public key";
        case SignatureError::kSchemeMismatch:
            return "invalid sender: signature scheme differs from the registered key's";
    }
    return "invalid signature";
}

namespace {

std::size_t access_list_payload(const std::vector<state::AccessListEntry>& list) {
    std::size_t total = 0;
    for (const auto& entry : list) {
        const std::size_t keys = entry.storage_keys.size() * 33;
        const std::size_t item = 21 + rlp::header_size(keys) + keys;
        total += rlp::header_size(item) + item;
    }
    return total;
}

void append_access_list(Bytes& out, const std::vector<state::AccessListEntry>& list) {
    rlp::append_list_header(out, access_list_payload(list));
    for (const auto& entry : list) {
        const std::size_t keys = entry.storage_keys.size() * 33;
        rlp::append_list_header(out, 21 + rlp::header_size(keys) + keys);
        rlp::append_string(out, entry.address);
        rlp::append_list_header(out, keys);
        for (const auto& key : entry.storage_keys)
            rlp::append_string(out, key);
    }
}

// The fields the signature covers, in order; `with_key_and_signature` adds the last two.
Bytes encode_fields(const Transaction& tx, bool with_key_and_signature) {
    const ByteView to = tx.to ? ByteView{*tx.to} : ByteView{};
    const std::size_t access = access_list_payload(tx.access_list);
    std::size_t payload = rlp::uint_size(tx.chain_id) + rlp::uint_size(tx.nonce) +
                          rlp::u256_size(tx.max_priority_fee_per_gas) +
                          rlp::u256_size(tx.max_fee_per_gas) + rlp::uint_size(tx.gas_limit) + 21 +
                          rlp::string_size(to) + rlp::u256_size(tx.value) +
                          rlp::string_size(tx.data) + rlp::header_size(access) + access +
                          rlp::uint_size(crypto::to_byte(tx.scheme));
    if (with_key_and_signature) {
        payload += rlp::string_size(tx.public_key) + rlp::string_size(tx.signature);
    }
    Bytes out;
    out.reserve(1 + rlp::header_size(payload) + payload);
    out.push_back(kTransactionType);
    rlp::append_list_header(out, payload);
    rlp::append_uint(out, tx.chain_id);
    rlp::append_uint(out, tx.nonce);
    rlp::append_u256(out, tx.max_priority_fee_per_gas);
    rlp::append_u256(out, tx.max_fee_per_gas);
    rlp::append_uint(out, tx.gas_limit);
    rlp::append_string(out, tx.from);
    rlp::append_string(out, to);
    rlp::append_u256(out, tx.value);
    rlp::append_string(out, tx.data);
    append_access_list(out, tx.access_list);
    rlp::append_uint(out, crypto::to_byte(tx.scheme));
    if (with_key_and_signature) {
        rlp::append_string(out, tx.public_key);
        rlp::append_string(out, tx.signature);
    }
    return out;
}

}  // namespace

Hash32 signing_digest(const Transaction& tx) {
    return crypto::keccak256(encode_fields(tx, false));
}

Bytes encode(const Transaction& tx) {
    return encode_fields(tx, true);
}

Hash32 transaction_hash(const Transaction& tx) {
    return crypto::keccak256(encode(tx));
}

Result<Transaction, TxDecodeError> decode_transaction(ByteView encoded) {
    if (encoded.empty()) return unexpected(TxDecodeError::kEmpty);
    if (encoded[0] != kTransactionType) return unexpected(TxDecodeError::kUnsupportedType);
    if (encoded.size() > kMaxTransactionSize) return unexpected(TxDecodeError::kTooLarge);
    rlp::Decoder outer{encoded.subspan(1)};
    auto fields = outer.read_list();
    if (!fields || !outer.finish()) return unexpected(TxDecodeError::kMalformed);
    Transaction tx;
    const auto malformed = unexpected(TxDecodeError::kMalformed);
    auto chain_id = fields->read_uint64();
    auto nonce = fields->read_uint64();
    auto tip = fields->read_u256();
    auto fee_cap = fields->read_u256();
    auto gas_limit = fields->read_uint64();
    auto from = fields->read_fixed<20>();
    auto to = fields->read_string();
    auto value = fields->read_u256();
    auto data = fields->read_string();
    if (!chain_id || !nonce || !tip || !fee_cap || !gas_limit || !from || !to || !value || !data) {
        return malformed;
    }
    if (!to->empty() && to->size() != 20) return malformed;
    tx.chain_id = *chain_id;
    tx.nonce = *nonce;
    tx.max_priority_fee_per_gas = *tip;
    tx.max_fee_per_gas = *fee_cap;
    tx.gas_limit = *gas_limit;
    tx.from = *from;
    if (!to->empty()) {
        Address recipient{};
        std::copy(to->begin(), to->end(), recipient.begin());
        tx.to = recipient;
    }
    tx.value = *value;
    tx.data.assign(data->begin(), data->end());

    auto access = fields->read_list();
    if (!access) return malformed;
    while (!access->at_end()) {
        auto item = access->read_list();
        if (!item) return malformed;
        state::AccessListEntry entry;
        auto address = item->read_fixed<20>();
        auto keys = item->read_list();
        if (!address || !keys) return malformed;
        entry.address = *address;
        while (!keys->at_end()) {
            auto key = keys->read_fixed<32>();
            if (!key) return malformed;
            entry.storage_keys.push_back(*key);
        }
        if (!item->finish()) return malformed;
        tx.access_list.push_back(std::move(entry));
    }

    auto scheme_id = fields->read_uint64();
    auto public_key = fields->read_string();
    auto signature = fields->read_string();
    if (!scheme_id || !public_key || !signature || !fields->finish()) return malformed;
    if (*scheme_id > 0xff) return unexpected(TxDecodeError::kUnknownScheme);
    auto scheme = crypto::parse_signature_scheme(static_cast<std::uint8_t>(*scheme_id));
    if (!scheme) return unexpected(TxDecodeError::kUnknownScheme);
    tx.scheme = *scheme;
    const auto sizes = crypto::signature_sizes(tx.scheme);
    if (!public_key->empty() && public_key->size() != sizes.public_key) {
        return unexpected(TxDecodeError::kBadPublicKeyLength);
    }
    if (signature->size() != sizes.signature) {
        return unexpected(TxDecodeError::kBadSignatureLength);
    }
    tx.public_key.assign(public_key->begin(), public_key->end());
    tx.signature.assign(signature->begin(), signature->end());
    return tx;
}

Result<ByteView, SignatureError> signing_key(
    const Transaction& tx, const std::optional<state::RegisteredKey>& registered) {
    if (!tx.public_key.empty()) {
        if (address_of(tx.scheme, tx.public_key) != tx.from) {
            return unexpected(SignatureError::kKeyAddressMismatch);
        }
        if (registered && (registered->scheme != crypto::to_byte(tx.scheme) ||
                           registered->public_key != tx.public_key)) {
            return unexpected(SignatureError::kKeyAlreadyRegistered);
        }
        return ByteView{tx.public_key};
    }
    if (!registered) return unexpected(SignatureError::kMissingPublicKey);
    if (registered->scheme != crypto::to_byte(tx.scheme)) {
        return unexpected(SignatureError::kSchemeMismatch);
    }
    return ByteView{registered->public_key};
}

Result<void, SignatureError> verify_signature(
    const Transaction& tx, const std::optional<state::RegisteredKey>& registered) {
    auto chosen = signing_key(tx, registered);
    if (!chosen) return unexpected(chosen.error());
    const ByteView key = *chosen;
    const Hash32 digest = signing_digest(tx);
    if (!crypto::verify(tx.scheme, key, digest, as_bytes(kTransactionContext), tx.signature)) {
        return unexpected(SignatureError::kInvalidSignature);
    }
    return {};
}

std::int64_t verification_gas(crypto::SignatureScheme scheme) noexcept {
    // From bench/precompile_bench.cpp: priced at ecrecover's gas per microsecond, as the
    // ML-DSA verification precompile (docs/protocol.md).
    switch (scheme) {
        case crypto::SignatureScheme::kMlDsa44:
            return 4500;
        case crypto::SignatureScheme::kMlDsa65:
            return 7000;
        case crypto::SignatureScheme::kMlDsa87:
            return 11000;
    }
    return 11000;
}

std::int64_t intrinsic_gas(ByteView data, bool is_create,
                           const std::vector<state::AccessListEntry>& access_list,
                           crypto::SignatureScheme scheme, std::size_t carried_key_bytes) {
    std::int64_t gas =
        state::ethereum_intrinsic_gas(data, is_create, access_list) + verification_gas(scheme);
    if (carried_key_bytes != 0) {
        gas += kKeyRegistrationBaseGas +
               kKeyRegistrationGasPerByte * static_cast<std::int64_t>(carried_key_bytes);
    }
    return gas;
}

std::int64_t intrinsic_gas(const Transaction& tx) {
    return intrinsic_gas(tx.data, !tx.to, tx.access_list, tx.scheme, tx.public_key.size());
}

state::TxParams to_tx_params(const Transaction& tx) {
    state::TxParams params;
    params.sender = tx.from;
    params.to = tx.to;
    params.nonce = tx.nonce;
    params.value = tx.value;
    params.data = tx.data;
    params.gas_limit = tx.gas_limit > static_cast<std::uint64_t>(INT64_MAX)
                           ? INT64_MAX
                           : static_cast<std::int64_t>(tx.gas_limit);
    params.max_fee_per_gas = tx.max_fee_per_gas;
    params.max_priority_fee_per_gas = tx.max_priority_fee_per_gas;
    params.access_list = tx.access_list;
    params.intrinsic_gas = intrinsic_gas(tx);
    if (!tx.public_key.empty()) {
        params.register_key = state::RegisteredKey{crypto::to_byte(tx.scheme), tx.public_key};
    }
    return params;
}

void sign_transaction(Transaction& tx, const AccountKey& key, bool include_key) {
    tx.scheme = key.scheme();
    tx.from = key.address();
    tx.public_key = include_key ? key.public_key() : Bytes{};
    tx.signature = key.sign(signing_digest(tx), kTransactionContext);
}

}  // namespace qtm::chain
