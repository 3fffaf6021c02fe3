// One simulated node: a real consensus engine, its WAL on a simulated disk, and the
// application around it (abstract blocks, committed blocks and certificates, catch-up
// answers, relaying). Honest nodes, twins and equivocating proposers are all this driver;
// the role decides what a Byzantine node does differently.
//
// Blocks are abstract: hash = keccak256(seed, height, round, proposer, builder node), built
// after a small virtual delay when the engine asks (RequestProposal), valid iff a builder
// registered it as valid for that height. The application's state (committed heights and
// their certificates) is durable: a crash loses the engine and what was not yet on the WAL.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>

#include "sim_wal.hpp"
#include "world.hpp"

namespace qtm::sim {

struct CrashPlan {
    std::size_t node{0};
    std::uint64_t at_ms{0};
    bool at_wal_point{false};  // crash after `appends` more WAL appends, else at `at_ms`
    std::uint32_t appends{0};
    bool torn{false};         // the crash tears the next append
    bool drop_unsent{false};  // the messages signed in the crashing call are never sent
    std::uint64_t down_ms{0};
};

class SimNode {
public:
    SimNode(World& world, std::size_t id, std::uint32_t validator, Role role,
            std::uint64_t clock_skew_ms);

    // First start, and every restart: a new engine from the WAL on the disk.
    void start();
    void crash(const std::string& why);
    void arm_crash(const CrashPlan& plan);
    void disarm_crash();
    void receive(std::size_t from, const MessagePtr& message);

    [[nodiscard]] bool up() const noexcept { return up_; }
    [[nodiscard]] bool honest() const noexcept { return role_ == Role::kHonest; }
    [[nodiscard]] bool finished() const noexcept { return committed_ >= world_.options.heights; }
    [[nodiscard]] std::uint64_t committed() const noexcept { return committed_; }
    [[nodiscard]] std::size_t id() const noexcept { return id_; }
    [[nodiscard]] std::uint32_t validator() const noexcept { return validator_; }
    [[nodiscard]] std::uint64_t finished_at_ms() const noexcept { return finished_at_ms_; }
    [[nodiscard]] const SimDisk& disk() const noexcept { return disk_; }
    [[nodiscard]] const consensus::Engine* engine() const noexcept { return engine_.get(); }

private:
    [[nodiscard]] std::uint64_t local_now() const { return world_.queue.now_ms() + skew_ms_; }
    [[nodiscard]] std::string name() const;
    void apply(consensus::Output output);
    void broadcast_proposal(const chain::Proposal& proposal, bool send);
    void commit(const consensus::CommitBlock& commit);
    void build_block(std::uint64_t height, std::uint32_t round);
    void validate_block(std::uint64_t height, const Hash32& hash);
    void on_vote(std::size_t from, const chain::Vote& vote, const MessagePtr& message);
    void on_proposal(std::size_t from, const chain::Proposal& proposal, const MessagePtr& message);
    void on_certificate(const chain::CommitCertificate& certificate);
    void feed_pending_certificate();
    // A peer sent a message of a height this node has committed: send it what it misses.
    void answer_catch_up(std::size_t peer, std::uint64_t from_height);
    // Gossip of the current height's votes (the engine re-sends only its own messages of
    // its current round): every vote this node signed or accepted is kept by round, sent
    // to a peer seen in an earlier round of this height (its precommits let the peer time
    // out that round), as CometBFT's gossip does. (The engine itself sends a proposal
    // with a proof-of-lock round together with that round's prevotes.)
    void remember_vote(const MessagePtr& message);
    void help_lagging_peer(std::size_t peer, std::uint32_t round);
    void adopt_next_height_votes();
    // Runs `fn` after `delay_ms` if this incarnation is still up then.
    template <class Fn>
    void later(std::uint64_t delay_ms, Fn fn);

    World& world_;
    std::size_t id_;
    std::uint32_t validator_;
    Role role_;
    std::uint64_t skew_ms_;
    SimDisk disk_;
    std::unique_ptr<SimWal> wal_;
    std::unique_ptr<consensus::Engine> engine_;
    std::uint32_t incarnation_{0};
    bool up_{false};
    std::optional<CrashPlan> armed_;
    // The application (durable across crashes).
    std::uint64_t committed_{0};
    std::uint64_t finished_at_ms_{0};
    std::vector<MessagePtr> certificates_;  // certificates_[h - 1]
    std::map<std::uint64_t, chain::CommitCertificate> pending_certificates_;
    std::map<std::size_t, std::uint64_t> last_catch_up_ms_;
    // Gossip state of the current height (lost on a crash, like any memory).
    std::uint64_t votes_height_{0};
    std::map<std::uint32_t, std::vector<MessagePtr>> votes_by_round_;
    std::vector<MessagePtr> next_height_votes_;
    std::map<std::pair<std::size_t, std::uint32_t>, std::uint64_t> last_help_ms_;
};

}  // namespace qtm::sim
