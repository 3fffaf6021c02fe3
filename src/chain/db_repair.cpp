#include "chain/db_repair.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "base/endian.hpp"
#include "base/hex.hpp"
#include "chain/block.hpp"
#include "chain/executor.hpp"
#include "chain/preimages.hpp"
#include "chain/snapshot/snapshot.hpp"
#include "chain/stored_head.hpp"
#include "codec/rlp.hpp"
#include "crypto/keccak.hpp"
#include "state/account.hpp"
#include "state/world_state.hpp"
#include "storage/chain_store.hpp"
#include "storage/schema.hpp"
#include "storage/state_store.hpp"
#include "trie/walk.hpp"

namespace qtm::chain {
namespace {

struct ChainBlock {
    Hash32 hash{};
    Header header;
    std::vector<Transaction> transactions;
    std::vector<DuplicateVoteEvidence> evidence;
    std::vector<Hash32> txn_hashes;
    bool receipts_ok{false};
};

// The canonical blocks from genesis up to the first whose header or body is missing, does
// not decode, does not hash right or does not link to its parent.
std::vector<ChainBlock> read_chain(const storage::ReadView& view) {
    const storage::ChainStore store{view};
    std::vector<ChainBlock> chain;
    for (std::uint64_t number = 0;; ++number) {
        auto hash = store.canonical_hash(number);
        if (!hash || !*hash) break;
        ChainBlock block;
        block.hash = **hash;
        auto header_bytes = store.load_header(block.hash);
        if (!header_bytes || !*header_bytes || crypto::keccak256(**header_bytes) != block.hash) {
            break;
        }
        auto header = decode_header(**header_bytes);
        if (!header || header->number != number) break;
        if (number > 0 && header->parent_hash != chain.back().hash) break;
        auto body = store.load_body(block.hash);
        if (!body || !*body) break;
        auto decoded = decode_body(**body);
        if (!decoded || transactions_root(decoded->transactions) != header->transactions_root ||
            evidence_root(decoded->evidence) != header->evidence_root) {
            break;
        }
        block.header = *header;
        block.transactions = std::move(decoded->transactions);
        block.evidence = std::move(decoded->evidence);
        for (const auto& txn : block.transactions)
            block.txn_hashes.push_back(transaction_hash(txn));
        auto receipts_bytes = store.load_receipts(block.hash);
        if (receipts_bytes && *receipts_bytes) {
            auto receipts = decode_receipts(**receipts_bytes);
            block.receipts_ok = receipts && receipts->size() == block.transactions.size() &&
                                receipts_root(*receipts) == header->receipts_root;
        }
        chain.push_back(std::move(block));
    }
    return chain;
}

Preimages collect_preimages(const storage::ReadView& view, const ChainSpec& spec,
                            const std::vector<ChainBlock>& chain) {
    Preimages preimages;
    preimages.add_flat_tables(view);
    preimages.add_spec(spec);
    for (const auto& block : chain)
        preimages.add_block(block.header, block.transactions);
    return preimages;
}

// The flat tables of the state under `root`, rebuilt from its tries, as a batch that also
// erases every flat entry the state does not hold; an error when the trie is incomplete or
// an entry's preimage is unknown.
Result<storage::WriteBatch, std::string> rebuild_flat(const storage::ReadView& view,
                                                      const Hash32& root,
                                                      const Preimages& preimages) {
    const storage::StateStore store{view};
    std::map<Bytes, Bytes> accounts;
    std::map<Bytes, Bytes> slots;
    std::string failure;
    std::vector<std::pair<Address, Hash32>> storage_roots;
    auto walked = trie::walk(store, root, [&](ByteView key, ByteView value) {
        if (key.size() != 32) {
            failure = "the account trie holds a " + std::to_string(key.size()) + "-byte key";
            return false;
        }
        Hash32 trie_key;
        std::copy(key.begin(), key.end(), trie_key.begin());
        const auto found = preimages.addresses.find(trie_key);
        if (found == preimages.addresses.end()) {
            failure = "the state holds an account under key hash " + to_hex(key) +
                      " whose address this database does not hold";
            return false;
        }
        auto account = state::decode_account(value);
        if (!account) {
            failure = "account " + to_hex(found->second) + " in the trie does not decode";
            return false;
        }
        accounts.emplace(to_bytes(found->second), to_bytes(value));
        if (account->storage_root != trie::kEmptyRoot) {
            storage_roots.emplace_back(found->second, account->storage_root);
        }
        return true;
    });
    if (!walked) return unexpected("account trie: " + walked.error().describe());
    if (!failure.empty()) return unexpected(failure);
    for (const auto& entry : storage_roots) {
        // Named, not a structured binding: clang does not capture those in lambdas.
        const Address& address = entry.first;
        const Hash32& storage_root = entry.second;
        auto walked_storage = trie::walk(store, storage_root, [&](ByteView key, ByteView value) {
            if (key.size() != 32) {
                failure = "the storage trie of " + to_hex(address) + " holds a " +
                          std::to_string(key.size()) + "-byte key";
                return false;
            }
            Hash32 trie_key;
            std::copy(key.begin(), key.end(), trie_key.begin());
            const auto found = preimages.slots.find(trie_key);
            rlp::Decoder decoder{value};
            auto decoded = decoder.read_string();
            if (found == preimages.slots.end() || !decoded || !decoder.finish().has_value()) {
                failure = "account " + to_hex(address) + " holds a slot under key hash " +
                          to_hex(key) + " whose slot number this database does not hold";
                return false;
            }
            slots.emplace(to_bytes(storage::StateStore::storage_key(address, found->second)),
                          Bytes(decoded->begin(), decoded->end()));
            return true;
        });
        if (!walked_storage) {
            return unexpected("storage trie of " + to_hex(address) + ": " +
                              walked_storage.error().describe());
        }
        if (!failure.empty()) return unexpected(failure);
    }
    storage::WriteBatch batch;
    const auto rewrite = [&](storage::Column column, const std::map<Bytes, Bytes>& wanted) {
        (void)view.for_each(column, {}, {}, [&](ByteView key, ByteView value) {
            const auto it = wanted.find(to_bytes(key));
            if (it == wanted.end()) {
                batch.erase(column, key);
            } else if (!std::equal(value.begin(), value.end(), it->second.begin(),
                                   it->second.end())) {
                batch.put(column, key, it->second);
            }
            return true;
        });
        for (const auto& [key, value] : wanted) {
            auto present = view.get(column, key);
            if (present && !*present) batch.put(column, key, value);
        }
    };
    rewrite(storage::Column::kFlatAccounts, accounts);
    rewrite(storage::Column::kFlatStorage, slots);
    return batch;
}

std::optional<std::uint64_t> head_number(const storage::ReadView& view) {
    auto head = load_head(view);
    if (!head) return std::nullopt;
    return head->header.number;
}

constexpr std::string_view kRepairTargetKey = "repair_target";

void add_repair_target(storage::WriteBatch& batch, std::uint64_t target) {
    batch.put(storage::Column::kMetadata, as_bytes(kRepairTargetKey), storage::number_key(target));
}

std::optional<std::uint64_t> load_repair_target(const storage::ReadView& view) {
    auto stored = view.get(storage::Column::kMetadata, as_bytes(kRepairTargetKey));
    if (!stored || !*stored || (*stored)->size() != 8) return std::nullopt;
    return load_be64((*stored)->data());
}

std::string block_text(std::uint64_t number) {
    return "block " + std::to_string(number);
}

}  // namespace

std::optional<std::string> quick_check(const storage::ReadView& view) {
    if (load_repair_target(view)) return std::string{"a repair was interrupted"};
    auto head = load_head(view);
    if (!head) return head.error();
    const storage::ChainStore store{view};
    const std::string name = "head " + block_text(head->header.number);
    auto body = store.load_body(head->hash);
    if (!body || !*body) return "the body of " + name + " is missing";
    auto receipts = store.load_receipts(head->hash);
    if (!receipts || !*receipts) return "the receipts of " + name + " are missing";
    if (head->header.state_root != trie::kEmptyRoot) {
        auto root = view.get(storage::Column::kTrieNodes, head->header.state_root);
        if (!root || !*root) return "the state root node of " + name + " is missing";
    }
    return std::nullopt;
}

Result<RepairReport, RepairError> repair_database(storage::Database& database,
                                                  const ChainSpec& spec,
                                                  const CheckOptions& options) {
    if (auto schema = storage::open_schema(database, "the database"); !schema) {
        return unexpected(RepairError{schema.error().message});
    }
    if (const auto base = snapshot::load_snapshot_base(database)) {
        // The replay starts from a complete history, which such a database does not hold.
        return unexpected(RepairError{
            "the database was imported from a state snapshot at block " + std::to_string(*base) +
            " and holds no blocks below it to replay; import the snapshot again (or restore a "
            "backup)"});
    }
    RepairReport report;
    report.head_before = head_number(database);
    const std::vector<ChainBlock> chain = read_chain(database);
    if (chain.empty()) {
        return unexpected(RepairError{
            "the genesis block is missing or damaged; nothing to replay from (restore a "
            "backup or start a new data directory)"});
    }
    {
        storage::WriteBatch scratch;
        auto genesis = build_genesis(spec, database, scratch);
        if (!genesis || genesis->hash != chain.front().hash) {
            return unexpected(RepairError{"the database's genesis block " +
                                          to_hex(chain.front().hash) +
                                          " is not the chain spec's; pass the spec the data "
                                          "directory was created with"});
        }
    }
    // The replay target: the head, or the last intact block when the head is lost or above it.
    std::uint64_t target = chain.size() - 1;
    const auto resumed = load_repair_target(database);
    if (resumed) {
        target = std::min(target, *resumed);
        report.actions.push_back("resumed an interrupted repair towards " + block_text(target));
    } else if (report.head_before) {
        target = std::min(target, *report.head_before);
    }
    // A block whose receipts are lost is re-executed: the base goes below it.
    std::uint64_t base_limit = target;
    for (std::uint64_t n = 1; n <= target; ++n) {
        if (!chain[n].receipts_ok) {
            base_limit = n - 1;
            break;
        }
    }
    // The flat tables hold the head's state, if anything: they stay when they match it.
    bool flat_ok = false;
    if (report.head_before && base_limit == *report.head_before && !resumed) {
        CheckReport state_report;
        check_state(database, chain[base_limit].header.state_root, options, state_report);
        flat_ok = state_report.ok();
    }
    std::uint64_t base = base_limit;
    storage::WriteBatch batch;
    if (!flat_ok) {
        const Preimages preimages = collect_preimages(database, spec, chain);
        std::string last_failure;
        for (;;) {
            auto rebuilt = rebuild_flat(database, chain[base].header.state_root, preimages);
            if (rebuilt) {
                batch = std::move(*rebuilt);
                break;
            }
            last_failure = block_text(base) + ": " + rebuilt.error();
            if (base == 0) {
                return unexpected(
                    RepairError{"no block has a complete, known state to replay from (last tried " +
                                last_failure + "); restore a backup"});
            }
            --base;
        }
        report.actions.push_back("rebuilt the flat state of " + block_text(base) +
                                 " from its state trie (" + std::to_string(batch.entries().size()) +
                                 " entries changed)");
    }
    report.base = base;
    // Blocks above the target cannot be replayed: their records go. Those from the base to
    // the target stay until the replay rewrites them; the target is recorded in the same
    // batch, so that a repair interrupted by a crash resumes instead of dropping them.
    for (std::uint64_t n = target + 1; n < chain.size(); ++n) {
        storage::ChainStore::add_erase_block(batch, chain[n].hash, n, chain[n].txn_hashes);
    }
    std::uint64_t stale = 0;
    (void)database.for_each(storage::Column::kCanonical, storage::number_key(chain.size()), {},
                            [&](ByteView key, ByteView value) {
                                batch.erase(storage::Column::kCanonical, key);
                                if (value.size() == 32) {
                                    batch.erase(storage::Column::kHeaders, value);
                                    batch.erase(storage::Column::kBodies, value);
                                    batch.erase(storage::Column::kReceipts, value);
                                }
                                ++stale;
                                return true;
                            });
    if (stale != 0) {
        report.actions.push_back("erased " + std::to_string(stale) +
                                 " canonical entries of blocks whose records are damaged");
    }
    if (chain.size() - 1 > target) {
        report.actions.push_back("erased blocks " + std::to_string(target + 1) + " to " +
                                 std::to_string(chain.size() - 1) + ", above the head");
    }
    const bool moves_head = !report.head_before || *report.head_before != base;
    if (moves_head || !batch.empty()) {
        storage::ChainStore::add_head(batch, chain[base].hash);
        if (target > base) add_repair_target(batch, target);
        if (auto written = database.write(batch, /*sync=*/true); !written) {
            return unexpected(RepairError{written.error().message});
        }
        report.changed = true;
        if (moves_head) {
            report.actions.push_back("moved the head to " + block_text(base) +
                                     (report.head_before
                                          ? " (from " + block_text(*report.head_before) + ")"
                                          : " (the head pointer named no intact block)"));
        }
    }
    report.head_after = base;

    // Replay: each block validated in full against its parent and written as a node does.
    BlockExecutor executor{spec, database};
    for (std::uint64_t n = base + 1; n <= target; ++n) {
        Block block{chain[n].header, chain[n].transactions, chain[n].evidence};
        auto executed =
            executor.validate(chain[n - 1].header, block, /*signatures_verified=*/false);
        if (!executed) {
            report.actions.push_back(block_text(n) + " does not replay (" +
                                     executed.error().message + "); the head stays at " +
                                     block_text(n - 1));
            break;
        }
        if (auto written = database.write(executed->batch, /*sync=*/true); !written) {
            return unexpected(RepairError{written.error().message});
        }
        ++report.replayed;
        report.head_after = n;
        if (options.progress) options.progress(CheckProgress{"replay", n - base, target - base});
    }
    if (report.replayed != 0) {
        report.changed = true;
        report.actions.push_back("replayed blocks " + std::to_string(base + 1) + " to " +
                                 std::to_string(report.head_after));
    }
    if (target > base) {
        // Whether or not every block replayed, the repair is over: the head is final.
        storage::WriteBatch done;
        for (std::uint64_t n = report.head_after + 1; n <= target; ++n) {
            storage::ChainStore::add_erase_block(done, chain[n].hash, n, chain[n].txn_hashes);
        }
        done.erase(storage::Column::kMetadata, as_bytes(kRepairTargetKey));
        if (auto written = database.write(done, /*sync=*/true); !written) {
            return unexpected(RepairError{written.error().message});
        }
    }

    // Lookups of the blocks kept below the base, and none for anything else.
    const storage::ChainStore store{database};
    storage::WriteBatch lookups;
    std::set<Hash32> canonical_txns;
    for (std::uint64_t n = 0; n <= report.head_after; ++n) {
        for (std::uint32_t i = 0; i < chain[n].txn_hashes.size(); ++i) {
            const Hash32& txn = chain[n].txn_hashes[i];
            canonical_txns.insert(txn);
            auto location = store.txn_location(txn);
            if (!location || !*location || (*location)->block_number != n ||
                (*location)->index != i) {
                std::uint8_t value[12];
                store_be64(value, n);
                store_be32(value + 8, i);
                lookups.put(storage::Column::kTxnLookup, txn, ByteView{value, sizeof value});
            }
        }
    }
    (void)database.for_each(storage::Column::kTxnLookup, {}, {}, [&](ByteView key, ByteView) {
        Hash32 txn{};
        if (key.size() == 32) std::copy(key.begin(), key.end(), txn.begin());
        if (key.size() != 32 || !canonical_txns.contains(txn)) {
            lookups.erase(storage::Column::kTxnLookup, key);
        }
        return true;
    });
    // Genesis has no transactions: its receipts are the empty list its header commits to.
    const bool genesis_receipts = !chain[0].receipts_ok && chain[0].transactions.empty() &&
                                  chain[0].header.receipts_root == receipts_root({});
    if (genesis_receipts) {
        lookups.put(storage::Column::kReceipts, chain[0].hash, encode_receipts({}));
        report.actions.push_back("rewrote the genesis block's (empty) receipts");
    }
    if (!lookups.empty()) {
        if (auto written = database.write(lookups, /*sync=*/true); !written) {
            return unexpected(RepairError{written.error().message});
        }
        report.changed = true;
        const std::size_t rewritten = lookups.entries().size() - (genesis_receipts ? 1 : 0);
        if (rewritten != 0) {
            report.actions.push_back("rewrote " + std::to_string(rewritten) +
                                     " transaction lookup entries");
        }
    }
    return report;
}

}  // namespace qtm::chain
