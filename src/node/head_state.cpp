#include "node/head_state.hpp"

#include "storage/state_store.hpp"

namespace qtm::node {

std::optional<state::Account> HeadStateReader::account(const Address& address) const {
    const storage::StateStore store{view_};
    auto stored = store.load_account(address);
    if (!stored || !*stored) return std::nullopt;
    auto decoded = state::decode_account(**stored);
    if (!decoded) return std::nullopt;
    return *decoded;
}

std::uint64_t HeadStateReader::nonce(const Address& address) const {
    const auto found = account(address);
    return found ? found->nonce : 0;
}

U256 HeadStateReader::balance(const Address& address) const {
    const auto found = account(address);
    return found ? found->balance : U256{};
}

std::optional<state::RegisteredKey> HeadStateReader::registered_key(const Address& address) const {
    const auto found = account(address);
    if (!found || !found->key_hash) return std::nullopt;
    const storage::StateStore store{view_};
    auto blob = store.load_code(*found->key_hash);
    if (!blob || !*blob || (*blob)->empty()) return std::nullopt;
    const Bytes& bytes = **blob;
    return state::RegisteredKey{bytes[0], Bytes(bytes.begin() + 1, bytes.end())};
}

}  // namespace qtm::node
