// Block throughput: builds and executes blocks of N signed ML-DSA-44 transfers from many
// senders on a persistent RocksDB, and reports transfers per second with signature
// verification (parallel, all cores) and without it, and where the time goes:
// verification, execution, state commit (tries), the rest of the block (roots, records),
// and the synced database write.
//
//   build-bench/bin/qtm-bench-block [--txs 1000,10000] [--senders 2000] [--blocks 3]
//                                   [--threads N] [--datadir DIR]
//
// Every sender's first transaction (which registers its key) goes into a set-up block that
// is not measured; measured blocks are steady-state transfers.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "base/endian.hpp"
#include "bench_support.hpp"
#include "chain/chain_spec.hpp"
#include "chain/executor.hpp"
#include "chain/keys.hpp"
#include "chain/transaction.hpp"
#include "crypto/keccak.hpp"
#include "node/head_state.hpp"
#include "storage/database.hpp"
#include "storage/node_cache.hpp"

namespace {

using namespace qtm;
using Clock = std::chrono::steady_clock;

double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "qtm-bench-block: %s\n", what.c_str());
    std::exit(1);
}

struct Row {
    std::size_t txs{0};
    double verify_ms{0}, execute_ms{0}, commit_ms{0}, finish_ms{0}, write_ms{0};
};

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::size_t> sizes = {1000, 10000};
    std::size_t sender_count = 2000;
    int blocks = 3;
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    std::string datadir;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--help" || flag == "-h") {
            std::printf(
                "qtm-bench-block [--txs 1000,10000] [--senders 2000] [--blocks 3] [--threads N]\n"
                "                [--datadir DIR]\n"
                "Builds and commits blocks of N signed ML-DSA-44 transfers on RocksDB and prints\n"
                "transfers per second with and without signature verification, and where the\n"
                "time goes (bench/README.md).\n");
            return 0;
        }
    }
    if (argc % 2 == 0) die(std::string{"flag "} + argv[argc - 1] + " needs a value (--help)");
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        const std::string value = argv[i + 1];
        if (flag == "--txs") {
            sizes.clear();
            for (std::size_t start = 0; start < value.size();) {
                const auto comma = value.find(',', start);
                sizes.push_back(std::stoull(value.substr(start, comma - start)));
                start = comma == std::string::npos ? value.size() : comma + 1;
            }
        } else if (flag == "--senders") {
            sender_count = std::stoull(value);
        } else if (flag == "--blocks") {
            blocks = std::stoi(value);
        } else if (flag == "--threads") {
            threads = static_cast<unsigned>(std::stoul(value));
        } else if (flag == "--datadir") {
            datadir = value;
        } else {
            die("unknown flag " + flag + " (see the comment at the top of bench/block_bench.cpp)");
        }
    }
    if (datadir.empty()) {
        datadir = (std::filesystem::temp_directory_path() / "qtm-bench-block").string();
    }
    std::filesystem::remove_all(datadir);

    // A dev spec with room for big blocks and the senders funded from dev account 0.
    chain::ChainSpec spec = *chain::builtin_chain_spec("dev");
    spec.gas_limit = 1'000'000'000'000ULL;
    spec.max_block_bytes = 1ULL << 30;
    std::fprintf(stderr, "making %zu sender keys...\n", sender_count);
    std::vector<chain::AccountKey> senders;
    senders.reserve(sender_count);
    for (std::size_t i = 0; i < sender_count; ++i) {
        Bytes label = to_bytes(as_bytes("qtm bench sender"));
        label.resize(label.size() + 8);
        store_be64(label.data() + label.size() - 8, i);
        senders.emplace_back(crypto::SignatureScheme::kMlDsa44, crypto::keccak256(label));
    }
    const U256 each = chain::qtm_to_wei(1000);
    auto& funder = spec.alloc.at(
        chain::AccountKey{crypto::SignatureScheme::kMlDsa44, chain::dev_account_seed(0)}.address());
    for (const auto& sender : senders) {
        spec.alloc[sender.address()].balance = each;
        funder.balance = funder.balance - each;
    }

    auto opened = storage::open_rocksdb(datadir);
    if (!opened) die(opened.error().message);
    auto& db = **opened;
    storage::NodeCache node_cache{256u << 20};
    storage::WriteBatch genesis_batch;
    auto genesis = chain::build_genesis(spec, db, genesis_batch);
    if (!genesis) die(genesis.error().message);
    if (!db.write(genesis_batch, true)) die("genesis write failed");
    chain::Header parent = genesis->block.header;
    chain::BlockExecutor executor{spec, db, &node_cache};
    Address proposer{};
    proposer.fill(0x77);
    std::vector<std::uint64_t> nonces(sender_count, 0);

    auto make_transfers = [&](std::size_t count, bool include_key) {
        std::vector<chain::Transaction> txs(count);
        std::vector<std::size_t> from(count);
        for (std::size_t i = 0; i < count; ++i) {
            from[i] = i % sender_count;
            txs[i].nonce = nonces[from[i]]++;
        }
        bench::parallel_for(count, threads, [&](std::size_t i) {
            auto& tx = txs[i];
            tx.chain_id = spec.chain_id;
            tx.max_priority_fee_per_gas = U256{1'000'000'000};
            tx.max_fee_per_gas = U256{100'000'000'000};
            tx.gas_limit = 100'000;
            Address to{};
            store_be64(to.data() + 12, 0xb0b0'0000ULL + i);
            tx.to = to;
            tx.value = U256{1000 + i};
            chain::sign_transaction(tx, senders[from[i]], include_key);
        });
        return txs;
    };

    auto run_block = [&](const std::vector<chain::Transaction>& txs, Row& row) {
        // Verification as the pool does it on admission: in parallel, against the head state.
        node::HeadStateReader head{db};
        std::vector<char> ok(txs.size(), 0);
        const auto verify_start = Clock::now();
        bench::parallel_for(txs.size(), threads, [&](std::size_t i) {
            ok[i] = chain::verify_signature(txs[i], head.registered_key(txs[i].from)).has_value();
        });
        row.verify_ms = ms(Clock::now() - verify_start);
        if (std::count(ok.begin(), ok.end(), 1) != static_cast<std::ptrdiff_t>(txs.size())) {
            die("a signature did not verify");
        }
        std::vector<chain::Rejection> rejected;
        auto block = executor.build(parent, parent.timestamp + 2, proposer, txs, &rejected);
        if (!block) die(block.error().message);
        if (!rejected.empty()) die("transaction rejected: " + rejected.front().reason);
        const auto write_start = Clock::now();
        if (!db.write(block->batch, true)) die("block write failed");
        row.write_ms = ms(Clock::now() - write_start);
        row.execute_ms = ms(block->execution_time);
        row.commit_ms = ms(block->commit_time);
        row.finish_ms = ms(block->finish_time);
        row.txs = txs.size();
        parent = block->block.header;
    };

    std::fprintf(stderr, "set-up block: %zu key registrations...\n", sender_count);
    {
        Row ignored;
        run_block(make_transfers(sender_count, true), ignored);
    }

    std::printf(
        "qtm-bench-block: %zu senders, ML-DSA-44, %u verification threads, RocksDB at %s\n\n",
        sender_count, threads, datadir.c_str());
    std::printf(
        "| txs/block | verify ms | execute ms | commit ms | finish ms | write ms | "
        "tx/s with verify | tx/s without | verify %% | execute %% | commit %% | "
        "finish+write %% |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (const std::size_t size : sizes) {
        for (int b = 0; b < blocks; ++b) {
            std::fprintf(stderr, "signing %zu transfers...\n", size);
            const auto txs = make_transfers(size, false);
            Row row;
            run_block(txs, row);
            const double without = row.execute_ms + row.commit_ms + row.finish_ms + row.write_ms;
            const double with = without + row.verify_ms;
            std::printf(
                "| %zu | %.1f | %.1f | %.1f | %.1f | %.1f | %.0f | %.0f | %.0f | %.0f | "
                "%.0f | %.0f |\n",
                row.txs, row.verify_ms, row.execute_ms, row.commit_ms, row.finish_ms, row.write_ms,
                1000.0 * static_cast<double>(row.txs) / with,
                1000.0 * static_cast<double>(row.txs) / without, 100 * row.verify_ms / with,
                100 * row.execute_ms / with, 100 * row.commit_ms / with,
                100 * (row.finish_ms + row.write_ms) / with);
            std::fflush(stdout);
        }
    }
    std::filesystem::remove_all(datadir);
    return 0;
}
