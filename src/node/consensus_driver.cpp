#include "node/consensus_driver.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "base/hex.hpp"
#include "base/overloaded.hpp"
#include "chain/consensus/verify.hpp"
#include "crypto/keccak.hpp"

namespace qtm::node {

namespace {

// Bounds on what a Byzantine peer can make this node keep or send.
constexpr std::size_t kMaxBlocksPerHeight = 64;
constexpr std::size_t kMaxNextHeightVotes = 4096;
constexpr std::size_t kMaxVerifiedHashes = 1u << 16;  // 2 MiB; past it, forgotten at once
constexpr std::size_t kMaxPendingEvidence = chain::kMaxEvidencePerBlock * 4;
constexpr std::uint64_t kCatchUpBlocks = 8;        // per answer
constexpr std::uint64_t kCatchUpIntervalMs = 500;  // per peer
constexpr std::uint64_t kHelpIntervalMs = 1000;    // per peer and round

consensus::EngineConfig engine_config(const ConsensusDriverConfig& config,
                                      const chain::ConsensusDomain& domain) {
    consensus::EngineConfig engine;
    engine.domain = domain;
    engine.timeouts = config.timeouts;
    engine.max_clock_drift_ms = config.max_clock_drift_ms;
    return engine;
}

}  // namespace

ConsensusDriver::ConsensusDriver(ConsensusDriverConfig config, Node& node,
                                 ConsensusNetwork& network, const chain::ConsensusSigner* signer,
                                 consensus::Wal* wal, const chain::ConsensusVerifier& verifier)
    : config_{config},
      node_{node},
      network_{network},
      signer_{signer},
      verifier_{verifier},
      domain_{node.consensus_domain()},
      engine_{std::make_unique<consensus::Engine>(engine_config(config, domain_), signer, wal)} {}

ConsensusDriver::~ConsensusDriver() = default;

std::uint64_t ConsensusDriver::height() const noexcept {
    return engine_->state().height;
}

std::uint32_t ConsensusDriver::round() const noexcept {
    return engine_->state().round;
}

const chain::ValidatorSet* ConsensusDriver::set_for(std::uint64_t height) {
    if (auto found = sets_.find(height); found != sets_.end()) return &found->second;
    const std::uint64_t head = node_.head().number;
    // The next two heights are readable from the head's state (an epoch's first height
    // from its parent's state, so no further); older ones were settled by the chain.
    if (height <= head || height > head + 2) return nullptr;
    auto set = node_.validator_sets().at(height);
    if (!set) return nullptr;
    // Keep the current and the next height only.
    std::erase_if(sets_, [head](const auto& entry) { return entry.first <= head; });
    return &sets_.emplace(height, std::move(*set)).first->second;
}

void ConsensusDriver::start(std::uint64_t now_ms) {
    last_commit_ms_ = now_ms;
    start_next_height(now_ms);
}

void ConsensusDriver::start_next_height(std::uint64_t now_ms) {
    const std::uint64_t next = node_.head().number + 1;
    const chain::ValidatorSet* set = set_for(next);
    if (set == nullptr) {
        halt("the validator set of height " + std::to_string(next) +
             " cannot be read from the head's state");
        return;
    }
    blocks_.clear();
    votes_.clear();
    last_help_ms_.clear();
    peer_rounds_.clear();
    timers_.clear();
    pending_build_.reset();
    awaiting_block_.reset();
    apply(engine_->start_height(next, *set, now_ms), now_ms);
    // Votes for this height that arrived early: the engine counted them; relay them now.
    std::vector<chain::Vote> early;
    early.swap(next_height_votes_);
    for (const chain::Vote& vote : early) {
        if (vote.height != next) continue;
        votes_[vote.round].push_back(vote);
        network_.broadcast_vote(vote, kNoPeer);
    }
}

void ConsensusDriver::halt(std::string reason) {
    if (halted_) return;
    spdlog::error("consensus halted at height {}: {}", height(), reason);
    halted_ = std::move(reason);
}

template <typename Verify>
std::optional<std::string> ConsensusDriver::verify_once(const Bytes& encoding, Verify verify) {
    const Hash32 encoding_hash = crypto::keccak256(encoding);
    if (verified_.contains(encoding_hash)) {
        ++stats_.duplicates_not_reverified;
        return std::nullopt;
    }
    if (auto checked = verify(); !checked) return std::string{chain::to_string(checked.error())};
    if (verified_.size() >= kMaxVerifiedHashes) verified_.clear();
    verified_.insert(encoding_hash);
    return std::nullopt;
}

void ConsensusDriver::invalid(PeerHandle from, const std::string& reason) {
    ++stats_.invalid_messages;
    if (from != kNoPeer) network_.report_peer(from, reason);
}

void ConsensusDriver::on_proposal(PeerHandle from, const chain::Proposal& proposal,
                                  const chain::Block& block, std::uint64_t now_ms) {
    if (halted_) return;
    const std::uint64_t head = node_.head().number;
    if (proposal.height <= head) return answer_catch_up(from, proposal.height, now_ms);
    if (proposal.height != height()) return;  // a later height: its proposer re-sends it
    const chain::ValidatorSet* set = set_for(proposal.height);
    if (set == nullptr) return;
    if (auto error = verify_once(chain::encode_proposal(proposal), [&] {
            return chain::verify_proposal(proposal, *set, domain_, verifier_);
        })) {
        return invalid(from, "proposal: " + *error);
    }
    // The signed proposal names the block by hash and time; the block must be that block.
    if (chain::block_hash(block.header) != proposal.block_hash ||
        block.header.number != proposal.height ||
        block.header.timestamp * 1000 != proposal.timestamp_ms) {
        return invalid(from, "proposal: the block sent with it is not the proposed block");
    }
    if (blocks_.size() >= kMaxBlocksPerHeight && !blocks_.contains(proposal.block_hash)) return;
    blocks_.emplace(proposal.block_hash, block);
    help_if_lagging(from, proposal.round, now_ms);
    consensus::Output output = engine_->on_proposal(proposal, now_ms);
    if (output.accepted) network_.broadcast_proposal(proposal, block, from);
    apply(std::move(output), now_ms);
    if (awaiting_block_ && awaiting_block_->block_hash == proposal.block_hash) {
        const consensus::CommitBlock decided = *awaiting_block_;
        commit(decided, now_ms);
    }
}

void ConsensusDriver::on_vote(PeerHandle from, const chain::Vote& vote, std::uint64_t now_ms) {
    if (halted_) return;
    const std::uint64_t head = node_.head().number;
    if (vote.height <= head) {
        // A precommit of the height just committed is usually only late; a peer still voting
        // there a second later (or older) is behind.
        if (vote.height < head || now_ms >= last_commit_ms_ + kCatchUpIntervalMs * 2) {
            answer_catch_up(from, vote.height, now_ms);
        }
        return;
    }
    const std::uint64_t current = height();
    if (vote.height != current && vote.height != current + 1) return;
    const chain::ValidatorSet* set = set_for(vote.height);
    if (set == nullptr) return;  // the next epoch's set is not known yet: it is re-sent
    if (auto error = verify_once(chain::encode_vote(vote), [&] {
            return chain::verify_vote(vote, *set, domain_, verifier_);
        })) {
        return invalid(from, "vote: " + *error);
    }
    if (vote.height == current + 1) {
        if (next_height_votes_.size() < kMaxNextHeightVotes) next_height_votes_.push_back(vote);
    } else {
        help_if_lagging(from, vote.round, now_ms);
    }
    consensus::Output output = engine_->on_vote(vote, now_ms);
    if (output.accepted) {
        votes_[vote.round].push_back(vote);
        network_.broadcast_vote(vote, from);
    }
    apply(std::move(output), now_ms);
}

void ConsensusDriver::on_evidence(PeerHandle from, const chain::DuplicateVoteEvidence& evidence,
                                  std::uint64_t now_ms) {
    (void)now_ms;
    if (halted_) return;
    const std::uint64_t head = node_.head().number;
    // Verifiable against the sets this node holds: the evidence of older heights is checked
    // by the block executor when a proposer includes it.
    const std::uint64_t at = evidence.vote_a.height;
    const chain::ValidatorSet* set = at > head ? set_for(at) : nullptr;
    if (set != nullptr) {
        if (auto checked = chain::verify_evidence(evidence, *set, domain_, verifier_); !checked) {
            return invalid(from, "evidence: " + std::string{chain::to_string(checked.error())});
        }
    } else if (auto stored = node_.validator_sets().at(at); stored) {
        if (auto checked = chain::verify_evidence(evidence, *stored, domain_, verifier_);
            !checked) {
            return invalid(from, "evidence: " + std::string{chain::to_string(checked.error())});
        }
    } else {
        return;  // a set this node cannot read (pruned or ahead): not relayed
    }
    add_evidence(evidence, from);
}

void ConsensusDriver::add_evidence(const chain::DuplicateVoteEvidence& evidence, PeerHandle from) {
    if (std::find(pending_evidence_.begin(), pending_evidence_.end(), evidence) !=
        pending_evidence_.end()) {
        return;
    }
    if (pending_evidence_.size() >= kMaxPendingEvidence) return;
    pending_evidence_.push_back(evidence);
    network_.broadcast_evidence(evidence, from);
}

void ConsensusDriver::on_committed(PeerHandle from, const chain::Block& block,
                                   const chain::CommitCertificate& certificate,
                                   std::uint64_t now_ms) {
    if (halted_) return;
    const std::uint64_t head = node_.head().number;
    if (certificate.height != head + 1) {
        if (certificate.height > head + 1) network_.request_committed(head + 1);
        return;
    }
    const chain::ValidatorSet* set = set_for(certificate.height);
    if (set == nullptr) return;
    if (auto checked = chain::verify_certificate(certificate, *set, domain_, verifier_, pool_);
        !checked) {
        return invalid(from, "commit: " + std::string{chain::to_string(checked.error())});
    }
    if (chain::block_hash(block.header) != certificate.block_hash) {
        return invalid(from, "commit: the block is not the certified block");
    }
    auto imported = node_.import_committed(block, certificate);
    if (!imported) {
        if (imported.error().peer_to_blame) return invalid(from, imported.error().message);
        return halt("committing block " + std::to_string(certificate.height) + ": " +
                    imported.error().message);
    }
    ++stats_.catch_up_imports;
    after_commit(now_ms);
}

void ConsensusDriver::tick(std::uint64_t now_ms) {
    while (!halted_ && !timers_.empty() && timers_.begin()->first <= now_ms) {
        const consensus::Timeout timeout = timers_.begin()->second;
        timers_.erase(timers_.begin());
        apply(engine_->on_timeout(timeout, now_ms), now_ms);
    }
    if (!halted_ && pending_build_ && pending_build_->due_ms <= now_ms) {
        const PendingBuild build = *pending_build_;
        pending_build_.reset();
        build_proposal(build.height, build.round, now_ms);
    }
}

std::optional<std::uint64_t> ConsensusDriver::next_wakeup_ms() const {
    std::optional<std::uint64_t> next;
    if (!timers_.empty()) next = timers_.begin()->first;
    if (pending_build_)
        next = std::min(next.value_or(pending_build_->due_ms), pending_build_->due_ms);
    return next;
}

void ConsensusDriver::apply(consensus::Output output, std::uint64_t now_ms) {
    for (consensus::Action& action : output.actions) {
        if (halted_) return;
        std::visit(
            Overloaded{
                [&](consensus::BroadcastProposal& a) {
                    const auto block = blocks_.find(a.proposal.block_hash);
                    if (block == blocks_.end()) {
                        return halt("the engine proposed a block this node does not hold");
                    }
                    network_.broadcast_proposal(a.proposal, block->second, kNoPeer);
                },
                [&](consensus::BroadcastVote& a) {
                    if (signer_ != nullptr && a.vote.height == height()) {
                        auto& round_votes = votes_[a.vote.round];
                        if (std::find(round_votes.begin(), round_votes.end(), a.vote) ==
                            round_votes.end()) {
                            round_votes.push_back(a.vote);
                        }
                    }
                    network_.broadcast_vote(a.vote, kNoPeer);
                },
                [&](consensus::ScheduleTimeout& a) {
                    timers_.emplace(now_ms + a.delay_ms, a.timeout);
                },
                [&](consensus::RequestProposal& a) {
                    // At the chain's pace: not before block_time after the last commit.
                    const std::uint64_t due =
                        std::max(now_ms, last_commit_ms_ + config_.block_time_ms);
                    pending_build_ = PendingBuild{a.height, a.round, due};
                },
                [&](consensus::ValidateBlock& a) { validate(a.height, a.block_hash, now_ms); },
                [&](consensus::CommitBlock& a) { commit(a, now_ms); },
                [&](consensus::EvidenceFound& a) {
                    ++stats_.evidence_found;
                    spdlog::warn("double signing by validator {} at height {} round {}",
                                 a.evidence.vote_a.validator_index, a.evidence.vote_a.height,
                                 a.evidence.vote_a.round);
                    add_evidence(a.evidence, kNoPeer);
                },
                [&](consensus::Halt& a) { halt(a.reason); },
            },
            action);
    }
    if (!halted_ && pending_build_ && pending_build_->due_ms <= now_ms) tick(now_ms);
}

void ConsensusDriver::build_proposal(std::uint64_t height, std::uint32_t round,
                                     std::uint64_t now_ms) {
    if (height != this->height()) return;
    chain::BlockInputs inputs;
    for (const auto& evidence : pending_evidence_) {
        if (inputs.evidence.size() == chain::kMaxEvidencePerBlock) break;
        inputs.evidence.push_back(evidence);
    }
    if (const auto parent_commit = node_.head_commit()) {
        inputs.parent_commit = chain::encode_certificate(*parent_commit);
    }
    auto built = node_.build_proposal(now_ms / 1000, inputs);
    if (!built)
        return halt("building block " + std::to_string(height) + ": " + built.error().message);
    ++stats_.proposals_built;
    // Evidence the executor left out (already applied, expired) is not offered again.
    std::erase_if(pending_evidence_, [&](const chain::DuplicateVoteEvidence& evidence) {
        const bool offered = std::find(inputs.evidence.begin(), inputs.evidence.end(), evidence) !=
                             inputs.evidence.end();
        return offered && std::find(built->evidence.begin(), built->evidence.end(), evidence) ==
                              built->evidence.end();
    });
    const Hash32 hash = chain::block_hash(built->header);
    blocks_.insert_or_assign(hash, *built);
    apply(engine_->on_block_built(height, round, hash, built->header.timestamp * 1000, now_ms),
          now_ms);
}

void ConsensusDriver::validate(std::uint64_t height, const Hash32& block_hash,
                               std::uint64_t now_ms) {
    const auto block = blocks_.find(block_hash);
    if (block == blocks_.end()) {
        // Never the case: the engine validates only proposals handed in with their block.
        return apply(engine_->on_block_validated(height, block_hash, false, now_ms), now_ms);
    }
    auto validated = node_.validate_proposal(block->second);
    if (!validated && !validated.error().peer_to_blame) {
        return halt("validating block " + std::to_string(height) + ": " +
                    validated.error().message);
    }
    if (!validated) {
        spdlog::warn("proposed block {} at height {} is invalid: {}", to_hex(block_hash), height,
                     validated.error().message);
    }
    apply(engine_->on_block_validated(height, block_hash, validated.has_value(), now_ms), now_ms);
}

void ConsensusDriver::commit(const consensus::CommitBlock& decided, std::uint64_t now_ms) {
    if (decided.height != node_.head().number + 1) return;
    const auto block = blocks_.find(decided.block_hash);
    if (block == blocks_.end()) {
        // Decided on precommits alone: fetch the block, commit when it arrives.
        awaiting_block_ = decided;
        network_.request_committed(decided.height);
        return;
    }
    awaiting_block_.reset();
    // Built or validated here (executed once); otherwise validate it now.
    auto validated = node_.validate_proposal(block->second);
    if (!validated) {
        return halt(
            "block " + std::to_string(decided.height) +
            " was decided by a quorum but does not validate here: " + validated.error().message);
    }
    auto committed = node_.commit_block(decided.block_hash, decided.certificate);
    if (!committed) {
        return halt("committing block " + std::to_string(decided.height) + ": " +
                    committed.error().message);
    }
    after_commit(now_ms);
}

void ConsensusDriver::after_commit(std::uint64_t now_ms) {
    ++stats_.commits;
    last_commit_ms_ = now_ms;
    // Evidence the committed block carried is settled (applied, or dropped as invalid).
    if (const auto committed = node_.committed_block(node_.head().number)) {
        std::erase_if(pending_evidence_, [&](const chain::DuplicateVoteEvidence& evidence) {
            return std::find(committed->first.evidence.begin(), committed->first.evidence.end(),
                             evidence) != committed->first.evidence.end();
        });
    }
    start_next_height(now_ms);
}

void ConsensusDriver::on_peer_connected(PeerHandle peer) {
    if (halted_ || peer == kNoPeer) return;
    int rounds = 0;
    for (auto it = votes_.rbegin(); it != votes_.rend() && rounds < 2; ++it, ++rounds) {
        for (const chain::Vote& vote : it->second)
            network_.send_vote(peer, vote);
    }
}

void ConsensusDriver::help_if_lagging(PeerHandle peer, std::uint32_t message_round,
                                      std::uint64_t now_ms) {
    if (peer == kNoPeer) return;
    // A message of an older round may only be relayed: the peer is behind only if nothing
    // it sent at this height is of the current round. (Judged by each message alone, every
    // relayed old vote had every receiver send the relayer a whole round of votes: with 100
    // validators a storm that took both cores.)
    auto [it, inserted] = peer_rounds_.try_emplace(peer, message_round);
    if (!inserted) it->second = std::max(it->second, message_round);
    if (it->second < round()) help_lagging_peer(peer, height(), it->second, now_ms);
}

void ConsensusDriver::help_lagging_peer(PeerHandle peer, std::uint64_t height, std::uint32_t round,
                                        std::uint64_t now_ms) {
    if (peer == kNoPeer || height != this->height()) return;
    const auto found = votes_.find(round);
    if (found == votes_.end()) return;
    auto [it, inserted] = last_help_ms_.try_emplace({peer, round}, now_ms);
    if (!inserted) {
        if (now_ms < it->second + kHelpIntervalMs) return;
        it->second = now_ms;
    }
    for (const chain::Vote& vote : found->second)
        network_.send_vote(peer, vote);
}

void ConsensusDriver::answer_catch_up(PeerHandle peer, std::uint64_t from_height,
                                      std::uint64_t now_ms) {
    if (peer == kNoPeer || from_height == 0) return;
    auto [it, inserted] = last_catch_up_ms_.try_emplace(peer, now_ms);
    if (!inserted) {
        if (now_ms < it->second + kCatchUpIntervalMs) return;
        it->second = now_ms;
    }
    const std::uint64_t last = std::min(node_.head().number, from_height + kCatchUpBlocks - 1);
    for (std::uint64_t number = from_height; number <= last; ++number) {
        auto committed = node_.committed_block(number);
        if (!committed) return;
        network_.send_committed(peer, committed->first, committed->second);
    }
}

}  // namespace qtm::node
