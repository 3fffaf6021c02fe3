#include "state/account.hpp"

#include "codec/rlp.hpp"

namespace qtm::state {

std::string_view to_string(AccountError error) noexcept {
    switch (error) {
        case AccountError::kBadEncoding:
            return "stored account is not a valid RLP account record";
    }
    return "unknown account error";
}

Bytes encode_account(const Account& account) {
    const std::size_t payload = rlp::uint_size(account.nonce) + rlp::u256_size(account.balance) +
                                2 * 33 + (account.key_hash ? 33 : 0);
    Bytes out;
    out.reserve(rlp::header_size(payload) + payload);
    rlp::append_list_header(out, payload);
    rlp::append_uint(out, account.nonce);
    rlp::append_u256(out, account.balance);
    rlp::append_string(out, account.storage_root);
    rlp::append_string(out, account.code_hash);
    if (account.key_hash) rlp::append_string(out, *account.key_hash);
    return out;
}

Result<Account, AccountError> decode_account(ByteView encoded) {
    rlp::Decoder outer{encoded};
    auto list = outer.read_list();
    if (!list || !outer.finish()) return unexpected(AccountError::kBadEncoding);
    Account account;
    auto nonce = list->read_uint64();
    auto balance = list->read_u256();
    auto storage_root = list->read_fixed<32>();
    auto code_hash = list->read_fixed<32>();
    if (!nonce || !balance || !storage_root || !code_hash) {
        return unexpected(AccountError::kBadEncoding);
    }
    account.nonce = *nonce;
    account.balance = *balance;
    account.storage_root = *storage_root;
    account.code_hash = *code_hash;
    if (!list->at_end()) {
        auto key_hash = list->read_fixed<32>();
        if (!key_hash) return unexpected(AccountError::kBadEncoding);
        account.key_hash = *key_hash;
    }
    if (!list->finish()) return unexpected(AccountError::kBadEncoding);
    return account;
}

}  // namespace qtm::state
