// Commit certificates with real ML-DSA-65 validators: verifying a 100-validator certificate
// on 1, 2, 4 and 8 threads (the caller plus threads - 1 pool workers), and the encoded size
// of a certificate for 4, 31 and 100 validators, signed by all of them and by the smallest
// quorum. Run: build/bin/qtm-bench-certificate (Release), or scripts/bench.sh certificate.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <stdexcept>

#include "base/worker_pool.hpp"
#include "chain/consensus/signer.hpp"
#include "chain/consensus/types.hpp"
#include "chain/consensus/validator_set.hpp"
#include "chain/consensus/verify.hpp"
#include "chain/keys.hpp"

namespace {

using namespace qtm;
using namespace qtm::chain;

const ConsensusDomain kDomain{7777, Hash32{0x44}};

struct Network {
    ValidatorSet set;
    std::vector<std::unique_ptr<ConsensusSigner>> signers;  // in set order
};

// n equal validators with deterministic ML-DSA-65 keys, made once per size.
const Network& network(std::size_t n) {
    static std::map<std::size_t, Network> cache;
    if (auto it = cache.find(n); it != cache.end()) return it->second;
    std::vector<std::unique_ptr<ConsensusSigner>> signers;
    for (std::size_t i = 0; i < n; ++i) {
        ByteArray<32> seed{};
        seed[0] = 0xbe;
        seed[30] = static_cast<std::uint8_t>(i >> 8);
        seed[31] = static_cast<std::uint8_t>(i);
        signers.push_back(make_mldsa_signer(crypto::SignatureScheme::kMlDsa65, seed));
    }
    std::sort(signers.begin(), signers.end(), [](const auto& a, const auto& b) {
        return address_of(a->scheme(), a->public_key()) < address_of(b->scheme(), b->public_key());
    });
    std::vector<Validator> validators;
    for (const auto& signer : signers) {
        Validator validator;
        validator.public_key = to_bytes(signer->public_key());
        validator.voting_power = 1;
        validators.push_back(std::move(validator));
    }
    auto set = ValidatorSet::create(std::move(validators));
    if (!set) throw std::runtime_error{"validator set"};
    return cache.emplace(n, Network{std::move(*set), std::move(signers)}).first->second;
}

// A certificate for height 1000, round 0, signed by the first `signers` validators.
CommitCertificate certificate(const Network& net, std::size_t signers) {
    CommitCertificate out{1000, 0, Hash32{0xab}, {}, {}};
    out.signer_bitmap.assign(bitmap_bytes(net.set.size()), 0);
    const Bytes message =
        vote_sign_bytes(kDomain, VoteType::kPrecommit, out.height, out.round, out.block_hash);
    for (std::size_t i = 0; i < signers; ++i) {
        bitmap_set(out.signer_bitmap, i);
        out.signatures.push_back(net.signers[i]->sign(message, kVoteContext));
    }
    return out;
}

std::size_t smallest_quorum(const ValidatorSet& set) {
    std::size_t k = 0;
    while (!set.is_quorum(k))
        ++k;  // equal powers of 1
    return k;
}

void bm_verify(benchmark::State& state) {
    const auto threads = static_cast<std::size_t>(state.range(0));
    const Network& net = network(100);
    const CommitCertificate cert = certificate(net, net.set.size());
    std::unique_ptr<WorkerPool> pool = threads == 1
                                           ? std::make_unique<WorkerPool>(WorkerPool::CallerOnly{})
                                           : std::make_unique<WorkerPool>(threads - 1);
    for (auto _ : state) {
        const auto result = verify_certificate(cert, net.set, kDomain, mldsa_verifier(), *pool);
        if (!result) state.SkipWithError("certificate did not verify");
    }
    state.counters["signatures"] = static_cast<double>(cert.signatures.size());
    state.counters["sig/s"] = benchmark::Counter(static_cast<double>(cert.signatures.size()),
                                                 benchmark::Counter::kIsIterationInvariantRate);
}

void bm_size(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const Network& net = network(n);
    const CommitCertificate all = certificate(net, n);
    const CommitCertificate quorum = certificate(net, smallest_quorum(net.set));
    std::size_t bytes = 0;
    for (auto _ : state) {
        bytes = encode_certificate(all).size();
        benchmark::DoNotOptimize(bytes);
    }
    state.counters["bytes_all_signed"] = static_cast<double>(bytes);
    state.counters["bytes_quorum"] = static_cast<double>(encode_certificate(quorum).size());
    state.counters["quorum_signers"] = static_cast<double>(quorum.signatures.size());
}

BENCHMARK(bm_verify)
    ->Name("certificate/verify_100_mldsa65/threads")
    ->Arg(1)
    ->Arg(2)
    ->Arg(4)
    ->Arg(8)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(bm_size)
    ->Name("certificate/encode/validators")
    ->Arg(4)
    ->Arg(31)
    ->Arg(100)
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
