// State snapshots: the state at a block written out in chunks and rebuilt into a new
// database that checks clean, continues the chain exactly as the source does, and refuses a
// damaged, truncated or reordered chunk, another chain, or a manifest that lies.
#include "chain/snapshot/snapshot.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "base/endian.hpp"
#include "base/hex.hpp"
#include "chain/db_check.hpp"
#include "chain/db_repair.hpp"
#include "chain/executor.hpp"
#include "chain/snapshot/format.hpp"
#include "chain/stored_head.hpp"
#include "chain_db_support.hpp"
#include "crypto/keccak.hpp"
#include "storage/chain_store.hpp"

namespace qtm::chain::snapshot {
namespace {

// The file split into its frames: magic, manifest, chunks.
struct Frames {
    Bytes magic;
    Bytes manifest;
    std::vector<Bytes> chunks;
};

Frames split(const Bytes& file) {
    Frames frames;
    frames.magic.assign(file.begin(), file.begin() + 8);
    std::size_t at = 8;
    const auto next = [&]() {
        const std::uint32_t length = load_be32(file.data() + at);
        Bytes frame(file.begin() + static_cast<std::ptrdiff_t>(at + 4),
                    file.begin() + static_cast<std::ptrdiff_t>(at + 4 + length));
        at += 4 + length;
        return frame;
    };
    frames.manifest = next();
    while (at < file.size())
        frames.chunks.push_back(next());
    return frames;
}

Bytes join(const Frames& frames) {
    Bytes out = frames.magic;
    const auto add = [&out](const Bytes& frame) {
        std::uint8_t length[4];
        store_be32(length, static_cast<std::uint32_t>(frame.size()));
        out.insert(out.end(), length, length + 4);
        out.insert(out.end(), frame.begin(), frame.end());
    };
    add(frames.manifest);
    for (const auto& chunk : frames.chunks)
        add(chunk);
    return out;
}

std::map<Bytes, Bytes> column(const storage::ReadView& view, storage::Column which) {
    std::map<Bytes, Bytes> out;
    EXPECT_TRUE(view.for_each(which, {}, {},
                              [&out](ByteView key, ByteView value) {
                                  out.emplace(to_bytes(key), to_bytes(value));
                                  return true;
                              })
                    .has_value());
    return out;
}

class SnapshotTest : public ::testing::Test {
protected:
    test::ChainDb chain_ = test::make_chain_db();
    std::filesystem::path file_ = std::filesystem::temp_directory_path() /
                                  ("qtm-snapshot-test-" + std::to_string(::getpid()) + "-" +
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());

    ~SnapshotTest() override { std::filesystem::remove(file_); }

    Summary export_at(std::uint64_t height, std::size_t chunk_bytes = 4U << 20U) {
        ExportOptions options;
        options.height = height;
        options.chunk_bytes = chunk_bytes;
        auto exported = export_snapshot(*chain_.db, file_.string(), options);
        EXPECT_TRUE(exported.has_value()) << (exported ? "" : exported.error());
        EXPECT_FALSE(std::filesystem::exists(file_.string() + ".part"));
        return exported ? *exported : Summary{};
    }
    Bytes file_bytes() const {
        std::ifstream in{file_, std::ios::binary};
        return Bytes(std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{});
    }
    Result<Summary, std::string> import_bytes(const Bytes& bytes, storage::Database& target,
                                              const ChainSpec* spec = nullptr,
                                              std::optional<Hash32> trusted = std::nullopt) {
        std::istringstream in{std::string(bytes.begin(), bytes.end())};
        ImportOptions options;
        options.trusted_block_hash = trusted;
        return import_snapshot(in, spec ? *spec : chain_.spec, target, options);
    }
    std::string refusal(const Bytes& bytes) {
        auto target = storage::make_memory_database();
        auto imported = import_bytes(bytes, *target);
        EXPECT_FALSE(imported.has_value());
        return imported ? std::string{} : imported.error();
    }
    static void expect_clean(const storage::ReadView& view, std::uint64_t head) {
        const CheckReport report = check_database(view);
        for (const auto& issue : report.issues)
            ADD_FAILURE() << issue.where << ": " << issue.what;
        EXPECT_EQ(report.head_number, head);
        EXPECT_EQ(report.snapshot_base, head);
    }
};

TEST_F(SnapshotTest, TheHeadStateRoundTripsIntoADatabaseThatChecksClean) {
    const Summary exported = export_at(3);
    EXPECT_EQ(exported.height, 3U);
    EXPECT_EQ(exported.block_hash, chain_.hashes[3]);
    EXPECT_EQ(exported.state_root, chain_.headers[3].state_root);
    // Every slot (the contract's slot 0 = 42 among them), code blob and registered key.
    EXPECT_EQ(exported.slots, column(*chain_.db, storage::Column::kFlatStorage).size());
    EXPECT_EQ(exported.accounts, column(*chain_.db, storage::Column::kFlatAccounts).size());
    EXPECT_EQ(exported.blobs, column(*chain_.db, storage::Column::kCode).size());
    EXPECT_GE(exported.blobs, 3U);  // the contract's code and both senders' keys
    EXPECT_EQ(exported.bytes, std::filesystem::file_size(file_));

    auto target = storage::make_memory_database();
    auto imported = import_bytes(file_bytes(), *target);
    ASSERT_TRUE(imported.has_value()) << imported.error();
    EXPECT_EQ(imported->state_root, chain_.headers[3].state_root);
    EXPECT_EQ(imported->manifest_hash, exported.manifest_hash);
    EXPECT_EQ(imported->accounts, exported.accounts);
    for (const auto which :
         {storage::Column::kFlatAccounts, storage::Column::kFlatStorage, storage::Column::kCode}) {
        EXPECT_EQ(column(*target, which), column(*chain_.db, which));
    }
    auto head = load_head(*target);
    ASSERT_TRUE(head.has_value()) << head.error();
    EXPECT_EQ(head->hash, chain_.hashes[3]);
    EXPECT_EQ(load_snapshot_base(*target), 3U);
    EXPECT_EQ(quick_check(*target), std::nullopt);
    expect_clean(*target, 3);
    // Repair replays from genesis, which such a database cannot do: refused, not guessed.
    auto repaired = repair_database(*target, chain_.spec);
    ASSERT_FALSE(repaired.has_value());
    EXPECT_NE(repaired.error().message.find("imported from a state snapshot at block 3"),
              std::string::npos);
}

TEST_F(SnapshotTest, AnOlderStateInManyChunksImportsAndTheChainContinuesAsTheSourceDoes) {
    test::extend_chain(chain_, 2);  // block 4 changes the state of block 3
    const Summary exported = export_at(3, /*chunk_bytes=*/200);
    EXPECT_GT(exported.chunks, 3U);

    test::ChainDb copy;
    copy.spec = chain_.spec;
    copy.db = storage::make_memory_database();
    auto imported = import_bytes(file_bytes(), *copy.db);
    ASSERT_TRUE(imported.has_value()) << imported.error();
    EXPECT_EQ(imported->chunks, exported.chunks);
    expect_clean(*copy.db, 3);
    // The source's block 4 validates in full on the imported state (signatures, state,
    // receipts), and the chain goes on from there.
    const storage::ChainStore source{*chain_.db};
    auto body = decode_body(**source.load_body(chain_.hashes[4]));
    ASSERT_TRUE(body.has_value());
    BlockExecutor executor{copy.spec, *copy.db};
    auto validated = executor.validate(chain_.headers[3],
                                       Block{chain_.headers[4], body->transactions, body->evidence},
                                       /*signatures_verified=*/false);
    ASSERT_TRUE(validated.has_value()) << validated.error().message;
    ASSERT_TRUE(copy.db->write(validated->batch, true).has_value());
    EXPECT_EQ(load_head(*copy.db)->hash, chain_.hashes[4]);
    copy.headers = chain_.headers;
    copy.hashes = chain_.hashes;
    copy.txn_hashes = chain_.txn_hashes;
    test::extend_chain(copy, 1);
    const CheckReport report = check_database(*copy.db);
    for (const auto& issue : report.issues)
        ADD_FAILURE() << issue.where << ": " << issue.what;
    EXPECT_EQ(report.head_number, 5U);
    EXPECT_EQ(report.snapshot_base, 3U);
}

TEST_F(SnapshotTest, ADamagedTruncatedOrReorderedChunkIsRefusedNamingIt) {
    export_at(3, /*chunk_bytes=*/200);
    const Bytes good = file_bytes();
    const Frames frames = split(good);
    ASSERT_GE(frames.chunks.size(), 4U);
    const std::string count = std::to_string(frames.chunks.size());

    Frames damaged = frames;
    damaged.chunks[2][damaged.chunks[2].size() / 2] ^= 0x01;
    EXPECT_NE(refusal(join(damaged)).find("chunk 2 of " + count + ": its hash"), std::string::npos)
        << refusal(join(damaged));

    Frames reordered = frames;
    std::swap(reordered.chunks[1], reordered.chunks[2]);
    EXPECT_NE(refusal(join(reordered)).find("chunk 1 of " + count + ": its hash"),
              std::string::npos);

    Bytes truncated = join(frames);
    truncated.resize(truncated.size() - frames.chunks.back().size() / 2);
    const std::string last = std::to_string(frames.chunks.size() - 1);
    EXPECT_NE(refusal(truncated).find("chunk " + last + " of " + count + ": the file ends after"),
              std::string::npos)
        << refusal(truncated);

    Frames dropped = frames;
    dropped.chunks.pop_back();
    EXPECT_NE(
        refusal(join(dropped)).find("chunk " + last + " of " + count + ": the file ends before it"),
        std::string::npos);

    Bytes extra = good;
    extra.push_back(0);
    EXPECT_NE(refusal(extra).find("bytes after its last chunk"), std::string::npos);

    Bytes not_a_snapshot = good;
    not_a_snapshot[0] = 'X';
    EXPECT_NE(refusal(not_a_snapshot).find("not a QTM state snapshot"), std::string::npos);
}

TEST_F(SnapshotTest, AManifestThatListsOtherChunksOrAnotherRootIsRefusedBeforeAnythingIsKept) {
    export_at(3, /*chunk_bytes=*/200);
    const Frames frames = split(file_bytes());

    // A manifest whose header claims another state root: every chunk matches its hash, but
    // the rebuilt root does not match the header.
    auto manifest = decode_manifest(frames.manifest);
    ASSERT_TRUE(manifest.has_value()) << manifest.error();
    Frames other_root = frames;
    {
        Manifest changed = *manifest;
        Header header = *decode_header(changed.headers.back());
        header.state_root[0] ^= 0xff;
        changed.headers.back() = encode_header(header);
        other_root.manifest = encode_manifest(changed);
    }
    auto target = storage::make_memory_database();
    auto imported = import_bytes(join(other_root), *target);
    ASSERT_FALSE(imported.has_value());
    EXPECT_NE(
        imported.error().find("the rebuilt state root " + to_hex(chain_.headers[3].state_root) +
                              " is not block 3's state root"),
        std::string::npos)
        << imported.error();
    EXPECT_FALSE(load_head(*target).has_value());  // no block records, no head

    // A manifest whose chunk list leaves a chunk out (and its hash): the next chunk in the
    // file is not the one it lists.
    Frames skipped = frames;
    {
        Manifest changed = *manifest;
        changed.chunks.erase(changed.chunks.begin() + 1);
        skipped.manifest = encode_manifest(changed);
    }
    EXPECT_NE(refusal(join(skipped)).find("chunk 1 of "), std::string::npos);

    // Receipts that are not the block's (block 3 holds no transactions).
    Frames other_receipts = frames;
    {
        Manifest changed = *manifest;
        changed.receipts = encode_receipts({Receipt{}});
        other_receipts.manifest = encode_manifest(changed);
    }
    EXPECT_NE(refusal(join(other_receipts)).find("block 3's receipts in the manifest do not match"),
              std::string::npos);
}

TEST_F(SnapshotTest, AnotherChainOrANonEmptyTargetIsRefused) {
    export_at(2);
    const Bytes bytes = file_bytes();
    const auto testnet = builtin_chain_spec("testnet");
    ASSERT_TRUE(testnet.has_value());
    auto target = storage::make_memory_database();
    auto other = import_bytes(bytes, *target, &*testnet);
    ASSERT_FALSE(other.has_value());
    EXPECT_NE(other.error().find("but the chain spec 'testnet' has genesis"), std::string::npos)
        << other.error();

    auto used = import_bytes(bytes, *chain_.db);
    ASSERT_FALSE(used.has_value());
    EXPECT_NE(used.error().find("not empty"), std::string::npos);
}

// The trust anchor: a snapshot of any block but the trusted one is refused before its
// state is read, even one that is internally consistent (here a real block of the chain).
TEST_F(SnapshotTest, ASnapshotOfAnotherBlockThanTheTrustedOneIsRefused) {
    export_at(2);
    const Bytes bytes = file_bytes();
    auto target = storage::make_memory_database();
    auto refused = import_bytes(bytes, *target, nullptr, chain_.hashes[3]);
    ASSERT_FALSE(refused.has_value());
    EXPECT_NE(
        refused.error().find("the snapshot is of block 2 with hash " + to_hex(chain_.hashes[2]) +
                             ", not of the trusted block " + to_hex(chain_.hashes[3])),
        std::string::npos)
        << refused.error();
    EXPECT_TRUE(column(*target, storage::Column::kFlatAccounts).empty());  // nothing was read
    auto accepted = import_bytes(bytes, *target, nullptr, chain_.hashes[2]);
    ASSERT_TRUE(accepted.has_value()) << accepted.error();
    EXPECT_EQ(accepted->block_hash, chain_.hashes[2]);
}

TEST_F(SnapshotTest, HeightsOutsideTheChainAreRefused) {
    for (const std::uint64_t height : {0ULL, 4ULL}) {
        ExportOptions options;
        options.height = height;
        auto exported = export_snapshot(*chain_.db, file_.string(), options);
        ASSERT_FALSE(exported.has_value());
        EXPECT_NE(exported.error().find("a block from 1 to the head (block 3)"), std::string::npos);
    }
}

}  // namespace
}  // namespace qtm::chain::snapshot
