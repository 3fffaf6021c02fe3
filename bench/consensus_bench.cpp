// Consensus speed (issue: the BFT engine, "Speed"):
//   BM_SimSeeds/<faults>      simulator seeds per second, 4 validators x 20 heights, the
//                             cheap signer (tests/simulation), with no faults and with the
//                             full fault mix (each fault drawn per seed with p = 3/4)
//   BM_EngineHeight/<n>       one engine's CPU for one height of n validators, the votes
//                             already verified: start the height, take the proposal, its
//                             validation, n prevotes and n precommits, up to CommitBlock
#include <benchmark/benchmark.h>

#include <memory>
#include <variant>

#include "chain/consensus/validator_set.hpp"
#include "chain/keys.hpp"
#include "cheap_signer.hpp"
#include "consensus/engine.hpp"
#include "consensus/wal.hpp"
#include "crypto/keccak.hpp"
#include "simulation.hpp"

namespace {

using namespace qtm;

void BM_SimSeeds(benchmark::State& state) {
    sim::SimOptions options;
    options.validators = 4;
    options.heights = 20;
    options.faults = state.range(0) == 0 ? 0U : static_cast<std::uint32_t>(sim::kFaultAll);
    std::uint64_t seed = 1;
    std::uint64_t failures = 0;
    for (auto _ : state) {
        const sim::SeedResult result = sim::run_seed(options, seed++, nullptr);
        failures += result.safety_violations.size() + result.liveness_failures.size();
        benchmark::DoNotOptimize(result.stats.events);
    }
    state.SetItemsProcessed(state.iterations());  // items/s = seeds/s
    state.SetLabel(state.range(0) == 0 ? "no faults" : "all faults");
    state.counters["failing_seeds"] = static_cast<double>(failures);
}
BENCHMARK(BM_SimSeeds)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

struct HeightFixture {
    explicit HeightFixture(std::size_t count) {
        std::vector<chain::Validator> validators;
        for (std::size_t i = 0; i < count; ++i) {
            Hash32 secret{};
            secret[0] = static_cast<std::uint8_t>(i);
            secret[1] = static_cast<std::uint8_t>(i >> 8);
            signers.push_back(std::make_unique<sim::CheapSigner>(secret));
            chain::Validator validator;
            validator.scheme = signers.back()->scheme();
            validator.public_key.assign(signers.back()->public_key().begin(),
                                        signers.back()->public_key().end());
            validator.address = chain::address_of(validator.scheme, validator.public_key);
            validator.voting_power = 1;
            validators.push_back(std::move(validator));
        }
        set = std::move(*chain::ValidatorSet::create(validators));
        config.domain = chain::ConsensusDomain{1, Hash32{}};
        const std::size_t proposer = set.proposer_for_round(0);
        own = (proposer + 1) % count;
        for (auto& signer : signers) {
            const auto index =
                *set.index_of(chain::address_of(signer->scheme(), signer->public_key()));
            if (index == own) own_signer = signer.get();
            if (index == proposer) proposer_signer = signer.get();
        }
        block = crypto::keccak256(Bytes{1, 2, 3});
        proposal = chain::Proposal{
            1, 0, std::nullopt, block, 1000, static_cast<std::uint32_t>(proposer), {}};
        proposal.signature = proposer_signer->sign(
            chain::proposal_sign_bytes(config.domain, proposal), chain::kProposalContext);
        for (const auto type : {chain::VoteType::kPrevote, chain::VoteType::kPrecommit}) {
            for (std::size_t i = 0; i < count; ++i) {
                if (i == own) continue;
                chain::Vote vote{type, 1, 0, block, static_cast<std::uint32_t>(i), {}};
                // The engine does not verify; a signature of the real size is enough.
                vote.signature = own_signer->sign(chain::vote_sign_bytes(config.domain, vote),
                                                  chain::kVoteContext);
                votes.push_back(std::move(vote));
            }
        }
    }

    std::vector<std::unique_ptr<sim::CheapSigner>> signers;
    chain::ValidatorSet set;
    consensus::EngineConfig config;
    std::size_t own{0};
    const sim::CheapSigner* own_signer{nullptr};
    const sim::CheapSigner* proposer_signer{nullptr};
    Hash32 block{};
    chain::Proposal proposal;
    std::vector<chain::Vote> votes;
};

void BM_EngineHeight(benchmark::State& state) {
    const HeightFixture fixture{static_cast<std::size_t>(state.range(0))};
    std::uint64_t commits = 0;
    for (auto _ : state) {
        consensus::MemoryWal wal;
        consensus::Engine engine{fixture.config, fixture.own_signer, &wal};
        std::uint64_t now = 1000;
        auto count_commits = [&](const consensus::Output& output) {
            for (const auto& action : output.actions) {
                if (std::holds_alternative<consensus::CommitBlock>(action)) ++commits;
            }
        };
        count_commits(engine.start_height(1, fixture.set, now));
        count_commits(engine.on_proposal(fixture.proposal, ++now));
        count_commits(engine.on_block_validated(1, fixture.block, true, ++now));
        for (const chain::Vote& vote : fixture.votes)
            count_commits(engine.on_vote(vote, ++now));
    }
    if (commits != static_cast<std::uint64_t>(state.iterations()))
        state.SkipWithError("the height did not commit once per run");
    state.SetItemsProcessed(state.iterations());  // heights/s of one engine
}
BENCHMARK(BM_EngineHeight)->Arg(100)->Arg(150)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
