#include "state/world_state.hpp"

#include <functional>
#include <string_view>

#include "base/hex.hpp"
#include "codec/rlp.hpp"
#include "crypto/keccak.hpp"

namespace qtm::state {

std::size_t ByteArrayHasher::hash_bytes(ByteView bytes) noexcept {
    return std::hash<std::string_view>{}(
        std::string_view{reinterpret_cast<const char*>(bytes.data()), bytes.size()});
}

std::size_t U256Hasher::operator()(const U256& value) const noexcept {
    // Slot keys are often small integers (Solidity's first variables): mix every limb.
    std::size_t hash = 0x9e3779b97f4a7c15ULL;
    for (std::size_t i = 0; i < U256::kLimbs; ++i) {
        hash ^= value[i] + 0x9e3779b97f4a7c15ULL + (hash << 6) + (hash >> 2);
    }
    return hash;
}

struct WorldState::JournalEntry {
    enum class Kind : std::uint8_t {
        kAccount,    // `account` is the previous current value
        kStorage,    // `value` is the previous slot value
        kTransient,  // `value` is the previous transient value
        kWarmAccount,
        kWarmSlot,
        kLog,
        kCreated,
        kDestructed,
        kTouched,
    };
    Kind kind;
    Address address{};
    U256 key{};
    U256 value{};
    std::optional<Account> account{};
};

namespace {

Bytes minimal_be(const U256& value) {
    const auto full = value.to_be_bytes();
    const std::size_t skip = 32 - value.byte_length();
    return Bytes(full.begin() + static_cast<std::ptrdiff_t>(skip), full.end());
}

std::string describe(const Address& address) {
    return to_hex(address);
}

}  // namespace

WorldState::WorldState(const storage::ReadView& view, const Hash32& root,
                       storage::NodeCache* node_cache, ReadMode mode)
    : view_{view}, store_{view, node_cache}, mode_{mode}, root_{root} {}

std::optional<Bytes> WorldState::read_account(const Address& address) {
    if (mode_ == ReadMode::kFlat) {
        auto stored = store_.load_account(address);
        if (!stored) {
            fail("reading account " + describe(address) + ": " + stored.error().message);
            return std::nullopt;
        }
        return std::move(*stored);
    }
    if (!account_trie_) account_trie_ = std::make_unique<trie::Trie>(&store_, root_);
    auto found = account_trie_->get(crypto::keccak256(address));
    if (!found) {
        fail("account trie at " + to_hex(root_) + ": " +
             std::string{trie::to_string(found.error())});
        return std::nullopt;
    }
    return std::move(*found);
}

std::optional<Bytes> WorldState::read_slot(const Address& address, const Hash32& storage_root,
                                           const Hash32& slot) {
    if (mode_ == ReadMode::kFlat) {
        auto stored = store_.load_storage(address, slot);
        if (!stored) {
            fail("reading storage of " + describe(address) + ": " + stored.error().message);
            return std::nullopt;
        }
        return std::move(*stored);
    }
    const trie::Trie storage_trie{&store_, storage_root};
    auto found = storage_trie.get(crypto::keccak256(slot));
    if (!found) {
        fail("storage trie of " + describe(address) + ": " +
             std::string{trie::to_string(found.error())});
        return std::nullopt;
    }
    if (!*found) return std::nullopt;
    rlp::Decoder decoder{**found};
    auto value = decoder.read_string();
    if (!value || !decoder.finish()) {
        fail("storage trie of " + describe(address) + " holds a malformed value");
        return std::nullopt;
    }
    return Bytes(value->begin(), value->end());
}

WorldState::~WorldState() = default;

void WorldState::fail(std::string message) {
    if (!error_) error_ = StateError{std::move(message)};
}

WorldState::Entry& WorldState::entry(const Address& address) {
    if (const auto it = entries_.find(address); it != entries_.end()) return it->second;
    Entry loaded;
    if (auto stored = read_account(address)) {
        auto decoded = decode_account(*stored);
        if (!decoded) {
            fail("account " + describe(address) + ": " + std::string{to_string(decoded.error())});
        } else {
            loaded.committed = *decoded;
            loaded.current = *decoded;
        }
    }
    return entries_.emplace(address, std::move(loaded)).first->second;
}

WorldState::Slot& WorldState::slot(const Address& address, Entry& account_entry, const U256& key) {
    if (const auto it = account_entry.slots.find(key); it != account_entry.slots.end()) {
        return it->second;
    }
    U256 value{};
    if (!account_entry.storage_wiped && account_entry.committed &&
        account_entry.committed->storage_root != trie::kEmptyRoot) {
        if (auto stored =
                read_slot(address, account_entry.committed->storage_root, key.to_be_bytes())) {
            value = U256::from_be_bytes(*stored);
        }
    }
    return account_entry.slots.emplace(key, Slot{value, value, value, false}).first->second;
}

void WorldState::mark_dirty(const Address& address, Entry& account_entry) {
    if (!account_entry.dirty) {
        account_entry.dirty = true;
        dirty_accounts_.push_back(address);
    }
}

void WorldState::record_account(const Address& address, const Entry& account_entry) {
    journal_.push_back(JournalEntry{.kind = JournalEntry::Kind::kAccount,
                                    .address = address,
                                    .account = account_entry.current});
}

Account& WorldState::writable(const Address& address, Entry& account_entry) {
    record_account(address, account_entry);
    if (!account_entry.current) account_entry.current = Account{};
    mark_dirty(address, account_entry);
    return *account_entry.current;
}

// ---- reads

bool WorldState::exists(const Address& address) {
    return entry(address).current.has_value();
}

bool WorldState::exists_and_not_empty(const Address& address) {
    const auto& current = entry(address).current;
    return current && !current->is_empty();
}

std::optional<Account> WorldState::account(const Address& address) {
    return entry(address).current;
}

U256 WorldState::balance(const Address& address) {
    const auto& current = entry(address).current;
    return current ? current->balance : U256{};
}

std::uint64_t WorldState::nonce(const Address& address) {
    const auto& current = entry(address).current;
    return current ? current->nonce : 0;
}

Hash32 WorldState::code_hash(const Address& address) {
    const auto& current = entry(address).current;
    return current ? current->code_hash : kEmptyCodeHash;
}

std::shared_ptr<const Bytes> WorldState::code(const Address& address) {
    static const auto empty = std::make_shared<const Bytes>();
    const Hash32 hash = code_hash(address);
    if (hash == kEmptyCodeHash) return empty;
    if (const auto it = code_cache_.find(hash); it != code_cache_.end()) return it->second;
    auto stored = store_.load_code(hash);
    if (!stored) {
        fail("reading code of " + describe(address) + ": " + stored.error().message);
        return empty;
    }
    if (!*stored) {
        fail("code " + to_hex(hash) + " of " + describe(address) + " is missing from the database");
        return empty;
    }
    auto code = std::make_shared<const Bytes>(std::move(**stored));
    code_cache_.emplace(hash, code);
    return code;
}

U256 WorldState::storage(const Address& address, const U256& key) {
    Entry& account_entry = entry(address);
    return slot(address, account_entry, key).current;
}

U256 WorldState::original_storage(const Address& address, const U256& key) {
    Entry& account_entry = entry(address);
    return slot(address, account_entry, key).original;
}

bool WorldState::has_storage(const Address& address) {
    Entry& account_entry = entry(address);
    for (const auto& [key, value] : account_entry.slots) {
        if (value.current != U256{}) return true;
    }
    return !account_entry.storage_wiped && account_entry.committed &&
           account_entry.committed->storage_root != trie::kEmptyRoot;
}

std::optional<RegisteredKey> WorldState::registered_key(const Address& address) {
    const auto& current = entry(address).current;
    if (!current || !current->key_hash) return std::nullopt;
    if (const auto it = new_keys_.find(*current->key_hash); it != new_keys_.end()) {
        return it->second;
    }
    auto stored = store_.load_code(*current->key_hash);
    if (!stored || !*stored || (*stored)->empty()) {
        fail("registered key of " + describe(address) + " is missing from the database");
        return std::nullopt;
    }
    const Bytes& blob = **stored;
    return RegisteredKey{blob[0], Bytes(blob.begin() + 1, blob.end())};
}

// ---- writes

void WorldState::touch(const Address& address) {
    if (touched_.insert(address).second) {
        journal_.push_back(JournalEntry{.kind = JournalEntry::Kind::kTouched, .address = address});
    }
}

void WorldState::add_balance(const Address& address, const U256& amount) {
    Entry& account_entry = entry(address);
    Account& account = writable(address, account_entry);
    account.balance = account.balance + amount;
    touch(address);
}

void WorldState::sub_balance(const Address& address, const U256& amount) {
    Entry& account_entry = entry(address);
    Account& account = writable(address, account_entry);
    account.balance = account.balance - amount;
    touch(address);
}

void WorldState::set_nonce(const Address& address, std::uint64_t nonce) {
    Entry& account_entry = entry(address);
    writable(address, account_entry).nonce = nonce;
    touch(address);
}

void WorldState::create_contract(const Address& address) {
    Entry& account_entry = entry(address);
    const U256 balance = account_entry.current ? account_entry.current->balance : U256{};
    Account& account = writable(address, account_entry);
    account = Account{};
    account.nonce = 1;
    account.balance = balance;
    if (created_.insert(address).second) {
        journal_.push_back(JournalEntry{.kind = JournalEntry::Kind::kCreated, .address = address});
    }
    touch(address);
}

void WorldState::set_code(const Address& address, Bytes code) {
    const Hash32 hash = crypto::keccak256(code);
    if (!code_cache_.contains(hash)) {
        code_cache_.emplace(hash, std::make_shared<const Bytes>(std::move(code)));
        new_code_.push_back(hash);
    }
    Entry& account_entry = entry(address);
    writable(address, account_entry).code_hash = hash;
}

void WorldState::set_storage(const Address& address, const U256& key, const U256& value) {
    Entry& account_entry = entry(address);
    Slot& target = slot(address, account_entry, key);
    journal_.push_back(JournalEntry{.kind = JournalEntry::Kind::kStorage,
                                    .address = address,
                                    .key = key,
                                    .value = target.current});
    target.current = value;
    target.dirty = true;
    mark_dirty(address, account_entry);
    written_slots_.emplace_back(address, key);
}

void WorldState::register_key(const Address& address, RegisteredKey key) {
    Bytes blob;
    blob.reserve(1 + key.public_key.size());
    blob.push_back(key.scheme);
    blob.insert(blob.end(), key.public_key.begin(), key.public_key.end());
    const Hash32 hash = crypto::keccak256(blob);
    new_keys_.insert_or_assign(hash, std::move(key));
    Entry& account_entry = entry(address);
    writable(address, account_entry).key_hash = hash;
}

bool WorldState::selfdestruct(const Address& address, const Address& beneficiary) {
    // As Cancun specifies it: the balance moves (to itself: no change), and only an
    // account created in this transaction is cleared and deleted.
    const U256 amount = balance(address);
    sub_balance(address, amount);
    add_balance(beneficiary, amount);
    if (!created_.contains(address)) return false;
    Entry& account_entry = entry(address);
    writable(address, account_entry).balance = U256{};
    if (!destructed_.insert(address).second) return false;
    journal_.push_back(JournalEntry{.kind = JournalEntry::Kind::kDestructed, .address = address});
    return true;
}

void WorldState::put_genesis_account(const Address& address, const Account& account, Bytes code,
                                     const std::vector<std::pair<U256, U256>>& storage) {
    Entry& account_entry = entry(address);
    account_entry.current = account;
    if (!code.empty()) {
        set_code(address, std::move(code));
        journal_.clear();
    } else {
        account_entry.current->code_hash = kEmptyCodeHash;
    }
    for (const auto& [key, value] : storage) {
        Slot& target = slot(address, account_entry, key);
        target.original = value;
        target.current = value;
        target.dirty = true;
    }
    mark_dirty(address, account_entry);
}

// ---- transaction scope

U256 WorldState::transient_storage(const Address& address, const U256& key) const {
    const auto it = transient_.find({address, key});
    return it == transient_.end() ? U256{} : it->second;
}

void WorldState::set_transient_storage(const Address& address, const U256& key, const U256& value) {
    U256& target = transient_[{address, key}];
    journal_.push_back(JournalEntry{
        .kind = JournalEntry::Kind::kTransient, .address = address, .key = key, .value = target});
    target = value;
}

bool WorldState::warm_account(const Address& address) {
    if (!warm_accounts_.insert(address).second) return false;
    journal_.push_back(JournalEntry{.kind = JournalEntry::Kind::kWarmAccount, .address = address});
    return true;
}

bool WorldState::warm_storage(const Address& address, const U256& key) {
    if (!warm_slots_.insert({address, key}).second) return false;
    journal_.push_back(
        JournalEntry{.kind = JournalEntry::Kind::kWarmSlot, .address = address, .key = key});
    return true;
}

bool WorldState::created_in_transaction(const Address& address) const {
    return created_.contains(address);
}

void WorldState::add_log(Log log) {
    logs_.push_back(std::move(log));
    journal_.push_back(JournalEntry{.kind = JournalEntry::Kind::kLog});
}

std::size_t WorldState::snapshot() const noexcept {
    return journal_.size();
}

void WorldState::revert(std::size_t snapshot) {
    while (journal_.size() > snapshot) {
        JournalEntry& undo = journal_.back();
        using Kind = JournalEntry::Kind;
        switch (undo.kind) {
            case Kind::kAccount:
                entries_.at(undo.address).current = std::move(undo.account);
                break;
            case Kind::kStorage:
                entries_.at(undo.address).slots.at(undo.key).current = undo.value;
                break;
            case Kind::kTransient:
                transient_[{undo.address, undo.key}] = undo.value;
                break;
            case Kind::kWarmAccount:
                warm_accounts_.erase(undo.address);
                break;
            case Kind::kWarmSlot:
                warm_slots_.erase({undo.address, undo.key});
                break;
            case Kind::kLog:
                logs_.pop_back();
                break;
            case Kind::kCreated:
                created_.erase(undo.address);
                break;
            case Kind::kDestructed:
                destructed_.erase(undo.address);
                break;
            case Kind::kTouched:
                touched_.erase(undo.address);
                break;
        }
        journal_.pop_back();
    }
}

void WorldState::delete_account(const Address& address) {
    Entry& account_entry = entry(address);
    account_entry.current.reset();
    account_entry.slots.clear();
    account_entry.storage_wiped = true;
    mark_dirty(address, account_entry);
}

std::vector<Log> WorldState::finalize_transaction() {
    for (const Address& address : destructed_)
        delete_account(address);
    for (const Address& address : touched_) {
        const auto& current = entry(address).current;
        if (current && current->is_empty()) delete_account(address);
    }
    for (const auto& [address, key] : written_slots_) {
        Entry& account_entry = entries_.at(address);
        if (const auto it = account_entry.slots.find(key); it != account_entry.slots.end()) {
            it->second.original = it->second.current;
        }
    }
    journal_.clear();
    warm_accounts_.clear();
    warm_slots_.clear();
    transient_.clear();
    created_.clear();
    destructed_.clear();
    touched_.clear();
    written_slots_.clear();
    return std::exchange(logs_, {});
}

// ---- commit

void WorldState::add_nodes(storage::WriteBatch& batch,
                           const std::vector<trie::CommittedNode>& nodes) {
    storage::StateStore::add_nodes(batch, nodes);
    // Content-addressed: caching a node whose batch is never written is harmless.
    if (storage::NodeCache* cache = store_.cache(); cache != nullptr) {
        for (const auto& node : nodes)
            cache->put(node.hash, node.encoded);
    }
}

Result<void, StateError> WorldState::commit_storage(const Address& address, Entry& account_entry,
                                                    Account& account, storage::WriteBatch& batch) {
    const bool had_storage =
        account_entry.committed && account_entry.committed->storage_root != trie::kEmptyRoot;
    if (account_entry.storage_wiped && had_storage) {
        const Bytes until = storage::prefix_end(address);
        auto scanned = view_.for_each(storage::Column::kFlatStorage, address, until,
                                      [&batch](ByteView key, ByteView) {
                                          batch.erase(storage::Column::kFlatStorage, key);
                                          return true;
                                      });
        if (!scanned) return unexpected(StateError{scanned.error().message});
    }
    bool any_dirty = account_entry.storage_wiped;
    for (const auto& [key, value] : account_entry.slots)
        any_dirty = any_dirty || value.dirty;
    if (!any_dirty) {
        if (account_entry.committed) account.storage_root = account_entry.committed->storage_root;
        return {};
    }
    const Hash32 base = account_entry.storage_wiped || !account_entry.committed
                            ? trie::kEmptyRoot
                            : account_entry.committed->storage_root;
    trie::Trie storage_trie{&store_, base};
    for (auto& [key, value] : account_entry.slots) {
        if (!value.dirty) continue;
        const auto key_bytes = key.to_be_bytes();
        const Hash32 trie_key = crypto::keccak256(key_bytes);
        const bool is_zero = value.current == U256{};
        auto written = is_zero ? storage_trie.erase(trie_key)
                               : storage_trie.put(trie_key, rlp::encode_u256(value.current));
        if (!written) {
            return unexpected(StateError{"storage trie of " + describe(address) + ": " +
                                         std::string{trie::to_string(written.error())}});
        }
        storage::StateStore::add_storage(batch, address, key_bytes,
                                         is_zero ? Bytes{} : minimal_be(value.current));
        value.committed = value.current;
        value.dirty = false;
    }
    account.storage_root = storage_trie.root_hash();
    add_nodes(batch, storage_trie.commit());
    return {};
}

Result<Hash32, StateError> WorldState::commit(storage::WriteBatch& batch) {
    if (error_) return unexpected(*error_);
    if (!journal_.empty() || !touched_.empty()) {
        return unexpected(StateError{"commit inside a transaction (finalize it first)"});
    }
    if (!account_trie_) account_trie_ = std::make_unique<trie::Trie>(&store_, root_);
    for (const Address& address : dirty_accounts_) {
        Entry& account_entry = entries_.at(address);
        account_entry.dirty = false;
        const Hash32 trie_key = crypto::keccak256(address);
        if (!account_entry.current) {
            if (account_entry.committed) {
                Account gone = *account_entry.committed;
                if (auto wiped = commit_storage(address, account_entry, gone, batch); !wiped) {
                    return unexpected(wiped.error());
                }
                if (auto erased = account_trie_->erase(trie_key); !erased) {
                    return unexpected(StateError{"account trie: " +
                                                 std::string{trie::to_string(erased.error())}});
                }
                storage::StateStore::add_account(batch, address, {});
            }
            account_entry.committed.reset();
            account_entry.storage_wiped = false;
            account_entry.slots.clear();
            continue;
        }
        Account& account = *account_entry.current;
        if (auto stored = commit_storage(address, account_entry, account, batch); !stored) {
            return unexpected(stored.error());
        }
        account_entry.storage_wiped = false;
        const Bytes encoded = encode_account(account);
        if (auto put = account_trie_->put(trie_key, encoded); !put) {
            return unexpected(
                StateError{"account trie: " + std::string{trie::to_string(put.error())}});
        }
        storage::StateStore::add_account(batch, address, encoded);
        account_entry.committed = account;
    }
    dirty_accounts_.clear();
    for (const Hash32& hash : new_code_) {
        storage::StateStore::add_code(batch, hash, *code_cache_.at(hash));
    }
    new_code_.clear();
    for (const auto& [hash, key] : new_keys_) {
        Bytes blob;
        blob.push_back(key.scheme);
        blob.insert(blob.end(), key.public_key.begin(), key.public_key.end());
        storage::StateStore::add_code(batch, hash, blob);
    }
    new_keys_.clear();
    root_ = account_trie_->root_hash();
    add_nodes(batch, account_trie_->commit());
    return root_;
}

}  // namespace qtm::state
