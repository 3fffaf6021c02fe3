#include "simulation.hpp"

#include <algorithm>
#include <sstream>

#include "chain/keys.hpp"
#include "cheap_signer.hpp"
#include "crypto/keccak.hpp"
#include "node.hpp"

namespace qtm::sim {

namespace {

Hash32 secret_for(std::uint64_t seed, std::size_t key) {
    Bytes input{'q', 't', 'm', '-', 's', 'i', 'm'};
    for (int shift = 56; shift >= 0; shift -= 8)
        input.push_back(static_cast<std::uint8_t>(seed >> shift));
    for (int shift = 56; shift >= 0; shift -= 8)
        input.push_back(static_cast<std::uint8_t>(key >> shift));
    return crypto::keccak256(input);
}

}  // namespace

std::uint64_t liveness_bound_ms(std::uint64_t heights, std::size_t byzantine) {
    return 30000 + heights * (byzantine + 1) * 10000;
}

World::World(const SimOptions& options_in, std::uint64_t seed_in, NetworkConfig network_config,
             std::ostream* trace_in, WorkerPool& pool_in)
    : options{options_in},
      seed{seed_in},
      network{std::move(network_config), Rng{seed_in ^ 0x6e6574776f726bULL}},
      rng{seed_in ^ 0x6e6f646573ULL},
      trace{trace_in},
      pool{pool_in} {}

World::~World() = default;

void World::send(std::size_t from, std::size_t to, const MessagePtr& message) {
    const auto* vote = std::get_if<chain::Vote>(&message->body);
    const bool precommit = vote != nullptr && vote->type == chain::VoteType::kPrecommit;
    network.route(from, to, queue.now_ms(), precommit, delays_scratch);
    for (const std::uint64_t delay : delays_scratch) {
        queue.schedule_after(delay,
                             [this, from, to, message]() { nodes[to]->receive(from, message); });
    }
}

void World::send_to_peers(std::size_t from, const MessagePtr& message) {
    for (const std::size_t peer : peers[from])
        send(from, peer, message);
}

void World::relay(std::size_t from, std::size_t origin, const MessagePtr& message) {
    const std::vector<std::size_t>& candidates = peers[from];
    if (candidates.size() <= kRelayFanout + 1) {
        for (const std::size_t peer : candidates) {
            if (peer != origin) send(from, peer, message);
        }
        return;
    }
    for (std::size_t sent = 0; sent < kRelayFanout;) {
        const std::size_t peer = candidates[rng.between(0, candidates.size() - 1)];
        if (peer == origin) continue;
        send(from, peer, message);
        ++sent;
    }
}

namespace {

struct Scenario {
    std::uint32_t faults{0};
    NetworkConfig network;
    std::vector<CrashPlan> crashes;
    std::size_t byzantine{0};
    std::string text;
};

// Keys, stakes, roles and the validator sets of every height.
std::size_t set_up_validators(World& world, Rng& rng, std::uint32_t faults, CheapVerifier& cheap) {
    const SimOptions& options = world.options;
    const std::size_t count = options.validators;
    std::vector<std::unique_ptr<chain::ConsensusSigner>> signers;
    std::vector<chain::Validator> validators;
    for (std::size_t key = 0; key < count; ++key) {
        const Hash32 secret = secret_for(world.seed, key);
        std::unique_ptr<chain::ConsensusSigner> signer;
        if (options.signer == SignerKind::kMlDsa) {
            signer = chain::make_mldsa_signer(crypto::SignatureScheme::kMlDsa65, secret);
        } else {
            cheap.add(secret);
            signer = std::make_unique<CheapSigner>(secret);
        }
        chain::Validator validator;
        validator.scheme = signer->scheme();
        validator.public_key.assign(signer->public_key().begin(), signer->public_key().end());
        validator.address = chain::address_of(validator.scheme, validator.public_key);
        validator.voting_power = (faults & kFaultStakes) != 0 ? rng.between(1, 10) : 1;
        validators.push_back(std::move(validator));
        signers.push_back(std::move(signer));
    }
    auto created = chain::ValidatorSet::create(validators);
    if (!created) throw std::runtime_error("simulator: could not build the validator set");
    world.sets.resize(options.heights + 2);
    world.sets[1] = std::move(*created);
    for (std::uint64_t height = 2; height < world.sets.size(); ++height) {
        world.sets[height] = world.sets[height - 1];
        world.sets[height].increment_proposer_priority(1);
    }
    const chain::ValidatorSet& set = world.sets[1];
    world.signers.resize(count);
    for (auto& signer : signers) {
        const auto index = set.index_of(chain::address_of(signer->scheme(), signer->public_key()));
        world.signers.at(*index) = std::move(signer);
    }
    // Byzantine validators: at most F, and less than 1/3 of the stake.
    world.validator_roles.assign(count, Role::kHonest);
    const bool twins = (faults & kFaultTwins) != 0;
    const bool equivocate = (faults & kFaultEquivocate) != 0;
    const std::size_t most = options.byzantine >= 0 ? static_cast<std::size_t>(options.byzantine)
                             : options.byzantine_at_one_third ? count / 3
                                                              : (count - 1) / 3;
    if (!(twins || equivocate) || most == 0) return 0;
    std::size_t wanted = rng.between(1, std::min(most, count));
    std::uint64_t power = 0;
    std::size_t chosen = 0;
    for (std::size_t attempt = 0; attempt < 4 * count && chosen < wanted; ++attempt) {
        const std::size_t index = rng.between(0, count - 1);
        if (world.validator_roles[index] != Role::kHonest) continue;
        const std::uint64_t with = power + set.at(index).voting_power;
        // f < n/3 of the stake (or f <= n/3 at the boundary).
        if (options.byzantine_at_one_third ? 3 * with > set.total_power()
                                           : 3 * with >= set.total_power()) {
            continue;
        }
        power = with;
        ++chosen;
        world.validator_roles[index] =
            twins && (!equivocate || rng.chance(500)) ? Role::kTwin : Role::kEquivocator;
    }
    return chosen;
}

NetworkConfig draw_network(Rng& rng, std::uint32_t faults) {
    NetworkConfig config;
    config.gst_ms = rng.between(0, 20000);
    if ((faults & kFaultReorder) != 0) {
        config.model = rng.chance(500) ? DelayModel::kExponential : DelayModel::kBimodal;
        config.max_delay_ms = rng.between(500, 4000);
    } else {
        config.model = DelayModel::kUniform;
        config.max_delay_ms = rng.between(20, 200);
    }
    static constexpr std::uint32_t kLoss[] = {50, 150, 300, 500};
    static constexpr std::uint32_t kDuplicate[] = {20, 100, 300};
    if ((faults & kFaultLoss) != 0) config.loss_per_mille = kLoss[rng.between(0, 3)];
    if ((faults & kFaultDuplicate) != 0) config.duplicate_per_mille = kDuplicate[rng.between(0, 2)];
    if ((faults & kFaultPrecommitLoss) != 0) {
        config.precommit_loss_per_mille = static_cast<std::uint32_t>(rng.between(300, 900));
    }
    return config;
}

}  // namespace

SeedResult run_seed(const SimOptions& options, std::uint64_t seed, std::ostream* trace) {
    thread_local WorkerPool pool{1};
    SeedResult result;
    result.seed = seed;
    Rng rng{seed};
    Scenario scenario;
    for (const auto& [fault, name] : fault_table()) {
        if ((options.faults & fault) != 0 && rng.chance(options.fault_chance_per_mille)) {
            scenario.faults |= fault;
        }
    }
    scenario.network = draw_network(rng, scenario.faults);
    CheapVerifier cheap;
    World world{options, seed, scenario.network, trace, pool};
    world.verifier = options.signer == SignerKind::kMlDsa ? &chain::mldsa_verifier() : &cheap;
    world.engine_config.domain =
        chain::ConsensusDomain{4242, crypto::keccak256(Bytes{'s', 'i', 'm'})};
    scenario.byzantine = set_up_validators(world, rng, scenario.faults, cheap);

    // Nodes: one per validator (node id = validator index), plus the second twin of each
    // twin validator. Each honest node sees one twin of each pair (side 0 or 1).
    const std::size_t count = options.validators;
    std::vector<std::size_t> twin_validators;
    for (std::size_t v = 0; v < count; ++v) {
        if (world.validator_roles[v] == Role::kTwin) twin_validators.push_back(v);
    }
    const std::size_t node_count = count + twin_validators.size();
    std::vector<std::vector<std::uint8_t>> side(node_count,
                                                std::vector<std::uint8_t>(twin_validators.size()));
    for (std::size_t n = 0; n < node_count; ++n) {
        for (std::size_t t = 0; t < twin_validators.size(); ++t) {
            side[n][t] = static_cast<std::uint8_t>(rng.between(0, 1));
        }
    }
    auto twin_pair = [&](std::size_t node) -> std::optional<std::pair<std::size_t, int>> {
        for (std::size_t t = 0; t < twin_validators.size(); ++t) {
            if (node == twin_validators[t]) return std::pair{t, 0};
            if (node == count + t) return std::pair{t, 1};
        }
        return std::nullopt;
    };
    for (std::size_t n = 0; n < node_count; ++n) {
        const auto pair = twin_pair(n);
        const std::uint32_t validator =
            static_cast<std::uint32_t>(n < count ? n : twin_validators[n - count]);
        const Role role = n < count ? world.validator_roles[n] : Role::kTwin;
        world.nodes.push_back(
            std::make_unique<SimNode>(world, n, validator, role, rng.between(0, 500)));
        world.peers.emplace_back();
        for (std::size_t m = 0; m < node_count; ++m) {
            if (m == n) continue;
            const auto other = twin_pair(m);
            if (pair && other) continue;  // twins talk to honest nodes only
            if (other && side[n][other->first] != other->second) continue;
            if (pair && side[m][pair->first] != pair->second) continue;
            world.peers.back().push_back(m);
        }
    }

    // Partitions and crashes (before GST).
    NetworkConfig& network = scenario.network;
    const bool crashes = (scenario.faults & kFaultCrash) != 0;
    if (((scenario.faults & kFaultPartition) != 0 || crashes) && network.gst_ms < 2000) {
        network.gst_ms = rng.between(2000, 20000);
    }
    if ((scenario.faults & kFaultPartition) != 0) {
        const std::size_t partitions = rng.between(1, 3);
        for (std::size_t p = 0; p < partitions; ++p) {
            Partition partition;
            partition.start_ms = rng.between(0, network.gst_ms - 1);
            partition.end_ms = rng.between(partition.start_ms + 1, network.gst_ms);
            const std::uint64_t groups = rng.between(2, 3);
            for (std::size_t n = 0; n < node_count; ++n) {
                partition.group_of_node.push_back(
                    static_cast<std::uint8_t>(rng.between(0, groups - 1)));
            }
            network.partitions.push_back(std::move(partition));
        }
    }
    world.network = Network{network, Rng{seed ^ 0x6e6574776f726bULL}};
    if (crashes) {
        const std::size_t plans = rng.between(1, std::max<std::size_t>(2, count / 8));
        for (std::size_t c = 0; c < plans; ++c) {
            CrashPlan plan;
            plan.node = rng.between(0, count - 1);
            if (world.validator_roles[plan.node] != Role::kHonest) continue;
            plan.at_ms = rng.between(0, network.gst_ms - 1);
            plan.at_wal_point = rng.chance(600);
            plan.appends = static_cast<std::uint32_t>(rng.between(0, 8));
            plan.torn = (scenario.faults & kFaultTorn) != 0 && rng.chance(500);
            plan.drop_unsent = rng.chance(500);
            plan.down_ms = rng.between(50, 4000);
            scenario.crashes.push_back(plan);
        }
    }

    std::ostringstream text;
    text << "seed " << seed << ": " << count << " validators (" << scenario.byzantine
         << " Byzantine:";
    for (std::size_t v = 0; v < count; ++v) {
        if (world.validator_roles[v] == Role::kTwin) text << " v" << v << "=twins";
        if (world.validator_roles[v] == Role::kEquivocator) text << " v" << v << "=equivocator";
    }
    text << "), " << options.heights << " heights, faults " << fault_names(scenario.faults) << "; "
         << describe(network) << "; " << scenario.crashes.size() << " crash(es)";
    result.scenario = text.str();
    world.log(result.scenario);

    for (const auto& node : world.nodes)
        node->start();
    for (const CrashPlan& plan : scenario.crashes) {
        SimNode* node = world.nodes[plan.node].get();
        world.queue.schedule_at(plan.at_ms, [node, plan, &world]() {
            if (!node->up()) return;
            if (plan.at_wal_point) {
                world.log("n" + std::to_string(plan.node) + ": WAL crash armed after " +
                          std::to_string(plan.appends) + " more append(s)" +
                          (plan.torn ? ", torn" : "") + (plan.drop_unsent ? ", before send" : ""));
                node->arm_crash(plan);
                return;
            }
            node->crash("at a random time");
            const std::uint64_t restart =
                std::min(plan.at_ms + plan.down_ms, world.network.config().gst_ms);
            world.queue.schedule_at(restart, [node]() {
                if (!node->up()) node->start();
            });
        });
    }
    // At GST every armed crash point is disarmed (crashes happen before GST only).
    world.queue.schedule_at(network.gst_ms, [&world]() {
        for (const auto& node : world.nodes)
            node->disarm_crash();
    });

    const std::uint64_t bound = liveness_bound_ms(options.heights, scenario.byzantine);
    const std::uint64_t deadline = network.gst_ms + bound;
    constexpr std::uint64_t kEventBudget = 50'000'000;
    auto all_finished = [&world]() {
        return std::all_of(world.nodes.begin(), world.nodes.end(),
                           [](const auto& node) { return !node->honest() || node->finished(); });
    };
    bool done = false;
    while (!done && !world.queue.empty() && world.queue.next_time_ms() <= deadline &&
           world.queue.executed() < kEventBudget) {
        world.queue.run_next();
        done = all_finished();
    }

    result.safety_violations = world.checker.finish();
    if (!all_finished() && !options.byzantine_at_one_third) {
        std::ostringstream failure;
        failure << "not every honest validator committed " << options.heights
                << " heights by GST + " << bound << " ms (t=" << deadline << "):";
        for (const auto& node : world.nodes) {
            if (node->honest() && !node->finished()) {
                failure << " n" << node->id() << (node->up() ? "" : " (down)") << " at "
                        << node->committed();
            }
        }
        if (world.queue.executed() >= kEventBudget) failure << " (event budget exhausted)";
        result.liveness_failures.push_back(failure.str());
    }
    SeedStats& stats = world.stats;
    stats.events = world.queue.executed();
    stats.end_ms = world.queue.now_ms();
    stats.gst_ms = network.gst_ms;
    stats.evidence_expected = world.checker.evidence_expected();
    stats.evidence_reported = world.checker.evidence_reported();
    for (const auto& node : world.nodes) {
        stats.torn_records_dropped += node->disk().torn_frames_dropped;
        if (node->honest() && node->finished() && node->finished_at_ms() > network.gst_ms) {
            stats.last_commit_after_gst_ms =
                std::max(stats.last_commit_after_gst_ms, node->finished_at_ms() - network.gst_ms);
        }
    }
    result.stats = stats;
    return result;
}

}  // namespace qtm::sim
