// Drives the consensus engine (src/consensus/engine.hpp) for one node of a validator network
// (docs/consensus.md, "The driver"): it checks the signatures of incoming proposals, votes,
// evidence and certificates against the height's validator set, feeds the engine, and turns
// its actions into sends, block building and validation on the Node, and commits.
//
// Like the engine it has no clock, socket or thread of its own: every call carries `now_ms`
// (Unix milliseconds) and the caller calls tick() when next_wakeup_ms() is due, so one test
// process can run a whole network deterministically. The network side (p2p, or a test bus)
// implements ConsensusNetwork. Not thread-safe: call it from one thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/worker_pool.hpp"
#include "chain/consensus/signer.hpp"
#include "chain/consensus/types.hpp"
#include "consensus/engine.hpp"
#include "node/node.hpp"

namespace qtm::node {

// Who a message came from, as the network side names its peers; kNoPeer for none (a
// message of this node's own).
using PeerHandle = std::uint64_t;
inline constexpr PeerHandle kNoPeer = 0;

class ConsensusNetwork {
public:
    virtual ~ConsensusNetwork() = default;
    // To every connected peer but `except`.
    virtual void broadcast_proposal(const chain::Proposal& proposal, const chain::Block& block,
                                    PeerHandle except) = 0;
    virtual void broadcast_vote(const chain::Vote& vote, PeerHandle except) = 0;
    virtual void broadcast_evidence(const chain::DuplicateVoteEvidence& evidence,
                                    PeerHandle except) = 0;
    // To one peer: votes of a round it is stuck in, committed blocks it lacks.
    virtual void send_vote(PeerHandle peer, const chain::Vote& vote) = 0;
    virtual void send_committed(PeerHandle peer, const chain::Block& block,
                                const chain::CommitCertificate& certificate) = 0;
    // Ask peers for committed blocks from `first` on (the engine decided a block this node
    // never received, or a peer is ahead).
    virtual void request_committed(std::uint64_t first) = 0;
    // The peer sent something invalid (a bad signature, a block that breaks a rule).
    virtual void report_peer(PeerHandle peer, const std::string& reason) = 0;
};

struct ConsensusDriverConfig {
    consensus::TimeoutConfig timeouts{};
    // The proposer builds a block this long after the previous commit (CometBFT's
    // timeout_commit): the chain's block time when consensus itself is faster.
    std::uint64_t block_time_ms{2000};
    std::uint64_t max_clock_drift_ms{5000};
};

struct ConsensusDriverStats {
    std::uint64_t commits{0};
    std::uint64_t proposals_built{0};
    std::uint64_t invalid_messages{0};
    std::uint64_t evidence_found{0};
    std::uint64_t catch_up_imports{0};
    // Copies of a vote or proposal already verified here (relayed by several peers): not
    // verified again.
    std::uint64_t duplicates_not_reverified{0};
};

class ConsensusDriver {
public:
    // `signer` and `wal` null: a full node that follows consensus without voting. The node,
    // the network, the signer, the verifier and the WAL outlive the driver.
    ConsensusDriver(ConsensusDriverConfig config, Node& node, ConsensusNetwork& network,
                    const chain::ConsensusSigner* signer, consensus::Wal* wal,
                    const chain::ConsensusVerifier& verifier);
    ~ConsensusDriver();
    ConsensusDriver(const ConsensusDriver&) = delete;
    ConsensusDriver& operator=(const ConsensusDriver&) = delete;

    // Starts the height after the node's head (after a restart the WAL restores what this
    // validator signed at that height).
    void start(std::uint64_t now_ms);

    void on_proposal(PeerHandle from, const chain::Proposal& proposal, const chain::Block& block,
                     std::uint64_t now_ms);
    void on_vote(PeerHandle from, const chain::Vote& vote, std::uint64_t now_ms);
    void on_evidence(PeerHandle from, const chain::DuplicateVoteEvidence& evidence,
                     std::uint64_t now_ms);
    // A peer just connected: it is sent the votes this node accepted in the height's last two
    // rounds. A vote is relayed once, when a node first accepts it, so a peer that connects
    // later (a node started after the others, a reconnection) would otherwise see only its
    // neighbours' own votes, and with many validators never reach a quorum.
    void on_peer_connected(PeerHandle peer);
    // A committed block with its certificate (a peer answering request_committed or helping
    // this node catch up).
    void on_committed(PeerHandle from, const chain::Block& block,
                      const chain::CommitCertificate& certificate, std::uint64_t now_ms);
    // Fires the timeouts and the delayed proposal that are due.
    void tick(std::uint64_t now_ms);

    // When tick() next has something to do.
    [[nodiscard]] std::optional<std::uint64_t> next_wakeup_ms() const;
    [[nodiscard]] std::uint64_t height() const noexcept;
    [[nodiscard]] std::uint32_t round() const noexcept;
    // Set when the engine or the node cannot go on safely (a WAL or database failure); the
    // driver then ignores every input. The node must stop and say why.
    [[nodiscard]] const std::optional<std::string>& halted() const noexcept { return halted_; }
    [[nodiscard]] const ConsensusDriverStats& stats() const noexcept { return stats_; }
    // Evidence waiting for this node's next proposal.
    [[nodiscard]] const std::vector<chain::DuplicateVoteEvidence>& pending_evidence() const {
        return pending_evidence_;
    }

private:
    void apply(consensus::Output output, std::uint64_t now_ms);
    void build_proposal(std::uint64_t height, std::uint32_t round, std::uint64_t now_ms);
    void validate(std::uint64_t height, const Hash32& block_hash, std::uint64_t now_ms);
    void commit(const consensus::CommitBlock& decided, std::uint64_t now_ms);
    void start_next_height(std::uint64_t now_ms);
    void after_commit(std::uint64_t now_ms);
    void add_evidence(const chain::DuplicateVoteEvidence& evidence, PeerHandle from);
    void halt(std::string reason);
    // Notes the round of a proposal or vote a peer sent at this height, and helps the peer
    // when its newest round is behind this node's.
    void help_if_lagging(PeerHandle peer, std::uint32_t message_round, std::uint64_t now_ms);
    void help_lagging_peer(PeerHandle peer, std::uint64_t height, std::uint32_t round,
                           std::uint64_t now_ms);
    void answer_catch_up(PeerHandle peer, std::uint64_t from_height, std::uint64_t now_ms);
    void invalid(PeerHandle from, const std::string& reason);
    // Runs `verify` (a signature check returning a Result) unless this exact vote or
    // proposal, by its encoding's hash, passed it here before; the error's words, if any.
    template <typename Verify>
    [[nodiscard]] std::optional<std::string> verify_once(const Bytes& encoding, Verify verify);
    // The set that signs `height`, cached for the current and the next height.
    [[nodiscard]] const chain::ValidatorSet* set_for(std::uint64_t height);

    ConsensusDriverConfig config_;
    Node& node_;
    ConsensusNetwork& network_;
    const chain::ConsensusSigner* signer_;
    const chain::ConsensusVerifier& verifier_;
    chain::ConsensusDomain domain_;
    std::unique_ptr<consensus::Engine> engine_;
    WorkerPool pool_{WorkerPool::CallerOnly{}};

    std::multimap<std::uint64_t, consensus::Timeout> timers_;  // due time -> timeout
    struct PendingBuild {
        std::uint64_t height{0};
        std::uint32_t round{0};
        std::uint64_t due_ms{0};
    };
    std::optional<PendingBuild> pending_build_;
    // Decided without the block (its proposal never arrived): asked from peers.
    std::optional<consensus::CommitBlock> awaiting_block_;
    std::uint64_t last_commit_ms_{0};

    std::map<Hash32, chain::Block> blocks_;                    // proposed at this height
    std::map<std::uint32_t, std::vector<chain::Vote>> votes_;  // accepted, this height
    std::vector<chain::Vote> next_height_votes_;
    // Each vote reaches a node from every peer that relays it: with d peers, d copies. Their
    // encodings' hashes (a Keccak of ~3.4 KB, some 20x cheaper than an ML-DSA-65 verify) let
    // the copies skip the verification. Forgotten all at once when full.
    std::set<Hash32> verified_;
    std::map<std::pair<PeerHandle, std::uint32_t>, std::uint64_t> last_help_ms_;
    std::map<PeerHandle, std::uint32_t> peer_rounds_;  // the newest round each peer sent
    std::map<PeerHandle, std::uint64_t> last_catch_up_ms_;
    std::map<std::uint64_t, chain::ValidatorSet> sets_;
    std::vector<chain::DuplicateVoteEvidence> pending_evidence_;
    std::optional<std::string> halted_;
    ConsensusDriverStats stats_;
};

}  // namespace qtm::node
