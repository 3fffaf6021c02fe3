#include "p2p/wire/consensus_messages.hpp"

#include <algorithm>
#include <vector>

#include "codec/rlp.hpp"
#include "p2p/wire/rlp_fields.hpp"

namespace qtm::p2p {

using wire_detail::classify;
using wire_detail::FieldReader;

ProposalMessage make_proposal_message(const chain::Proposal& proposal, const chain::Block& block) {
    ProposalMessage message{proposal, block.header, block.evidence, {}};
    message.transaction_hashes.reserve(block.transactions.size());
    for (const auto& tx : block.transactions) {
        message.transaction_hashes.push_back(chain::transaction_hash(tx));
    }
    return message;
}

Bytes encode_proposal_message(const ProposalMessage& message) {
    Bytes payload = chain::encode_proposal(message.proposal);
    const Bytes header = chain::encode_header(message.header);
    payload.insert(payload.end(), header.begin(), header.end());
    Bytes evidence;
    for (const auto& piece : message.evidence) {
        const Bytes encoded = chain::encode_evidence(piece);
        evidence.insert(evidence.end(), encoded.begin(), encoded.end());
    }
    rlp::append_list(payload, evidence);
    wire_detail::append_hashes(payload, message.transaction_hashes);
    Bytes out;
    out.reserve(payload.size() + 9);
    rlp::append_list(out, payload);
    return out;
}

Result<ProposalMessage, WireError> decode_proposal_message(ByteView payload) {
    auto list = wire_detail::outer_list(payload, kMaxProposalMessageBytes);
    if (!list) return unexpected(list.error());
    FieldReader fields{*list};
    const ByteView proposal_bytes = fields.raw();
    const ByteView header_bytes = fields.raw();
    rlp::Decoder evidence_list = fields.list();
    rlp::Decoder hash_list = fields.list();
    if (auto done = fields.finish(); !done) return unexpected(done.error());

    ProposalMessage message;
    auto proposal = chain::decode_proposal(proposal_bytes);
    if (!proposal) return unexpected(classify(proposal.error()));
    message.proposal = std::move(*proposal);
    auto header = chain::decode_header(header_bytes);
    if (!header) return unexpected(WireError::kBadBlock);
    message.header = std::move(*header);
    while (!evidence_list.at_end()) {
        if (message.evidence.size() == chain::kMaxEvidencePerBlock) {
            return unexpected(WireError::kTooManyItems);
        }
        auto raw = evidence_list.read_raw();
        if (!raw) return unexpected(classify(raw.error()));
        auto evidence = chain::decode_evidence(*raw);
        if (!evidence) return unexpected(classify(evidence.error()));
        message.evidence.push_back(std::move(*evidence));
    }
    auto hashes = wire_detail::read_hashes(hash_list, kMaxCompactTransactions);
    if (!hashes) return unexpected(hashes.error());
    message.transaction_hashes = std::move(*hashes);
    // A block holds a transaction once; a proposal naming one twice could only be rebuilt
    // into a block every node refuses.
    std::vector<Hash32> sorted = message.transaction_hashes;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
        return unexpected(WireError::kDuplicateItem);
    }
    if (message.proposal.height != message.header.number ||
        message.proposal.block_hash != chain::block_hash(message.header)) {
        return unexpected(WireError::kProposalMismatch);
    }
    return message;
}

namespace {

template <class T, class E>
Result<ConsensusMessage, WireError> lift(Result<T, E> decoded) {
    if (!decoded) return unexpected(classify(decoded.error()));
    return ConsensusMessage{std::move(*decoded)};
}

}  // namespace

ChannelMessage encode_consensus_message(const ConsensusMessage& message) {
    struct Encoder {
        ChannelMessage operator()(const ProposalMessage& m) const {
            return {Channel::kConsensus, static_cast<std::uint8_t>(ConsensusType::kProposal),
                    encode_proposal_message(m)};
        }
        ChannelMessage operator()(const chain::Vote& m) const {
            return {Channel::kConsensus, static_cast<std::uint8_t>(ConsensusType::kVote),
                    chain::encode_vote(m)};
        }
        ChannelMessage operator()(const chain::DuplicateVoteEvidence& m) const {
            return {Channel::kConsensus, static_cast<std::uint8_t>(ConsensusType::kEvidence),
                    chain::encode_evidence(m)};
        }
        ChannelMessage operator()(const chain::CommitCertificate& m) const {
            return {Channel::kConsensus, static_cast<std::uint8_t>(ConsensusType::kCertificate),
                    chain::encode_certificate(m)};
        }
    };
    return std::visit(Encoder{}, message);
}

Result<ConsensusMessage, WireError> decode_consensus_message(std::uint8_t type, ByteView payload) {
    switch (static_cast<ConsensusType>(type)) {
        case ConsensusType::kProposal: {
            auto decoded = decode_proposal_message(payload);
            if (!decoded) return unexpected(decoded.error());
            return ConsensusMessage{std::move(*decoded)};
        }
        case ConsensusType::kVote:
            if (payload.size() > chain::kMaxVoteBytes) return unexpected(WireError::kOversized);
            return lift(chain::decode_vote(payload));
        case ConsensusType::kEvidence:
            if (payload.size() > chain::kMaxEvidenceBytes) {
                return unexpected(WireError::kOversized);
            }
            return lift(chain::decode_evidence(payload));
        case ConsensusType::kCertificate:
            if (payload.size() > kMaxCertificateMessageBytes) {
                return unexpected(WireError::kOversized);
            }
            return lift(chain::decode_certificate(payload));
    }
    return unexpected(WireError::kUnknownType);
}

}  // namespace qtm::p2p
