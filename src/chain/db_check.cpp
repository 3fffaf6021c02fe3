#include "chain/db_check.hpp"

#include <algorithm>

#include "base/endian.hpp"
#include "chain/block.hpp"
#include "chain/db_check_issues.hpp"
#include "chain/prune_state.hpp"
#include "chain/snapshot/snapshot.hpp"
#include "crypto/keccak.hpp"
#include "storage/chain_store.hpp"
#include "storage/schema.hpp"

namespace qtm::chain {
namespace {

using check_detail::add_issue;
using check_detail::block_name;

struct LookupEntry {
    Hash32 txn{};
    std::uint64_t block{0};
    std::uint32_t index{0};
};

class ChainChecker {
public:
    ChainChecker(const storage::ReadView& view, const CheckOptions& options, CheckReport& report)
        : view_{view},
          store_{view},
          options_{options},
          report_{report},
          base_{snapshot::load_snapshot_base(view)},
          pruned_below_{load_pruned_below(view)} {
        report_.snapshot_base = base_;
    }

    // The head pointer and its header; false when there is no usable head.
    std::optional<Header> check_head() {
        auto head = store_.head();
        if (!head) {
            add_issue(report_, options_, "metadata", head.error().message);
            return std::nullopt;
        }
        if (!*head) {
            add_issue(report_, options_, "metadata",
                      "no head pointer (the database holds no chain, or the pointer was lost)");
            return std::nullopt;
        }
        report_.head_hash = **head;
        auto header = load_header(**head, "head " + to_hex(**head));
        if (header) {
            report_.head_number = header->number;
            report_.head_state_root = header->state_root;
        }
        return header;
    }

    // Walks the canonical index in block order, checking each block it names.
    void check_canonical(const std::optional<Header>& head) {
        std::uint64_t expected = 0;
        std::optional<Hash32> previous;
        const std::uint64_t total = head ? head->number + 1 : 0;
        auto scanned =
            view_.for_each(storage::Column::kCanonical, {}, {}, [&](ByteView key, ByteView value) {
                if (key.size() != 8 || value.size() != 32) {
                    add_issue(report_, options_, "canonical index",
                              "an entry with a " + std::to_string(key.size()) + "-byte key and a " +
                                  std::to_string(value.size()) + "-byte value (expected 8 and 32)");
                    return true;
                }
                const std::uint64_t number = load_be64(key.data());
                Hash32 hash;
                std::copy(value.begin(), value.end(), hash.begin());
                if (head && number > head->number) {
                    add_issue(report_, options_, block_name(number, hash),
                              "canonical entry above the head (block " +
                                  std::to_string(head->number) + ")");
                    return true;
                }
                // A database imported from a snapshot at block B holds genesis, then the
                // headers of the blocks just below B (snapshot/format.hpp).
                const bool below_base = base_ && expected == 1 && number <= *base_;
                if (number != expected && !below_base) {
                    add_issue(report_, options_, "canonical index",
                              "no entries for blocks " + std::to_string(expected) + " to " +
                                  std::to_string(number - 1));
                    previous.reset();
                }
                if (number != expected) previous.reset();
                if (head && number == head->number && hash != report_.head_hash) {
                    add_issue(report_, options_, block_name(number, hash),
                              "the canonical entry at the head's height names another block "
                              "than the head pointer (" +
                                  to_hex(report_.head_hash) + ")");
                }
                check_block(number, hash, previous);
                previous = hash;
                expected = number + 1;
                check_detail::report_progress(options_, "blocks", expected, total);
                return true;
            });
        if (!scanned) add_issue(report_, options_, "canonical index", scanned.error().message);
        if (head && expected <= head->number) {
            add_issue(report_, options_, "canonical index",
                      expected == 0
                          ? "empty, but the head is at block " + std::to_string(head->number)
                          : "ends at block " + std::to_string(expected - 1) +
                                ", but the head is at block " + std::to_string(head->number));
        }
        check_detail::report_progress(options_, "blocks", expected, total, /*force=*/true);
    }

    // Every lookup entry must name a canonical transaction; missing or wrong entries of
    // canonical transactions were reported per block.
    void check_lookups() {
        std::sort(lookups_.begin(), lookups_.end(),
                  [](const LookupEntry& a, const LookupEntry& b) { return a.txn < b.txn; });
        std::size_t next = 0;
        std::uint64_t done = 0;
        auto scanned =
            view_.for_each(storage::Column::kTxnLookup, {}, {}, [&](ByteView key, ByteView value) {
                check_detail::report_progress(options_, "transaction lookups", ++done, 0);
                Hash32 txn{};
                if (key.size() == 32) std::copy(key.begin(), key.end(), txn.begin());
                while (next < lookups_.size() && lookups_[next].txn < txn)
                    ++next;
                if (key.size() == 32 && next < lookups_.size() && lookups_[next].txn == txn) {
                    return true;
                }
                std::string where = "transaction lookup " + to_hex(key);
                if (value.size() == 12) {
                    add_issue(report_, options_, std::move(where),
                              "points at block " + std::to_string(load_be64(value.data())) +
                                  " index " + std::to_string(load_be32(value.data() + 8)) +
                                  ", but no canonical block holds that transaction");
                } else {
                    add_issue(report_, options_, std::move(where),
                              "is not a transaction of a canonical block (and its value is " +
                                  std::to_string(value.size()) + " bytes, not 12)");
                }
                return true;
            });
        if (!scanned) add_issue(report_, options_, "txn_lookup", scanned.error().message);
    }

    void check_finalized(const std::optional<Header>& head) {
        auto finalized = store_.finalized();
        if (!finalized) {
            add_issue(report_, options_, "metadata", finalized.error().message);
            return;
        }
        if (!*finalized) return;  // a dev chain records none
        auto header = load_header(**finalized, "finalized block " + to_hex(**finalized));
        if (!header) return;
        report_.finalized_number = header->number;
        if (head && header->number > head->number) {
            add_issue(report_, options_, "finalized pointer",
                      "block " + std::to_string(header->number) + " is above the head (block " +
                          std::to_string(head->number) + ")");
        }
        auto canonical = store_.canonical_hash(header->number);
        if (canonical && (!*canonical || **canonical != **finalized)) {
            add_issue(report_, options_, "finalized pointer",
                      "block " + to_hex(**finalized) + " is not the canonical block at height " +
                          std::to_string(header->number));
        }
    }

private:
    std::optional<Header> load_header(const Hash32& hash, const std::string& where) {
        auto bytes = store_.load_header(hash);
        if (!bytes) {
            add_issue(report_, options_, where, bytes.error().message);
            return std::nullopt;
        }
        if (!*bytes) {
            add_issue(report_, options_, where, "header missing from the headers column");
            return std::nullopt;
        }
        if (crypto::keccak256(**bytes) != hash) {
            add_issue(report_, options_, where,
                      "the stored header does not hash to the block hash");
            return std::nullopt;
        }
        auto header = decode_header(**bytes);
        if (!header) {
            add_issue(report_, options_, where,
                      "header does not decode: " + std::string{to_string(header.error())});
            return std::nullopt;
        }
        return *header;
    }

    void check_block(std::uint64_t number, const Hash32& hash,
                     const std::optional<Hash32>& parent) {
        ++report_.blocks;
        const std::string where = block_name(number, hash);
        auto header = load_header(hash, where);
        if (!header) return;
        if (header->number != number) {
            add_issue(report_, options_, where,
                      "the header says block " + std::to_string(header->number));
        }
        if (parent && header->parent_hash != *parent) {
            add_issue(report_, options_, where,
                      "parent hash " + to_hex(header->parent_hash) +
                          " is not the canonical block below it (" + to_hex(*parent) + ")");
        }
        // Below a snapshot's base the states are not held, nor the bodies (but genesis's).
        const bool below_base = base_ && number < *base_;
        if (below_base && number > 0) return;
        const bool pruned = pruned_below_ && number < *pruned_below_;
        if (!below_base && !pruned && header->state_root != trie::kEmptyRoot) {
            auto root = view_.get(storage::Column::kTrieNodes, header->state_root);
            if (!root || !*root) {
                add_issue(report_, options_, where,
                          "the root node of its state (" + to_hex(header->state_root) +
                              ") is missing from trie_nodes");
            }
        }
        const auto transactions = check_body(*header, hash, where);
        if (transactions) check_receipts(*header, hash, where, *transactions);
    }

    std::optional<std::vector<Hash32>> check_body(const Header& header, const Hash32& hash,
                                                  const std::string& where) {
        auto body = store_.load_body(hash);
        if (!body || !*body) {
            add_issue(report_, options_, where,
                      body ? "body missing from the bodies column" : body.error().message);
            return std::nullopt;
        }
        auto decoded = decode_body(**body);
        if (!decoded) {
            add_issue(report_, options_, where,
                      "body does not decode: " + std::string{to_string(decoded.error())});
            return std::nullopt;
        }
        const std::vector<Transaction>* transactions = &decoded->transactions;
        if (transactions_root(*transactions) != header.transactions_root) {
            add_issue(report_, options_, where,
                      "the body's transactions root differs from the header's");
        }
        if (evidence_root(decoded->evidence) != header.evidence_root) {
            add_issue(report_, options_, where,
                      "the body's evidence root differs from the header's");
        }
        std::vector<Hash32> hashes;
        for (std::uint32_t i = 0; i < transactions->size(); ++i) {
            const Hash32 txn = transaction_hash((*transactions)[i]);
            hashes.push_back(txn);
            lookups_.push_back(LookupEntry{txn, header.number, i});
            auto location = store_.txn_location(txn);
            const std::string what = "transaction " + std::to_string(i) + " (" + to_hex(txn) + ")";
            if (!location) {
                add_issue(report_, options_, where, what + ": " + location.error().message);
            } else if (!*location) {
                add_issue(report_, options_, where, what + " has no transaction lookup entry");
            } else if ((*location)->block_number != header.number || (*location)->index != i) {
                add_issue(report_, options_, where,
                          what + ": the lookup entry says block " +
                              std::to_string((*location)->block_number) + " index " +
                              std::to_string((*location)->index));
            }
        }
        report_.transactions += hashes.size();
        return hashes;
    }

    void check_receipts(const Header& header, const Hash32& hash, const std::string& where,
                        const std::vector<Hash32>& transactions) {
        auto bytes = store_.load_receipts(hash);
        if (!bytes || !*bytes) {
            add_issue(report_, options_, where,
                      bytes ? "receipts missing from the receipts column" : bytes.error().message);
            return;
        }
        auto receipts = decode_receipts(**bytes);
        if (!receipts) {
            add_issue(report_, options_, where,
                      "receipts do not decode: " + std::string{to_string(receipts.error())});
            return;
        }
        if (receipts->size() != transactions.size()) {
            add_issue(report_, options_, where,
                      std::to_string(receipts->size()) + " receipts for " +
                          std::to_string(transactions.size()) + " transactions");
            return;
        }
        if (receipts_root(*receipts) != header.receipts_root) {
            add_issue(report_, options_, where, "the receipts root differs from the header's");
        }
        const std::uint64_t gas = receipts->empty() ? 0 : receipts->back().cumulative_gas_used;
        if (gas != header.gas_used) {
            add_issue(report_, options_, where,
                      "the receipts use " + std::to_string(gas) + " gas, the header says " +
                          std::to_string(header.gas_used));
        }
    }

    const storage::ReadView& view_;
    const storage::ChainStore store_;
    const CheckOptions& options_;
    CheckReport& report_;
    std::vector<LookupEntry> lookups_;
    std::optional<std::uint64_t> base_;
    std::optional<std::uint64_t> pruned_below_;  // states below it deleted by a prune
};

}  // namespace

CheckReport check_database(const storage::ReadView& view, const CheckOptions& options) {
    CheckReport report;
    auto version = storage::load_schema_version(view);
    if (!version) {
        add_issue(report, options, "metadata", version.error().message);
    } else {
        report.schema_version = *version;
        if (*version && **version > storage::kSchemaVersion) {
            add_issue(report, options, "metadata",
                      "schema version " + std::to_string(**version) + " is newer than version " +
                          std::to_string(storage::kSchemaVersion) +
                          " that this program reads; nothing else was checked");
            return report;
        }
    }
    ChainChecker chain{view, options, report};
    const auto head = chain.check_head();
    chain.check_canonical(head);
    chain.check_lookups();
    chain.check_finalized(head);
    if (head) check_state(view, head->state_root, options, report);
    return report;
}

}  // namespace qtm::chain
