// Pre-signed load for bench/node_tps.sh: value transfers from fresh ML-DSA-44 accounts,
// signed here (C++ signs ~40x faster than the JS SDK, which a load of 100k transfers needs),
// written as text for the load generator.
//
//   qtm-bench-presign --txs N --senders S --out DIR [--chain-id 7357] [--max-fee-gwei 50]
//                     [--tip-gwei 1] [--threads 2]
//
// DIR/fund.txt: one transfer per sender from the dev accounts (round-robin, nonces from 0,
// so for a fresh dev chain; each dev account's nonce 0 carries its key), enough for all the
// sender's transfers. DIR/load.txt: N
// transfers of 1 wei to dev account 0, nonce-major: the first S lines are each sender's
// nonce 0, which carries its public key. Each line: "0x<hash> 0x<raw transaction>". Gas
// limits are the intrinsic gas exactly (chain::intrinsic_gas).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/endian.hpp"
#include "base/hex.hpp"
#include "bench_support.hpp"
#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"
#include "chain/transaction.hpp"
#include "crypto/keccak.hpp"

namespace {

using namespace qtm;

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "qtm-bench-presign: %s\n", what.c_str());
    std::exit(2);
}

std::uint64_t number(std::string_view flag, const char* text) {
    char* end = nullptr;
    const unsigned long long value = std::strtoull(text, &end, 10);
    if (end == text || *end != '\0') die(std::string{flag} + " needs a number, not '" + text + "'");
    return value;
}

ByteArray<32> sender_seed(std::uint32_t index) {
    constexpr std::string_view kTag = "qtm node_tps sender";
    Bytes preimage(kTag.begin(), kTag.end());
    ByteArray<4> be{};
    store_be32(be.data(), index);
    preimage.insert(preimage.end(), be.begin(), be.end());
    return crypto::keccak256(preimage);
}

// Signs `tx` with `key` (carrying the key when asked) at exactly its intrinsic gas.
std::string signed_line(chain::Transaction tx, const chain::AccountKey& key, bool include_key) {
    tx.from = key.address();
    if (include_key) tx.public_key = key.public_key();
    tx.gas_limit = static_cast<std::uint64_t>(chain::intrinsic_gas(tx));
    tx.public_key.clear();
    chain::sign_transaction(tx, key, include_key);
    return to_hex(chain::transaction_hash(tx)) + " " + to_hex(chain::encode(tx)) + "\n";
}

void write(const std::filesystem::path& file, const std::vector<std::string>& lines) {
    std::ofstream out{file, std::ios::binary};
    for (const auto& line : lines)
        out << line;
    if (!out) die("cannot write " + file.string());
}

}  // namespace

int main(int argc, char** argv) {
    std::uint64_t txs = 0;
    std::uint64_t senders = 0;
    std::uint64_t chain_id = 7357;
    std::uint64_t max_fee_gwei = 50;
    std::uint64_t tip_gwei = 1;
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    std::string out;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (flag == "-h" || flag == "--help") {
            std::printf(
                "usage: qtm-bench-presign --txs N --senders S --out DIR [--chain-id 7357] "
                "[--max-fee-gwei 50] [--tip-gwei 1] [--threads N]\n");
            return 0;
        }
        if (i + 1 >= argc) die(std::string{flag} + " needs a value (--help)");
        const char* value = argv[++i];
        if (flag == "--txs")
            txs = number(flag, value);
        else if (flag == "--senders")
            senders = number(flag, value);
        else if (flag == "--chain-id")
            chain_id = number(flag, value);
        else if (flag == "--max-fee-gwei")
            max_fee_gwei = number(flag, value);
        else if (flag == "--tip-gwei")
            tip_gwei = number(flag, value);
        else if (flag == "--threads")
            threads = static_cast<unsigned>(std::max<std::uint64_t>(1, number(flag, value)));
        else if (flag == "--out")
            out = value;
        else
            die("unknown option " + std::string{flag} + " (--help)");
    }
    if (txs == 0 || senders == 0 || out.empty())
        die("--txs, --senders and --out are needed (--help)");
    senders = std::min(senders, txs);
    if (senders > 1'000'000) die("--senders: at most 1000000");
    std::filesystem::create_directories(out);

    const auto start = std::chrono::steady_clock::now();
    const U256 gwei{1'000'000'000};
    chain::Transaction base;
    base.chain_id = chain_id;
    base.max_fee_per_gas = U256{max_fee_gwei} * gwei;
    base.max_priority_fee_per_gas = U256{tip_gwei} * gwei;
    base.scheme = crypto::SignatureScheme::kMlDsa44;
    const chain::AccountKey recipient{crypto::SignatureScheme::kMlDsa44,
                                      chain::dev_account_seed(0)};
    base.to = recipient.address();
    base.value = U256{1};

    std::vector<std::unique_ptr<chain::AccountKey>> keys(senders);
    bench::parallel_for(senders, threads, [&](std::size_t s) {
        keys[s] = std::make_unique<chain::AccountKey>(crypto::SignatureScheme::kMlDsa44,
                                                      sender_seed(static_cast<std::uint32_t>(s)));
    });

    // Nonce-major: line i is sender i % S's nonce i / S.
    std::vector<std::string> load(txs);
    bench::parallel_for(txs, threads, [&](std::size_t i) {
        chain::Transaction tx = base;
        tx.nonce = i / senders;
        load[i] = signed_line(tx, *keys[i % senders], tx.nonce == 0);
    });

    // Each sender's funding: its transfers' gas at the fee cap plus their values, doubled.
    const std::uint64_t per_sender = (txs + senders - 1) / senders;
    chain::Transaction probe = base;
    probe.from = keys[0]->address();
    probe.public_key = keys[0]->public_key();
    const U256 first_gas{static_cast<std::uint64_t>(chain::intrinsic_gas(probe))};
    probe.public_key.clear();
    const U256 later_gas{static_cast<std::uint64_t>(chain::intrinsic_gas(probe))};
    const U256 funding =
        (first_gas + later_gas * U256{per_sender}) * base.max_fee_per_gas * U256{2} +
        U256{per_sender};
    std::vector<chain::AccountKey> funders;
    for (std::uint32_t f = 0; f < chain::kDevAccountCount; ++f)
        funders.emplace_back(crypto::SignatureScheme::kMlDsa44, chain::dev_account_seed(f));
    std::vector<std::string> fund(senders);
    bench::parallel_for(senders, threads, [&](std::size_t s) {
        chain::Transaction tx = base;
        tx.nonce = s / funders.size();
        tx.to = keys[s]->address();
        tx.value = funding;
        fund[s] = signed_line(tx, funders[s % funders.size()], tx.nonce == 0);
    });

    write(std::filesystem::path{out} / "fund.txt", fund);
    write(std::filesystem::path{out} / "load.txt", load);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr,
                 "qtm-bench-presign: %llu transfers from %llu senders (+%llu funding) signed in "
                 "%.1f s on %u threads into %s\n",
                 static_cast<unsigned long long>(txs), static_cast<unsigned long long>(senders),
                 static_cast<unsigned long long>(senders), seconds, threads, out.c_str());
    return 0;
}
