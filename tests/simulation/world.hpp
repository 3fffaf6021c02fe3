// What the nodes of one run share (internal to the simulator): the clock, the network, the
// validator sets per height, the keys, the checker and the trace.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <sstream>
#include <variant>
#include <vector>

#include "base/worker_pool.hpp"
#include "chain/consensus/signer.hpp"
#include "chain/consensus/types.hpp"
#include "chain/consensus/validator_set.hpp"
#include "checker.hpp"
#include "consensus/engine.hpp"
#include "event_queue.hpp"
#include "network.hpp"
#include "sim_rng.hpp"
#include "simulation.hpp"

namespace qtm::sim {

class SimNode;

// A message on the simulated wire; shared by all its deliveries (never copied per peer).
struct SimMessage {
    std::variant<chain::Proposal, chain::Vote, chain::CommitCertificate> body;
};
using MessagePtr = std::shared_ptr<const SimMessage>;

enum class Role : std::uint8_t { kHonest, kTwin, kEquivocator };

struct World {
    World(const SimOptions& options_in, std::uint64_t seed_in, NetworkConfig network_config,
          std::ostream* trace_in, WorkerPool& pool_in);
    ~World();

    // Sends `message` from node `from` to node `to` through the network.
    void send(std::size_t from, std::size_t to, const MessagePtr& message);
    void send_to_peers(std::size_t from, const MessagePtr& message);
    // To up to `kRelayFanout` random peers of `from`, not back to `origin`.
    void relay(std::size_t from, std::size_t origin, const MessagePtr& message);

    [[nodiscard]] const chain::ValidatorSet* set_for(std::uint64_t height) const {
        return height >= 1 && height < sets.size() ? &sets[height] : nullptr;
    }
    [[nodiscard]] bool tracing() const noexcept { return trace != nullptr; }
    void log(const std::string& line) const {
        if (trace != nullptr) *trace << "[t=" << queue.now_ms() << "] " << line << '\n';
    }

    static constexpr std::size_t kRelayFanout = 3;

    const SimOptions& options;
    std::uint64_t seed;
    EventQueue queue;
    Network network;
    Rng rng;
    consensus::EngineConfig engine_config;
    std::vector<chain::ValidatorSet> sets;  // sets[h] for 1 <= h <= heights (+1)
    std::vector<std::unique_ptr<chain::ConsensusSigner>> signers;  // by validator index
    const chain::ConsensusVerifier* verifier{nullptr};
    std::vector<Role> validator_roles;  // by validator index
    std::vector<std::unique_ptr<SimNode>> nodes;
    std::vector<std::vector<std::size_t>> peers;  // by node
    Checker checker;
    SeedStats stats;
    std::ostream* trace;
    WorkerPool& pool;
    std::vector<std::uint64_t> delays_scratch;
};

}  // namespace qtm::sim
