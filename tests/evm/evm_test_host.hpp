// An in-memory Host with real semantics, for unit tests, the fuzz target and benchmarks:
// accounts (balance, nonce, code, storage), per-transaction original storage, EIP-2929 warm
// sets, EIP-1153 transient storage, logs, nested calls and creates with snapshot/revert,
// EIP-6780 selfdestruct. Header-only so that tests/fuzz can include it. Snapshots copy the
// whole state: simple and obviously right, too slow for production.
#pragma once

#include <map>
#include <set>
#include <utility>
#include <vector>

#include "base/bytes.hpp"
#include "base/u256.hpp"
#include "crypto/keccak.hpp"
#include "evm/analysis.hpp"
#include "evm/gas.hpp"
#include "evm/host.hpp"
#include "evm/interpreter.hpp"
#include "evm/word.hpp"

namespace qtm::evm::test {

struct Account {
    U256 balance{};
    std::uint64_t nonce{0};
    Bytes code{};
    std::map<U256, U256> storage{};

    [[nodiscard]] bool is_empty() const { return balance == U256{} && nonce == 0 && code.empty(); }
};

struct LogRecord {
    Address address{};
    Bytes data{};
    std::vector<Hash32> topics{};
};

using SlotKey = std::pair<Address, U256>;

class TestHost : public Host {
public:
    // Everything a nested frame's failure must undo.
    struct State {
        std::map<Address, Account> accounts;
        std::map<SlotKey, U256> transient;
        std::set<Address> warm_accounts;
        std::set<SlotKey> warm_slots;
        std::vector<LogRecord> logs;
        std::set<Address> created;     // created in this transaction (EIP-6780)
        std::set<Address> destructed;  // to delete at the end of the transaction
    };

    State state;
    TxContext tx;
    std::map<SlotKey, U256> original_storage;  // value at transaction start, once written
    std::vector<Message> calls;                // every nested message, for inspection
    std::vector<Bytes> call_inputs;            // their inputs (the views die with the frame)
    AnalysisCache cache;

    Account& account(const Address& address) { return state.accounts[address]; }

    // What a transaction does before its first frame: warm the sender, the recipient, the
    // coinbase (EIP-3651) and the precompiles 0x01..0x0a (EIP-2929).
    void begin_transaction(const Address& sender, const Address& recipient) {
        state.warm_accounts.insert(sender);
        state.warm_accounts.insert(recipient);
        state.warm_accounts.insert(tx.coinbase);
        for (std::uint8_t i = 1; i <= 10; ++i) {
            Address precompile{};
            precompile[19] = i;
            state.warm_accounts.insert(precompile);
        }
    }

    // What a transaction does after its last frame.
    void end_transaction() {
        for (const auto& address : state.destructed) {
            state.accounts.erase(address);
        }
        state.destructed.clear();
        state.created.clear();
        state.transient.clear();
        state.warm_accounts.clear();
        state.warm_slots.clear();
        original_storage.clear();
    }

    bool account_exists(const Address& address) override {
        const auto it = state.accounts.find(address);
        return it != state.accounts.end() && !it->second.is_empty();
    }

    U256 get_storage(const Address& address, const U256& key) override {
        const auto it = state.accounts.find(address);
        if (it == state.accounts.end()) {
            return {};
        }
        const auto slot = it->second.storage.find(key);
        return slot == it->second.storage.end() ? U256{} : slot->second;
    }

    StorageStatus set_storage(const Address& address, const U256& key, const U256& value) override {
        const U256 current = get_storage(address, key);
        const auto [it, first_write] = original_storage.try_emplace(SlotKey{address, key}, current);
        const U256 original = it->second;
        if (value == U256{}) {
            account(address).storage.erase(key);
        } else {
            account(address).storage[key] = value;
        }
        return storage_status(original, current, value);
    }

    U256 get_transient_storage(const Address& address, const U256& key) override {
        const auto it = state.transient.find(SlotKey{address, key});
        return it == state.transient.end() ? U256{} : it->second;
    }

    void set_transient_storage(const Address& address, const U256& key,
                               const U256& value) override {
        state.transient[SlotKey{address, key}] = value;
    }

    U256 get_balance(const Address& address) override {
        const auto it = state.accounts.find(address);
        return it == state.accounts.end() ? U256{} : it->second.balance;
    }

    std::size_t get_code_size(const Address& address) override {
        const auto it = state.accounts.find(address);
        return it == state.accounts.end() ? 0 : it->second.code.size();
    }

    Hash32 get_code_hash(const Address& address) override {
        if (!account_exists(address)) {
            return Hash32{};
        }
        return crypto::keccak256(state.accounts[address].code);
    }

    std::size_t copy_code(const Address& address, std::size_t offset,
                          MutableByteView out) override {
        const auto it = state.accounts.find(address);
        if (it == state.accounts.end() || offset >= it->second.code.size()) {
            return 0;
        }
        const Bytes& code = it->second.code;
        const std::size_t count = std::min(out.size(), code.size() - offset);
        std::copy_n(code.begin() + static_cast<std::ptrdiff_t>(offset), count, out.begin());
        return count;
    }

    bool selfdestruct(const Address& address, const Address& beneficiary) override {
        const U256 amount = get_balance(address);
        account(address).balance = U256{};
        account(beneficiary).balance = account(beneficiary).balance + amount;
        // EIP-6780: only an account created in this transaction is deleted; sending the
        // balance to itself then burns it.
        if (state.created.contains(address)) {
            account(address).balance = U256{};
            return state.destructed.insert(address).second;
        }
        return false;
    }

    ExecutionResult call(const Message& message) override {
        calls.push_back(message);
        call_inputs.emplace_back(message.input.begin(), message.input.end());
        if (message.depth > kMaxCallDepth) {
            return ExecutionResult{.status = Status::kCallDepthExceeded, .gas_left = message.gas};
        }
        if (message.kind == CallKind::kCreate || message.kind == CallKind::kCreate2) {
            return create(message);
        }
        const bool transfers =
            message.kind == CallKind::kCall || message.kind == CallKind::kCallCode;
        if (transfers && message.value != U256{} && get_balance(message.sender) < message.value) {
            return ExecutionResult{.status = Status::kInsufficientBalance, .gas_left = message.gas};
        }
        State snapshot = state;
        if (transfers && message.value != U256{}) {
            account(message.sender).balance = account(message.sender).balance - message.value;
            account(message.recipient).balance = account(message.recipient).balance + message.value;
        }
        const Bytes code = get_code(message.code_address);
        ExecutionResult result;
        if (code.empty()) {
            result.gas_left = message.gas;
        } else {
            const auto analysis = cache.get(crypto::keccak256(code), code);
            result = execute(*this, Revision::kCancun, message, *analysis);
        }
        if (result.status != Status::kSuccess) {
            state = std::move(snapshot);
        }
        return result;
    }

    TxContext get_tx_context() override { return tx; }

    Hash32 get_block_hash(std::int64_t number) override {
        // A recognisable fake: the hash of the number's decimal text.
        return crypto::keccak256(as_bytes(std::to_string(number)));
    }

    void emit_log(const Address& address, ByteView data, std::span<const Hash32> topics) override {
        state.logs.push_back(LogRecord{address, Bytes(data.begin(), data.end()),
                                       std::vector<Hash32>(topics.begin(), topics.end())});
    }

    AccessStatus access_account(const Address& address) override {
        return state.warm_accounts.insert(address).second ? AccessStatus::kCold
                                                          : AccessStatus::kWarm;
    }

    AccessStatus access_storage(const Address& address, const U256& key) override {
        return state.warm_slots.insert(SlotKey{address, key}).second ? AccessStatus::kCold
                                                                     : AccessStatus::kWarm;
    }

    // keccak256(rlp([sender, nonce]))[12:]
    static Address create_address(const Address& sender, std::uint64_t nonce) {
        Bytes nonce_rlp;
        if (nonce == 0) {
            nonce_rlp.push_back(0x80);
        } else if (nonce < 0x80) {
            nonce_rlp.push_back(static_cast<std::uint8_t>(nonce));
        } else {
            Bytes be;
            for (std::uint64_t n = nonce; n != 0; n >>= 8) {
                be.insert(be.begin(), static_cast<std::uint8_t>(n & 0xff));
            }
            nonce_rlp.push_back(static_cast<std::uint8_t>(0x80 + be.size()));
            nonce_rlp.insert(nonce_rlp.end(), be.begin(), be.end());
        }
        Bytes rlp;
        rlp.push_back(static_cast<std::uint8_t>(0xc0 + 21 + nonce_rlp.size()));
        rlp.push_back(0x94);
        rlp.insert(rlp.end(), sender.begin(), sender.end());
        rlp.insert(rlp.end(), nonce_rlp.begin(), nonce_rlp.end());
        return tail_address(crypto::keccak256(rlp));
    }

    // keccak256(0xff ++ sender ++ salt ++ keccak256(initcode))[12:]
    static Address create2_address(const Address& sender, const U256& salt, ByteView initcode) {
        Bytes preimage{0xff};
        preimage.insert(preimage.end(), sender.begin(), sender.end());
        const Hash32 salt_bytes = to_hash(salt);
        preimage.insert(preimage.end(), salt_bytes.begin(), salt_bytes.end());
        const Hash32 code_hash = crypto::keccak256(initcode);
        preimage.insert(preimage.end(), code_hash.begin(), code_hash.end());
        return tail_address(crypto::keccak256(preimage));
    }

private:
    static Address tail_address(const Hash32& hash) {
        Address address{};
        std::copy(hash.begin() + 12, hash.end(), address.begin());
        return address;
    }

    Bytes get_code(const Address& address) const {
        const auto it = state.accounts.find(address);
        return it == state.accounts.end() ? Bytes{} : it->second.code;
    }

    ExecutionResult create(const Message& message) {
        const ExecutionResult refused{.status = Status::kInsufficientBalance,
                                      .gas_left = message.gas};
        if (get_balance(message.sender) < message.value) {
            return refused;
        }
        Account& creator = account(message.sender);
        if (creator.nonce == ~std::uint64_t{0}) {
            return ExecutionResult{.status = Status::kNonceOverflow, .gas_left = message.gas};
        }
        const Address address =
            message.kind == CallKind::kCreate
                ? create_address(message.sender, creator.nonce)
                : create2_address(message.sender, message.create2_salt, message.input);
        // The nonce bump and the warming survive a failed initcode (they happen in the
        // creator's frame).
        ++creator.nonce;
        state.warm_accounts.insert(address);
        if (const auto it = state.accounts.find(address);
            it != state.accounts.end() &&
            (!it->second.code.empty() || it->second.nonce != 0 || !it->second.storage.empty())) {
            return ExecutionResult{.status = Status::kContractAddressCollision, .gas_left = 0};
        }
        State snapshot = state;
        account(message.sender).balance = account(message.sender).balance - message.value;
        Account& created = account(address);
        created.balance = created.balance + message.value;
        created.nonce = 1;
        state.created.insert(address);

        Message frame = message;
        frame.recipient = address;
        frame.code_address = address;
        ExecutionResult result = execute(*this, Revision::kCancun, frame, message.input);
        if (result.status == Status::kSuccess) {
            const std::int64_t deposit = 200 * static_cast<std::int64_t>(result.output.size());
            if (result.output.size() > gas::kMaxCodeSize) {
                result = ExecutionResult{.status = Status::kCodeSizeExceeded};
            } else if (!result.output.empty() && result.output[0] == 0xef) {
                result = ExecutionResult{.status = Status::kInvalidCodePrefix};
            } else if (result.gas_left < deposit) {
                result = ExecutionResult{.status = Status::kOutOfGas};
            } else {
                result.gas_left -= deposit;
                account(address).code = std::move(result.output);
                result.output.clear();
                result.create_address = address;
            }
        }
        if (result.status != Status::kSuccess) {
            state = std::move(snapshot);
        }
        return result;
    }
};

}  // namespace qtm::evm::test
