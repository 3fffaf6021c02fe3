#include "consensus/vote_set.hpp"

#include "consensus/mutation.hpp"

namespace qtm::consensus {

VoteSet::VoteSet(std::uint64_t height, std::uint32_t round, chain::VoteType type,
                 const chain::ValidatorSet& validators)
    : height_{height},
      round_{round},
      type_{type},
      validators_{&validators},
      by_validator_(validators.size()) {}

AddVoteResult VoteSet::add(const chain::Vote& vote, chain::DuplicateVoteEvidence* evidence) {
    if (vote.height != height_ || vote.round != round_ || vote.type != type_ ||
        vote.validator_index >= by_validator_.size()) {
        return AddVoteResult::kInvalid;
    }
    const std::uint64_t power = validators_->at(vote.validator_index).voting_power;
    auto& held = by_validator_[vote.validator_index];
    for (const chain::Vote& known : held) {
        if (known.block_hash == vote.block_hash) {
            if (QTM_MUTANT(kCountDuplicateVoters)) {
                // Wrong on purpose: a repeated vote counted as if another validator cast it.
                power_by_block_[vote.block_hash] += power;
                total_power_ += power;
            }
            return AddVoteResult::kDuplicate;
        }
    }
    if (held.empty()) {
        held.push_back(vote);
        power_by_block_[vote.block_hash] += power;
        total_power_ += power;
        return AddVoteResult::kAdded;
    }
    if (evidence != nullptr) {
        if (auto found = chain::make_evidence(held.front(), vote)) *evidence = std::move(*found);
    }
    if (held.size() < kMaxVotesPerValidator) {
        held.push_back(vote);
        power_by_block_[vote.block_hash] += power;
    }
    return AddVoteResult::kConflict;
}

std::uint64_t VoteSet::power_for(const std::optional<Hash32>& block) const {
    const auto it = power_by_block_.find(block);
    return it == power_by_block_.end() ? 0 : it->second;
}

namespace {
bool is_quorum(const chain::ValidatorSet& set, std::uint64_t power) {
    if (QTM_MUTANT(kQuorumAtTwoThirds)) {
        // Wrong on purpose: exactly two thirds is not enough for BFT safety.
        // (Total power is bounded by ValidatorSet::kMaxTotalVotingPower: no overflow.)
        return 3 * power >= 2 * set.total_power();
    }
    return set.is_quorum(power);
}
}  // namespace

bool VoteSet::has_quorum_any() const noexcept {
    return is_quorum(*validators_, total_power_);
}

std::optional<std::optional<Hash32>> VoteSet::quorum_value() const {
    for (const auto& [block, power] : power_by_block_) {
        if (is_quorum(*validators_, power)) return block;
    }
    return std::nullopt;
}

bool VoteSet::has_quorum_for(const std::optional<Hash32>& block) const {
    return is_quorum(*validators_, power_for(block));
}

const chain::Vote* VoteSet::vote_of(std::uint32_t validator_index) const {
    if (validator_index >= by_validator_.size() || by_validator_[validator_index].empty()) {
        return nullptr;
    }
    return &by_validator_[validator_index].front();
}

std::vector<chain::Vote> VoteSet::votes_for(const std::optional<Hash32>& block) const {
    std::vector<chain::Vote> out;
    for (const auto& held : by_validator_) {
        for (const chain::Vote& vote : held) {
            if (vote.block_hash == block) out.push_back(vote);
        }
    }
    return out;
}

std::vector<const chain::Vote*> VoteSet::votes() const {
    std::vector<const chain::Vote*> out;
    for (const auto& held : by_validator_) {
        if (!held.empty()) out.push_back(&held.front());
    }
    return out;
}

std::optional<chain::CommitCertificate> VoteSet::certificate_for(const Hash32& block) const {
    if (type_ != chain::VoteType::kPrecommit || !has_quorum_for(block)) return std::nullopt;
    chain::CommitCertificate certificate;
    certificate.height = height_;
    certificate.round = round_;
    certificate.block_hash = block;
    certificate.signer_bitmap.assign((by_validator_.size() + 7) / 8, 0);
    for (std::size_t i = 0; i < by_validator_.size(); ++i) {
        for (const chain::Vote& vote : by_validator_[i]) {
            if (vote.block_hash != block) continue;
            chain::bitmap_set(certificate.signer_bitmap, i);
            certificate.signatures.push_back(vote.signature);
            break;
        }
    }
    return certificate;
}

}  // namespace qtm::consensus
