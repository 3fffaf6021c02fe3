// Snapshot import: every frame checked before it is used (the manifest's chain against the
// spec's genesis, each chunk's hash against the manifest), the tries rebuilt from the
// entries in trie order, and the block records written only once the account trie's root
// is the block's state root.
#include <set>

#include "base/endian.hpp"
#include "base/hex.hpp"
#include "chain/block.hpp"
#include "chain/snapshot/format.hpp"
#include "chain/snapshot/snapshot.hpp"
#include "codec/rlp.hpp"
#include "crypto/keccak.hpp"
#include "state/account.hpp"
#include "storage/chain_store.hpp"
#include "storage/state_store.hpp"

namespace qtm::chain::snapshot {
namespace {

// Reads be32(length) || bytes; `what` names the frame in errors.
Result<Bytes, std::string> read_frame(std::istream& in, std::uint32_t limit,
                                      const std::string& what) {
    std::uint8_t length_bytes[4];
    in.read(reinterpret_cast<char*>(length_bytes), 4);
    if (in.gcount() != 4) return unexpected(what + ": the file ends before it (truncated)");
    const std::uint32_t length = load_be32(length_bytes);
    if (length > limit) {
        return unexpected(what + ": its length " + std::to_string(length) +
                          " is above the limit of " + std::to_string(limit) + " bytes");
    }
    Bytes bytes(length);
    in.read(reinterpret_cast<char*>(bytes.data()), length);
    if (static_cast<std::uint64_t>(in.gcount()) != length) {
        return unexpected(what + ": the file ends after " + std::to_string(in.gcount()) +
                          " of its " + std::to_string(length) + " bytes (truncated)");
    }
    return bytes;
}

struct CheckedChain {
    std::vector<Header> headers;
    std::vector<Hash32> hashes;
    std::vector<Transaction> transactions;
    Hash32 genesis_hash{};
};

Result<CheckedChain, std::string> check_manifest_chain(const Manifest& manifest,
                                                       const ChainSpec& spec) {
    auto scratch = storage::make_memory_database();
    storage::WriteBatch unused;
    auto genesis = build_genesis(spec, *scratch, unused);
    if (!genesis) return unexpected(std::string{"the chain spec: "} + genesis.error().message);
    CheckedChain chain;
    chain.genesis_hash = crypto::keccak256(manifest.genesis_header);
    if (chain.genesis_hash != genesis->hash) {
        return unexpected("the snapshot is of the chain with genesis " +
                          to_hex(chain.genesis_hash) + ", but the chain spec '" + spec.name +
                          "' has genesis " + to_hex(genesis->hash) + " (pass --spec)");
    }
    if (manifest.headers.empty() || manifest.headers.size() > kMaxHeaders) {
        return unexpected("the manifest holds " + std::to_string(manifest.headers.size()) +
                          " headers; it must hold 1 to " + std::to_string(kMaxHeaders));
    }
    for (const auto& bytes : manifest.headers) {
        auto header = decode_header(bytes);
        if (!header) return unexpected(std::string{"a manifest header does not decode"});
        const Hash32 parent = chain.hashes.empty() ? Hash32{} : chain.hashes.back();
        if (!chain.headers.empty() &&
            (header->number != chain.headers.back().number + 1 || header->parent_hash != parent)) {
            return unexpected("manifest header of block " + std::to_string(header->number) +
                              " does not follow block " +
                              std::to_string(chain.headers.back().number));
        }
        if (chain.headers.empty() &&
            (header->number == 0 ||
             (header->number == 1 && header->parent_hash != genesis->hash))) {
            return unexpected(std::string{"the manifest's first header does not follow genesis"});
        }
        chain.hashes.push_back(crypto::keccak256(bytes));
        chain.headers.push_back(*header);
    }
    const Header& block = chain.headers.back();
    const std::string name = "block " + std::to_string(block.number);
    auto body = decode_body(manifest.body);
    if (!body || transactions_root(body->transactions) != block.transactions_root ||
        evidence_root(body->evidence) != block.evidence_root) {
        return unexpected(name + "'s body in the manifest does not match its header");
    }
    auto receipts = decode_receipts(manifest.receipts);
    if (!receipts || receipts->size() != body->transactions.size() ||
        receipts_root(*receipts) != block.receipts_root) {
        return unexpected(name + "'s receipts in the manifest do not match its header");
    }
    chain.transactions = std::move(body->transactions);
    return chain;
}

// Rebuilds the tries and flat tables from the chunks' entries, one chunk per write.
class StateBuilder {
public:
    explicit StateBuilder(storage::Database& target)
        : target_{target}, store_{target}, accounts_{&store_} {}

    Result<void, std::string> add_state(const Chunk& chunk) {
        for (std::size_t i = 0; i < chunk.state.size(); ++i) {
            const StateEntry& entry = chunk.state[i];
            auto added = entry.slot ? add_slot(entry) : add_account(entry);
            if (!added) return unexpected("entry " + std::to_string(i) + ": " + added.error());
        }
        return write_chunk();
    }

    Result<void, std::string> add_code(const Chunk& chunk) {
        for (std::size_t i = 0; i < chunk.blobs.size(); ++i) {
            const Hash32 hash = crypto::keccak256(chunk.blobs[i]);
            if (last_blob_ && !(*last_blob_ < hash)) {
                return unexpected("entry " + std::to_string(i) +
                                  ": code is out of order (ascending hashes)");
            }
            last_blob_ = hash;
            blobs_needed_.erase(hash);
            storage::StateStore::add_code(batch_, hash, chunk.blobs[i]);
            ++blobs_;
        }
        return write_chunk();
    }

    // The root of the account trie once every entry is in.
    Result<Hash32, std::string> finish() {
        if (auto done = finish_account(); !done) return unexpected(done.error());
        if (!blobs_needed_.empty()) {
            return unexpected("code or key " + to_hex(*blobs_needed_.begin()) +
                              " that an account names is not in the snapshot (" +
                              std::to_string(blobs_needed_.size()) + " missing)");
        }
        if (auto written = write_chunk(); !written) return unexpected(written.error());
        return root_;
    }

    std::uint64_t accounts_count{0};
    std::uint64_t slots_count{0};
    [[nodiscard]] std::uint64_t blobs() const noexcept { return blobs_; }

private:
    Result<void, std::string> add_account(const StateEntry& entry) {
        if (auto done = finish_account(); !done) return done;
        const Hash32 key = crypto::keccak256(entry.address);
        if (last_account_key_ && !(*last_account_key_ < key)) {
            return unexpected("account " + to_hex(entry.address) +
                              " is out of order (accounts come by ascending keccak256 of the "
                              "address, each once)");
        }
        last_account_key_ = key;
        auto account = state::decode_account(entry.value);
        if (!account) return unexpected("account " + to_hex(entry.address) + " does not decode");
        if (auto put = accounts_.put(key, entry.value); !put) {
            return unexpected(std::string{"account trie: "} +
                              std::string{trie::to_string(put.error())});
        }
        storage::StateStore::add_account(batch_, entry.address, entry.value);
        if (account->code_hash != state::kEmptyCodeHash) blobs_needed_.insert(account->code_hash);
        if (account->key_hash) blobs_needed_.insert(*account->key_hash);
        current_ = Current{entry.address, account->storage_root};
        ++accounts_count;
        return {};
    }

    Result<void, std::string> add_slot(const StateEntry& entry) {
        if (!current_ || current_->address != entry.address) {
            return unexpected("a slot of " + to_hex(entry.address) +
                              " does not follow that account's entry");
        }
        const Hash32 key = crypto::keccak256(*entry.slot);
        if (current_->last_slot_key && !(*current_->last_slot_key < key)) {
            return unexpected("slot " + to_hex(*entry.slot) + " of " + to_hex(entry.address) +
                              " is out of order (ascending keccak256 of the slot, each once)");
        }
        current_->last_slot_key = key;
        if (entry.value.empty() || entry.value.size() > 32 || entry.value[0] == 0) {
            return unexpected("slot " + to_hex(*entry.slot) + " of " + to_hex(entry.address) +
                              " has a malformed value " + to_hex(entry.value));
        }
        if (auto put = current_->trie.put(key, rlp::encode_string(entry.value)); !put) {
            return unexpected(std::string{"storage trie: "} +
                              std::string{trie::to_string(put.error())});
        }
        storage::StateStore::add_storage(batch_, entry.address, *entry.slot, entry.value);
        ++slots_count;
        return {};
    }

    Result<void, std::string> finish_account() {
        if (!current_) return {};
        const Hash32 root = current_->trie.root_hash();
        if (root != current_->storage_root) {
            return unexpected("the storage of account " + to_hex(current_->address) + " has root " +
                              to_hex(root) + ", but the account names " +
                              to_hex(current_->storage_root));
        }
        if (root != trie::kEmptyRoot)
            storage::StateStore::add_nodes(batch_, current_->trie.commit());
        current_.reset();
        return {};
    }

    // Writes what the chunk added; the account trie is reopened from its new root so that
    // memory holds one chunk's nodes, not the whole trie.
    Result<void, std::string> write_chunk() {
        root_ = accounts_.root_hash();
        storage::StateStore::add_nodes(batch_, accounts_.commit());
        if (auto written = target_.write(batch_, false); !written) {
            return unexpected(written.error().message);
        }
        batch_ = storage::WriteBatch{};
        accounts_ = trie::Trie{&store_, root_};
        return {};
    }

    struct Current {
        Address address{};
        Hash32 storage_root{};
        trie::Trie trie{};
        std::optional<Hash32> last_slot_key{};
        Current(const Address& a, const Hash32& r) : address{a}, storage_root{r} {}
    };

    storage::Database& target_;
    storage::StateStore store_;
    trie::Trie accounts_;
    Hash32 root_{trie::kEmptyRoot};
    storage::WriteBatch batch_;
    std::optional<Current> current_;
    std::optional<Hash32> last_account_key_;
    std::optional<Hash32> last_blob_;
    std::set<Hash32> blobs_needed_;
    std::uint64_t blobs_{0};
};

Result<void, std::string> check_empty(const storage::Database& target) {
    auto genesis = storage::ChainStore{target}.canonical_hash(0);
    if (!genesis) return unexpected(genesis.error().message);
    bool any = false;
    (void)target.for_each(storage::Column::kFlatAccounts, {}, {}, [&any](ByteView, ByteView) {
        any = true;
        return false;
    });
    if (*genesis || any) {
        return unexpected(std::string{"the target database is not empty (import into a new one)"});
    }
    return {};
}

}  // namespace

Result<Summary, std::string> import_snapshot(std::istream& in, const ChainSpec& spec,
                                             storage::Database& target,
                                             const ImportOptions& options) {
    ByteArray<8> magic{};
    in.read(reinterpret_cast<char*>(magic.data()), magic.size());
    if (in.gcount() != static_cast<std::streamsize>(magic.size()) || magic != kMagic) {
        return unexpected(
            std::string{"not a QTM state snapshot (the file does not start with "
                        "\"QTMSNAP\" 0x01)"});
    }
    auto manifest_bytes = read_frame(in, kMaxManifestBytes, "the manifest");
    if (!manifest_bytes) return unexpected(manifest_bytes.error());
    auto manifest = decode_manifest(*manifest_bytes);
    if (!manifest) return unexpected(manifest.error());
    auto chain = check_manifest_chain(*manifest, spec);
    if (!chain) return unexpected(chain.error());
    if (options.trusted_block_hash && chain->hashes.back() != *options.trusted_block_hash) {
        return unexpected("the snapshot is of block " +
                          std::to_string(chain->headers.back().number) + " with hash " +
                          to_hex(chain->hashes.back()) + ", not of the trusted block " +
                          to_hex(*options.trusted_block_hash) + ": refused");
    }
    if (auto empty = check_empty(target); !empty) return unexpected(empty.error());

    StateBuilder builder{target};
    const std::size_t count = manifest->chunks.size();
    bool code_seen = false;
    for (std::size_t i = 0; i < count; ++i) {
        const ChunkInfo& info = manifest->chunks[i];
        const std::string name = "chunk " + std::to_string(i) + " of " + std::to_string(count);
        auto bytes = read_frame(in, kMaxChunkBytes, name);
        if (!bytes) return unexpected(bytes.error());
        const Hash32 hash = crypto::keccak256(*bytes);
        if (bytes->size() != info.length || hash != info.hash) {
            return unexpected(name + ": its hash " + to_hex(hash) + " is not the manifest's " +
                              to_hex(info.hash) + " (the chunk is damaged, or another chunk)");
        }
        // Past the hash check, the chunk is the one the manifest lists; what follows guards
        // against a manifest that was made wrong.
        auto chunk = decode_chunk(*bytes);
        if (!chunk) return unexpected(name + ": " + chunk.error());
        if (chunk->index != i || chunk->kind != info.kind ||
            chunk->state.size() + chunk->blobs.size() != info.entries) {
            return unexpected(name + ": its index, kind or entry count differs from the manifest");
        }
        if (chunk->kind == ChunkKind::kState && code_seen) {
            return unexpected(name + ": a state chunk after the code chunks");
        }
        code_seen = code_seen || chunk->kind == ChunkKind::kCode;
        auto added =
            chunk->kind == ChunkKind::kState ? builder.add_state(*chunk) : builder.add_code(*chunk);
        if (!added) return unexpected(name + ": " + added.error());
        if (options.progress) options.progress(Progress{"chunks", i + 1, count});
    }
    if (in.peek() != std::char_traits<char>::eof()) {
        return unexpected(std::string{"the file has bytes after its last chunk"});
    }
    auto root = builder.finish();
    if (!root) return unexpected(root.error());
    const Header& header = chain->headers.back();
    if (*root != header.state_root) {
        return unexpected("the rebuilt state root " + to_hex(*root) + " is not block " +
                          std::to_string(header.number) + "'s state root " +
                          to_hex(header.state_root) + "; the snapshot does not hold that state");
    }

    // The chain records: genesis, the recent headers (BLOCKHASH reads their canonical
    // entries), the snapshot block in full with the head pointer, and the base marker.
    storage::WriteBatch batch;
    storage::StoredBlock genesis;
    genesis.hash = chain->genesis_hash;
    genesis.header = manifest->genesis_header;
    genesis.body = encode_body({});
    genesis.receipts = encode_receipts({});
    storage::ChainStore::add_block(batch, genesis);
    for (std::size_t i = 0; i + 1 < chain->headers.size(); ++i) {
        batch.put(storage::Column::kHeaders, chain->hashes[i], manifest->headers[i]);
        batch.put(storage::Column::kCanonical, storage::number_key(chain->headers[i].number),
                  chain->hashes[i]);
    }
    storage::StoredBlock block;
    block.hash = chain->hashes.back();
    block.number = header.number;
    block.header = manifest->headers.back();
    block.body = manifest->body;
    block.receipts = manifest->receipts;
    for (const auto& txn : chain->transactions)
        block.txn_hashes.push_back(transaction_hash(txn));
    storage::ChainStore::add_block(batch, block);
    batch.put(storage::Column::kMetadata, as_bytes(kSnapshotBaseKey),
              storage::number_key(header.number));
    if (auto written = target.write(batch, true); !written) {
        return unexpected(written.error().message);
    }

    Summary summary;
    summary.height = header.number;
    summary.block_hash = block.hash;
    summary.state_root = *root;
    summary.manifest_hash = crypto::keccak256(*manifest_bytes);
    summary.accounts = builder.accounts_count;
    summary.slots = builder.slots_count;
    summary.blobs = builder.blobs();
    summary.chunks = count;
    return summary;
}

std::optional<std::uint64_t> load_snapshot_base(const storage::ReadView& view) {
    auto stored = view.get(storage::Column::kMetadata, as_bytes(kSnapshotBaseKey));
    if (!stored || !*stored || (*stored)->size() != 8) return std::nullopt;
    return load_be64((*stored)->data());
}

}  // namespace qtm::chain::snapshot
