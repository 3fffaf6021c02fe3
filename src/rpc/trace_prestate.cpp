#include "rpc/trace_prestate.hpp"

#include "base/hex.hpp"
#include "evm/execution_state.hpp"
#include "evm/word.hpp"
#include "rpc/params.hpp"

namespace qtm::rpc {

void PrestateTracer::begin(state::WorldState& world, const Address& from,
                           const std::optional<Address>& to, const Address& coinbase) {
    world_ = &world;
    lookup(from);
    if (to) lookup(*to);
    lookup(coinbase);
}

void PrestateTracer::lookup(const Address& address) {
    if (world_ == nullptr || pre_.contains(address)) return;
    Account account;
    account.balance = world_->balance(address);
    account.nonce = world_->nonce(address);
    if (!options_.disable_code) {
        const auto code = world_->code(address);
        if (code) account.code = *code;
    }
    account.empty = !world_->exists_and_not_empty(address);
    pre_.emplace(address, std::move(account));
}

void PrestateTracer::lookup_slot(const Address& address, const U256& key) {
    lookup(address);
    if (options_.disable_storage || world_ == nullptr) return;
    auto& storage = pre_[address].storage;
    if (!storage.contains(key)) storage.emplace(key, world_->original_storage(address, key));
}

void PrestateTracer::on_enter(const evm::Message& message, const Address& target) {
    const bool creates =
        message.kind == evm::CallKind::kCreate || message.kind == evm::CallKind::kCreate2;
    if (creates && (world_ == nullptr || !world_->exists_and_not_empty(target))) {
        created_.insert(target);
    }
    lookup(target);
}

void PrestateTracer::on_step(const evm::ExecutionState& state, std::size_t, evm::Opcode op) {
    const int size = state.stack.size();
    const auto operand = [&](int depth) { return state.stack.item(size - 1 - depth); };
    switch (op) {
        case evm::OP_SLOAD:
        case evm::OP_SSTORE:
            if (size >= 1) lookup_slot(state.msg.recipient, operand(0));
            break;
        case evm::OP_BALANCE:
        case evm::OP_EXTCODESIZE:
        case evm::OP_EXTCODECOPY:
        case evm::OP_EXTCODEHASH:
        case evm::OP_SELFDESTRUCT:
            if (size >= 1) lookup(evm::to_address(operand(0)));
            break;
        case evm::OP_CALL:
        case evm::OP_CALLCODE:
        case evm::OP_DELEGATECALL:
        case evm::OP_STATICCALL:
            if (size >= 2) lookup(evm::to_address(operand(1)));
            break;
        default:
            break;
    }
}

void PrestateTracer::on_selfdestruct(const Address& address, const Address&, const U256&) {
    destructed_.insert(address);
}

void PrestateTracer::end() {
    if (world_ != nullptr && options_.diff_mode) {
        for (auto it = pre_.begin(); it != pre_.end();) {
            const Address& address = it->first;
            Account& before = it->second;
            // A deleted account's state shows in pre only.
            if (destructed_.contains(address) && !world_->exists(address)) {
                ++it;
                continue;
            }
            Account after;
            bool modified = false;
            after.balance = world_->balance(address);
            after.nonce = world_->nonce(address);
            if (!options_.disable_code) {
                const auto code = world_->code(address);
                if (code) after.code = *code;
            }
            modified = after.balance != before.balance || after.nonce != before.nonce ||
                       after.code != before.code;
            std::map<U256, U256> kept;
            std::map<U256, U256> changed;
            for (const auto& [key, value] : before.storage) {
                const U256 now = world_->storage(address, key);
                if (now == value) continue;  // unchanged slots are left out of both
                modified = true;
                if (value != U256{}) kept.emplace(key, value);
                if (now != U256{}) changed.emplace(key, now);
            }
            before.storage = std::move(kept);
            after.storage = std::move(changed);
            if (!modified) {
                it = pre_.erase(it);
                continue;
            }
            // Only the fields that changed are in post.
            post_.emplace(address, std::move(after));
            ++it;
        }
    }
    // An account the transaction created was empty before it: not part of the prestate.
    for (const Address& address : created_) {
        const auto it = pre_.find(address);
        if (it != pre_.end() && it->second.empty) pre_.erase(it);
    }
}

Json PrestateTracer::format(const std::map<Address, Account>& accounts) const {
    Json out = Json::object();
    for (const auto& [address, account] : accounts) {
        Json entry = Json::object();
        entry["balance"] = quantity(account.balance);
        if (account.nonce != 0) entry["nonce"] = account.nonce;
        if (!account.code.empty()) entry["code"] = hex_data(account.code);
        if (!account.storage.empty()) {
            Json storage = Json::object();
            for (const auto& [key, value] : account.storage)
                storage[to_hex(key.to_be_bytes())] = to_hex(value.to_be_bytes());
            entry["storage"] = std::move(storage);
        }
        out[to_hex(address)] = std::move(entry);
    }
    return out;
}

Json PrestateTracer::result() const {
    if (!options_.diff_mode) return format(pre_);
    // post: only the fields that differ from pre.
    Json post = Json::object();
    for (const auto& [address, after] : post_) {
        const auto before = pre_.find(address);
        Json entry = Json::object();
        const bool known = before != pre_.end();
        if (!known || after.balance != before->second.balance)
            entry["balance"] = quantity(after.balance);
        if (!known || after.nonce != before->second.nonce) entry["nonce"] = after.nonce;
        if ((!known || after.code != before->second.code) && !after.code.empty()) {
            entry["code"] = hex_data(after.code);
        }
        if (!after.storage.empty()) {
            Json storage = Json::object();
            for (const auto& [key, value] : after.storage)
                storage[to_hex(key.to_be_bytes())] = to_hex(value.to_be_bytes());
            entry["storage"] = std::move(storage);
        }
        post[to_hex(address)] = std::move(entry);
    }
    return Json{{"post", std::move(post)}, {"pre", format(pre_)}};
}

}  // namespace qtm::rpc
