#include "checker.hpp"

#include <sstream>

#include "base/hex.hpp"

namespace qtm::sim {

std::string short_hex(const std::optional<Hash32>& hash) {
    if (!hash) return "nil";
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string text;
    for (std::size_t i = 0; i < 4; ++i) {
        text.push_back(kDigits[(*hash)[i] >> 4]);
        text.push_back(kDigits[(*hash)[i] & 15]);
    }
    return text;
}

namespace {

Bytes vote_content(chain::Vote vote) {
    vote.signature.clear();
    return chain::encode_vote(vote);
}

Bytes proposal_content(chain::Proposal proposal) {
    proposal.signature.clear();
    return chain::encode_proposal(proposal);
}

const char* step_name(int step) {
    return step == 0 ? "proposal" : step == 1 ? "prevote" : "precommit";
}

}  // namespace

const BlockInfo* Checker::block(const Hash32& hash) const {
    const auto found = blocks_.find(hash);
    return found == blocks_.end() ? nullptr : &found->second;
}

void Checker::violation(std::string text) {
    if (violations_.size() < 16) violations_.push_back(std::move(text));
}

void Checker::on_signed_vote(std::uint32_t validator, const chain::Vote& vote,
                             std::uint64_t now_ms) {
    const int step = vote.type == chain::VoteType::kPrevote ? 1 : 2;
    const SignKey key{validator, vote.height, vote.round, step};
    Bytes content = vote_content(vote);
    const auto [it, inserted] = signed_.try_emplace(key, content);
    if (!inserted && it->second != content) {
        std::ostringstream text;
        text << "t=" << now_ms << ": honest validator " << validator << " signed two different "
             << step_name(step) << "s at height " << vote.height << " round " << vote.round
             << " (now for " << short_hex(vote.block_hash) << ")";
        violation(text.str());
    }
}

void Checker::on_signed_proposal(std::uint32_t validator, const chain::Proposal& proposal,
                                 std::uint64_t now_ms) {
    const SignKey key{validator, proposal.height, proposal.round, 0};
    Bytes content = proposal_content(proposal);
    const auto [it, inserted] = signed_.try_emplace(key, content);
    if (!inserted && it->second != content) {
        std::ostringstream text;
        text << "t=" << now_ms << ": honest validator " << validator
             << " signed two different proposals at height " << proposal.height << " round "
             << proposal.round << " (now for " << short_hex(proposal.block_hash) << ")";
        violation(text.str());
    }
}

void Checker::on_commit(std::size_t node, std::uint32_t validator, std::uint64_t expected_height,
                        std::uint64_t height, const Hash32& hash,
                        const chain::CommitCertificate& certificate, bool certificate_ok,
                        std::uint64_t now_ms) {
    std::ostringstream where;
    where << "t=" << now_ms << ": node " << node << " (validator " << validator << ") ";
    if (height != expected_height) {
        violation(where.str() + "committed height " + std::to_string(height) +
                  " while its application expected " + std::to_string(expected_height));
    }
    const auto [it, inserted] = committed_by_validator_.try_emplace({validator, height}, hash);
    if (!inserted) {
        violation(where.str() + "committed height " + std::to_string(height) + " a second time");
    }
    const auto [decided, first] = decided_.try_emplace(height, hash);
    if (!first && decided->second != hash) {
        violation(where.str() + "committed " + short_hex(hash) + " at height " +
                  std::to_string(height) + " where another honest validator committed " +
                  short_hex(decided->second) + " (agreement)");
    }
    const BlockInfo* info = block(hash);
    if (info == nullptr || !info->valid || info->height != height) {
        violation(where.str() + "committed " + short_hex(hash) + " at height " +
                  std::to_string(height) + ", which is not a valid block of that height " +
                  "(validity)");
    }
    if (!certificate_ok || certificate.height != height || certificate.block_hash != hash) {
        violation(where.str() + "committed height " + std::to_string(height) +
                  " with a certificate that does not verify (validity)");
    }
}

void Checker::on_twin_vote_delivered(std::size_t node, std::uint32_t incarnation,
                                     const chain::Vote& vote) {
    const VoteKey key{node,        incarnation, vote.validator_index,
                      vote.height, vote.round,  static_cast<int>(vote.type)};
    twin_votes_[key].insert(vote.block_hash);
}

void Checker::on_evidence(std::size_t node, std::uint32_t incarnation,
                          const chain::DuplicateVoteEvidence& evidence) {
    ++evidence_reports_;
    const chain::Vote& a = evidence.vote_a;
    const VoteKey key{node,     incarnation, a.validator_index,
                      a.height, a.round,     static_cast<int>(a.type)};
    evidence_[key].insert({a.block_hash, evidence.vote_b.block_hash});
}

std::vector<std::string> Checker::finish() {
    for (const auto& [key, values] : twin_votes_) {
        if (values.size() < 2) continue;
        ++evidence_expected_;
        const auto found = evidence_.find(key);
        bool reported = false;
        if (found != evidence_.end()) {
            for (const auto& [a, b] : found->second) {
                if (values.count(a) != 0 && values.count(b) != 0 && a != b) reported = true;
            }
        }
        if (!reported) {
            const auto& [node, incarnation, validator, height, round, type] = key;
            std::ostringstream text;
            text << "node " << node << " (incarnation " << incarnation << ") was given two "
                 << (type == 1 ? "prevotes" : "precommits") << " of twin validator " << validator
                 << " at height " << height << " round " << round << " ("
                 << short_hex(*values.begin()) << ", " << short_hex(*values.rbegin())
                 << ") and reported no evidence";
            violation(text.str());
        }
    }
    return violations_;
}

}  // namespace qtm::sim
