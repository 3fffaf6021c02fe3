// One deterministic simulated run (a "seed"): V validators with real engine instances, a
// seeded network and clock, crashes with WAL replay, Byzantine twins and equivocating
// proposers, and the checks of checker.hpp plus liveness (docs/consensus.md, "The
// simulator"). Everything in a run derives from its seed; runs share nothing, so seeds can
// run on several threads at once.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qtm::sim {

// Faults a seed may draw. Each one listed in SimOptions::faults is switched on for a seed
// with probability 3/4 (so that the seeds cover many mixes); the seed's header says which.
enum Fault : std::uint32_t {
    kFaultLoss = 1U << 0,           // messages lost before GST
    kFaultDuplicate = 1U << 1,      // messages delivered twice
    kFaultReorder = 1U << 2,        // wide, heavy-tailed delays (messages overtake each other)
    kFaultPartition = 1U << 3,      // partitions before GST (healed at GST at the latest)
    kFaultCrash = 1U << 4,          // crashes and restarts with WAL replay, before GST
    kFaultTorn = 1U << 5,           // crashes in the middle of a WAL append (a torn record)
    kFaultTwins = 1U << 6,          // Byzantine validators run as twins
    kFaultEquivocate = 1U << 7,     // Byzantine validators propose two different blocks
    kFaultStakes = 1U << 8,         // uneven stakes (1..10) instead of equal ones
    kFaultPrecommitLoss = 1U << 9,  // precommits lost at 30..90% before GST (locks diverge)
    kFaultAll = (1U << 10) - 1,
};
using FaultName = std::pair<Fault, const char*>;
// Every fault with its --faults name.
[[nodiscard]] std::span<const FaultName> fault_table() noexcept;
[[nodiscard]] bool parse_faults(std::string_view list, std::uint32_t& faults, std::string& error);
[[nodiscard]] std::string fault_names(std::uint32_t faults);

enum class SignerKind : std::uint8_t { kCheap, kMlDsa };

struct SimOptions {
    std::size_t validators{4};
    std::uint64_t heights{5};
    // Byzantine validators (at most; fewer if their stake would reach 1/3). -1: the most
    // that equal stakes allow, (V - 1) / 3.
    int byzantine{-1};
    std::uint32_t faults{kFaultAll};
    SignerKind signer{SignerKind::kCheap};
    std::uint32_t fault_chance_per_mille{750};
    // Let the Byzantine stake reach exactly 1/3 (the boundary where Tendermint is still
    // safe but no longer live): liveness is not checked. Needed to catch a quorum of
    // >= 2/3, which is safe only while the Byzantine stake stays below 1/3.
    bool byzantine_at_one_third{false};
};

struct SeedStats {
    std::uint64_t events{0};
    std::uint64_t messages{0};
    std::uint64_t commits{0};
    std::uint64_t crashes{0};
    std::uint64_t torn_records_dropped{0};
    std::uint64_t evidence_expected{0};
    std::uint64_t evidence_reported{0};
    std::uint64_t end_ms{0};
    std::uint64_t gst_ms{0};
    std::uint64_t last_commit_after_gst_ms{0};  // when the last honest node reached the target
    std::uint32_t max_round{0};
};

struct SeedResult {
    std::uint64_t seed{0};
    std::vector<std::string> safety_violations;
    std::vector<std::string> liveness_failures;
    SeedStats stats;
    std::string scenario;  // one line: what this seed drew
};

// The bound that the liveness check applies after GST (stated in the output):
// every honest validator commits every height up to the target within
// 30 s + heights x (byzantine + 1) x 10 s of virtual time after GST.
[[nodiscard]] std::uint64_t liveness_bound_ms(std::uint64_t heights, std::size_t byzantine);

// Runs one seed; with `trace`, writes a readable line per event to it.
[[nodiscard]] SeedResult run_seed(const SimOptions& options, std::uint64_t seed,
                                  std::ostream* trace);

}  // namespace qtm::sim
