#include "consensus/signing_guard.hpp"

#include "codec/rlp.hpp"
#include "consensus/mutation.hpp"

namespace qtm::consensus {
namespace {

constexpr std::uint64_t kProposalRecord = 1;
constexpr std::uint64_t kVoteRecord = 2;

SignPosition position_of(const chain::Proposal& proposal) {
    return {proposal.height, proposal.round, SignStep::kProposal};
}

SignPosition position_of(const chain::Vote& vote) {
    return {vote.height, vote.round,
            vote.type == chain::VoteType::kPrevote ? SignStep::kPrevote : SignStep::kPrecommit};
}

SignPosition position_of(const SignedContent& content) {
    return std::visit([](const auto& message) { return position_of(message); }, content);
}

// The content a signature covers: equality ignores the signature field.
bool same_content(chain::Vote a, chain::Vote b) {
    a.signature.clear();
    b.signature.clear();
    return a == b;
}
bool same_content(chain::Proposal a, chain::Proposal b) {
    a.signature.clear();
    b.signature.clear();
    return a == b;
}

}  // namespace

Bytes encode_wal_record(const SignedContent& content) {
    Bytes payload;
    std::uint64_t kind = 0;
    if (const auto* proposal = std::get_if<chain::Proposal>(&content)) {
        chain::Proposal unsigned_proposal = *proposal;
        unsigned_proposal.signature.clear();
        payload = chain::encode_proposal(unsigned_proposal);
        kind = kProposalRecord;
    } else {
        chain::Vote unsigned_vote = std::get<chain::Vote>(content);
        unsigned_vote.signature.clear();
        payload = chain::encode_vote(unsigned_vote);
        kind = kVoteRecord;
    }
    Bytes body;
    rlp::append_uint(body, kind);
    rlp::append_string(body, payload);
    Bytes out;
    rlp::append_list(out, body);
    return out;
}

std::optional<SignedContent> decode_wal_record(ByteView record) {
    rlp::Decoder outer{record};
    auto list = outer.read_list();
    if (!list || !outer.finish()) return std::nullopt;
    auto kind = list->read_uint64();
    auto payload = list->read_string();
    if (!kind || !payload || !list->finish()) return std::nullopt;
    if (*kind == kProposalRecord) {
        auto proposal = chain::decode_proposal(*payload);
        // Records never hold signatures: one encoding per record.
        if (!proposal || !proposal->signature.empty()) return std::nullopt;
        return SignedContent{std::move(*proposal)};
    }
    if (*kind == kVoteRecord) {
        auto vote = chain::decode_vote(*payload);
        if (!vote || !vote->signature.empty()) return std::nullopt;
        return SignedContent{std::move(*vote)};
    }
    return std::nullopt;
}

SigningGuard::SigningGuard(chain::ConsensusDomain domain, const chain::ConsensusSigner& signer,
                           Wal& wal)
    : domain_{domain}, signer_{signer}, wal_{wal} {}

Result<std::vector<SignedContent>, WalError> SigningGuard::load(std::uint64_t height) {
    auto records = wal_.read_all();
    if (!records) return unexpected(records.error());
    std::vector<SignedContent> current;
    signed_.clear();
    last_.reset();
    for (const Bytes& record : *records) {
        auto content = decode_wal_record(record);
        if (!content) {
            return unexpected(
                WalError{"the consensus WAL holds a record that does not decode; "
                         "refusing to sign until it is inspected"});
        }
        const SignPosition position = position_of(*content);
        if (!last_ || position > *last_) last_ = position;
        if (position.height >= height) {
            signed_.emplace(position, *content);
            current.push_back(std::move(*content));
        }
    }
    return current;
}

Result<void, SignRefusal> SigningGuard::admit(const SignedContent& content) {
    const SignPosition position = position_of(content);
    if (const auto it = signed_.find(position); it != signed_.end()) {
        const bool same = std::visit(
            [&](const auto& previous) {
                using Message = std::decay_t<decltype(previous)>;
                const auto* requested = std::get_if<Message>(&content);
                return requested != nullptr && same_content(previous, *requested);
            },
            it->second);
        if (!same) return unexpected(SignRefusal::kConflicting);
        return {};
    }
    if (last_ && position < *last_) return unexpected(SignRefusal::kBelowLastSigned);
    if (!QTM_MUTANT(kSendBeforePersist)) {
        // Signed messages must hit disk before they exist: after a crash the WAL is the
        // only memory of what this validator signed.
        if (auto written = wal_.append(encode_wal_record(content)); !written) {
            wal_error_ = written.error();
            return unexpected(SignRefusal::kWalFailed);
        }
    }
    // Steps of finished heights can never be asked for again (they are below last_).
    std::erase_if(signed_, [&](const auto& entry) { return entry.first.height < position.height; });
    signed_.emplace(position, content);
    last_ = position;
    return {};
}

Result<chain::Vote, SignRefusal> SigningGuard::sign_vote(chain::Vote vote) {
    vote.signature.clear();
    if (auto admitted = admit(vote); !admitted) return unexpected(admitted.error());
    vote.signature = signer_.sign(chain::vote_sign_bytes(domain_, vote), chain::kVoteContext);
    return vote;
}

Result<chain::Proposal, SignRefusal> SigningGuard::sign_proposal(chain::Proposal proposal) {
    proposal.signature.clear();
    if (auto admitted = admit(proposal); !admitted) return unexpected(admitted.error());
    proposal.signature =
        signer_.sign(chain::proposal_sign_bytes(domain_, proposal), chain::kProposalContext);
    return proposal;
}

}  // namespace qtm::consensus
