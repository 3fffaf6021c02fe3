// The safety checks of one simulated run, fed by the node drivers as things happen:
//   agreement    no two honest validators commit different blocks at one height;
//   validity     every honest commit is a block that an application built for that height
//                and judged valid, with a certificate that verifies against the height's
//                validator set and names the same height and block;
//   one commit   an honest validator (across all its crashes) commits each height at most
//                once, and heights in order;
//   no conflicts every message an honest validator's engine emitted signed (sent or lost in
//                a crash) is recorded; two with one (validator, height, round, step) and a
//                different content are a violation, also across crashes;
//   evidence     when one incarnation of an honest engine was handed, while at height h
//                (not yet decided) and within its future-round window, both versions of a
//                twin's vote at (h, round, type), it must have reported DuplicateVoteEvidence
//                for exactly those two votes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "chain/consensus/types.hpp"

namespace qtm::sim {

struct BlockInfo {
    std::uint64_t height{0};
    std::uint32_t round{0};
    std::size_t builder_node{0};
    bool valid{true};
};

class Checker {
public:
    // Blocks built by applications (honest or Byzantine) and whether they are valid.
    void register_block(const Hash32& hash, BlockInfo info) { blocks_.emplace(hash, info); }
    [[nodiscard]] const BlockInfo* block(const Hash32& hash) const;

    void on_signed_vote(std::uint32_t validator, const chain::Vote& vote, std::uint64_t now_ms);
    void on_signed_proposal(std::uint32_t validator, const chain::Proposal& proposal,
                            std::uint64_t now_ms);
    // `certificate_ok`: the driver's check of the certificate against the height's set.
    void on_commit(std::size_t node, std::uint32_t validator, std::uint64_t expected_height,
                   std::uint64_t height, const Hash32& hash,
                   const chain::CommitCertificate& certificate, bool certificate_ok,
                   std::uint64_t now_ms);

    // An honest engine incarnation was handed a twin's vote that it must count or report.
    void on_twin_vote_delivered(std::size_t node, std::uint32_t incarnation,
                                const chain::Vote& vote);
    void on_evidence(std::size_t node, std::uint32_t incarnation,
                     const chain::DuplicateVoteEvidence& evidence);

    // Runs the checks that need the whole run (evidence) and returns every violation.
    [[nodiscard]] std::vector<std::string> finish();

    [[nodiscard]] std::size_t evidence_expected() const noexcept { return evidence_expected_; }
    [[nodiscard]] std::size_t evidence_reported() const noexcept { return evidence_reports_; }

private:
    // (validator, height, round, step) with step 0 = proposal, 1 = prevote, 2 = precommit.
    using SignKey = std::tuple<std::uint32_t, std::uint64_t, std::uint32_t, int>;
    // (node, incarnation, validator, height, round, type)
    using VoteKey =
        std::tuple<std::size_t, std::uint32_t, std::uint32_t, std::uint64_t, std::uint32_t, int>;
    using Value = std::optional<Hash32>;

    void violation(std::string text);

    std::map<Hash32, BlockInfo> blocks_;
    std::map<SignKey, Bytes> signed_;  // the content without its signature
    std::map<std::uint64_t, Hash32> decided_;
    std::map<std::pair<std::uint32_t, std::uint64_t>, Hash32> committed_by_validator_;
    std::map<VoteKey, std::set<Value>> twin_votes_;
    std::map<VoteKey, std::set<std::pair<Value, Value>>> evidence_;
    std::vector<std::string> violations_;
    std::size_t evidence_expected_{0};
    std::size_t evidence_reports_{0};
};

[[nodiscard]] std::string short_hex(const std::optional<Hash32>& hash);

}  // namespace qtm::sim
