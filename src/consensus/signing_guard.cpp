#include "consensus/signing_guard.hpp"

#include "codec/rlp.hpp"
#include "consensus/mutation.hpp"

namespace qtm::consensus {
namespace {

constexpr std::uint64_t kProposalRecord = 1;
constexpr std::uint64_t kVoteRecord = 2;
constexpr std::uint64_t kLockRecord = 3;

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

Bytes encode_wal_record(const WalEntry& entry) {
    Bytes body;
    if (const auto* proposal = std::get_if<chain::Proposal>(&entry)) {
        chain::Proposal unsigned_proposal = *proposal;
        unsigned_proposal.signature.clear();
        rlp::append_uint(body, kProposalRecord);
        rlp::append_string(body, chain::encode_proposal(unsigned_proposal));
    } else if (const auto* vote = std::get_if<chain::Vote>(&entry)) {
        chain::Vote unsigned_vote = *vote;
        unsigned_vote.signature.clear();
        rlp::append_uint(body, kVoteRecord);
        rlp::append_string(body, chain::encode_vote(unsigned_vote));
    } else {
        const auto& lock = std::get<LockRecord>(entry);
        rlp::append_uint(body, kLockRecord);
        rlp::append_string(body, chain::encode_proposal(lock.proposal));
        Bytes prevotes;
        for (const chain::Vote& prevote : lock.prevotes) {
            rlp::append_string(prevotes, chain::encode_vote(prevote));
        }
        rlp::append_list(body, prevotes);
    }
    Bytes out;
    rlp::append_list(out, body);
    return out;
}

std::optional<WalEntry> decode_wal_record(ByteView record) {
    rlp::Decoder outer{record};
    auto list = outer.read_list();
    if (!list || !outer.finish()) return std::nullopt;
    auto kind = list->read_uint64();
    auto payload = list->read_string();
    if (!kind || !payload) return std::nullopt;
    if (*kind == kLockRecord) {
        auto proposal = chain::decode_proposal(*payload);
        auto prevote_list = list->read_list();
        if (!proposal || !prevote_list || !list->finish()) return std::nullopt;
        LockRecord lock{std::move(*proposal), {}};
        while (!prevote_list->at_end()) {
            auto encoded = prevote_list->read_string();
            if (!encoded) return std::nullopt;
            auto prevote = chain::decode_vote(*encoded);
            if (!prevote) return std::nullopt;
            lock.prevotes.push_back(std::move(*prevote));
        }
        return WalEntry{std::move(lock)};
    }
    if (!list->finish()) return std::nullopt;
    if (*kind == kProposalRecord) {
        auto proposal = chain::decode_proposal(*payload);
        // Records never hold signatures: one encoding per record.
        if (!proposal || !proposal->signature.empty()) return std::nullopt;
        return WalEntry{std::move(*proposal)};
    }
    if (*kind == kVoteRecord) {
        auto vote = chain::decode_vote(*payload);
        if (!vote || !vote->signature.empty()) return std::nullopt;
        return WalEntry{std::move(*vote)};
    }
    return std::nullopt;
}

SigningGuard::SigningGuard(chain::ConsensusDomain domain, const chain::ConsensusSigner& signer,
                           Wal& wal)
    : domain_{domain}, signer_{signer}, wal_{wal} {}

Result<std::vector<WalEntry>, WalError> SigningGuard::load(std::uint64_t height) {
    auto records = wal_.read_all();
    if (!records) return unexpected(records.error());
    std::vector<WalEntry> current;
    signed_.clear();
    last_.reset();
    for (const Bytes& record : *records) {
        auto entry = decode_wal_record(record);
        if (!entry) {
            return unexpected(
                WalError{"the consensus WAL holds a record that does not decode; "
                         "refusing to sign until it is inspected"});
        }
        if (const auto* lock = std::get_if<LockRecord>(&*entry)) {
            if (lock->proposal.height >= height) current.push_back(std::move(*entry));
            continue;
        }
        SignedContent content = std::holds_alternative<chain::Proposal>(*entry)
                                    ? SignedContent{std::get<chain::Proposal>(*entry)}
                                    : SignedContent{std::get<chain::Vote>(*entry)};
        const SignPosition position = position_of(content);
        if (!last_ || position > *last_) last_ = position;
        if (position.height >= height) {
            signed_.emplace(position, content);
            current.push_back(std::move(*entry));
        }
    }
    return current;
}

Result<void, WalError> SigningGuard::record_lock(const LockRecord& lock) {
    if (auto written = wal_.append(encode_wal_record(lock)); !written) {
        wal_error_ = written.error();
        return written;
    }
    return {};
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
        const WalEntry entry =
            std::visit([](const auto& message) { return WalEntry{message}; }, content);
        if (auto written = wal_.append(encode_wal_record(entry)); !written) {
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
