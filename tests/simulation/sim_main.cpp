// qtm-consensus-sim: runs many seeds of the deterministic consensus simulation
// (docs/consensus.md, "The simulator"). Built twice: as qtm-consensus-sim against the real
// engine, and as qtm-consensus-sim-mutants (QTM_CONSENSUS_MUTANTS) against the deliberately
// wrong engines, with --mutant to pick one (or "all": each must be caught).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "consensus/mutation.hpp"
#include "simulation.hpp"

namespace {

using qtm::sim::SeedResult;
using qtm::sim::SimOptions;

struct Totals {
    std::uint64_t seeds{0};
    std::uint64_t safety{0};
    std::uint64_t liveness{0};
    std::uint64_t events{0};
    std::uint64_t commits{0};
    std::uint64_t crashes{0};
    std::uint64_t torn{0};
    std::uint64_t evidence_expected{0};
    std::uint64_t max_after_gst_ms{0};
    std::uint32_t max_round{0};
    std::uint64_t control_failures{0};  // seeds that fail with the correct engine too
    std::vector<SeedResult> failures;   // the first ones, by seed
};

struct RunConfig {
    SimOptions options;
    std::uint64_t seeds{1000};
    std::uint64_t seed_start{1};
    unsigned jobs{1};
    bool stop_at_first_failure{false};
    qtm::consensus::Mutant mutant{qtm::consensus::Mutant::kNone};
};

Totals run_seeds(const RunConfig& config) {
    Totals totals;
    std::mutex mutex;
    std::atomic<std::uint64_t> next{0};
    std::atomic<bool> stop{false};
    auto worker = [&]() {
#ifdef QTM_CONSENSUS_MUTANTS
        qtm::consensus::set_active_mutant(config.mutant);
#endif
        Totals local;
        for (;;) {
            const std::uint64_t offset = next.fetch_add(1);
            if (offset >= config.seeds || stop.load()) break;
            SeedResult result =
                qtm::sim::run_seed(config.options, config.seed_start + offset, nullptr);
            ++local.seeds;
            local.events += result.stats.events;
            local.commits += result.stats.commits;
            local.crashes += result.stats.crashes;
            local.torn += result.stats.torn_records_dropped;
            local.evidence_expected += result.stats.evidence_expected;
            local.max_after_gst_ms =
                std::max(local.max_after_gst_ms, result.stats.last_commit_after_gst_ms);
            local.max_round = std::max(local.max_round, result.stats.max_round);
            const bool unsafe = !result.safety_violations.empty();
            const bool unlive = !result.liveness_failures.empty();
            local.safety += unsafe ? 1 : 0;
            local.liveness += unlive ? 1 : 0;
#ifdef QTM_CONSENSUS_MUTANTS
            // A mutant is caught only by a seed that the correct engine passes.
            if ((unsafe || unlive) && config.mutant != qtm::consensus::Mutant::kNone) {
                qtm::consensus::set_active_mutant(qtm::consensus::Mutant::kNone);
                const SeedResult control = qtm::sim::run_seed(config.options, result.seed, nullptr);
                qtm::consensus::set_active_mutant(config.mutant);
                if (!control.safety_violations.empty() || !control.liveness_failures.empty()) {
                    ++local.control_failures;
                    local.safety -= unsafe ? 1 : 0;
                    local.liveness -= unlive ? 1 : 0;
                    continue;
                }
            }
#endif
            if (unsafe || unlive) {
                local.failures.push_back(std::move(result));
                if (config.stop_at_first_failure) stop = true;
            }
        }
        const std::lock_guard lock{mutex};
        totals.seeds += local.seeds;
        totals.safety += local.safety;
        totals.liveness += local.liveness;
        totals.events += local.events;
        totals.commits += local.commits;
        totals.crashes += local.crashes;
        totals.torn += local.torn;
        totals.evidence_expected += local.evidence_expected;
        totals.max_after_gst_ms = std::max(totals.max_after_gst_ms, local.max_after_gst_ms);
        totals.max_round = std::max(totals.max_round, local.max_round);
        totals.control_failures += local.control_failures;
        for (auto& failure : local.failures)
            totals.failures.push_back(std::move(failure));
    };
    std::vector<std::thread> threads;
    for (unsigned j = 1; j < config.jobs; ++j)
        threads.emplace_back(worker);
    worker();
    for (auto& thread : threads)
        thread.join();
    std::sort(totals.failures.begin(), totals.failures.end(),
              [](const SeedResult& a, const SeedResult& b) { return a.seed < b.seed; });
    return totals;
}

std::string replay_command(const std::string& program, const RunConfig& config,
                           std::uint64_t seed) {
    std::ostringstream command;
    command << program << " --replay " << seed << " --validators " << config.options.validators
            << " --heights " << config.options.heights << " --byzantine "
            << config.options.byzantine << " --faults "
            << qtm::sim::fault_names(config.options.faults) << " --signer "
            << (config.options.signer == qtm::sim::SignerKind::kMlDsa ? "mldsa" : "cheap");
    if (config.options.byzantine_at_one_third) command << " --at-one-third";
#ifdef QTM_CONSENSUS_MUTANTS
    command << " --mutant " << qtm::consensus::to_string(config.mutant);
#endif
    return command.str();
}

void print_failures(const std::string& program, const RunConfig& config, const Totals& totals) {
    std::size_t shown = 0;
    for (const SeedResult& failure : totals.failures) {
        if (++shown > 10) {
            std::cout << "... and " << totals.failures.size() - 10 << " more failing seeds\n";
            break;
        }
        std::cout << "FAILED " << failure.scenario << "\n";
        for (const auto& text : failure.safety_violations)
            std::cout << "  safety: " << text << "\n";
        for (const auto& text : failure.liveness_failures)
            std::cout << "  liveness: " << text << "\n";
        std::cout << "  replay: " << replay_command(program, config, failure.seed) << "\n";
    }
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Deterministic simulation of the QTM consensus engine"};
    RunConfig config;
    std::string faults = "all";
    std::string signer = "cheap";
    std::optional<std::uint64_t> replay;
    std::string mutant_name;
    app.add_option("--seeds", config.seeds, "number of seeds to run")->capture_default_str();
    app.add_option("--seed-start", config.seed_start, "first seed")->capture_default_str();
    app.add_option("--validators", config.options.validators, "validators (4..150 and more)")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000));
    app.add_option("--heights", config.options.heights, "heights to commit")
        ->capture_default_str()
        ->check(CLI::Range(1, 10000));
    app.add_option("--byzantine", config.options.byzantine,
                   "most Byzantine validators (-1: (V-1)/3); their stake stays below 1/3")
        ->capture_default_str();
    app.add_flag("--at-one-third", config.options.byzantine_at_one_third,
                 "let the Byzantine stake reach exactly 1/3 (safe but not live: liveness is not "
                 "checked)");
    app.add_option("--faults", faults,
                   "faults a seed may draw: all, none or a list of loss,dup,reorder,partition,"
                   "crash,torn,twins,equivocate,stakes,precommit-loss")
        ->capture_default_str();
    app.add_option("--signer", signer, "cheap (keyed keccak, bulk runs) or mldsa (ML-DSA-65)")
        ->capture_default_str()
        ->check(CLI::IsMember({"cheap", "mldsa"}));
    app.add_option("--replay", replay, "run one seed with a readable trace");
    app.add_option("--jobs", config.jobs, "threads (seeds are independent); 0: one per core")
        ->capture_default_str()
        ->check(CLI::Range(0, 1024));
#ifdef QTM_CONSENSUS_MUTANTS
    app.add_option("--mutant", mutant_name,
                   "the wrong engine to run, or 'all' (each must be caught)")
        ->required();
#endif
    CLI11_PARSE(app, argc, argv);

    std::string error;
    if (!qtm::sim::parse_faults(faults, config.options.faults, error)) {
        std::cerr << "qtm-consensus-sim: " << error << "\n";
        return 2;
    }
    config.options.signer =
        signer == "mldsa" ? qtm::sim::SignerKind::kMlDsa : qtm::sim::SignerKind::kCheap;
    const std::string program = argv[0];
    if (config.jobs == 0) config.jobs = std::max(1U, std::thread::hardware_concurrency());

    std::vector<qtm::consensus::Mutant> mutants{qtm::consensus::Mutant::kNone};
#ifdef QTM_CONSENSUS_MUTANTS
    mutants.clear();
    for (int m = 1; m <= static_cast<int>(qtm::consensus::Mutant::kCommitOnPrevotes); ++m) {
        const auto mutant = static_cast<qtm::consensus::Mutant>(m);
        if (mutant_name == "all" || mutant_name == qtm::consensus::to_string(mutant))
            mutants.push_back(mutant);
    }
    if (mutant_name == "none") mutants.push_back(qtm::consensus::Mutant::kNone);
    if (mutants.empty()) {
        std::cerr << "qtm-consensus-sim: unknown mutant '" << mutant_name << "'\n";
        return 2;
    }
#endif

    std::cout << "qtm-consensus-sim: signer "
              << (config.options.signer == qtm::sim::SignerKind::kMlDsa
                      ? "ML-DSA-65 (real signatures)"
                      : "cheap keyed keccak256 (not ML-DSA; bulk runs)")
              << ", " << config.options.validators << " validators, " << config.options.heights
              << " heights, faults " << qtm::sim::fault_names(config.options.faults)
              << " (each drawn per seed with p=3/4)\n";
    if (config.options.byzantine_at_one_third) {
        std::cout << "Byzantine stake may reach exactly 1/3: safety is checked, liveness is not\n";
    } else {
        std::cout << "liveness bound: every honest validator commits all heights within 30 s + "
                     "heights x (Byzantine + 1) x 10 s of virtual time after GST\n";
    }

    if (replay) {
#ifdef QTM_CONSENSUS_MUTANTS
        qtm::consensus::set_active_mutant(mutants.front());
#endif
        SeedResult result = qtm::sim::run_seed(config.options, *replay, &std::cout);
        for (const auto& text : result.safety_violations)
            std::cout << "safety: " << text << "\n";
        for (const auto& text : result.liveness_failures)
            std::cout << "liveness: " << text << "\n";
        std::cout << "events " << result.stats.events << ", messages " << result.stats.messages
                  << ", crashes " << result.stats.crashes << ", evidence pairs "
                  << result.stats.evidence_expected << "\n";
        std::cout << "1 seeds, " << (result.safety_violations.empty() ? 0 : 1)
                  << " safety violations, " << (result.liveness_failures.empty() ? 0 : 1)
                  << " liveness failures\n";
        return result.safety_violations.empty() && result.liveness_failures.empty() ? 0 : 1;
    }

    [[maybe_unused]] bool all_caught = true;
    Totals grand;
    for (const qtm::consensus::Mutant mutant : mutants) {
        config.mutant = mutant;
        const bool hunting = mutant != qtm::consensus::Mutant::kNone;
        config.stop_at_first_failure = hunting;
        const auto started = std::chrono::steady_clock::now();
        Totals totals = run_seeds(config);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (hunting) {
            std::cout << "mutant " << qtm::consensus::to_string(mutant) << ": ";
            if (totals.control_failures != 0) {
                std::cout << "(" << totals.control_failures
                          << " failing seeds not counted: the correct engine fails them too) ";
            }
            if (totals.failures.empty()) {
                std::cout << "ESCAPED " << totals.seeds << " seeds\n";
                all_caught = false;
            } else {
                const SeedResult& first = totals.failures.front();
                std::cout << "caught at seed " << first.seed << " by "
                          << (first.safety_violations.empty() ? "liveness" : "safety") << ": "
                          << (first.safety_violations.empty() ? first.liveness_failures.front()
                                                              : first.safety_violations.front())
                          << "\n  replay: " << replay_command(program, config, first.seed) << "\n";
            }
        } else {
            print_failures(program, config, totals);
        }
        std::cout << "  " << totals.seeds << " seeds in " << seconds << " s ("
                  << (seconds > 0 ? static_cast<double>(totals.seeds) / seconds : 0.0)
                  << " seeds/s, " << config.jobs << " jobs): " << totals.events << " events, "
                  << totals.commits << " honest commits, " << totals.crashes << " crashes, "
                  << totals.torn << " torn WAL records dropped, " << totals.evidence_expected
                  << " twin equivocations seen in both versions; slowest finish "
                  << totals.max_after_gst_ms << " ms after GST, highest round " << totals.max_round
                  << "\n";
        grand.seeds += totals.seeds;
        grand.safety += totals.safety;
        grand.liveness += totals.liveness;
    }
#ifdef QTM_CONSENSUS_MUTANTS
    if (mutants.size() > 1 || mutants.front() != qtm::consensus::Mutant::kNone) {
        std::cout << (all_caught ? "every mutant was caught\n" : "A MUTANT ESCAPED\n");
        std::cout << grand.seeds << " seeds, " << grand.safety << " safety violations, "
                  << grand.liveness << " liveness failures\n";
        return all_caught ? 0 : 1;
    }
#endif
    std::cout << grand.seeds << " seeds, " << grand.safety << " safety violations, "
              << grand.liveness << " liveness failures\n";
    return grand.safety == 0 && grand.liveness == 0 ? 0 : 1;
}
