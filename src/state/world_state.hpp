// The world state the EVM and the block executor work on: an in-memory overlay of accounts,
// storage slots and code over the committed state (flat tables and trie nodes of a
// storage::ReadView), with a journal for nested snapshots and the per-transaction sets of
// Cancun (EIP-2929 warm accounts and slots, EIP-1153 transient storage, EIP-6780 created
// accounts, EIP-161 touched accounts, logs). commit() folds every change since the last
// commit into the account and storage tries and the flat tables, in the caller's batch.
//
// Use: one WorldState per block (or per state test); begin with the parent's state root.
// Not thread-safe. A failed database read cannot be reported through the EVM's Host
// interface, so it is recorded (error()) and the value reads as absent; the block executor
// checks error() after each transaction and aborts the block.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/u256.hpp"
#include "state/account.hpp"
#include "storage/database.hpp"
#include "storage/state_store.hpp"
#include "trie/trie.hpp"

namespace qtm::state {

struct Log {
    Address address{};
    std::vector<Hash32> topics{};
    Bytes data{};
    friend bool operator==(const Log&, const Log&) = default;
};

// A post-quantum public key registered by an account's first transaction.
struct RegisteredKey {
    std::uint8_t scheme{0};  // crypto::SignatureScheme id
    Bytes public_key{};
};

struct StateError {
    std::string message;  // what failed and where; the state is unusable afterwards
};

// Keys here are hashes or addresses: their first bytes are already uniformly spread,
// except for precompile-like addresses, so all bytes are mixed in.
struct ByteArrayHasher {
    template <std::size_t N>
    std::size_t operator()(const ByteArray<N>& bytes) const noexcept {
        return hash_bytes(bytes);
    }
    static std::size_t hash_bytes(ByteView bytes) noexcept;
};
struct U256Hasher {
    std::size_t operator()(const U256& value) const noexcept;
};

class WorldState {
public:
    // The state committed under `root` in `view` (whose flat tables must hold that state).
    // `node_cache`, shared across blocks, keeps hot trie nodes in memory (optional).
    //
    // Reads come from the flat tables, which hold only the latest committed state; to read
    // an older state (RPC at a past block) pass ReadMode::kTrie, which walks the tries.
    enum class ReadMode { kFlat, kTrie };
    WorldState(const storage::ReadView& view, const Hash32& root,
               storage::NodeCache* node_cache = nullptr, ReadMode mode = ReadMode::kFlat);
    ~WorldState();
    WorldState(const WorldState&) = delete;
    WorldState& operator=(const WorldState&) = delete;

    // ---- reads (current values, including uncommitted changes)
    [[nodiscard]] bool exists(const Address& address);
    // EIP-161 "exists" for the EVM: present and not empty.
    [[nodiscard]] bool exists_and_not_empty(const Address& address);
    [[nodiscard]] std::optional<Account> account(const Address& address);
    [[nodiscard]] U256 balance(const Address& address);
    [[nodiscard]] std::uint64_t nonce(const Address& address);
    [[nodiscard]] Hash32 code_hash(const Address& address);  // kEmptyCodeHash if absent
    [[nodiscard]] std::shared_ptr<const Bytes> code(const Address& address);
    [[nodiscard]] U256 storage(const Address& address, const U256& key);
    // The slot's value when the current transaction began (EIP-2200's "original").
    [[nodiscard]] U256 original_storage(const Address& address, const U256& key);
    [[nodiscard]] bool has_storage(const Address& address);  // any non-zero slot
    [[nodiscard]] std::optional<RegisteredKey> registered_key(const Address& address);

    // ---- writes (journaled; undone by revert())
    // Creates the account if absent (touching it); amount may be zero.
    void add_balance(const Address& address, const U256& amount);
    // The caller has checked that the balance suffices.
    void sub_balance(const Address& address, const U256& amount);
    void set_nonce(const Address& address, std::uint64_t nonce);
    // A new contract at `address`: nonce 1, no code, balance kept, storage empty (the
    // caller has checked for a collision), recorded as created in this transaction.
    void create_contract(const Address& address);
    void set_code(const Address& address, Bytes code);
    void set_storage(const Address& address, const U256& key, const U256& value);
    // Registers `key` for the account; its hash goes into the account record.
    void register_key(const Address& address, RegisteredKey key);
    // EIP-161: a touched account that ends the transaction empty is deleted.
    void touch(const Address& address);
    // Records SELFDESTRUCT under EIP-6780: moves the balance to `beneficiary`; the account
    // is deleted at the end of the transaction only if it was created in it. Returns true
    // if this call marked it for deletion (created in this transaction, not marked before).
    bool selfdestruct(const Address& address, const Address& beneficiary);

    // Puts an account with its code and storage as-is, unjournaled (genesis, test
    // pre-states). Must not be called inside a transaction.
    void put_genesis_account(const Address& address, const Account& account, Bytes code,
                             const std::vector<std::pair<U256, U256>>& storage);

    // ---- transaction scope
    [[nodiscard]] U256 transient_storage(const Address& address, const U256& key) const;
    void set_transient_storage(const Address& address, const U256& key, const U256& value);
    // EIP-2929: true if the account (slot) was cold; marks it warm.
    bool warm_account(const Address& address);
    bool warm_storage(const Address& address, const U256& key);
    [[nodiscard]] bool created_in_transaction(const Address& address) const;
    // What the current transaction has touched so far (eth_createAccessList reads them).
    [[nodiscard]] const std::unordered_set<Address, ByteArrayHasher>& warm_accounts()
        const noexcept {
        return warm_accounts_;
    }
    [[nodiscard]] const std::set<std::pair<Address, U256>>& warm_slots() const noexcept {
        return warm_slots_;
    }
    void add_log(Log log);
    [[nodiscard]] const std::vector<Log>& logs() const noexcept { return logs_; }

    // A snapshot is a journal position; revert(s) undoes everything after it.
    [[nodiscard]] std::size_t snapshot() const noexcept;
    void revert(std::size_t snapshot);

    // Ends the transaction: deletes self-destructed and touched-empty accounts, clears the
    // transaction-scoped sets and logs, and makes the current slot values the "original"
    // ones for the next transaction. Returns the transaction's logs.
    std::vector<Log> finalize_transaction();

    // Writes every change since the last commit (trie nodes, flat accounts and storage,
    // new code and keys) into `batch` and returns the new state root. Call between
    // transactions only. After the batch is written, reads continue from memory and the
    // database.
    [[nodiscard]] Result<Hash32, StateError> commit(storage::WriteBatch& batch);
    [[nodiscard]] const Hash32& root() const noexcept { return root_; }

    // The first database or trie failure met by a read, if any.
    [[nodiscard]] const std::optional<StateError>& error() const noexcept { return error_; }

private:
    struct Slot {
        U256 committed{};  // as of the last commit
        U256 original{};   // as of the start of the transaction
        U256 current{};
        bool dirty{false};  // changed since the last commit
    };
    struct Entry {
        std::optional<Account> committed;  // as of the last commit; nullopt: absent
        std::optional<Account> current;    // nullopt: absent (never existed or deleted)
        std::unordered_map<U256, Slot, U256Hasher> slots;
        // The committed storage no longer applies (the account was deleted since the last
        // commit): unloaded slots read as zero and the stored ones are erased on commit.
        bool storage_wiped{false};
        bool dirty{false};
    };
    struct JournalEntry;

    Entry& entry(const Address& address);
    Slot& slot(const Address& address, Entry& account_entry, const U256& key);
    Account& writable(const Address& address, Entry& account_entry);
    void record_account(const Address& address, const Entry& account_entry);
    void mark_dirty(const Address& address, Entry& account_entry);
    void delete_account(const Address& address);
    void fail(std::string message);
    void add_nodes(storage::WriteBatch& batch, const std::vector<trie::CommittedNode>& nodes);
    Result<void, StateError> commit_storage(const Address& address, Entry& account_entry,
                                            Account& account, storage::WriteBatch& batch);

    [[nodiscard]] std::optional<Bytes> read_account(const Address& address);
    [[nodiscard]] std::optional<Bytes> read_slot(const Address& address, const Hash32& storage_root,
                                                 const Hash32& slot);

    const storage::ReadView& view_;
    storage::StateStore store_;
    ReadMode mode_;
    Hash32 root_;
    std::unique_ptr<trie::Trie> account_trie_;

    std::unordered_map<Address, Entry, ByteArrayHasher> entries_;
    std::vector<Address> dirty_accounts_;
    std::unordered_map<Hash32, std::shared_ptr<const Bytes>, ByteArrayHasher> code_cache_;
    std::vector<Hash32> new_code_;
    std::unordered_map<Hash32, RegisteredKey, ByteArrayHasher> new_keys_;

    std::vector<JournalEntry> journal_;
    std::unordered_set<Address, ByteArrayHasher> warm_accounts_;
    std::set<std::pair<Address, U256>> warm_slots_;
    std::map<std::pair<Address, U256>, U256> transient_;
    std::vector<Log> logs_;
    std::unordered_set<Address, ByteArrayHasher> created_;
    std::unordered_set<Address, ByteArrayHasher> destructed_;
    std::unordered_set<Address, ByteArrayHasher> touched_;
    std::vector<std::pair<Address, U256>> written_slots_;  // this transaction's SSTOREs

    std::optional<StateError> error_;
};

}  // namespace qtm::state
