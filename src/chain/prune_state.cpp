#include "chain/prune_state.hpp"

#include <algorithm>
#include <unordered_set>
#include <vector>

#include "base/endian.hpp"
#include "base/hex.hpp"
#include "chain/snapshot/snapshot.hpp"
#include "chain/staking/active_set.hpp"
#include "chain/stored_head.hpp"
#include "state/account.hpp"
#include "state/world_state.hpp"
#include "storage/chain_store.hpp"
#include "storage/state_store.hpp"
#include "trie/walk.hpp"

namespace qtm::chain {
namespace {

using NodeSet = std::unordered_set<Hash32, state::ByteArrayHasher>;

// Marks every node reachable from `root` (accounts and their storage tries) that is not
// marked yet.
Result<void, std::string> mark_state(const storage::StateStore& store, const Hash32& root,
                                     NodeSet& marked) {
    const trie::NodeFilter enter = [&marked](const Hash32& node) {
        return marked.insert(node).second;
    };
    std::string failure;
    std::vector<Hash32> storage_roots;
    auto walked = trie::walk(
        store, root,
        [&](ByteView key, ByteView value) {
            auto account = state::decode_account(value);
            if (!account) {
                failure = "an account under key hash " + to_hex(key) + " does not decode";
                return false;
            }
            if (account->storage_root != trie::kEmptyRoot) {
                storage_roots.push_back(account->storage_root);
            }
            return true;
        },
        enter);
    if (!failure.empty()) return unexpected(failure);
    if (!walked) return unexpected("account trie: " + walked.error().describe());
    for (const auto& storage_root : storage_roots) {
        auto storage = trie::walk(
            store, storage_root, [](ByteView, ByteView) { return true; }, enter);
        if (!storage) return unexpected("a storage trie: " + storage.error().describe());
    }
    return {};
}

}  // namespace

std::optional<std::uint64_t> load_pruned_below(const storage::ReadView& view) {
    auto stored = view.get(storage::Column::kMetadata, as_bytes(kPrunedBelowKey));
    if (!stored || !*stored || (*stored)->size() != 8) return std::nullopt;
    return load_be64((*stored)->data());
}

void record_validator_set_state(storage::WriteBatch& batch, std::uint64_t block_number,
                                std::uint64_t epoch_length) {
    batch.put(storage::Column::kMetadata, as_bytes(kValidatorSetStateKey),
              storage::number_key(staking::epoch_state_height(block_number + 1, epoch_length)));
}

std::optional<std::uint64_t> load_validator_set_state(const storage::ReadView& view) {
    auto stored = view.get(storage::Column::kMetadata, as_bytes(kValidatorSetStateKey));
    if (!stored || !*stored || (*stored)->size() != 8) return std::nullopt;
    return load_be64((*stored)->data());
}

Result<PruneReport, std::string> prune_state(storage::Database& database,
                                             const PruneOptions& options) {
    if (options.state_history == 0) {
        return unexpected(std::string{
            "the state history must be at least 1 (the head's state); without pruning the "
            "node keeps every state (archive)"});
    }
    auto head = load_head(database);
    if (!head) return unexpected(head.error() + " (run qtm db check)");
    PruneReport report;
    report.head = head->header.number;
    const std::uint64_t base = snapshot::load_snapshot_base(database).value_or(0);
    const std::uint64_t history_start =
        report.head + 1 >= options.state_history ? report.head + 1 - options.state_history : 0;
    const std::uint64_t validator_sets_from =
        std::min(load_validator_set_state(database).value_or(history_start), report.head);
    // Never below what an earlier run already pruned: those states are gone whatever needed them.
    report.oldest_retained = std::max({base, load_pruned_below(database).value_or(0),
                                       std::min(history_start, validator_sets_from)});

    const storage::ChainStore chain{database};
    const storage::StateStore store{database};
    NodeSet marked;
    for (std::uint64_t number = report.head + 1; number-- > report.oldest_retained;) {
        const std::string name = "block " + std::to_string(number);
        auto hash = chain.canonical_hash(number);
        if (!hash || !*hash) return unexpected(name + " is not in the canonical index");
        auto bytes = chain.load_header(**hash);
        if (!bytes || !*bytes) return unexpected(name + "'s header is missing");
        auto header = decode_header(**bytes);
        if (!header) return unexpected(name + "'s header does not decode");
        if (auto done = mark_state(store, header->state_root, marked); !done) {
            return unexpected("the state of " + name + " is incomplete (" + done.error() +
                              "); nothing was deleted (run qtm db check)");
        }
        if (options.progress) {
            options.progress(PruneProgress{"marking", report.head + 1 - number,
                                           report.head + 1 - report.oldest_retained});
        }
    }

    // Collected first, erased after: the scan must not see its own deletions.
    std::vector<Hash32> doomed;
    auto scanned =
        database.for_each(storage::Column::kTrieNodes, {}, {}, [&](ByteView key, ByteView value) {
            if (key.size() != 32) return true;  // not a node
            Hash32 node{};
            std::copy(key.begin(), key.end(), node.begin());
            if (marked.contains(node)) {
                ++report.nodes_kept;
            } else {
                doomed.push_back(node);
                report.bytes_deleted += key.size() + value.size();
            }
            return true;
        });
    if (!scanned) return unexpected(scanned.error().message);
    storage::WriteBatch batch;
    std::size_t in_batch = 0;
    for (const auto& node : doomed) {
        batch.erase(storage::Column::kTrieNodes, node);
        ++report.nodes_deleted;
        if (++in_batch == 100'000) {
            if (auto written = database.write(batch, false); !written) {
                return unexpected(written.error().message);
            }
            batch = storage::WriteBatch{};
            in_batch = 0;
            if (options.progress) {
                options.progress(PruneProgress{"sweeping", report.nodes_deleted, doomed.size()});
            }
        }
    }
    batch.put(storage::Column::kMetadata, as_bytes(kPrunedBelowKey),
              storage::number_key(report.oldest_retained));
    if (auto written = database.write(batch, true); !written) {
        return unexpected(written.error().message);
    }
    if (options.compact) {
        if (auto compacted = database.compact(storage::Column::kTrieNodes); !compacted) {
            return unexpected(compacted.error().message);
        }
    }
    return report;
}

}  // namespace qtm::chain
