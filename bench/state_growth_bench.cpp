// State growth benchmark (issue: storage, trie and world state). Grows a world state of
// --accounts accounts in RocksDB and, at each checkpoint (every 10x, from 10,000), measures
// --blocks blocks of --updates random balance updates to existing accounts, the way the
// block executor runs them: a fresh state::WorldState per block at the parent's root,
// add_balance per update (the account read comes from the flat table), commit() (storage
// and account tries re-hashed along the dirty paths, untouched nodes loaded from RocksDB),
// and one synced write batch holding the trie nodes and the flat-table updates.
// Prints one row per checkpoint with the median block and where its time went.
//
//   build/bin/qtm-bench-state-growth [--accounts 1000000] [--blocks 5] [--updates 10000]
//                                    [--datadir DIR] [--cache-mb 512] [--node-cache-mb 256]
// --cache-mb is RocksDB's block cache; --node-cache-mb the trie node cache shared by every
// block's world state (storage::NodeCache; 0 turns it off).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "base/endian.hpp"
#include "state/world_state.hpp"
#include "storage/database.hpp"

namespace {

using namespace qtm;
using Clock = std::chrono::steady_clock;

Address account_address(std::uint64_t i) {
    Address address{};
    address[0] = 0x51;  // keep clear of precompile-like addresses
    store_be64(address.data() + 12, i);
    return address;
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "qtm-bench-state-growth: %s\n", what.c_str());
    std::exit(1);
}

struct BlockTimes {
    double total{0};
    double updates{0};  // reading and changing accounts
    double commit{0};   // tries: loads, hashing, encoding
    double write{0};    // the synced RocksDB batch
    std::size_t batch_entries{0};
};

}  // namespace

int main(int argc, char** argv) {
    std::uint64_t accounts = 1'000'000;
    int blocks = 5;
    std::uint64_t updates = 10'000;
    std::size_t cache_mb = 512;
    std::size_t node_cache_mb = 256;
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
        else if (flag == "--cache-mb")
            cache_mb = std::strtoull(argv[i + 1], nullptr, 10);
        else if (flag == "--node-cache-mb")
            node_cache_mb = std::strtoull(argv[i + 1], nullptr, 10);
        else
            fail("unknown flag " + flag + " (see the comment at the top of the source)");
    }
    if (blocks < 1 || updates == 0) fail("--blocks and --updates must be positive");
    const bool temporary = datadir.empty();
    if (temporary) {
        datadir = (std::filesystem::temp_directory_path() / "qtm-bench-state-growth").string();
        std::filesystem::remove_all(datadir);
    }
    auto opened = storage::open_rocksdb(datadir, {.block_cache_bytes = cache_mb << 20});
    if (!opened) fail(opened.error().message);
    storage::Database& db = **opened;
    storage::NodeCache node_cache{node_cache_mb << 20};
    storage::NodeCache* cache = node_cache_mb == 0 ? nullptr : &node_cache;

    std::printf(
        "| accounts | block of %llu updates: ms (median of %d) | per update: us | updates ms | "
        "commit ms | synced write ms | batch entries |\n|---|---|---|---|---|---|---|\n",
        static_cast<unsigned long long>(updates), blocks);
    std::fflush(stdout);

    Hash32 root = trie::kEmptyRoot;
    std::uint64_t grown = 0;
    std::mt19937_64 rng{42};
    const auto commit_and_write = [&](state::WorldState& world, BlockTimes* times) {
        storage::WriteBatch batch;
        const auto start = Clock::now();
        auto committed = world.commit(batch);
        if (!committed) fail(committed.error().message);
        const auto written_at = Clock::now();
        if (auto written = db.write(batch, /*sync=*/true); !written) {
            fail(written.error().message);
        }
        if (times != nullptr) {
            times->commit = std::chrono::duration<double>(written_at - start).count();
            times->write = seconds_since(written_at);
            times->batch_entries = batch.entries().size();
        }
        root = *committed;
    };
    for (std::uint64_t checkpoint = 10'000; checkpoint <= accounts; checkpoint *= 10) {
        // Grow in chunks of 100,000 accounts, each committed like a (large) block.
        while (grown < checkpoint) {
            state::WorldState world{db, root, cache};
            const std::uint64_t chunk_end = std::min(checkpoint, grown + 100'000);
            for (; grown < chunk_end; ++grown) {
                world.add_balance(account_address(grown), U256{grown + 1});
            }
            world.finalize_transaction();
            commit_and_write(world, nullptr);
            std::fprintf(stderr, "\rgrowing state: %llu accounts",
                         static_cast<unsigned long long>(grown));
        }
        std::fprintf(stderr, "\n");

        std::vector<BlockTimes> measured;
        for (int block = 0; block < blocks; ++block) {
            BlockTimes times;
            const auto start = Clock::now();
            state::WorldState world{db, root, cache};
            for (std::uint64_t u = 0; u < updates; ++u) {
                world.add_balance(account_address(rng() % grown), U256{1});
            }
            world.finalize_transaction();
            times.updates = seconds_since(start);
            commit_and_write(world, &times);
            times.total = seconds_since(start);
            measured.push_back(times);
        }
        std::sort(measured.begin(), measured.end(),
                  [](const BlockTimes& a, const BlockTimes& b) { return a.total < b.total; });
        const BlockTimes& median = measured[measured.size() / 2];
        std::printf("| %llu | %.1f | %.2f | %.1f | %.1f | %.1f | %zu |\n",
                    static_cast<unsigned long long>(grown), median.total * 1e3,
                    median.total * 1e6 / static_cast<double>(updates), median.updates * 1e3,
                    median.commit * 1e3, median.write * 1e3, median.batch_entries);
        std::fflush(stdout);
    }
    if (temporary) std::filesystem::remove_all(datadir);
    return 0;
}
