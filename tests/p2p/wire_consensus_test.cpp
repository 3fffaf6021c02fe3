// Consensus channel messages: compact proposals, votes, evidence and certificates round
// trip, golden bytes, and every truncated, oversized or non-canonical payload refused with
// a typed error the peer is blamed for.
#include <gtest/gtest.h>

#include "base/hex.hpp"
#include "codec/rlp.hpp"
#include "p2p/wire/consensus_messages.hpp"
#include "wire_support.hpp"

namespace qtm::p2p {
namespace {

using testing::make_block;
using testing::make_transfer;

chain::Vote small_vote(std::uint32_t validator, std::optional<Hash32> block) {
    return chain::Vote{chain::VoteType::kPrecommit, 5, 1, block, validator, Bytes{1, 2, 3}};
}

ProposalMessage sample_proposal() {
    chain::Block block =
        make_block(9, Hash32{0x01}, {make_transfer(1, 0, true), make_transfer(1, 1)});
    auto evidence = chain::make_evidence(small_vote(2, Hash32{0xaa}), small_vote(2, Hash32{0xbb}));
    block.evidence = {*evidence};
    block.header.evidence_root = chain::evidence_root(block.evidence);
    chain::Proposal proposal{9,    0, std::nullopt, chain::block_hash(block.header),
                             1234, 1, Bytes{9, 9}};
    return make_proposal_message(proposal, block);
}

Result<ConsensusMessage, WireError> decode(const ChannelMessage& m) {
    EXPECT_EQ(m.channel, Channel::kConsensus);
    return decode_consensus_message(m.type, m.payload);
}

TEST(WireConsensus, ProposalRoundTripsAndCarriesHashesNotTransactions) {
    const ProposalMessage message = sample_proposal();
    ASSERT_EQ(message.transaction_hashes.size(), 2u);
    const ChannelMessage encoded = encode_consensus_message(message);
    EXPECT_EQ(encoded.type, 0);
    auto decoded = decode(encoded);
    ASSERT_TRUE(decoded) << to_string(decoded.error());
    EXPECT_EQ(std::get<ProposalMessage>(*decoded), message);
    // Each hash costs 33 bytes; each transfer is thousands.
    const Bytes transaction = chain::encode(make_transfer(1, 1));
    EXPECT_GT(transaction.size(), 3000u);
    EXPECT_LT(encoded.payload.size(), chain::encode_header(message.header).size() + 4800 +
                                          chain::kMaxEvidenceBytes + 2 * 33 + 16);
}

TEST(WireConsensus, ProposalGoldenBytes) {
    ProposalMessage message;
    message.header.number = 3;
    message.proposal =
        chain::Proposal{3, 0, std::nullopt, chain::block_hash(message.header), 7, 0, Bytes{0xab}};
    message.transaction_hashes = {testing::filled(0x11)};
    const Bytes header = chain::encode_header(message.header);
    // [proposal, header, [], [hash]]: the proposal is rlp([3, 0, 0, hash, 7, 0, 0xab]).
    const Bytes proposal =
        *from_hex("0xe8038080a0" + to_hex(message.proposal.block_hash, false) + "078081ab");
    EXPECT_EQ(chain::encode_proposal(message.proposal), proposal);
    Bytes inner = proposal;
    inner.insert(inner.end(), header.begin(), header.end());
    const Bytes tail =
        *from_hex("0xc0e1a01111111111111111111111111111111111111111111111111111111111111111");
    inner.insert(inner.end(), tail.begin(), tail.end());
    Bytes expected = *from_hex("0xf9");
    expected.push_back(static_cast<std::uint8_t>(inner.size() >> 8));
    expected.push_back(static_cast<std::uint8_t>(inner.size()));
    expected.insert(expected.end(), inner.begin(), inner.end());
    EXPECT_EQ(encode_proposal_message(message), expected);
}

TEST(WireConsensus, VoteEvidenceCertificateUseTheChainEncodings) {
    const chain::Vote vote = small_vote(3, testing::filled(0xab));
    const ChannelMessage vote_message = encode_consensus_message(vote);
    EXPECT_EQ(vote_message.type, 1);
    // Golden bytes of docs/protocol.md ("Consensus messages").
    EXPECT_EQ(
        to_hex(vote_message.payload, false),
        "e9020501a0abababababababababababababababababababababababababababababababab0383010203");
    EXPECT_EQ(std::get<chain::Vote>(*decode(vote_message)), vote);

    const auto evidence =
        *chain::make_evidence(small_vote(2, Hash32{0xbb}), small_vote(2, std::nullopt));
    const ChannelMessage evidence_message = encode_consensus_message(evidence);
    EXPECT_EQ(evidence_message.type, 2);
    EXPECT_EQ(evidence_message.payload, chain::encode_evidence(evidence));
    EXPECT_EQ(std::get<chain::DuplicateVoteEvidence>(*decode(evidence_message)), evidence);

    chain::CommitCertificate certificate{7, 0, testing::filled(0x22), {}, {}};
    for (const std::size_t i : {std::size_t{0}, std::size_t{2}, std::size_t{9}})
        chain::bitmap_set(certificate.signer_bitmap, i);
    certificate.signatures = {Bytes{0xaa, 0xbb}, Bytes{0xcc}, Bytes{0x00}};
    const ChannelMessage certificate_message = encode_consensus_message(certificate);
    EXPECT_EQ(certificate_message.type, 3);
    EXPECT_EQ(to_hex(certificate_message.payload, false),
              "ed0780a02222222222222222222222222222222222222222222222222222222222222222820502c682aa"
              "bb81cc00");
    EXPECT_EQ(std::get<chain::CommitCertificate>(*decode(certificate_message)), certificate);
}

TEST(WireConsensus, EveryTruncationIsRefusedAsMalformed) {
    for (const ChannelMessage& m : {encode_consensus_message(sample_proposal()),
                                    encode_consensus_message(small_vote(1, Hash32{1})),
                                    encode_consensus_message(*chain::make_evidence(
                                        small_vote(2, Hash32{1}), small_vote(2, Hash32{2})))}) {
        for (std::size_t n = 0; n < m.payload.size(); ++n) {
            auto decoded = decode_consensus_message(m.type, ByteView{m.payload}.first(n));
            ASSERT_FALSE(decoded) << "type " << int(m.type) << " prefix " << n;
            EXPECT_EQ(decoded.error(), WireError::kMalformedRlp) << "prefix " << n;
            EXPECT_TRUE(peer_is_to_blame(decoded.error()));
        }
    }
}

TEST(WireConsensus, OversizedIsRefusedBeforeDecoding) {
    const Bytes huge_proposal(kMaxProposalMessageBytes + 1, 0xc0);
    EXPECT_EQ(decode_consensus_message(0, huge_proposal).error(), WireError::kOversized);
    EXPECT_EQ(decode_consensus_message(1, Bytes(chain::kMaxVoteBytes + 1, 0)).error(),
              WireError::kOversized);
    EXPECT_EQ(decode_consensus_message(2, Bytes(chain::kMaxEvidenceBytes + 1, 0)).error(),
              WireError::kOversized);
    EXPECT_EQ(decode_consensus_message(3, Bytes(kMaxCertificateMessageBytes + 1, 0)).error(),
              WireError::kOversized);
    EXPECT_EQ(offence_of(WireError::kOversized), Offence::kInvalidMessage);
}

TEST(WireConsensus, NonCanonicalAndWrongShapesAreRefused) {
    const Bytes good = encode_proposal_message(sample_proposal());
    // A trailing byte.
    Bytes trailing = good;
    trailing.push_back(0);
    EXPECT_EQ(decode_proposal_message(trailing).error(), WireError::kMalformedRlp);
    // An extra field inside the list.
    const rlp::Header header = *rlp::decode_header(good);
    Bytes extra_payload = to_bytes(ByteView{good}.subspan(header.header_size, header.payload_size));
    extra_payload.push_back(0x80);
    EXPECT_EQ(decode_proposal_message(rlp::encode_list(extra_payload)).error(),
              WireError::kWrongShape);
    // A long-form header for a short list (non-canonical size).
    EXPECT_EQ(decode_consensus_message(1, *from_hex("0xf800")).error(), WireError::kMalformedRlp);
    // A vote with an unknown vote type.
    chain::Vote vote = small_vote(1, Hash32{1});
    Bytes vote_bytes = chain::encode_vote(vote);
    vote_bytes[1] = 0x03;
    EXPECT_EQ(decode_consensus_message(1, vote_bytes).error(), WireError::kBadField);
    // Evidence out of canonical order.
    const auto evidence = *chain::make_evidence(small_vote(2, Hash32{1}), small_vote(2, Hash32{2}));
    Bytes swapped = chain::encode_vote(evidence.vote_b);
    const Bytes a = chain::encode_vote(evidence.vote_a);
    swapped.insert(swapped.end(), a.begin(), a.end());
    EXPECT_EQ(decode_consensus_message(2, rlp::encode_list(swapped)).error(),
              WireError::kNotCanonical);
}

TEST(WireConsensus, ProposalMustNameItsHeaderAndBoundItsLists) {
    ProposalMessage message = sample_proposal();
    message.proposal.block_hash = Hash32{0x77};
    EXPECT_EQ(decode_proposal_message(encode_proposal_message(message)).error(),
              WireError::kProposalMismatch);
    message = sample_proposal();
    message.proposal.height += 1;
    EXPECT_EQ(decode_proposal_message(encode_proposal_message(message)).error(),
              WireError::kProposalMismatch);
    message = sample_proposal();
    message.evidence.assign(chain::kMaxEvidencePerBlock + 1, message.evidence.front());
    EXPECT_EQ(decode_proposal_message(encode_proposal_message(message)).error(),
              WireError::kTooManyItems);
    message = sample_proposal();
    message.transaction_hashes.assign(kMaxCompactTransactions + 1, Hash32{3});
    EXPECT_EQ(decode_proposal_message(encode_proposal_message(message)).error(),
              WireError::kTooManyItems);
    // The same transaction twice (not side by side): the peer is to blame.
    message = sample_proposal();
    message.transaction_hashes.push_back(message.transaction_hashes.front());
    auto duplicate = decode_proposal_message(encode_proposal_message(message));
    ASSERT_FALSE(duplicate.has_value());
    EXPECT_EQ(duplicate.error(), WireError::kDuplicateItem);
    EXPECT_TRUE(peer_is_to_blame(duplicate.error()));
    // A hash of 31 bytes.
    message = sample_proposal();
    Bytes payload = chain::encode_proposal(message.proposal);
    const Bytes header = chain::encode_header(message.header);
    payload.insert(payload.end(), header.begin(), header.end());
    rlp::append_list(payload, ByteView{});
    rlp::append_list(payload, rlp::encode_string(Bytes(31, 1)));
    EXPECT_EQ(decode_proposal_message(rlp::encode_list(payload)).error(), WireError::kBadField);
}

TEST(WireConsensus, UnknownTypeIsIgnoredNotBlamed) {
    auto decoded = decode_consensus_message(9, Bytes{0xc0});
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error(), WireError::kUnknownType);
    EXPECT_FALSE(peer_is_to_blame(decoded.error()));
}

}  // namespace
}  // namespace qtm::p2p
