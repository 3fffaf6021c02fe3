// State snapshots (`qtm snapshot export/import`; docs/data-safety.md): the state at one
// canonical block written out by address, in chunks (format.hpp), and a new database built
// from such a file whose tries are rebuilt and whose state root is checked against the
// block's header before anything is kept.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "chain/chain_spec.hpp"
#include "storage/database.hpp"

namespace qtm::chain::snapshot {

struct Progress {
    std::string_view stage;  // "accounts", "code", "chunks"
    std::uint64_t done{0};
    std::uint64_t total{0};  // 0 when not known in advance
};
using ProgressCallback = std::function<void(const Progress&)>;

struct Summary {
    std::uint64_t height{0};
    Hash32 block_hash{};
    Hash32 state_root{};
    Hash32 manifest_hash{};  // keccak256 of the manifest: the snapshot's name
    std::uint64_t accounts{0};
    std::uint64_t slots{0};
    std::uint64_t blobs{0};  // code and registered keys
    std::uint64_t chunks{0};
    std::uint64_t bytes{0};  // of the file
};

struct ExportOptions {
    std::uint64_t height{0};
    std::size_t chunk_bytes{4U << 20U};  // a chunk closes before it would pass this
    ProgressCallback progress;
};

// Writes the snapshot of canonical block `options.height` of `view` to `file` (chunks go
// to `file`.part first, since the manifest that lists their hashes comes before them).
// Reading an older state needs its tries, and each trie key's preimage (preimages.hpp).
[[nodiscard]] Result<Summary, std::string> export_snapshot(const storage::ReadView& view,
                                                           const std::string& file,
                                                           const ExportOptions& options);

struct ImportOptions {
    ProgressCallback progress;
    // The trust anchor: the hash of the snapshot's block as the operator got it from a source
    // they trust (another node's eth_getBlockByNumber, an explorer). Set, a snapshot of any
    // other block is refused before a chunk is read. Unset, the file is trusted as it is: its
    // state is proved to be the one its header commits to, but nothing proves that header is
    // the chain's (the commit certificate is not verified yet; docs/data-safety.md).
    std::optional<Hash32> trusted_block_hash;
};

// Reads a snapshot into `target`, which must be empty: the manifest (genesis and chain id
// those of `spec`, headers linked, the block's body and receipts matching its header), then
// every chunk in order (its hash the manifest's, entries in trie order), rebuilding the
// tries and the flat tables; the account trie's root must be the block's state root. Only
// then are the block records and the head written (synced). On an error the target holds
// partial state and must be discarded (the CLI imports into a staging directory).
[[nodiscard]] Result<Summary, std::string> import_snapshot(std::istream& in, const ChainSpec& spec,
                                                           storage::Database& target,
                                                           const ImportOptions& options = {});

// The metadata record an imported database carries: the height its history starts at
// (8 bytes big-endian). Blocks below it have a header and canonical entry at most.
inline constexpr std::string_view kSnapshotBaseKey = "snapshot_base";
[[nodiscard]] std::optional<std::uint64_t> load_snapshot_base(const storage::ReadView& view);

}  // namespace qtm::chain::snapshot
