// RocksDB specifics: data survives reopening; missing, locked and damaged databases give
// clear typed errors; and a writer killed with SIGKILL at a random moment leaves complete
// blocks only, whose committed trie root reopens to the same data.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <thread>

#include "base/endian.hpp"
#include "crypto/keccak.hpp"
#include "storage/chain_store.hpp"
#include "storage/database.hpp"
#include "storage/state_store.hpp"
#include "storage_support.hpp"
#include "trie/trie.hpp"

namespace qtm::storage {
namespace {

Bytes b(std::string_view text) {
    return to_bytes(as_bytes(text));
}

TEST(RocksDb, DataSurvivesReopening) {
    TemporaryDirectory directory;
    {
        auto db = *open_rocksdb(directory.db());
        WriteBatch batch;
        batch.put(Column::kCode, b("k"), b("v"));
        ASSERT_TRUE(db->write(batch, true).has_value());
    }
    auto db = open_rocksdb(directory.db(), {.create_if_missing = false});
    ASSERT_TRUE(db.has_value()) << db.error().message;
    EXPECT_EQ(**(*db)->get(Column::kCode, b("k")), b("v"));
}

TEST(RocksDb, MissingDatabaseIsATypedError) {
    TemporaryDirectory directory;
    auto db = open_rocksdb(directory.db(), {.create_if_missing = false});
    ASSERT_FALSE(db.has_value());
    EXPECT_EQ(db.error().kind, StorageErrorKind::kMissing);
    EXPECT_NE(db.error().message.find("does not exist"), std::string::npos);
}

TEST(RocksDb, SecondOpenIsLocked) {
    TemporaryDirectory directory;
    auto first = open_rocksdb(directory.db());
    ASSERT_TRUE(first.has_value());
    auto second = open_rocksdb(directory.db());
    ASSERT_FALSE(second.has_value());
    EXPECT_EQ(second.error().kind, StorageErrorKind::kLocked);
    EXPECT_NE(second.error().message.find("another process"), std::string::npos);
}

TEST(RocksDb, DamagedFilesGiveAnErrorNotACrash) {
    TemporaryDirectory directory;
    {
        auto db = *open_rocksdb(directory.db());
        WriteBatch batch;
        batch.put(Column::kCode, b("k"), b("v"));
        ASSERT_TRUE(db->write(batch, true).has_value());
    }
    // CURRENT names the live MANIFEST; pointing it at garbage damages the database.
    {
        std::ofstream current{directory.path() / "db" / "CURRENT", std::ios::trunc};
        current << "MANIFEST-999999\n";
    }
    auto db = open_rocksdb(directory.db());
    ASSERT_FALSE(db.has_value());
    EXPECT_TRUE(db.error().kind == StorageErrorKind::kCorrupt ||
                db.error().kind == StorageErrorKind::kIo)
        << db.error().message;
    EXPECT_NE(db.error().message.find(directory.db()), std::string::npos);
}

// Block n of the crash test: 40 deterministic keys set to n.
Bytes crash_key(std::uint64_t block, int i) {
    std::uint8_t seed[12];
    store_be64(seed, block);
    store_be32(seed + 8, static_cast<std::uint32_t>(i));
    return to_bytes(crypto::keccak256(ByteView{seed, sizeof seed}));
}

// Writes blocks until killed; after the first one it writes a byte to `ready_fd`, so that
// the parent kills it at a random moment after that rather than after a fixed delay that a
// slow (sanitized, loaded) machine might not reach.
[[noreturn]] void crash_writer(const std::string& path, int ready_fd) {
    auto db = open_rocksdb(path);
    if (!db) _exit(2);
    ChainStore chain{**db};
    StateStore state{**db};
    trie::Trie trie{&state};
    for (std::uint64_t n = 0;; ++n) {
        for (int i = 0; i < 40; ++i) {
            ByteArray<8> value = number_key(n + 1);
            if (!trie.put(crash_key(n, i), value)) _exit(3);
        }
        const Hash32 root = trie.root_hash();
        WriteBatch batch;
        StateStore::add_nodes(batch, trie.commit());
        StoredBlock block;
        block.hash = crypto::keccak256(number_key(n));
        block.number = n;
        block.header = to_bytes(root);  // stands in for a header carrying the state root
        block.body = Bytes(100, static_cast<std::uint8_t>(n));
        block.receipts = Bytes(50, static_cast<std::uint8_t>(n));
        ChainStore::add_block(batch, block);
        if (!(*db)->write(batch, /*sync=*/true)) _exit(4);
        if (n == 0) {
            const char ready = 1;
            if (::write(ready_fd, &ready, 1) != 1) _exit(5);
        }
    }
}

TEST(RocksDb, KilledWriterLeavesOnlyCompleteBlocksAndTheirState) {
    std::mt19937 rng{20261122};
    int runs_with_blocks = 0;
    for (int run = 0; run < 4; ++run) {
        TemporaryDirectory directory;
        int ready[2];
        ASSERT_EQ(::pipe(ready), 0);
        const pid_t child = fork();
        ASSERT_GE(child, 0);
        if (child == 0) crash_writer(directory.db(), ready[1]);
        ::close(ready[1]);
        // Half the runs are killed at once (possibly before the first block), half after
        // the first block plus a random delay.
        if (run % 2 == 1) {
            char byte = 0;
            ASSERT_EQ(::read(ready[0], &byte, 1), 1) << "the writer died before its first block";
            std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 400));
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 300));
        }
        ::close(ready[0]);
        ASSERT_EQ(kill(child, SIGKILL), 0);
        int status = 0;
        ASSERT_EQ(waitpid(child, &status, 0), child);
        ASSERT_TRUE(WIFSIGNALED(status)) << "writer exited early with " << WEXITSTATUS(status);

        auto db = open_rocksdb(directory.db(), {.create_if_missing = false});
        ASSERT_TRUE(db.has_value()) << db.error().message;
        ChainStore chain{**db};
        StateStore state{**db};
        auto head = chain.head();
        ASSERT_TRUE(head.has_value());
        if (!*head) {
            // Killed before the first block was written (possibly while the database was
            // being created): the reopen above must still succeed, with nothing in it.
            EXPECT_FALSE(chain.canonical_hash(0)->has_value());
            std::cout << "[counts] crash run " << run << ": killed before the first block\n";
            continue;
        }
        ++runs_with_blocks;
        // Find the head's number: blocks are 0..N, and nothing past N may exist.
        std::uint64_t head_number = 0;
        while (true) {
            auto hash = chain.canonical_hash(head_number + 1);
            ASSERT_TRUE(hash.has_value());
            if (!*hash) break;
            ++head_number;
        }
        ASSERT_EQ(**chain.canonical_hash(head_number), **head);
        for (std::uint64_t n = 0; n <= head_number; ++n) {
            const Hash32 hash = **chain.canonical_hash(n);
            ASSERT_TRUE(chain.load_header(hash)->has_value()) << "block " << n;
            ASSERT_EQ(**chain.load_body(hash), Bytes(100, static_cast<std::uint8_t>(n)));
            ASSERT_EQ(**chain.load_receipts(hash), Bytes(50, static_cast<std::uint8_t>(n)));
        }
        // The head's state root reopens to exactly the state written up to the head.
        const Bytes root_bytes = **chain.load_header(**head);
        Hash32 root;
        std::copy(root_bytes.begin(), root_bytes.end(), root.begin());
        trie::Trie reopened{&state, root};
        for (std::uint64_t n = 0; n <= head_number; ++n) {
            for (int i = 0; i < 40; i += 7) {
                auto value = reopened.get(crash_key(n, i));
                ASSERT_TRUE(value.has_value()) << trie::to_string(value.error());
                ASSERT_TRUE(value->has_value()) << "block " << n << " key " << i;
                const auto expected = number_key(n + 1);
                ASSERT_TRUE(equal(**value, expected));
            }
        }
        EXPECT_FALSE(reopened.get(crash_key(head_number + 1, 0))->has_value());
        std::cout << "[counts] crash run " << run << ": killed after block " << head_number
                  << ", all " << head_number + 1 << " blocks and their state intact\n";
    }
    EXPECT_GT(runs_with_blocks, 0) << "no run got as far as a block; lengthen the delays";
}

}  // namespace
}  // namespace qtm::storage
