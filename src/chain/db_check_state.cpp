// The state half of the database check: the head state's tries walked from its root and
// compared, entry by entry, with the flat tables; code and keys referenced from accounts.
#include <algorithm>
#include <set>

#include "chain/db_check.hpp"
#include "chain/db_check_issues.hpp"
#include "codec/rlp.hpp"
#include "crypto/keccak.hpp"
#include "state/account.hpp"
#include "storage/state_store.hpp"
#include "trie/walk.hpp"

namespace qtm::chain {
namespace {

using check_detail::add_issue;

std::string account_name(const Address& address) {
    return "account " + to_hex(address);
}

// An entry of a flat table keyed the trie's way (keccak of the flat key), with the hash of
// the value the trie must hold, so that 1M accounts cost ~84 bytes each.
struct FlatEntry {
    Hash32 trie_key{};
    Hash32 value_hash{};
    Bytes flat_key;
};

struct AccountInfo {
    Address address{};
    Hash32 storage_root{};
};

class StateChecker {
public:
    StateChecker(const storage::ReadView& view, const CheckOptions& options, CheckReport& report)
        : view_{view}, store_{view}, options_{options}, report_{report} {}

    void run(const Hash32& root) {
        scan_accounts();
        scan_storage();
        compare_trie("account trie", root, accounts_, [](const FlatEntry& entry) {
            Address address;
            std::copy(entry.flat_key.begin(), entry.flat_key.end(), address.begin());
            return account_name(address);
        });
        if (accounts_differ_) {
            std::vector<std::pair<Bytes, Bytes>> entries;
            auto scanned = view_.for_each(
                storage::Column::kFlatAccounts, {}, {}, [&entries](ByteView key, ByteView value) {
                    entries.emplace_back(to_bytes(crypto::keccak256(key)), to_bytes(value));
                    return true;
                });
            if (scanned) {
                add_issue(report_, options_, "head state",
                          "the state root computed from the flat tables is " +
                              to_hex(trie::compute_root(entries)) + ", the head's is " +
                              to_hex(root));
            }
        }
    }

private:
    void scan_accounts() {
        auto scanned = view_.for_each(
            storage::Column::kFlatAccounts, {}, {}, [&](ByteView key, ByteView value) {
                ++report_.accounts;
                check_detail::report_progress(options_, "accounts", report_.accounts, 0);
                if (key.size() != 20) {
                    add_issue(report_, options_, "flat_accounts",
                              "a " + std::to_string(key.size()) + "-byte key " + to_hex(key) +
                                  " (addresses are 20 bytes)");
                    return true;
                }
                Address address;
                std::copy(key.begin(), key.end(), address.begin());
                accounts_.push_back(
                    FlatEntry{crypto::keccak256(key), crypto::keccak256(value), to_bytes(key)});
                auto account = state::decode_account(value);
                if (!account) {
                    add_issue(report_, options_, account_name(address),
                              "the flat record does not decode as an account");
                    return true;
                }
                infos_.push_back(AccountInfo{address, account->storage_root});
                if (account->code_hash != state::kEmptyCodeHash) {
                    check_blob(address, account->code_hash, "code");
                }
                if (account->key_hash) check_blob(address, *account->key_hash, "registered key");
                return true;
            });
        if (!scanned) add_issue(report_, options_, "flat_accounts", scanned.error().message);
    }

    void check_blob(const Address& address, const Hash32& hash, const char* what) {
        ++report_.code_entries;
        auto blob = store_.load_code(hash);
        if (!blob) {
            add_issue(report_, options_, account_name(address), blob.error().message);
        } else if (!*blob) {
            add_issue(report_, options_, account_name(address),
                      std::string{what} + " " + to_hex(hash) + " is missing from the code column");
        } else if (crypto::keccak256(**blob) != hash) {
            add_issue(report_, options_, account_name(address),
                      std::string{what} + " stored under " + to_hex(hash) +
                          " does not hash to it (damaged value)");
        }
    }

    // One pass over flat storage (ordered by address, then slot) beside the accounts
    // (ordered by address): each account's slots are compared with its storage trie.
    void scan_storage() {
        std::size_t next = 0;  // into infos_, ascending addresses
        std::optional<Address> current;
        std::vector<FlatEntry> slots;
        const auto finish_account = [&]() {
            if (!current) return;
            const auto* info = find_account(*current, next);
            if (info == nullptr) {
                add_issue(report_, options_, account_name(*current),
                          std::to_string(slots.size()) +
                              " slots in flat_storage, but no flat account record");
            } else {
                compare_account_storage(*info, slots);
            }
            slots.clear();
        };
        auto scanned = view_.for_each(
            storage::Column::kFlatStorage, {}, {}, [&](ByteView key, ByteView value) {
                ++report_.storage_slots;
                check_detail::report_progress(options_, "storage", report_.storage_slots, 0);
                if (key.size() != 52 || value.empty() || value.size() > 32 || value[0] == 0) {
                    add_issue(report_, options_, "flat_storage",
                              "malformed entry " + to_hex(key) + " = " + to_hex(value));
                    return true;
                }
                Address address;
                std::copy(key.begin(), key.begin() + 20, address.begin());
                if (current != address) {
                    finish_account();
                    current = address;
                }
                const ByteView slot = key.subspan(20);
                slots.push_back(FlatEntry{crypto::keccak256(slot),
                                          crypto::keccak256(rlp::encode_string(value)),
                                          to_bytes(slot)});
                return true;
            });
        if (!scanned) {
            add_issue(report_, options_, "flat_storage", scanned.error().message);
            return;
        }
        finish_account();
        // Accounts whose storage root is not empty but that have no flat slots at all.
        for (const auto& info : infos_) {
            if (info.storage_root != trie::kEmptyRoot && !storage_seen_.contains(info.address)) {
                compare_account_storage(info, {});
            }
        }
    }

    const AccountInfo* find_account(const Address& address, std::size_t& next) {
        while (next < infos_.size() && infos_[next].address < address)
            ++next;
        if (next < infos_.size() && infos_[next].address == address) return &infos_[next];
        return nullptr;
    }

    void compare_account_storage(const AccountInfo& info, std::vector<FlatEntry> slots) {
        storage_seen_.insert(info.address);
        compare_trie(account_name(info.address) + ": storage trie", info.storage_root, slots,
                     [&info](const FlatEntry& entry) {
                         return account_name(info.address) + " slot " + to_hex(entry.flat_key);
                     });
    }

    // Walks the trie at `root` and merges its entries with `flat` (sorted here by trie key).
    template <typename Name>
    void compare_trie(const std::string& what, const Hash32& root, std::vector<FlatEntry>& flat,
                      const Name& name) {
        std::sort(flat.begin(), flat.end(),
                  [](const FlatEntry& a, const FlatEntry& b) { return a.trie_key < b.trie_key; });
        const bool is_accounts = &flat == &accounts_;
        std::size_t next = 0;
        const auto only_flat = [&](const FlatEntry& entry) {
            add_issue(report_, options_, name(entry), "in the flat table but not in the trie");
            if (is_accounts) accounts_differ_ = true;
        };
        auto walked = trie::walk(store_, root, [&](ByteView key, ByteView value) {
            if (key.size() != 32) {
                add_issue(report_, options_, what,
                          "holds a " + std::to_string(key.size()) + "-byte key " + to_hex(key) +
                              " (keys are 32-byte hashes)");
                return true;
            }
            Hash32 trie_key{};
            std::copy(key.begin(), key.end(), trie_key.begin());
            while (next < flat.size() && flat[next].trie_key < trie_key)
                only_flat(flat[next++]);
            if (next < flat.size() && flat[next].trie_key == trie_key) {
                if (crypto::keccak256(value) != flat[next].value_hash) {
                    add_issue(report_, options_, name(flat[next]),
                              "the flat value differs from the trie's");
                    if (is_accounts) accounts_differ_ = true;
                }
                ++next;
            } else {
                add_issue(
                    report_, options_, what,
                    "holds an entry under key hash " + to_hex(key) + " that the flat table lacks");
                if (is_accounts) accounts_differ_ = true;
            }
            return true;
        });
        if (!walked) {
            add_issue(report_, options_, what,
                      "incomplete under root " + to_hex(root) + ": " + walked.error().describe() +
                          " (the comparison with the flat table stopped there)");
            return;
        }
        report_.trie_nodes += walked->nodes;
        while (next < flat.size())
            only_flat(flat[next++]);
    }

    const storage::ReadView& view_;
    const storage::StateStore store_;
    const CheckOptions& options_;
    CheckReport& report_;
    std::vector<FlatEntry> accounts_;
    std::vector<AccountInfo> infos_;
    std::set<Address> storage_seen_;
    bool accounts_differ_{false};
};

}  // namespace

void check_state(const storage::ReadView& view, const Hash32& state_root,
                 const CheckOptions& options, CheckReport& report) {
    StateChecker checker{view, options, report};
    checker.run(state_root);
}

}  // namespace qtm::chain
