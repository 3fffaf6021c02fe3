// The messages of the consensus channel (docs/protocol.md, "Peer-to-peer messages"):
//
//   type 0  proposal     rlp([proposal, header, [evidence, ...], [tx_hash, ...]])  (compact)
//   type 1  vote         the vote's own encoding (chain/consensus/types.hpp)
//   type 2  evidence     the evidence's own encoding
//   type 3  certificate  the certificate's own encoding (catch-up of a height)
//
// A compact proposal carries the signed Proposal, the block header, the block's evidence and
// the hashes of its transactions in block order; a peer rebuilds the block from its pool
// (compact_block.hpp). Votes, evidence and certificates are encoded exactly as the chain
// encodes them: there is one encoding of each. Every decoder checks the size bound first.
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "chain/block.hpp"
#include "chain/consensus/types.hpp"
#include "p2p/message.hpp"
#include "p2p/wire/wire_error.hpp"

namespace qtm::p2p {

enum class ConsensusType : std::uint8_t {
    kProposal = 0,
    kVote = 1,
    kEvidence = 2,
    kCertificate = 3,
};

// A block's transactions fill at most its gas limit; 16,384 hashes (33 bytes each, 541 KB)
// is far above what a 2-second block of 2.5-4 KB transactions can carry.
inline constexpr std::size_t kMaxCompactTransactions = 16384;
inline constexpr std::size_t kMaxProposalMessageBytes = max_payload_size(Channel::kConsensus);
// The chain's bound is for 8,192 validators of the largest scheme; the channel's is lower.
inline constexpr std::size_t kMaxCertificateMessageBytes =
    chain::kMaxCertificateBytes < max_payload_size(Channel::kConsensus)
        ? chain::kMaxCertificateBytes
        : max_payload_size(Channel::kConsensus);

struct ProposalMessage {
    chain::Proposal proposal;
    chain::Header header;
    std::vector<chain::DuplicateVoteEvidence> evidence;
    std::vector<Hash32> transaction_hashes;  // in block order
    friend bool operator==(const ProposalMessage&, const ProposalMessage&) = default;
};

using ConsensusMessage = std::variant<ProposalMessage, chain::Vote, chain::DuplicateVoteEvidence,
                                      chain::CommitCertificate>;

// The compact form of `block` proposed by `proposal` (hashes the transactions).
[[nodiscard]] ProposalMessage make_proposal_message(const chain::Proposal& proposal,
                                                    const chain::Block& block);

[[nodiscard]] Bytes encode_proposal_message(const ProposalMessage& message);
// Also checks that the proposal names the header's block (hash and height), and that
// the evidence is within the block limit: kProposalMismatch, kTooManyItems.
[[nodiscard]] Result<ProposalMessage, WireError> decode_proposal_message(ByteView payload);

[[nodiscard]] ChannelMessage encode_consensus_message(const ConsensusMessage& message);
// `type` and `payload` of a message on the consensus channel.
[[nodiscard]] Result<ConsensusMessage, WireError> decode_consensus_message(std::uint8_t type,
                                                                           ByteView payload);

}  // namespace qtm::p2p
