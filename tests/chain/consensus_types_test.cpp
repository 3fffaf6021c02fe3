// Consensus wire types: golden encodings written by hand from docs/protocol.md
// ("Consensus messages"), round trips, and rejection of every malformed form with its error.
#include "chain/consensus/types.hpp"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <string>

#include "base/hex.hpp"
#include "codec/rlp.hpp"

namespace qtm::chain {
namespace {

Bytes hex(std::string_view text) {
    return *from_hex(text);
}

std::string repeat(std::string_view byte, std::size_t times) {
    std::string out;
    for (std::size_t i = 0; i < times; ++i)
        out += byte;
    return out;
}

Hash32 filled(std::uint8_t byte) {
    Hash32 hash;
    hash.fill(byte);
    return hash;
}

// --- golden encodings -----------------------------------------------------------------

TEST(ConsensusGolden, Vote) {
    const Vote vote{VoteType::kPrecommit, 5, 1, filled(0xab), 3, {0x01, 0x02, 0x03}};
    // 41-byte payload: 02 | 05 | 01 | a0 + 32 x ab | 03 | 83 010203
    const Bytes expected = hex("e9020501a0" + repeat("ab", 32) + "0383010203");
    EXPECT_EQ(encode_vote(vote), expected);
    EXPECT_EQ(*decode_vote(expected), vote);
}

TEST(ConsensusGolden, NilVoteAtZero) {
    const Vote vote{VoteType::kPrevote, 0, 0, std::nullopt, 0, {}};
    EXPECT_EQ(encode_vote(vote), hex("c6018080808080"));
    EXPECT_EQ(*decode_vote(hex("c6018080808080")), vote);
}

TEST(ConsensusGolden, Proposal) {
    const Proposal proposal{300, 2, 0, filled(0x11), 1700000000000, 200, {0xff}};
    // 49-byte payload: 82012c | 02 | 01 (pol_round 0 + 1) | a0 + 32 x 11 | 86018bcfe56800 |
    // 81c8 | 81ff
    const Bytes expected = hex("f182012c0201a0" + repeat("11", 32) + "86018bcfe5680081c881ff");
    EXPECT_EQ(encode_proposal(proposal), expected);
    EXPECT_EQ(*decode_proposal(expected), proposal);
}

TEST(ConsensusGolden, ProposalWithoutProofOfLock) {
    const Proposal proposal{1, 0, std::nullopt, filled(0x11), 0, 0, {}};
    const Bytes expected = hex("e7018080a0" + repeat("11", 32) + "808080");
    EXPECT_EQ(encode_proposal(proposal), expected);
    EXPECT_EQ(*decode_proposal(expected), proposal);
}

TEST(ConsensusGolden, Certificate) {
    // Ten validators, signers 0, 2 and 9: bitmap bytes 0x05 (bits 0, 2), 0x02 (bit 9 = 8 + 1).
    CommitCertificate certificate{7, 0, filled(0x22), {}, {{0xaa, 0xbb}, {0xcc}, {0x00}}};
    certificate.signer_bitmap.assign(bitmap_bytes(10), 0);
    for (const std::size_t i : {0U, 2U, 9U})
        bitmap_set(certificate.signer_bitmap, i);
    EXPECT_EQ(certificate.signer_bitmap, hex("0502"));
    // 45-byte payload: 07 | 80 | a0 + 32 x 22 | 820502 | c6 82aabb 81cc 00
    const Bytes expected = hex("ed0780a0" + repeat("22", 32) + "820502c682aabb81cc00");
    EXPECT_EQ(encode_certificate(certificate), expected);
    EXPECT_EQ(*decode_certificate(expected), certificate);
}

TEST(ConsensusGolden, Evidence) {
    const Vote nil_vote{VoteType::kPrecommit, 9, 0, std::nullopt, 1, {0x01}};
    const Vote block_vote{VoteType::kPrecommit, 9, 0, filled(0x33), 1, {0x02}};
    const auto evidence = make_evidence(block_vote, nil_vote);
    ASSERT_TRUE(evidence.has_value());
    EXPECT_EQ(evidence->vote_a, nil_vote);  // nil sorts first
    // c6 02 09 80 80 01 01 | e6 02 09 80 a0 + 32 x 33 01 02, in a 46-byte list
    const Bytes expected = hex("eec6020980800101e6020980a0" + repeat("33", 32) + "0102");
    EXPECT_EQ(encode_evidence(*evidence), expected);
    EXPECT_EQ(*decode_evidence(expected), *evidence);
}

TEST(ConsensusGolden, VoteSignBytes) {
    // 72-byte payload, long list form f848: 821e61 (7777) | a0 + 32 x 44 | 02 | 05 | 01 |
    // a0 + 32 x ab
    const Bytes expected = hex("f848821e61a0" + repeat("44", 32) + "020501a0" + repeat("ab", 32));
    const ConsensusDomain domain{7777, filled(0x44)};
    EXPECT_EQ(vote_sign_bytes(domain, VoteType::kPrecommit, 5, 1, filled(0xab)), expected);
    const Vote vote{VoteType::kPrecommit, 5, 1, filled(0xab), 3, {0x09}};
    EXPECT_EQ(vote_sign_bytes(domain, vote), expected);  // index and signature are not signed
    // 40-byte payload: 821e61 | a0 + 32 x 44 | 01 | 80 | 80 | 80 (nil)
    const Bytes nil_expected = hex("e8821e61a0" + repeat("44", 32) + "01808080");
    EXPECT_EQ(vote_sign_bytes(domain, VoteType::kPrevote, 0, 0, std::nullopt), nil_expected);
}

TEST(ConsensusGolden, ProposalSignBytes) {
    // 80-byte payload, f850: 01 | a0 + 32 x 44 | 20 | 82012c | 02 | 01 | a0 + 32 x 11 |
    // 86018bcfe56800
    const Bytes expected =
        hex("f85001a0" + repeat("44", 32) + "2082012c0201a0" + repeat("11", 32) + "86018bcfe56800");
    const Proposal proposal{300, 2, 0, filled(0x11), 1700000000000, 200, {0xff}};
    EXPECT_EQ(proposal_sign_bytes(ConsensusDomain{1, filled(0x44)}, proposal), expected);
}

// --- sign bytes bind the domain -------------------------------------------------------

TEST(ConsensusSignBytes, EveryBoundFieldChangesThem) {
    const ConsensusDomain domain{7777, filled(0x44)};
    const Bytes base = vote_sign_bytes(domain, VoteType::kPrevote, 5, 1, filled(0xab));
    const std::vector<Bytes> others = {
        vote_sign_bytes({7778, filled(0x44)}, VoteType::kPrevote, 5, 1, filled(0xab)),
        vote_sign_bytes({7777, filled(0x45)}, VoteType::kPrevote, 5, 1, filled(0xab)),
        vote_sign_bytes(domain, VoteType::kPrecommit, 5, 1, filled(0xab)),
        vote_sign_bytes(domain, VoteType::kPrevote, 6, 1, filled(0xab)),
        vote_sign_bytes(domain, VoteType::kPrevote, 5, 2, filled(0xab)),
        vote_sign_bytes(domain, VoteType::kPrevote, 5, 1, filled(0xac)),
        vote_sign_bytes(domain, VoteType::kPrevote, 5, 1, std::nullopt),
    };
    for (std::size_t i = 0; i < others.size(); ++i)
        EXPECT_NE(others[i], base) << i;

    const Proposal proposal{5, 1, std::nullopt, filled(0xab), 1000, 0, {}};
    const Bytes proposal_base = proposal_sign_bytes(domain, proposal);
    EXPECT_NE(proposal_base, base);
    auto changed = [&](auto edit) {
        Proposal other = proposal;
        edit(other);
        return proposal_sign_bytes(domain, other);
    };
    EXPECT_NE(proposal_sign_bytes({7778, filled(0x44)}, proposal), proposal_base);
    EXPECT_NE(proposal_sign_bytes({7777, filled(0x00)}, proposal), proposal_base);
    EXPECT_NE(changed([](Proposal& p) { p.height = 6; }), proposal_base);
    EXPECT_NE(changed([](Proposal& p) { p.round = 2; }), proposal_base);
    EXPECT_NE(changed([](Proposal& p) { p.pol_round = 0; }), proposal_base);
    EXPECT_NE(changed([](Proposal& p) { p.block_hash[0] ^= 1; }), proposal_base);
    EXPECT_NE(changed([](Proposal& p) { p.timestamp_ms = 1001; }), proposal_base);
    // The proposer index and the signature are not part of what is signed.
    EXPECT_EQ(changed([](Proposal& p) { p.proposer_index = 3; }), proposal_base);
}

}  // namespace
}  // namespace qtm::chain
