// The state snapshot file (docs/protocol.md, "State snapshots"): a manifest, then the state
// at one block in chunks that are each checked against a hash in the manifest, so that
// chunks can come from different peers (p2p state sync) as well as from one file.
//
//   file     = "QTMSNAP" 0x01 || be32(len(manifest)) || manifest || (be32(len(chunk)) || chunk)*
//   manifest = rlp([version, genesis_header, [header, ...], body, receipts, commit,
//                   [[kind, entries, length, keccak256(chunk)], ...]])
//   chunk    = rlp([index, kind, [entry, ...]])
//   state entries: [address, account] | [address, slot, value], in trie order
//   code entries:  blob (contract code or a registered key), by ascending keccak256
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"

namespace qtm::chain::snapshot {

inline constexpr std::uint64_t kVersion = 1;
inline constexpr ByteArray<8> kMagic = {'Q', 'T', 'M', 'S', 'N', 'A', 'P', 0x01};
// The most recent headers carried (BLOCKHASH reaches 256 blocks back).
inline constexpr std::size_t kMaxHeaders = 256;
// Frames larger than these are refused before they are read.
inline constexpr std::uint32_t kMaxManifestBytes = 64U << 20U;
inline constexpr std::uint32_t kMaxChunkBytes = 64U << 20U;

enum class ChunkKind : std::uint8_t { kState = 0, kCode = 1 };

struct ChunkInfo {
    ChunkKind kind{ChunkKind::kState};
    std::uint64_t entries{0};
    std::uint64_t length{0};  // bytes of the chunk's encoding
    Hash32 hash{};            // keccak256 of that encoding
};

struct Manifest {
    std::uint64_t version{kVersion};
    Bytes genesis_header;
    std::vector<Bytes> headers;  // encoded, oldest first; the last is the snapshot's block
    Bytes body;                  // the snapshot block's body and receipts, as stored
    Bytes receipts;
    Bytes commit;  // the block's commit certificate (the next block's parent_commit); may be empty
    std::vector<ChunkInfo> chunks;
};

[[nodiscard]] Bytes encode_manifest(const Manifest& manifest);
// Checks the shape only; what the fields say is checked by the import.
[[nodiscard]] Result<Manifest, std::string> decode_manifest(ByteView encoded);

// One state entry: an account (slot == nullopt) or one of its storage slots.
struct StateEntry {
    Address address{};
    std::optional<Hash32> slot;
    Bytes value;  // the encoded account, or the slot's value without leading zeros
};

struct Chunk {
    std::uint64_t index{0};
    ChunkKind kind{ChunkKind::kState};
    std::vector<StateEntry> state;  // kState
    std::vector<Bytes> blobs;       // kCode
};

// Builds one chunk's encoding entry by entry.
class ChunkBuilder {
public:
    ChunkBuilder(std::uint64_t index, ChunkKind kind) : index_{index}, kind_{kind} {}
    void add_account(const Address& address, ByteView account);
    void add_slot(const Address& address, const Hash32& slot, ByteView value);
    void add_blob(ByteView blob);
    [[nodiscard]] std::size_t size() const noexcept { return payload_.size(); }
    [[nodiscard]] std::uint64_t entries() const noexcept { return entries_; }
    [[nodiscard]] Bytes finish() const;

private:
    std::uint64_t index_;
    ChunkKind kind_;
    Bytes payload_;
    std::uint64_t entries_{0};
};

[[nodiscard]] Result<Chunk, std::string> decode_chunk(ByteView encoded);

}  // namespace qtm::chain::snapshot
