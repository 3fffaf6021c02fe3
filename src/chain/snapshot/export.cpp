// Snapshot export: the tries of one canonical block's state walked from its header's state
// root (every node verified by trie::walk), each trie key turned back into its address or
// slot number (preimages.hpp), and the entries cut into chunks in trie order.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "base/endian.hpp"
#include "base/hex.hpp"
#include "chain/block.hpp"
#include "chain/preimages.hpp"
#include "chain/snapshot/format.hpp"
#include "chain/snapshot/snapshot.hpp"
#include "chain/stored_head.hpp"
#include "codec/rlp.hpp"
#include "crypto/keccak.hpp"
#include "state/account.hpp"
#include "storage/chain_store.hpp"
#include "storage/state_store.hpp"
#include "trie/walk.hpp"

namespace qtm::chain::snapshot {
namespace {

void write_frame(std::ostream& out, ByteView bytes) {
    std::uint8_t length[4];
    store_be32(length, static_cast<std::uint32_t>(bytes.size()));
    out.write(reinterpret_cast<const char*>(length), 4);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
}

// The canonical block `number`'s hash and header as stored, checked to hash right.
Result<std::pair<Hash32, Bytes>, std::string> canonical_header(const storage::ChainStore& store,
                                                               std::uint64_t number) {
    const std::string name = "block " + std::to_string(number);
    auto hash = store.canonical_hash(number);
    if (!hash) return unexpected(hash.error().message);
    if (!*hash) return unexpected(name + " is not in the canonical index (run qtm db check)");
    auto header = store.load_header(**hash);
    if (!header) return unexpected(header.error().message);
    if (!*header || crypto::keccak256(**header) != **hash) {
        return unexpected(name + "'s header is missing or damaged (run qtm db check)");
    }
    return std::pair{**hash, std::move(**header)};
}

class Exporter {
public:
    Exporter(const storage::ReadView& view, const ExportOptions& options, std::ostream& chunks)
        : store_{view}, options_{options}, out_{chunks} {}

    Result<void, std::string> run(const Hash32& state_root, const Preimages& preimages) {
        std::string failure;
        auto walked = trie::walk(store_, state_root, [&](ByteView key, ByteView value) {
            auto added = add_account(key, value, preimages);
            if (!added) failure = added.error();
            return failure.empty();
        });
        if (!failure.empty()) return unexpected(failure);
        if (!walked) return unexpected("account trie: " + walked.error().describe());
        flush();
        kind_ = ChunkKind::kCode;
        builder_ = ChunkBuilder{chunks_.size(), kind_};
        for (const auto& hash : blobs_) {
            auto blob = store_.load_code(hash);
            if (!blob) return unexpected(blob.error().message);
            if (!*blob || crypto::keccak256(**blob) != hash) {
                return unexpected("code or key " + to_hex(hash) +
                                  " is missing or damaged in the code column (run qtm db check)");
            }
            builder_.add_blob(**blob);
            ++summary_.blobs;
            if (builder_.size() >= options_.chunk_bytes) flush();
            if (options_.progress && summary_.blobs % 1000 == 0) {
                options_.progress(Progress{"code", summary_.blobs, blobs_.size()});
            }
        }
        flush();
        return {};
    }

    std::vector<ChunkInfo> chunks_;
    Summary summary_;

private:
    Result<void, std::string> add_account(ByteView key, ByteView value,
                                          const Preimages& preimages) {
        const auto found = preimages.addresses.find(to_hash(key));
        if (key.size() != 32 || found == preimages.addresses.end()) {
            return unexpected("the state holds an account under key hash " + to_hex(key) +
                              " whose address this database does not hold (export the head, "
                              "whose flat tables name every account)");
        }
        const Address& address = found->second;
        auto account = state::decode_account(value);
        if (!account) return unexpected("account " + to_hex(address) + " does not decode");
        builder_.add_account(address, value);
        ++summary_.accounts;
        if (options_.progress && summary_.accounts % 1000 == 0) {
            options_.progress(Progress{"accounts", summary_.accounts, 0});
        }
        if (account->code_hash != state::kEmptyCodeHash) blobs_.insert(account->code_hash);
        if (account->key_hash) blobs_.insert(*account->key_hash);
        maybe_flush();
        if (account->storage_root == trie::kEmptyRoot) return {};
        std::string failure;
        auto walked =
            trie::walk(store_, account->storage_root, [&](ByteView slot_key, ByteView slot_value) {
                const auto slot = preimages.slots.find(to_hash(slot_key));
                rlp::Decoder decoder{slot_value};
                auto decoded = decoder.read_string();
                if (slot_key.size() != 32 || slot == preimages.slots.end() || !decoded ||
                    !decoder.finish()) {
                    failure = "account " + to_hex(address) + " holds a slot under key hash " +
                              to_hex(slot_key) + " whose slot number this database does not hold";
                    return false;
                }
                builder_.add_slot(address, slot->second, *decoded);
                ++summary_.slots;
                maybe_flush();
                return true;
            });
        if (!failure.empty()) return unexpected(failure);
        if (!walked) {
            return unexpected("storage trie of " + to_hex(address) + ": " +
                              walked.error().describe());
        }
        return {};
    }

    static Hash32 to_hash(ByteView bytes) {
        Hash32 hash{};
        if (bytes.size() == 32) std::copy(bytes.begin(), bytes.end(), hash.begin());
        return hash;
    }

    void maybe_flush() {
        if (builder_.size() >= options_.chunk_bytes) flush();
    }

    void flush() {
        if (builder_.entries() == 0) return;
        const Bytes chunk = builder_.finish();
        write_frame(out_, chunk);
        chunks_.push_back(
            ChunkInfo{kind_, builder_.entries(), chunk.size(), crypto::keccak256(chunk)});
        builder_ = ChunkBuilder{chunks_.size(), kind_};
    }

private:
    const storage::StateStore store_;
    const ExportOptions& options_;
    std::ostream& out_;
    ChunkBuilder builder_{0, ChunkKind::kState};
    std::set<Hash32> blobs_;  // ascending hashes: the code chunks' order
    ChunkKind kind_{ChunkKind::kState};
};

}  // namespace

Result<Summary, std::string> export_snapshot(const storage::ReadView& view, const std::string& file,
                                             const ExportOptions& options) {
    const storage::ChainStore store{view};
    auto head = load_head(view);
    if (!head) return unexpected(head.error() + " (run qtm db check)");
    const std::uint64_t height = options.height;
    if (height == 0 || height > head->header.number) {
        return unexpected("the height must be a block from 1 to the head (block " +
                          std::to_string(head->header.number) + "); " + std::to_string(height) +
                          " is not");
    }
    Manifest manifest;
    auto genesis = canonical_header(store, 0);
    if (!genesis) return unexpected(genesis.error());
    manifest.genesis_header = std::move(genesis->second);
    const std::uint64_t first = height >= kMaxHeaders ? height - kMaxHeaders + 1 : 1;
    Hash32 hash{};
    for (std::uint64_t number = first; number <= height; ++number) {
        auto header = canonical_header(store, number);
        if (!header) return unexpected(header.error());
        hash = header->first;
        manifest.headers.push_back(std::move(header->second));
    }
    auto header = decode_header(manifest.headers.back());
    if (!header) return unexpected("block " + std::to_string(height) + "'s header does not decode");
    auto body = store.load_body(hash);
    auto receipts = store.load_receipts(hash);
    if (!body || !*body || !receipts || !*receipts) {
        return unexpected("block " + std::to_string(height) +
                          "'s body or receipts are missing (run qtm db check)");
    }
    manifest.body = std::move(**body);
    manifest.receipts = std::move(**receipts);
    if (height < head->header.number) {
        auto next = canonical_header(store, height + 1);
        if (!next) return unexpected(next.error());
        auto next_header = decode_header(next->second);
        if (!next_header) {
            return unexpected("block " + std::to_string(height + 1) + "'s header does not decode");
        }
        manifest.commit = next_header->parent_commit;
    }

    // The head's flat tables name every account and slot of the head state; an older state
    // may also hold accounts since deleted, whose addresses the blocks after it mention.
    Preimages preimages;
    preimages.add_flat_tables(view);
    preimages.add_address(staking_address());
    for (std::uint64_t number = 0; height < head->header.number && number <= head->header.number;
         ++number) {
        auto block = canonical_header(store, number);
        if (!block) return unexpected(block.error());
        auto block_header = decode_header(block->second);
        auto block_body = store.load_body(block->first);
        if (!block_header || !block_body || !*block_body) continue;
        auto decoded = decode_body(**block_body);
        if (decoded) preimages.add_block(*block_header, decoded->transactions);
    }

    const std::string part = file + ".part";
    std::ofstream chunks{part, std::ios::binary | std::ios::trunc};
    if (!chunks) return unexpected("cannot write " + part);
    Exporter exporter{view, options, chunks};
    auto ran = exporter.run(header->state_root, preimages);
    chunks.close();
    if (!ran || !chunks) {
        std::filesystem::remove(part);
        return unexpected(ran ? "writing " + part + " failed (disk full?)" : ran.error());
    }
    manifest.chunks = exporter.chunks_;
    const Bytes encoded = encode_manifest(manifest);

    std::ofstream out{file, std::ios::binary | std::ios::trunc};
    std::ifstream in{part, std::ios::binary};
    if (!out || !in) return unexpected("cannot write " + file);
    out.write(reinterpret_cast<const char*>(kMagic.data()), kMagic.size());
    write_frame(out, encoded);
    if (std::filesystem::file_size(part) > 0) out << in.rdbuf();
    out.flush();
    const auto bytes = static_cast<std::uint64_t>(out.tellp());
    out.close();
    in.close();
    std::filesystem::remove(part);
    if (!out) return unexpected("writing " + file + " failed (disk full?)");

    Summary summary = exporter.summary_;
    summary.height = height;
    summary.block_hash = hash;
    summary.state_root = header->state_root;
    summary.manifest_hash = crypto::keccak256(encoded);
    summary.chunks = manifest.chunks.size();
    summary.bytes = bytes;
    return summary;
}

}  // namespace qtm::chain::snapshot
