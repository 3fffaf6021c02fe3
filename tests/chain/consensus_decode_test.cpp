// Consensus decoders: every malformed, oversized, non-canonical and out-of-range input is
// rejected with its own ConsensusDecodeError; random messages round-trip; whatever decodes
// re-encodes to the same bytes.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "chain/consensus/types.hpp"
#include "codec/rlp.hpp"

namespace qtm::chain {
namespace {

using E = ConsensusDecodeError;

Bytes uint_item(std::uint64_t value) {
    return rlp::encode_uint(value);
}
Bytes string_item(std::size_t size, std::uint8_t byte = 0xab) {
    return rlp::encode_string(Bytes(size, byte));
}
Bytes raw(std::initializer_list<std::uint8_t> bytes) {
    return Bytes(bytes);
}
Bytes list(const std::vector<Bytes>& items) {
    Bytes payload;
    for (const Bytes& item : items)
        payload.insert(payload.end(), item.begin(), item.end());
    return rlp::encode_list(payload);
}

// [type, height, round, block_hash, validator_index, signature] with one field replaced.
std::vector<Bytes> vote_fields() {
    return {uint_item(2),    uint_item(5), uint_item(1),
            string_item(32), uint_item(3), string_item(10)};
}
Bytes vote_with(std::size_t field, Bytes item) {
    auto fields = vote_fields();
    fields[field] = std::move(item);
    return list(fields);
}

template <class R>
E error_of(const R& result) {
    EXPECT_FALSE(result.has_value());
    return result ? E::kNotCanonical : result.error();
}

TEST(ConsensusDecodeVote, RlpFormsThatAreNotCanonical) {
    const Bytes good = list(vote_fields());
    ASSERT_TRUE(decode_vote(good).has_value());
    EXPECT_EQ(error_of(decode_vote({})), E::kMalformedRlp);
    Bytes trailing = good;
    trailing.push_back(0x00);
    EXPECT_EQ(error_of(decode_vote(trailing)), E::kMalformedRlp);
    Bytes truncated = good;
    truncated.pop_back();
    EXPECT_EQ(error_of(decode_vote(truncated)), E::kMalformedRlp);
    // The short list c6... written in the long form f806...
    EXPECT_EQ(error_of(decode_vote(raw({0xf8, 0x06, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80}))),
              E::kMalformedRlp);
    EXPECT_EQ(error_of(decode_vote(vote_with(1, raw({0x82, 0x00, 0x05})))), E::kMalformedRlp);
    EXPECT_EQ(error_of(decode_vote(vote_with(1, raw({0x81, 0x05})))), E::kMalformedRlp);
    EXPECT_EQ(error_of(decode_vote(vote_with(0, raw({0x00})))), E::kMalformedRlp);  // 0 is 0x80
}

TEST(ConsensusDecodeVote, WrongShapes) {
    EXPECT_EQ(error_of(decode_vote(string_item(20))), E::kWrongShape);  // a string, no list
    auto fields = vote_fields();
    fields.pop_back();
    EXPECT_EQ(error_of(decode_vote(list(fields))), E::kWrongShape);  // five fields
    fields = vote_fields();
    fields.push_back(uint_item(0));
    EXPECT_EQ(error_of(decode_vote(list(fields))), E::kWrongShape);  // seven fields
    EXPECT_EQ(error_of(decode_vote(vote_with(0, list({})))), E::kWrongShape);
    EXPECT_EQ(error_of(decode_vote(vote_with(3, list({string_item(32)})))), E::kWrongShape);
    EXPECT_EQ(error_of(decode_vote(vote_with(5, list({})))), E::kWrongShape);
    EXPECT_EQ(error_of(decode_vote(list({}))), E::kWrongShape);
}

TEST(ConsensusDecodeVote, FieldsOutOfRange) {
    for (const std::uint64_t type : {0U, 3U, 32U, 256U}) {
        EXPECT_EQ(error_of(decode_vote(vote_with(0, uint_item(type)))), E::kBadField) << type;
    }
    EXPECT_TRUE(decode_vote(vote_with(0, uint_item(1))).has_value());
    EXPECT_EQ(error_of(decode_vote(vote_with(1, string_item(9, 0x01)))), E::kBadField);  // 2^64+
    EXPECT_TRUE(decode_vote(vote_with(1, uint_item(~std::uint64_t{0}))).has_value());
    EXPECT_EQ(error_of(decode_vote(vote_with(2, uint_item(std::uint64_t{1} << 32)))), E::kBadField);
    EXPECT_TRUE(decode_vote(vote_with(2, uint_item(0xffffffff))).has_value());
    EXPECT_EQ(error_of(decode_vote(vote_with(3, string_item(31)))), E::kBadField);
    EXPECT_EQ(error_of(decode_vote(vote_with(3, string_item(33)))), E::kBadField);
    EXPECT_EQ(decode_vote(vote_with(3, string_item(0)))->block_hash, std::nullopt);
    EXPECT_EQ(error_of(decode_vote(vote_with(4, uint_item(kMaxValidators)))), E::kBadField);
    EXPECT_TRUE(decode_vote(vote_with(4, uint_item(kMaxValidators - 1))).has_value());
    EXPECT_EQ(error_of(decode_vote(vote_with(5, string_item(kMaxSignatureBytes + 1)))),
              E::kBadField);
    EXPECT_TRUE(decode_vote(vote_with(5, string_item(kMaxSignatureBytes))).has_value());
}

TEST(ConsensusDecodeVote, SizeBoundComesFirst) {
    // Garbage over the bound is kOversized before anything is parsed.
    EXPECT_EQ(error_of(decode_vote(Bytes(kMaxVoteBytes + 1, 0xff))), E::kOversized);
    EXPECT_EQ(error_of(decode_vote(Bytes(kMaxVoteBytes, 0xff))), E::kMalformedRlp);
    // A largest possible vote (ML-DSA-87 signature, widest integers) fits the bound.
    const Vote largest{VoteType::kPrecommit, ~std::uint64_t{0},
                       0xffffffff,           Hash32{},
                       kMaxValidators - 1,   Bytes(kMaxSignatureBytes, 0xee)};
    EXPECT_LE(encode_vote(largest).size(), kMaxVoteBytes);
    EXPECT_EQ(*decode_vote(encode_vote(largest)), largest);
}

// [height, round, pol_round + 1, block_hash, timestamp_ms, proposer_index, signature]
Bytes proposal_with(std::size_t field, Bytes item) {
    std::vector<Bytes> fields = {uint_item(4),    uint_item(2), uint_item(0),   string_item(32),
                                 uint_item(1000), uint_item(1), string_item(10)};
    fields[field] = std::move(item);
    return list(fields);
}

TEST(ConsensusDecodeProposal, RejectsEachBadForm) {
    ASSERT_TRUE(decode_proposal(proposal_with(0, uint_item(4))).has_value());
    EXPECT_EQ(error_of(decode_proposal(Bytes(kMaxProposalBytes + 1, 0xc0))), E::kOversized);
    // The proof-of-lock round must be below the round: pol_round + 1 <= round.
    EXPECT_EQ(decode_proposal(proposal_with(2, uint_item(2)))->pol_round, 1U);
    EXPECT_EQ(error_of(decode_proposal(proposal_with(2, uint_item(3)))), E::kBadField);
    EXPECT_EQ(decode_proposal(proposal_with(2, uint_item(0)))->pol_round, std::nullopt);
    EXPECT_EQ(error_of(decode_proposal(proposal_with(3, string_item(0)))), E::kBadField);  // nil
    EXPECT_EQ(error_of(decode_proposal(proposal_with(3, string_item(20)))), E::kBadField);
    EXPECT_EQ(error_of(decode_proposal(proposal_with(5, uint_item(kMaxValidators)))), E::kBadField);
    EXPECT_EQ(error_of(decode_proposal(proposal_with(1, uint_item(std::uint64_t{1} << 32)))),
              E::kBadField);
    EXPECT_EQ(error_of(decode_proposal(proposal_with(6, list({})))), E::kWrongShape);
    EXPECT_EQ(error_of(decode_proposal(proposal_with(4, raw({0x82, 0x00, 0x01})))),
              E::kMalformedRlp);
    EXPECT_EQ(error_of(decode_proposal(list({uint_item(4), uint_item(2)}))), E::kWrongShape);
    Bytes trailing = proposal_with(0, uint_item(4));
    trailing.push_back(0x80);
    EXPECT_EQ(error_of(decode_proposal(trailing)), E::kMalformedRlp);
    const Proposal largest{~std::uint64_t{0},
                           0xffffffff,
                           0xfffffffe,
                           Hash32{},
                           ~std::uint64_t{0},
                           kMaxValidators - 1,
                           Bytes(kMaxSignatureBytes, 0xee)};
    EXPECT_LE(encode_proposal(largest).size(), kMaxProposalBytes);
    EXPECT_EQ(*decode_proposal(encode_proposal(largest)), largest);
}

// [height, round, block_hash, signer_bitmap, [signature, ...]]
Bytes certificate_with(Bytes bitmap, std::vector<Bytes> signatures) {
    return list({uint_item(7), uint_item(0), string_item(32), rlp::encode_string(bitmap),
                 list(signatures)});
}

TEST(ConsensusDecodeCertificate, RejectsEachBadForm) {
    ASSERT_TRUE(decode_certificate(certificate_with({0x05}, {string_item(3), string_item(3)})));
    // One signature per bit set, no more and no fewer.
    EXPECT_EQ(error_of(decode_certificate(certificate_with({0x05}, {string_item(3)}))),
              E::kBadField);
    EXPECT_EQ(error_of(decode_certificate(
                  certificate_with({0x05}, {string_item(3), string_item(3), string_item(3)}))),
              E::kBadField);
    EXPECT_EQ(error_of(decode_certificate(certificate_with({}, {string_item(3)}))), E::kBadField);
    EXPECT_TRUE(decode_certificate(certificate_with({}, {})).has_value());  // verify: no quorum
    // A bitmap longer than kMaxValidators bits.
    Bytes wide(bitmap_bytes(kMaxValidators) + 1, 0);
    EXPECT_EQ(error_of(decode_certificate(certificate_with(wide, {}))), E::kBadField);
    wide.pop_back();
    EXPECT_TRUE(decode_certificate(certificate_with(wide, {})).has_value());
    EXPECT_EQ(error_of(decode_certificate(
                  certificate_with({0x01}, {string_item(kMaxSignatureBytes + 1)}))),
              E::kBadField);
    EXPECT_EQ(error_of(decode_certificate(certificate_with({0x01}, {list({})}))), E::kWrongShape);
    // The signature list given as a string.
    EXPECT_EQ(error_of(decode_certificate(list({uint_item(7), uint_item(0), string_item(32),
                                                rlp::encode_string(Bytes{0x01}), string_item(3)}))),
              E::kWrongShape);
    EXPECT_EQ(error_of(decode_certificate(list(
                  {uint_item(7), uint_item(0), string_item(32), rlp::encode_string(Bytes{})}))),
              E::kWrongShape);
    EXPECT_EQ(error_of(decode_certificate(list({uint_item(7), uint_item(0), string_item(0),
                                                rlp::encode_string(Bytes{}), list({})}))),
              E::kBadField);  // a nil block hash
    Bytes trailing = certificate_with({}, {});
    trailing.push_back(0x01);
    EXPECT_EQ(error_of(decode_certificate(trailing)), E::kMalformedRlp);
    EXPECT_EQ(error_of(decode_certificate(Bytes(kMaxCertificateBytes + 1, 0x00))), E::kOversized);
}

TEST(ConsensusDecodeCertificate, TheBoundHoldsTheLargestCertificate) {
    CommitCertificate largest{~std::uint64_t{0}, 0xffffffff, Hash32{}, {}, {}};
    largest.signer_bitmap.assign(bitmap_bytes(kMaxValidators), 0xff);
    largest.signatures.assign(kMaxValidators, Bytes(kMaxSignatureBytes, 0x5a));
    const Bytes encoded = encode_certificate(largest);
    EXPECT_LE(encoded.size(), kMaxCertificateBytes);
    const auto decoded = decode_certificate(encoded);
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(decoded->signatures.size(), kMaxValidators);
}

TEST(ConsensusDecodeEvidence, RejectsEachBadForm) {
    const Bytes nil_vote = vote_with(3, string_item(0));
    const Bytes low = vote_with(3, string_item(32, 0x01));
    const Bytes high = vote_with(3, string_item(32, 0x02));
    ASSERT_TRUE(decode_evidence(list({nil_vote, low})).has_value());
    ASSERT_TRUE(decode_evidence(list({low, high})).has_value());
    EXPECT_EQ(error_of(decode_evidence(list({high, low}))), E::kNotCanonical);
    EXPECT_EQ(error_of(decode_evidence(list({low, nil_vote}))), E::kNotCanonical);
    // Equal blocks decode (one encoding still); verify_evidence calls them not conflicting.
    EXPECT_TRUE(decode_evidence(list({low, low})).has_value());
    EXPECT_EQ(error_of(decode_evidence(list({low}))), E::kWrongShape);
    EXPECT_EQ(error_of(decode_evidence(list({low, high, high}))), E::kWrongShape);
    EXPECT_EQ(error_of(decode_evidence(list({low, string_item(40)}))), E::kWrongShape);
    EXPECT_EQ(error_of(decode_evidence(list({low, vote_with(0, uint_item(7))}))), E::kBadField);
    EXPECT_EQ(error_of(decode_evidence(list({vote_with(1, raw({0x81, 0x01})), high}))),
              E::kMalformedRlp);
    EXPECT_EQ(error_of(decode_evidence(Bytes(kMaxEvidenceBytes + 1, 0xc0))), E::kOversized);
    Bytes trailing = list({low, high});
    trailing.push_back(0xc0);
    EXPECT_EQ(error_of(decode_evidence(trailing)), E::kMalformedRlp);
}

TEST(ConsensusDecodeErrors, EachHasAMessage) {
    for (const E error :
         {E::kOversized, E::kMalformedRlp, E::kWrongShape, E::kBadField, E::kNotCanonical}) {
        EXPECT_NE(to_string(error), "invalid");
    }
}

// --- properties -----------------------------------------------------------------------

Vote random_vote() {
    Vote vote;
    vote.type = *rc::gen::element(VoteType::kPrevote, VoteType::kPrecommit);
    vote.height = *rc::gen::arbitrary<std::uint64_t>();
    vote.round = *rc::gen::arbitrary<std::uint32_t>();
    if (*rc::gen::arbitrary<bool>()) vote.block_hash = *rc::gen::arbitrary<Hash32>();
    vote.validator_index = *rc::gen::inRange<std::uint32_t>(0, kMaxValidators);
    vote.signature = *rc::gen::container<Bytes>(*rc::gen::inRange<std::size_t>(0, 200),
                                                rc::gen::arbitrary<std::uint8_t>());
    return vote;
}

TEST(ConsensusDecodeProperties, RandomMessagesRoundTrip) {
    EXPECT_TRUE(rc::check("votes", [] {
        const Vote vote = random_vote();
        RC_ASSERT(*decode_vote(encode_vote(vote)) == vote);
    }));
    EXPECT_TRUE(rc::check("proposals", [] {
        Proposal proposal;
        proposal.height = *rc::gen::arbitrary<std::uint64_t>();
        proposal.round = *rc::gen::arbitrary<std::uint32_t>();
        if (proposal.round > 0 && *rc::gen::arbitrary<bool>()) {
            proposal.pol_round = *rc::gen::inRange<std::uint32_t>(0, proposal.round);
        }
        proposal.block_hash = *rc::gen::arbitrary<Hash32>();
        proposal.timestamp_ms = *rc::gen::arbitrary<std::uint64_t>();
        proposal.proposer_index = *rc::gen::inRange<std::uint32_t>(0, kMaxValidators);
        proposal.signature = *rc::gen::arbitrary<Bytes>();
        RC_ASSERT(*decode_proposal(encode_proposal(proposal)) == proposal);
    }));
    EXPECT_TRUE(rc::check("certificates", [] {
        CommitCertificate certificate;
        certificate.height = *rc::gen::arbitrary<std::uint64_t>();
        certificate.round = *rc::gen::arbitrary<std::uint32_t>();
        certificate.block_hash = *rc::gen::arbitrary<Hash32>();
        const auto n = *rc::gen::inRange<std::size_t>(0, 300);
        certificate.signer_bitmap.assign(bitmap_bytes(n), 0);
        for (std::size_t i = 0; i < n; ++i) {
            if (*rc::gen::arbitrary<bool>()) {
                bitmap_set(certificate.signer_bitmap, i);
                certificate.signatures.push_back(*rc::gen::container<Bytes>(
                    *rc::gen::inRange<std::size_t>(0, 60), rc::gen::arbitrary<std::uint8_t>()));
            }
        }
        RC_ASSERT(*decode_certificate(encode_certificate(certificate)) == certificate);
    }));
    EXPECT_TRUE(rc::check("evidence", [] {
        Vote a = random_vote();
        Vote b = a;
        b.block_hash = *rc::gen::arbitrary<Hash32>();
        b.signature = *rc::gen::arbitrary<Bytes>();
        RC_PRE(a.block_hash != b.block_hash);
        const auto evidence = make_evidence(a, b);
        RC_ASSERT(evidence.has_value());
        RC_ASSERT(make_evidence(b, a) == evidence);  // either order, one result
        RC_ASSERT(*decode_evidence(encode_evidence(*evidence)) == *evidence);
    }));
}

TEST(ConsensusDecodeProperties, WhateverDecodesReEncodesToItself) {
    // Mutate valid encodings (more likely to stay near the format than random bytes).
    EXPECT_TRUE(rc::check("mutated votes", [] {
        Bytes encoded = encode_vote(random_vote());
        const auto position = *rc::gen::inRange<std::size_t>(0, encoded.size());
        encoded[position] = *rc::gen::arbitrary<std::uint8_t>();
        const auto decoded = decode_vote(encoded);
        if (decoded) RC_ASSERT(encode_vote(*decoded) == encoded);
    }));
    EXPECT_TRUE(rc::check("mutated evidence", [] {
        Vote a = random_vote();
        Vote b = a;
        b.block_hash = *rc::gen::arbitrary<Hash32>();
        RC_PRE(a.block_hash != b.block_hash);
        Bytes encoded = encode_evidence(*make_evidence(a, b));
        const auto position = *rc::gen::inRange<std::size_t>(0, encoded.size());
        encoded[position] = *rc::gen::arbitrary<std::uint8_t>();
        const auto decoded = decode_evidence(encoded);
        if (decoded) RC_ASSERT(encode_evidence(*decoded) == encoded);
    }));
}

}  // namespace
}  // namespace qtm::chain
