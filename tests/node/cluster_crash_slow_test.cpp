// Crash cycles of a real four-validator network under load (label slow, opt-in):
// QTM_CYCLES (default 1000) times a random validator is killed with SIGKILL and restarted
// while signed transfers flow. No finalized block is lost or changed (every hash seen is
// recorded and compared), nobody double-signs (no evidence reported, no Slashed, Tombstoned
// or Jailed log), and every database passes `qtm db check`, after each crash and after the
// final clean stop. QTM_SEED picks the cycles (default 1). A bounded run (3 cycles) is part
// of cluster_recovery_integration_test.cpp.
//   QTM_CYCLES=20 build/bin/qtm_node_cluster_crash_slow_test
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "cluster_support.hpp"
#include "recovery_support.hpp"

namespace qtm {
namespace {

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
    const char* text = std::getenv(name);
    if (text == nullptr || *text == '\0') return fallback;
    return std::stoull(text);
}

TEST(ClusterCrash, KillAndRestartRandomValidatorsUnderLoad) {
    test::Cluster net{test::ClusterOptions{.validators = 4,
                                           .chain_id = 9955,
                                           .block_time_ms = 1000,
                                           .base_port = 23900,
                                           .prefix = "qtm-crash-cycles"}};
    test::run_crash_cycles(
        net, test::CrashCycles{.cycles = static_cast<int>(env_number("QTM_CYCLES", 1000)),
                               .seed = static_cast<std::uint32_t>(env_number("QTM_SEED", 1)),
                               .chain_id = 9955});
}

}  // namespace
}  // namespace qtm
