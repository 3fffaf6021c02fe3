#include "node.hpp"

#include <sstream>

#include "base/overloaded.hpp"
#include "chain/consensus/verify.hpp"
#include "crypto/keccak.hpp"

namespace qtm::sim {

namespace {

void put_u64(Bytes& out, std::uint64_t value) {
    for (int shift = 56; shift >= 0; shift -= 8)
        out.push_back(static_cast<std::uint8_t>(value >> shift));
}

const char* vote_name(chain::VoteType type) {
    return type == chain::VoteType::kPrevote ? "prevote" : "precommit";
}

std::string describe_vote(const chain::Vote& vote) {
    std::ostringstream out;
    out << vote_name(vote.type) << " h" << vote.height << " r" << vote.round << " v"
        << vote.validator_index << " " << short_hex(vote.block_hash);
    return out.str();
}

std::string describe_proposal(const chain::Proposal& proposal) {
    std::ostringstream out;
    out << "proposal h" << proposal.height << " r" << proposal.round << " v"
        << proposal.proposer_index << " " << short_hex(proposal.block_hash) << " pol "
        << (proposal.pol_round ? std::to_string(*proposal.pol_round) : std::string{"-"});
    return out.str();
}

}  // namespace

SimNode::SimNode(World& world, std::size_t id, std::uint32_t validator, Role role,
                 std::uint64_t clock_skew_ms)
    : world_{world}, id_{id}, validator_{validator}, role_{role}, skew_ms_{clock_skew_ms} {}

std::string SimNode::name() const {
    std::string text = "n" + std::to_string(id_);
    if (role_ == Role::kTwin) text += "(twin of v" + std::to_string(validator_) + ")";
    if (role_ == Role::kEquivocator) text += "(equivocator)";
    return text;
}

template <class Fn>
void SimNode::later(std::uint64_t delay_ms, Fn fn) {
    const std::uint32_t incarnation = incarnation_;
    world_.queue.schedule_after(delay_ms, [this, incarnation, fn = std::move(fn)]() {
        if (up_ && incarnation_ == incarnation) fn();
    });
}

void SimNode::start() {
    wal_ = std::make_unique<SimWal>(disk_);
    engine_ = std::make_unique<consensus::Engine>(world_.engine_config,
                                                  world_.signers.at(validator_).get(), wal_.get());
    up_ = true;
    if (armed_) arm_crash(*armed_);
    world_.log(name() + " starts at height " + std::to_string(committed_ + 1) + " (WAL " +
               std::to_string(disk_.bytes.size()) + " bytes)");
    if (finished()) return;
    apply(engine_->start_height(committed_ + 1, *world_.set_for(committed_ + 1), local_now()));
    adopt_next_height_votes();
    feed_pending_certificate();
}

void SimNode::crash(const std::string& why) {
    if (!up_) return;
    up_ = false;
    ++incarnation_;
    engine_.reset();
    wal_.reset();
    votes_height_ = 0;
    votes_by_round_.clear();
    next_height_votes_.clear();
    last_help_ms_.clear();
    ++world_.stats.crashes;
    world_.log(name() + " CRASHES: " + why);
}

void SimNode::arm_crash(const CrashPlan& plan) {
    armed_ = plan;
    if (up_ && wal_) wal_->arm_crash(plan.appends, plan.torn);
}

void SimNode::disarm_crash() {
    armed_.reset();
    if (wal_) wal_->arm_crash(~0U, false);
}

void SimNode::apply(consensus::Output output) {
    const bool crashing = wal_ && wal_->crashed();
    const bool send = !(crashing && armed_ && armed_->drop_unsent);
    std::string halt;
    for (consensus::Action& action : output.actions) {
        std::visit(
            Overloaded{
                [&](consensus::BroadcastProposal& a) { broadcast_proposal(a.proposal, send); },
                [&](consensus::BroadcastVote& a) {
                    // The engine also re-sends other validators' votes (the prevotes of a
                    // proof-of-lock round with a re-proposal): only its own are its
                    // signatures.
                    const bool own = a.vote.validator_index == validator_;
                    if (honest() && own) {
                        world_.checker.on_signed_vote(validator_, a.vote, local_now());
                    }
                    if (world_.tracing()) {
                        world_.log(name() + (send ? " sends " : " signs (unsent) ") +
                                   describe_vote(a.vote));
                    }
                    auto message = std::make_shared<const SimMessage>(SimMessage{a.vote});
                    if (own) remember_vote(message);
                    if (send) world_.send_to_peers(id_, message);
                },
                [&](consensus::ScheduleTimeout& a) {
                    later(a.delay_ms, [this, timeout = a.timeout]() {
                        if (finished()) return;
                        if (world_.tracing()) {
                            static constexpr const char* kKinds[] = {"propose", "prevote",
                                                                     "precommit", "rebroadcast"};
                            world_.log(name() + " timeout " +
                                       kKinds[static_cast<int>(timeout.kind)] + " h" +
                                       std::to_string(timeout.height) + " r" +
                                       std::to_string(timeout.round));
                        }
                        apply(engine_->on_timeout(timeout, local_now()));
                    });
                },
                [&](consensus::RequestProposal& a) {
                    later(world_.rng.between(1, 20),
                          [this, h = a.height, r = a.round]() { build_block(h, r); });
                },
                [&](consensus::ValidateBlock& a) {
                    later(world_.rng.between(1, 20),
                          [this, h = a.height, hash = a.block_hash]() { validate_block(h, hash); });
                },
                [&](consensus::CommitBlock& a) { commit(a); },
                [&](consensus::EvidenceFound& a) {
                    world_.log(name() + " reports evidence against v" +
                               std::to_string(a.evidence.vote_a.validator_index) + ": " +
                               describe_vote(a.evidence.vote_a) + " / " +
                               describe_vote(a.evidence.vote_b));
                    if (honest()) world_.checker.on_evidence(id_, incarnation_, a.evidence);
                },
                [&](consensus::Halt& a) { halt = a.reason; },
            },
            action);
        if (!up_) return;  // a commit path may have crashed it (never now, kept for safety)
    }
    if (crashing) {
        const std::uint64_t down = armed_ ? armed_->down_ms : 1000;
        crash("at a WAL crash point (" + std::string(send ? "after" : "before") + " sending)" +
              (halt.empty() ? "" : ", engine halted: " + halt));
        armed_.reset();
        const std::uint64_t gst = world_.network.config().gst_ms;
        const std::uint64_t now = world_.queue.now_ms();
        const std::uint64_t restart = std::min(now + down, std::max(gst, now + 1));
        world_.queue.schedule_at(restart, [this]() { start(); });
        return;
    }
    if (!halt.empty()) {
        // Not at a crash point: the engine stopped on its own. Recorded as a liveness failure
        // by the run when the node does not finish; the node stays down.
        crash("engine halted without a simulated crash: " + halt);
    }
}

void SimNode::broadcast_proposal(const chain::Proposal& proposal, bool send) {
    if (honest()) world_.checker.on_signed_proposal(validator_, proposal, local_now());
    if (world_.tracing()) {
        world_.log(name() + (send ? " sends " : " signs (unsent) ") + describe_proposal(proposal));
    }
    if (!send) return;
    const auto first = std::make_shared<const SimMessage>(SimMessage{proposal});
    if (role_ != Role::kEquivocator) {
        world_.send_to_peers(id_, first);
        return;
    }
    // A second proposal for another block, signed directly (bypassing the guard), and each
    // peer gets one of the two at random.
    chain::Proposal other = proposal;
    Bytes seed_bytes(proposal.block_hash.begin(), proposal.block_hash.end());
    seed_bytes.push_back('E');
    other.block_hash = crypto::keccak256(seed_bytes);
    world_.checker.register_block(other.block_hash, BlockInfo{proposal.height, proposal.round, id_,
                                                              /*valid=*/world_.rng.chance(700)});
    other.signature = world_.signers.at(validator_)
                          ->sign(chain::proposal_sign_bytes(world_.engine_config.domain, other),
                                 chain::kProposalContext);
    const auto second = std::make_shared<const SimMessage>(SimMessage{other});
    world_.log(name() + " equivocates: also " + describe_proposal(other));
    for (const std::size_t peer : world_.peers[id_]) {
        world_.send(id_, peer, world_.rng.chance(500) ? first : second);
    }
}

void SimNode::build_block(std::uint64_t height, std::uint32_t round) {
    Bytes input;
    put_u64(input, world_.seed);
    put_u64(input, height);
    put_u64(input, round);
    put_u64(input, validator_);
    put_u64(input, id_);
    const Hash32 hash = crypto::keccak256(input);
    world_.checker.register_block(hash, BlockInfo{height, round, id_, /*valid=*/true});
    apply(engine_->on_block_built(height, round, hash, local_now(), local_now()));
}

void SimNode::validate_block(std::uint64_t height, const Hash32& hash) {
    const BlockInfo* info = world_.checker.block(hash);
    const bool valid = info != nullptr && info->valid && info->height == height;
    apply(engine_->on_block_validated(height, hash, valid, local_now()));
}

void SimNode::commit(const consensus::CommitBlock& commit) {
    const chain::ValidatorSet* set = world_.set_for(commit.height);
    const bool certificate_ok =
        set != nullptr &&
        chain::verify_certificate(commit.certificate, *set, world_.engine_config.domain,
                                  *world_.verifier, world_.pool)
            .has_value();
    world_.log(name() + " COMMITS h" + std::to_string(commit.height) + " " +
               short_hex(commit.block_hash) + " (round " +
               std::to_string(commit.certificate.round) + ")");
    if (honest()) {
        world_.checker.on_commit(id_, validator_, committed_ + 1, commit.height, commit.block_hash,
                                 commit.certificate, certificate_ok, world_.queue.now_ms());
        ++world_.stats.commits;
    }
    if (commit.height != committed_ + 1) return;  // reported above; do not move the app
    committed_ = commit.height;
    certificates_.push_back(std::make_shared<const SimMessage>(SimMessage{commit.certificate}));
    if (finished()) {
        finished_at_ms_ = world_.queue.now_ms();
        return;
    }
    if (wal_ && wal_->crashed()) return;  // the restart starts the next height
    apply(engine_->start_height(committed_ + 1, *world_.set_for(committed_ + 1), local_now()));
    adopt_next_height_votes();
    feed_pending_certificate();
}

void SimNode::receive(std::size_t from, const MessagePtr& message) {
    if (!up_) return;
    ++world_.stats.messages;
    std::visit(
        Overloaded{
            [&](const chain::Vote& vote) { on_vote(from, vote, message); },
            [&](const chain::Proposal& proposal) { on_proposal(from, proposal, message); },
            [&](const chain::CommitCertificate& certificate) { on_certificate(certificate); },
        },
        message->body);
}

void SimNode::on_vote(std::size_t from, const chain::Vote& vote, const MessagePtr& message) {
    if (vote.height <= committed_) return answer_catch_up(from, vote.height);
    if (finished()) return;
    const chain::ValidatorSet* set = world_.set_for(vote.height);
    if (set == nullptr ||
        !chain::verify_vote(vote, *set, world_.engine_config.domain, *world_.verifier)) {
        return;
    }
    const consensus::RoundState& state = engine_->state();
    if (honest() && vote.validator_index < world_.validator_roles.size() &&
        world_.validator_roles[vote.validator_index] == Role::kTwin &&
        vote.height == state.height && !state.decision &&
        (vote.round <= state.round ||
         vote.round - state.round <= world_.engine_config.max_future_rounds)) {
        world_.checker.on_twin_vote_delivered(id_, incarnation_, vote);
    }
    if (vote.height == state.height && vote.round < state.round) {
        help_lagging_peer(from, vote.round);
    }
    // The engine keeps votes of the next height for later (accepted = false); so does the
    // gossip, which adopts and relays them when the height starts.
    if (vote.height == state.height + 1 && next_height_votes_.size() < 4096) {
        next_height_votes_.push_back(message);
    }
    consensus::Output output = engine_->on_vote(vote, local_now());
    if (world_.tracing()) {
        world_.log(name() + " <- n" + std::to_string(from) + " " + describe_vote(vote) +
                   (output.accepted ? " (new)" : " (not new)"));
    }
    world_.stats.max_round = std::max(world_.stats.max_round, engine_->state().round);
    if (output.accepted) {
        remember_vote(message);
        world_.relay(id_, from, message);
    }
    apply(std::move(output));
}

void SimNode::on_proposal(std::size_t from, const chain::Proposal& proposal,
                          const MessagePtr& message) {
    if (proposal.height <= committed_) return answer_catch_up(from, proposal.height);
    if (finished()) return;
    const chain::ValidatorSet* set = world_.set_for(proposal.height);
    if (set == nullptr ||
        !chain::verify_proposal(proposal, *set, world_.engine_config.domain, *world_.verifier)) {
        return;
    }
    const consensus::RoundState& state = engine_->state();
    if (proposal.height == state.height && proposal.round < state.round) {
        help_lagging_peer(from, proposal.round);
    }
    consensus::Output output = engine_->on_proposal(proposal, local_now());
    if (world_.tracing()) {
        world_.log(name() + " <- n" + std::to_string(from) + " " + describe_proposal(proposal) +
                   (output.accepted ? " (new)" : " (not new)"));
    }
    if (output.accepted) world_.relay(id_, from, message);
    apply(std::move(output));
}

void SimNode::on_certificate(const chain::CommitCertificate& certificate) {
    if (certificate.height <= committed_ || finished()) return;
    if (certificate.height > committed_ + 1) {
        if (certificate.height <= world_.options.heights) {
            pending_certificates_.emplace(certificate.height, certificate);
        }
        return;
    }
    const chain::ValidatorSet* set = world_.set_for(certificate.height);
    if (set == nullptr || !chain::verify_certificate(certificate, *set, world_.engine_config.domain,
                                                     *world_.verifier, world_.pool)) {
        return;
    }
    world_.log(name() + " catches up with a certificate for h" +
               std::to_string(certificate.height));
    apply(engine_->on_certificate(certificate, local_now()));
}

void SimNode::feed_pending_certificate() {
    while (up_ && !pending_certificates_.empty()) {
        auto first = pending_certificates_.begin();
        if (first->first > committed_ + 1) return;
        chain::CommitCertificate certificate = std::move(first->second);
        pending_certificates_.erase(first);
        if (certificate.height == committed_ + 1) {
            const std::uint64_t before = committed_;
            on_certificate(certificate);
            if (committed_ == before) return;  // not taken (yet): stop here
        }
    }
}

void SimNode::remember_vote(const MessagePtr& message) {
    const auto& vote = std::get<chain::Vote>(message->body);
    if (vote.height != votes_height_) {
        if (vote.height < votes_height_) return;
        votes_height_ = vote.height;
        votes_by_round_.clear();
        last_help_ms_.clear();
    }
    votes_by_round_[vote.round].push_back(message);
}

void SimNode::adopt_next_height_votes() {
    std::vector<MessagePtr> votes;
    votes.swap(next_height_votes_);
    if (!up_ || engine_ == nullptr) return;
    const std::uint64_t height = engine_->state().height;
    for (const MessagePtr& message : votes) {
        if (std::get<chain::Vote>(message->body).height != height) continue;
        remember_vote(message);
        world_.relay(id_, id_, message);
    }
}

void SimNode::help_lagging_peer(std::size_t peer, std::uint32_t round) {
    const auto found = votes_by_round_.find(round);
    if (found == votes_by_round_.end()) return;
    const std::uint64_t now = world_.queue.now_ms();
    auto [it, inserted] = last_help_ms_.try_emplace({peer, round}, now);
    if (!inserted) {
        if (now < it->second + 1000) return;  // at most once a second per peer and round
        it->second = now;
    }
    for (const MessagePtr& message : found->second)
        world_.send(id_, peer, message);
}

void SimNode::answer_catch_up(std::size_t peer, std::uint64_t from_height) {
    const std::uint64_t now = world_.queue.now_ms();
    auto [it, inserted] = last_catch_up_ms_.try_emplace(peer, now);
    if (!inserted) {
        if (now < it->second + 500) return;  // at most one answer per peer per 500 ms
        it->second = now;
    }
    const std::uint64_t last = std::min(committed_, from_height + 7);
    for (std::uint64_t height = from_height; height <= last; ++height) {
        world_.send(id_, peer, certificates_.at(height - 1));
    }
}

}  // namespace qtm::sim
