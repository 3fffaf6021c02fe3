#include "consensus/engine.hpp"

#include <algorithm>

#include "chain/keys.hpp"
#include "consensus/mutation.hpp"
#include "consensus/vote_set.hpp"

namespace qtm::consensus {
namespace {

enum class Validity : std::uint8_t { kPending, kValid, kInvalid };

// The votes of one round: prevotes and precommits.
struct RoundVotes {
    VoteSet prevotes;
    VoteSet precommits;
    RoundVotes(std::uint64_t height, std::uint32_t round, const chain::ValidatorSet& set)
        : prevotes{height, round, chain::VoteType::kPrevote, set},
          precommits{height, round, chain::VoteType::kPrecommit, set} {}
};

// The "for the first time" conditions of the paper, per round.
struct RoundFlags {
    bool prevote_timeout_scheduled{false};    // line 34
    bool precommit_timeout_scheduled{false};  // line 47
    bool locked_or_valid_updated{false};      // line 36
};

using BufferedMessage = std::variant<chain::Proposal, chain::Vote>;

}  // namespace

struct Engine::Impl {
    EngineConfig config;
    const chain::ConsensusSigner* signer;
    std::unique_ptr<SigningGuard> guard;
    std::optional<Address> own_address;

    chain::ValidatorSet validators;
    std::optional<std::uint32_t> own_index;
    RoundState state;
    bool started{false};
    // The WAL is read once per engine (a process start): later heights begin with
    // nothing signed yet, and the guard keeps its state in memory.
    bool wal_loaded{false};
    bool halted{false};

    std::map<std::uint32_t, RoundVotes> rounds;
    std::map<std::uint32_t, RoundFlags> flags;
    std::map<std::uint32_t, chain::Proposal> proposals;  // the proposer's, first one seen
    std::map<std::uint32_t, std::uint32_t> proposer_cache;
    std::map<Hash32, Validity> validity;
    std::set<std::tuple<std::uint32_t, std::uint32_t, chain::VoteType>> evidence_reported;
    std::optional<std::uint32_t> awaiting_block_for_round;
    // Own signed messages of this height, re-sent on every rebroadcast timeout.
    std::map<std::uint32_t, chain::Proposal> own_proposals;
    std::map<std::pair<std::uint32_t, chain::VoteType>, chain::Vote> own_votes;
    // Messages for the next height, replayed when it starts (bounded).
    std::vector<BufferedMessage> next_height;

    std::uint64_t now_ms{0};
    std::vector<Action>* out{nullptr};

    Impl(EngineConfig engine_config, const chain::ConsensusSigner* engine_signer, Wal* wal)
        : config{engine_config}, signer{engine_signer} {
        if (signer != nullptr && wal != nullptr) {
            guard = std::make_unique<SigningGuard>(config.domain, *signer, *wal);
            own_address = chain::address_of(signer->scheme(), signer->public_key());
        }
    }

    // ---- helpers ----------------------------------------------------------------------
    [[nodiscard]] bool active() const { return started && !halted; }

    std::uint32_t proposer(std::uint32_t round) {
        auto it = proposer_cache.find(round);
        if (it == proposer_cache.end()) {
            it = proposer_cache
                     .emplace(round,
                              static_cast<std::uint32_t>(validators.proposer_for_round(round)))
                     .first;
        }
        return it->second;
    }

    RoundVotes& votes_of(std::uint32_t round) {
        auto it = rounds.find(round);
        if (it == rounds.end()) {
            it = rounds
                     .emplace(std::piecewise_construct, std::forward_as_tuple(round),
                              std::forward_as_tuple(state.height, round, validators))
                     .first;
        }
        return it->second;
    }

    void schedule(TimeoutKind kind, std::uint32_t round, std::uint64_t base, std::uint64_t delta) {
        out->push_back(ScheduleTimeout{{state.height, round, kind}, base + round * delta});
    }

    void halt(const std::string& reason) {
        halted = true;
        out->push_back(Halt{reason});
    }

    // false when the engine must not go on (the WAL failed).
    bool handle_refusal(SignRefusal refusal) {
        switch (refusal) {
            case SignRefusal::kWalFailed:
                halt("consensus WAL write failed, nothing was signed: " +
                     guard->last_wal_error().message);
                return false;
            case SignRefusal::kBelowLastSigned:
            case SignRefusal::kConflicting:
                // Slashing protection held: this validator signed something else here
                // before a restart. Staying silent at this step is the safe answer.
                return true;
        }
        return true;
    }

    void cast_vote(chain::VoteType type, const std::optional<Hash32>& block) {
        if (!own_index || !guard) return;
        chain::Vote vote{type, state.height, state.round, block, *own_index, {}};
        auto signed_vote = guard->sign_vote(std::move(vote));
        if (!signed_vote) {
            handle_refusal(signed_vote.error());
            return;
        }
        out->push_back(BroadcastVote{*signed_vote});
        own_votes[{signed_vote->round, type}] = *signed_vote;
        add_vote(*signed_vote);
    }

    // A proposal with a proof-of-lock round goes out with that round's prevotes for its
    // block: validators that missed the polka need them before they prevote (line 28).
    void send_proposal(const chain::Proposal& proposal) {
        out->push_back(BroadcastProposal{proposal});
        if (!proposal.pol_round) return;
        const auto it = rounds.find(*proposal.pol_round);
        if (it == rounds.end()) return;
        for (chain::Vote& prevote : it->second.prevotes.votes_for(proposal.block_hash)) {
            out->push_back(BroadcastVote{std::move(prevote)});
        }
    }

    void broadcast_own_proposal(chain::Proposal proposal) {
        auto signed_proposal = guard->sign_proposal(std::move(proposal));
        if (!signed_proposal) {
            handle_refusal(signed_proposal.error());
            return;
        }
        own_proposals[signed_proposal->round] = *signed_proposal;
        send_proposal(*signed_proposal);
        proposals.emplace(signed_proposal->round, *signed_proposal);
        validity[signed_proposal->block_hash] = Validity::kValid;  // built here
    }

    void request_validation(const Hash32& block) {
        if (validity.contains(block)) return;
        validity[block] = Validity::kPending;
        out->push_back(ValidateBlock{state.height, block});
    }

    [[nodiscard]] Validity validity_of(const Hash32& block) const {
        const auto it = validity.find(block);
        return it == validity.end() ? Validity::kPending : it->second;
    }

    // ---- the paper's procedures --------------------------------------------------------
    void start_round(std::uint32_t round) {
        state.round = round;
        state.step = Step::kPropose;
        const auto& timeouts = config.timeouts;
        schedule(TimeoutKind::kPropose, round, timeouts.propose_ms, timeouts.propose_delta_ms);
        if (!own_index || proposer(round) != *own_index || !guard) return;
        if (const auto it = own_proposals.find(round); it != own_proposals.end()) {
            send_proposal(it->second);  // signed before a restart
            return;
        }
        if (state.valid_value) {
            const auto known = block_time(*state.valid_value);
            if (known) {
                broadcast_own_proposal(chain::Proposal{state.height,
                                                       round,
                                                       state.valid_round,
                                                       *state.valid_value,
                                                       *known,
                                                       *own_index,
                                                       {}});
                return;
            }
        }
        awaiting_block_for_round = round;
        out->push_back(RequestProposal{state.height, round});
    }

    [[nodiscard]] std::optional<std::uint64_t> block_time(const Hash32& block) const {
        for (const auto& [round, proposal] : proposals) {
            if (proposal.block_hash == block) return proposal.timestamp_ms;
        }
        return std::nullopt;
    }

    void decide(const Hash32& block, chain::CommitCertificate certificate) {
        state.decision = block;
        state.step = Step::kCommitted;
        out->push_back(CommitBlock{state.height, block, std::move(certificate)});
    }

    // The prevote for a proposal (lines 22-33): its block if valid, not from the future,
    // and allowed by the lock; nil otherwise.
    [[nodiscard]] std::optional<Hash32> prevote_value(const chain::Proposal& proposal) {
        const bool valid = validity_of(proposal.block_hash) == Validity::kValid &&
                           proposal.timestamp_ms <= now_ms + config.max_clock_drift_ms;
        bool lock_allows = !state.locked_round || state.locked_value == proposal.block_hash;
        if (proposal.pol_round && state.locked_round &&
            *state.locked_round <= *proposal.pol_round) {
            lock_allows = true;  // line 29: a newer proof of lock overrides an older lock
        }
        if (QTM_MUTANT(kIgnoreLock)) lock_allows = true;
        if (valid && lock_allows) return proposal.block_hash;
        return std::nullopt;
    }

    // Applies the first rule whose condition holds; true when something changed.
    bool apply_one_rule() {
        // Line 49: +2/3 precommits for a block in any round decide it.
        for (auto& [round, votes] : rounds) {
            auto value = votes.precommits.quorum_value();
            if (value && *value) {
                decide(**value, *votes.precommits.certificate_for(**value));
                return true;
            }
            if (QTM_MUTANT(kCommitOnPrevotes)) {
                auto prevoted = votes.prevotes.quorum_value();
                if (prevoted && *prevoted) {
                    chain::CommitCertificate partial{state.height, round, **prevoted, {}, {}};
                    decide(**prevoted, std::move(partial));
                    return true;
                }
            }
        }
        // Line 55: more than 1/3 of the stake in a later round pulls us there.
        for (auto it = rounds.upper_bound(state.round); it != rounds.end(); ++it) {
            std::uint64_t power = 0;
            for (std::uint32_t i = 0; i < validators.size(); ++i) {
                if (it->second.prevotes.vote_of(i) || it->second.precommits.vote_of(i)) {
                    power += validators.at(i).voting_power;
                }
            }
            if (validators.exceeds_one_third(power)) {
                start_round(it->first);
                return true;
            }
        }
        const std::uint32_t round = state.round;
        RoundVotes& current = votes_of(round);
        RoundFlags& flag = flags[round];
        const auto proposal_it = proposals.find(round);
        const chain::Proposal* proposal =
            proposal_it == proposals.end() ? nullptr : &proposal_it->second;

        if (state.step == Step::kPropose && proposal != nullptr &&
            validity_of(proposal->block_hash) != Validity::kPending) {
            if (!proposal->pol_round) {  // line 22
                cast_vote(chain::VoteType::kPrevote, prevote_value(*proposal));
                state.step = Step::kPrevote;
                return true;
            }
            const std::uint32_t pol = *proposal->pol_round;  // line 28
            if (pol < round && votes_of(pol).prevotes.has_quorum_for(proposal->block_hash)) {
                cast_vote(chain::VoteType::kPrevote, prevote_value(*proposal));
                state.step = Step::kPrevote;
                return true;
            }
        }
        if (state.step == Step::kPrevote && !flag.prevote_timeout_scheduled &&
            current.prevotes.has_quorum_any()) {  // line 34
            flag.prevote_timeout_scheduled = true;
            const auto& timeouts = config.timeouts;
            schedule(TimeoutKind::kPrevote, round, timeouts.prevote_ms, timeouts.prevote_delta_ms);
            return true;
        }
        if ((state.step == Step::kPrevote || state.step == Step::kPrecommit) &&
            !flag.locked_or_valid_updated && proposal != nullptr &&
            validity_of(proposal->block_hash) == Validity::kValid &&
            current.prevotes.has_quorum_for(proposal->block_hash)) {  // line 36
            flag.locked_or_valid_updated = true;
            if (state.step == Step::kPrevote) {
                if (!QTM_MUTANT(kNoLockOnPrecommit)) {
                    if (guard && own_index) {
                        const LockRecord lock{*proposal,
                                              current.prevotes.votes_for(proposal->block_hash)};
                        if (auto recorded = guard->record_lock(lock); !recorded) {
                            halt("consensus WAL write failed, nothing was signed: " +
                                 recorded.error().message);
                            return true;
                        }
                    }
                    state.locked_value = proposal->block_hash;
                    state.locked_round = round;
                }
                cast_vote(chain::VoteType::kPrecommit, proposal->block_hash);
                state.step = Step::kPrecommit;
            }
            state.valid_value = proposal->block_hash;
            state.valid_round = round;
            return true;
        }
        if (state.step == Step::kPrevote &&
            current.prevotes.has_quorum_for(std::nullopt)) {  // line 44
            cast_vote(chain::VoteType::kPrecommit, std::nullopt);
            state.step = Step::kPrecommit;
            return true;
        }
        if (!flag.precommit_timeout_scheduled && current.precommits.has_quorum_any()) {  // 47
            flag.precommit_timeout_scheduled = true;
            const auto& timeouts = config.timeouts;
            schedule(TimeoutKind::kPrecommit, round, timeouts.precommit_ms,
                     timeouts.precommit_delta_ms);
            return true;
        }
        return false;
    }

    void run_rules() {
        while (active() && state.step != Step::kCommitted && apply_one_rule()) {
        }
    }

    // ---- message intake ------------------------------------------------------------------
    [[nodiscard]] bool round_in_window(std::uint32_t round) const {
        return round <= state.round || round - state.round <= config.max_future_rounds;
    }

    void buffer_for_next_height(BufferedMessage message) {
        if (next_height.size() < 16 * validators.size() + 64) {
            next_height.push_back(std::move(message));
        }
    }

    bool add_vote(const chain::Vote& vote) {
        chain::DuplicateVoteEvidence evidence;
        RoundVotes& votes = votes_of(vote.round);
        VoteSet& set = vote.type == chain::VoteType::kPrevote ? votes.prevotes : votes.precommits;
        switch (set.add(vote, &evidence)) {
            case AddVoteResult::kAdded:
                return true;
            case AddVoteResult::kConflict:
                if (evidence_reported.emplace(vote.validator_index, vote.round, vote.type).second) {
                    out->push_back(EvidenceFound{std::move(evidence)});
                }
                return true;  // new: relayed, so that others count it and see the evidence
            case AddVoteResult::kDuplicate:
            case AddVoteResult::kInvalid:
                return false;
        }
        return false;
    }

    bool accept_vote(const chain::Vote& vote) {
        if (vote.height == state.height + 1) {
            buffer_for_next_height(vote);
            return false;
        }
        if (vote.height != state.height || vote.validator_index >= validators.size() ||
            !round_in_window(vote.round)) {
            return false;
        }
        return add_vote(vote);
    }

    bool accept_proposal(const chain::Proposal& proposal) {
        if (proposal.height == state.height + 1) {
            buffer_for_next_height(proposal);
            return false;
        }
        if (proposal.height != state.height || !round_in_window(proposal.round) ||
            proposal.proposer_index >= validators.size() ||
            proposal.proposer_index != proposer(proposal.round) ||
            (proposal.pol_round && *proposal.pol_round >= proposal.round)) {
            return false;
        }
        // A second, different proposal of the same proposer and round is ignored: the
        // first one seen is the one this node votes on.
        if (!proposals.emplace(proposal.round, proposal).second) return false;
        request_validation(proposal.block_hash);
        return true;
    }

    void rebroadcast() {
        if (const auto it = own_proposals.find(state.round); it != own_proposals.end()) {
            send_proposal(it->second);
        }
        for (const auto type : {chain::VoteType::kPrevote, chain::VoteType::kPrecommit}) {
            if (const auto it = own_votes.find({state.round, type}); it != own_votes.end()) {
                out->push_back(BroadcastVote{it->second});
            }
        }
    }

    // Runs one input with its actions collected in the returned Output.
    template <class Fn>
    Output run(std::uint64_t now, Fn&& fn) {
        Output output;
        if (halted) return output;
        now_ms = now;
        out = &output.actions;
        output.accepted = fn();
        run_rules();
        out = nullptr;
        return output;
    }

    // ---- height start and crash recovery -------------------------------------------------
    void reset(std::uint64_t height, chain::ValidatorSet set) {
        validators = std::move(set);
        own_index.reset();
        if (own_address) {
            if (auto index = validators.index_of(*own_address)) {
                own_index = static_cast<std::uint32_t>(*index);
            }
        }
        state = RoundState{};
        state.height = height;
        rounds.clear();
        flags.clear();
        proposals.clear();
        proposer_cache.clear();
        validity.clear();
        evidence_reported.clear();
        awaiting_block_for_round.reset();
        own_proposals.clear();
        own_votes.clear();
        started = true;
    }

    // A lock from the WAL: the proposal and its polka are known again (the prevotes were
    // verified when they first arrived), and the lock and valid value are set as when
    // it was taken (the paper keeps validRound >= lockedRound).
    void restore_lock(const LockRecord& lock) {
        const chain::Proposal& proposal = lock.proposal;
        if (proposal.height != state.height) return;
        proposals.emplace(proposal.round, proposal);
        validity[proposal.block_hash] = Validity::kValid;
        for (const chain::Vote& prevote : lock.prevotes)
            add_vote(prevote);
        if (!state.locked_round || *state.locked_round < proposal.round) {
            state.locked_value = proposal.block_hash;
            state.locked_round = proposal.round;
            state.valid_value = proposal.block_hash;
            state.valid_round = proposal.round;
        }
    }

    // Rebuilds what this validator signed at the height from the WAL: the round it reached,
    // its step there, its lock (its highest non-nil precommit) and the messages to re-send.
    bool restore_from_wal(std::uint32_t& round, std::optional<Step>& step) {
        std::uint32_t vote_round = 0;
        std::optional<Step> vote_step;
        auto records = guard->load(state.height);
        if (!records) {
            halt("cannot read the consensus WAL: " + records.error().message);
            return false;
        }
        for (WalEntry& content : *records) {
            if (auto* lock = std::get_if<LockRecord>(&content)) {
                restore_lock(*lock);
                continue;
            }
            if (auto* proposal = std::get_if<chain::Proposal>(&content)) {
                if (proposal->height != state.height) continue;
                auto resigned = guard->sign_proposal(*proposal);
                if (!resigned) continue;
                own_proposals[resigned->round] = *resigned;
                proposals.emplace(resigned->round, *resigned);
                request_validation(resigned->block_hash);
                round = std::max(round, resigned->round);
                continue;
            }
            auto& vote = std::get<chain::Vote>(content);
            if (vote.height != state.height || !own_index || vote.validator_index != *own_index) {
                continue;
            }
            auto resigned = guard->sign_vote(vote);
            if (!resigned) continue;
            own_votes[{resigned->round, resigned->type}] = *resigned;
            add_vote(*resigned);
            const Step signed_step =
                resigned->type == chain::VoteType::kPrevote ? Step::kPrevote : Step::kPrecommit;
            if (!vote_step || resigned->round > vote_round ||
                (resigned->round == vote_round && signed_step > *vote_step)) {
                vote_round = resigned->round;
                vote_step = signed_step;
            }
            if (resigned->type == chain::VoteType::kPrecommit && resigned->block_hash &&
                (!state.locked_round || *state.locked_round < resigned->round)) {
                state.locked_value = resigned->block_hash;
                state.locked_round = resigned->round;
            }
        }
        if (vote_step) {
            round = std::max(round, vote_round);
            if (vote_round == round) step = vote_step;
        }
        return true;
    }
};

Engine::Engine(EngineConfig config, const chain::ConsensusSigner* signer, Wal* wal)
    : impl_{std::make_unique<Impl>(config, signer, wal)} {}

Engine::~Engine() = default;

const RoundState& Engine::state() const noexcept {
    return impl_->state;
}

bool Engine::is_validator() const noexcept {
    return impl_->own_index.has_value();
}

Output Engine::start_height(std::uint64_t height, chain::ValidatorSet validators,
                            std::uint64_t now_ms) {
    std::vector<BufferedMessage> buffered;
    if (impl_->started && height == impl_->state.height + 1) {
        buffered = std::move(impl_->next_height);
    }
    impl_->next_height.clear();
    return impl_->run(now_ms, [&] {
        Impl& impl = *impl_;
        impl.reset(height, std::move(validators));
        std::uint32_t round = 0;
        std::optional<Step> step;
        if (impl.guard && !impl.wal_loaded) {
            if (!impl.restore_from_wal(round, step)) return false;
            impl.wal_loaded = true;
        }
        impl.start_round(round);
        if (step) impl.state.step = *step;
        for (const auto& [key, vote] : impl.own_votes)
            impl.out->push_back(BroadcastVote{vote});
        const auto& timeouts = impl.config.timeouts;
        impl.schedule(TimeoutKind::kRebroadcast, 0, timeouts.rebroadcast_ms, 0);
        for (const BufferedMessage& message : buffered) {
            if (const auto* vote = std::get_if<chain::Vote>(&message)) {
                impl.accept_vote(*vote);
            } else {
                impl.accept_proposal(std::get<chain::Proposal>(message));
            }
        }
        return true;
    });
}

Output Engine::on_proposal(const chain::Proposal& proposal, std::uint64_t now_ms) {
    return impl_->run(now_ms, [&] {
        return impl_->active() && impl_->state.step != Step::kCommitted &&
               impl_->accept_proposal(proposal);
    });
}

Output Engine::on_vote(const chain::Vote& vote, std::uint64_t now_ms) {
    return impl_->run(now_ms, [&] {
        return impl_->active() && impl_->state.step != Step::kCommitted && impl_->accept_vote(vote);
    });
}

Output Engine::on_certificate(const chain::CommitCertificate& certificate, std::uint64_t now_ms) {
    return impl_->run(now_ms, [&] {
        Impl& impl = *impl_;
        if (!impl.active() || impl.state.step == Step::kCommitted ||
            certificate.height != impl.state.height) {
            return false;
        }
        impl.decide(certificate.block_hash, certificate);
        return true;
    });
}

Output Engine::on_timeout(const Timeout& timeout, std::uint64_t now_ms) {
    return impl_->run(now_ms, [&] {
        Impl& impl = *impl_;
        RoundState& state = impl.state;
        if (!impl.active() || timeout.height != state.height || state.step == Step::kCommitted) {
            return false;
        }
        switch (timeout.kind) {
            case TimeoutKind::kRebroadcast: {
                impl.rebroadcast();
                const auto& timeouts = impl.config.timeouts;
                impl.schedule(TimeoutKind::kRebroadcast, 0, timeouts.rebroadcast_ms, 0);
                return true;
            }
            case TimeoutKind::kPropose:  // line 57
                if (timeout.round == state.round && state.step == Step::kPropose) {
                    impl.cast_vote(chain::VoteType::kPrevote, std::nullopt);
                    state.step = Step::kPrevote;
                }
                return true;
            case TimeoutKind::kPrevote:  // line 61
                if (timeout.round == state.round && state.step == Step::kPrevote) {
                    impl.cast_vote(chain::VoteType::kPrecommit, std::nullopt);
                    state.step = Step::kPrecommit;
                }
                return true;
            case TimeoutKind::kPrecommit:  // line 65
                if (timeout.round == state.round) impl.start_round(state.round + 1);
                return true;
        }
        return false;
    });
}

Output Engine::on_block_built(std::uint64_t height, std::uint32_t round, const Hash32& block_hash,
                              std::uint64_t timestamp_ms, std::uint64_t now_ms) {
    return impl_->run(now_ms, [&] {
        Impl& impl = *impl_;
        if (!impl.active() || height != impl.state.height || !impl.awaiting_block_for_round ||
            *impl.awaiting_block_for_round != round || impl.state.round != round ||
            impl.state.step != Step::kPropose) {
            return false;
        }
        impl.awaiting_block_for_round.reset();
        impl.broadcast_own_proposal(chain::Proposal{
            height, round, std::nullopt, block_hash, timestamp_ms, *impl.own_index, {}});
        return true;
    });
}

Output Engine::on_block_validated(std::uint64_t height, const Hash32& block_hash, bool valid,
                                  std::uint64_t now_ms) {
    return impl_->run(now_ms, [&] {
        Impl& impl = *impl_;
        if (!impl.active() || height != impl.state.height) return false;
        const auto it = impl.validity.find(block_hash);
        if (it == impl.validity.end() || it->second != Validity::kPending) return false;
        it->second = valid ? Validity::kValid : Validity::kInvalid;
        return true;
    });
}

}  // namespace qtm::consensus
