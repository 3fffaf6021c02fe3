// State growth benchmark (issue: storage, trie and world state). Grows a secure trie of
// accounts in RocksDB to --accounts entries, and at each checkpoint (every 10x, from
// 10,000) measures --blocks blocks of --updates random balance updates to existing
// accounts: each block opens the trie at the last root (untouched nodes load from RocksDB),
// applies the updates, hashes, and commits the dirty nodes in one synced batch. Prints one
// table row per checkpoint. It runs the trie and storage layers directly: src/state does
// not exist yet.
//
//   build/bin/qtm-bench-state-growth [--accounts 1000000] [--blocks 5] [--updates 10000]
//                                    [--datadir DIR]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "base/endian.hpp"
#include "crypto/keccak.hpp"
#include "storage/database.hpp"
#include "storage/state_store.hpp"
#include "trie/trie.hpp"

namespace {

using namespace qtm;
using Clock = std::chrono::steady_clock;

// keccak256(address) of account i: the secure trie's key.
Hash32 account_key(std::uint64_t i) {
    std::uint8_t address[20] = {};
    store_be64(address + 12, i);
    return crypto::keccak256(ByteView{address, sizeof address});
}

// A 70-byte stand-in for RLP([nonce, balance, storage_root, code_hash]).
Bytes account_value(std::uint64_t balance) {
    Bytes value(70, 0);
    value[0] = 0xf8;
    value[1] = 68;
    store_be64(value.data() + 2, balance);
    return value;
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "qtm-bench-state-growth: %s\n", what.c_str());
    std::exit(1);
}

Hash32 commit(storage::Database& db, trie::Trie& trie) {
    const Hash32 root = trie.root_hash();
    storage::WriteBatch batch;
    storage::StateStore::add_nodes(batch, trie.commit());
    if (auto written = db.write(batch, /*sync=*/true); !written) fail(written.error().message);
    return root;
}

}  // namespace

int main(int argc, char** argv) {
    std::uint64_t accounts = 1'000'000;
    int blocks = 5;
    std::uint64_t updates = 10'000;
    std::string datadir;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--accounts")
            accounts = std::strtoull(argv[i + 1], nullptr, 10);
        else if (flag == "--blocks")
            blocks = std::atoi(argv[i + 1]);
        else if (flag == "--updates")
            updates = std::strtoull(argv[i + 1], nullptr, 10);
        else if (flag == "--datadir")
            datadir = argv[i + 1];
        else
            fail("unknown flag " + flag + " (see the comment at the top of the source)");
    }
    const bool temporary = datadir.empty();
    if (temporary) {
        datadir = (std::filesystem::temp_directory_path() / "qtm-bench-state-growth").string();
        std::filesystem::remove_all(datadir);
    }
    auto opened = storage::open_rocksdb(datadir);
    if (!opened) fail(opened.error().message);
    storage::Database& db = **opened;
    storage::StateStore store{db};

    std::printf(
        "| accounts | block of %llu updates: ms (median of %d) | per update: us | "
        "nodes written per block |\n|---|---|---|---|\n",
        static_cast<unsigned long long>(updates), blocks);
    std::fflush(stdout);

    Hash32 root = trie::kEmptyRoot;
    std::uint64_t grown = 0;
    std::mt19937_64 rng{42};
    for (std::uint64_t checkpoint = 10'000; checkpoint <= accounts; checkpoint *= 10) {
        // Grow in chunks of 100,000 accounts, each committed like a (large) block.
        while (grown < checkpoint) {
            trie::Trie trie{&store, root};
            const std::uint64_t chunk_end = std::min(checkpoint, grown + 100'000);
            for (; grown < chunk_end; ++grown) {
                if (!trie.put(account_key(grown), account_value(grown))) fail("trie put failed");
            }
            root = commit(db, trie);
            std::fprintf(stderr, "\rgrowing state: %llu accounts",
                         static_cast<unsigned long long>(grown));
        }
        std::fprintf(stderr, "\n");

        std::vector<double> times;
        std::size_t nodes_written = 0;
        for (int block = 0; block < blocks; ++block) {
            const auto start = Clock::now();
            trie::Trie trie{&store, root};
            for (std::uint64_t u = 0; u < updates; ++u) {
                const std::uint64_t index = rng() % grown;
                if (!trie.put(account_key(index), account_value(rng()))) fail("trie put failed");
            }
            const Hash32 block_root = trie.root_hash();
            storage::WriteBatch batch;
            const auto nodes = trie.commit();
            nodes_written = nodes.size();
            storage::StateStore::add_nodes(batch, nodes);
            if (auto written = db.write(batch, true); !written) fail(written.error().message);
            root = block_root;
            times.push_back(seconds_since(start));
        }
        std::sort(times.begin(), times.end());
        const double median = times[times.size() / 2];
        std::printf("| %llu | %.1f | %.2f | %zu |\n", static_cast<unsigned long long>(grown),
                    median * 1e3, median * 1e6 / static_cast<double>(updates), nodes_written);
        std::fflush(stdout);
    }
    if (temporary) std::filesystem::remove_all(datadir);
    return 0;
}
