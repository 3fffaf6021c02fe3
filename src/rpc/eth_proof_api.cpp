// eth_getProof (EIP-1186): the account's Merkle proof in the state trie and each requested
// slot's proof in the account's storage trie, at any stored block, in the form
// trie::verify_proof (and every Ethereum light client) checks.
#include "base/hex.hpp"
#include "codec/rlp_decode.hpp"
#include "crypto/keccak.hpp"
#include "rpc/chain_reader.hpp"
#include "rpc/eth_api.hpp"
#include "rpc/params.hpp"
#include "state/account.hpp"
#include "storage/state_store.hpp"
#include "trie/trie.hpp"

namespace qtm::rpc {

namespace {

// More keys than this in one request is refused (geth has no limit; the work is linear).
constexpr std::size_t kMaxProofKeys = 1024;

Json proof_json(const std::vector<Bytes>& proof) {
    Json out = Json::array();
    for (const auto& node : proof)
        out.push_back(hex_data(node));
    return out;
}

[[noreturn]] void missing_node(const char* which) {
    throw RpcError{code::kServer, std::string{"missing trie node in the "} + which +
                                      " trie (the state of that block is not available)"};
}

}  // namespace

void register_proof_api(Dispatcher& dispatcher, Backend& backend) {
    dispatcher.add("eth_getProof", [&backend](const Json& params) {
        expect_at_most(params, 3);
        const Address address = to_address(*param(params, 0, "address"), "address");
        const Json& keys_json = *param(params, 1, "storageKeys");
        if (!keys_json.is_array()) {
            throw RpcError{code::kInvalidParams,
                           "invalid argument storageKeys: expected an array of 32-byte keys"};
        }
        if (keys_json.size() > kMaxProofKeys) {
            throw RpcError{code::kLimitExceeded,
                           "too many storage keys: the limit is " + std::to_string(kMaxProofKeys)};
        }
        std::vector<U256> keys;
        for (const auto& key_json : keys_json)
            keys.push_back(to_storage_key(key_json, "storageKeys", ""));
        const ChainReader reader{backend};
        const auto number = reader.resolve(to_block_ref(param(params, 2, "block", false), "block"));
        const auto header = number ? reader.header(*number) : std::nullopt;
        if (!header) throw RpcError{code::kServer, "header not found"};

        const storage::StateStore store{backend.database(), backend.node_cache()};
        trie::Trie accounts{&store, header->state_root};
        const Hash32 account_key = crypto::keccak256(address);
        auto account_proof = accounts.prove(account_key);
        auto encoded = accounts.get(account_key);
        if (!account_proof || !encoded) missing_node("account");
        state::Account account;  // an absent account proves as the empty one
        account.storage_root = trie::kEmptyRoot;
        if (*encoded) {
            auto decoded = state::decode_account(**encoded);
            if (!decoded) throw RpcError{code::kInternal, "stored account does not decode"};
            account = *decoded;
        }

        trie::Trie storage_trie{&store, account.storage_root};
        Json storage_proofs = Json::array();
        for (std::size_t i = 0; i < keys.size(); ++i) {
            const U256& slot = keys[i];
            const Hash32 slot_key = crypto::keccak256(slot.to_be_bytes());
            auto proof = storage_trie.prove(slot_key);
            auto value_rlp = storage_trie.get(slot_key);
            if (!proof || !value_rlp) missing_node("storage");
            U256 value{};
            if (*value_rlp) {
                rlp::Decoder decoder{**value_rlp};
                auto read = decoder.read_u256();
                if (!read) throw RpcError{code::kInternal, "stored slot does not decode"};
                value = *read;
            }
            storage_proofs.push_back(
                {{"key", keys_json[i]}, {"value", quantity(value)}, {"proof", proof_json(*proof)}});
        }
        Json result = {
            {"address", hex_data(address)},         {"accountProof", proof_json(*account_proof)},
            {"balance", quantity(account.balance)}, {"codeHash", hex_data(account.code_hash)},
            {"nonce", quantity(account.nonce)},     {"storageHash", hex_data(account.storage_root)},
            {"storageProof", storage_proofs}};
        // QTM: an account that registered its PQ key has a fifth field in its record.
        if (account.key_hash) result["keyHash"] = hex_data(*account.key_hash);
        return result;
    });
}

}  // namespace qtm::rpc
