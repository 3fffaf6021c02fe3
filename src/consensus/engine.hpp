// The Tendermint consensus engine (Buchman, Kwon, Milosevic 2018, arXiv 1807.04938;
// docs/consensus.md) as a deterministic state machine for one validator (or a non-voting
// follower): every input is a call that carries the current time, every effect an Action
// returned to the caller (the driver). No sockets, threads, clocks or disk of its own; the
// only side effect is the SigningGuard's WAL append before a signature exists.
//
// The caller verifies signatures before handing messages in (in parallel, on its own
// WorkerPool; chain/consensus/verify.hpp) and owns blocks: the engine sees block hashes,
// asks the application to build ("RequestProposal") and to validate ("ValidateBlock") a
// block, and tells it to commit one ("CommitBlock"), after which the application starts
// the next height with its validator set.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "chain/consensus/signer.hpp"
#include "chain/consensus/types.hpp"
#include "chain/consensus/validator_set.hpp"
#include "consensus/round_state.hpp"
#include "consensus/signing_guard.hpp"

namespace qtm::consensus {

// Timeouts grow linearly with the round (paper: timeoutX(r) = base + r * delta).
struct TimeoutConfig {
    std::uint64_t propose_ms{3000};
    std::uint64_t propose_delta_ms{500};
    std::uint64_t prevote_ms{1000};
    std::uint64_t prevote_delta_ms{500};
    std::uint64_t precommit_ms{1000};
    std::uint64_t precommit_delta_ms{500};
    // While at a height, own messages of the current round are re-sent this often, so
    // that messages lost before the network stabilised are eventually delivered.
    std::uint64_t rebroadcast_ms{2000};
};

struct EngineConfig {
    chain::ConsensusDomain domain{};
    TimeoutConfig timeouts{};
    // A proposal whose timestamp is further than this ahead of the local clock is
    // prevoted nil (a Byzantine proposer must not move block time into the future).
    std::uint64_t max_clock_drift_ms{5000};
    // Rounds further than this ahead of the current one are ignored (bounds memory
    // against a Byzantine validator voting in arbitrary rounds).
    std::uint32_t max_future_rounds{64};
};

enum class TimeoutKind : std::uint8_t { kPropose, kPrevote, kPrecommit, kRebroadcast };

struct Timeout {
    std::uint64_t height{0};
    std::uint32_t round{0};
    TimeoutKind kind{TimeoutKind::kPropose};
    friend bool operator==(const Timeout&, const Timeout&) = default;
};

// ---- Actions: what the driver must do -----------------------------------------------
struct BroadcastProposal {
    chain::Proposal proposal;  // signed; the driver sends the block (by hash) with it
};
struct BroadcastVote {
    chain::Vote vote;  // signed
};
struct ScheduleTimeout {
    Timeout timeout;
    std::uint64_t delay_ms{0};
};
// Build a block for (height, round) and answer with Engine::on_block_built.
struct RequestProposal {
    std::uint64_t height{0};
    std::uint32_t round{0};
};
// Validate this proposed block and answer with Engine::on_block_validated.
struct ValidateBlock {
    std::uint64_t height{0};
    Hash32 block_hash{};
};
// Decided: commit `block_hash` with `certificate`, then call Engine::start_height(h + 1).
struct CommitBlock {
    std::uint64_t height{0};
    Hash32 block_hash{};
    chain::CommitCertificate certificate;
};
struct EvidenceFound {
    chain::DuplicateVoteEvidence evidence;
};
// The engine cannot go on safely (its WAL failed): stop the node and say why.
struct Halt {
    std::string reason;
};
using Action = std::variant<BroadcastProposal, BroadcastVote, ScheduleTimeout, RequestProposal,
                            ValidateBlock, CommitBlock, EvidenceFound, Halt>;

struct Output {
    std::vector<Action> actions;
    // For messages: true when the message was new and accepted (a driver relays only
    // these, once). Messages of the next height are buffered (accepted = false) and
    // counted silently when that height starts: a relaying driver keeps its own copy.
    bool accepted{false};
};

class Engine {
public:
    // `signer` and `wal` may be null for a follower that never votes.
    Engine(EngineConfig config, const chain::ConsensusSigner* signer, Wal* wal);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Starts `height` with its validator set: on first start, after a crash (the WAL's
    // records for this height restore the locks and what was signed, and are re-sent) and
    // after every CommitBlock.
    [[nodiscard]] Output start_height(std::uint64_t height, chain::ValidatorSet validators,
                                      std::uint64_t now_ms);

    // Messages whose signatures the caller has verified against the height's set.
    [[nodiscard]] Output on_proposal(const chain::Proposal& proposal, std::uint64_t now_ms);
    [[nodiscard]] Output on_vote(const chain::Vote& vote, std::uint64_t now_ms);
    // A verified certificate for the current height (catch-up: decide without the votes).
    [[nodiscard]] Output on_certificate(const chain::CommitCertificate& certificate,
                                        std::uint64_t now_ms);
    [[nodiscard]] Output on_timeout(const Timeout& timeout, std::uint64_t now_ms);

    // The application's answers.
    [[nodiscard]] Output on_block_built(std::uint64_t height, std::uint32_t round,
                                        const Hash32& block_hash, std::uint64_t timestamp_ms,
                                        std::uint64_t now_ms);
    [[nodiscard]] Output on_block_validated(std::uint64_t height, const Hash32& block_hash,
                                            bool valid, std::uint64_t now_ms);

    [[nodiscard]] const RoundState& state() const noexcept;
    [[nodiscard]] bool is_validator() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace qtm::consensus
