// Checks of signed consensus messages with real ML-DSA-65 keys: votes, proposals, batches,
// commit certificates (quorum arithmetic with uneven stakes, bitmap rules, one bad signature
// among many) and duplicate-vote evidence, each rejected with its own error.
#include "chain/consensus/verify.hpp"

#include <gtest/gtest.h>

#include <atomic>

#include "consensus_support.hpp"

namespace qtm::chain {
namespace {

using testing::kTestDomain;
using testing::make_test_validators;
using testing::signed_certificate;
using testing::signed_vote;
using testing::TestValidators;

Hash32 filled(std::uint8_t byte) {
    Hash32 hash;
    hash.fill(byte);
    return hash;
}

const ConsensusVerifier& verifier() {
    return mldsa_verifier();
}

const TestValidators& four() {  // powers 1, 2, 3, 3 (total 9)
    static const TestValidators validators = make_test_validators({1, 2, 3, 3});
    return validators;
}

const TestValidators& ten() {  // ten validators of power 1
    static const TestValidators validators =
        make_test_validators(std::vector<std::uint64_t>(10, 1));
    return validators;
}

ConsensusCheckError error_of(const Result<void, ConsensusCheckError>& result) {
    EXPECT_FALSE(result.has_value());
    return result ? ConsensusCheckError::kWrongHeight : result.error();
}

// --- votes and proposals --------------------------------------------------------------

TEST(ConsensusVerifyVote, AcceptsASignedVoteAndRejectsEveryAlteration) {
    const TestValidators& v = four();
    const Vote vote = signed_vote(v, 2, VoteType::kPrevote, 5, 1, filled(0xab));
    EXPECT_TRUE(verify_vote(vote, v.set, kTestDomain, verifier()).has_value());
    const Vote nil_vote = signed_vote(v, 1, VoteType::kPrecommit, 5, 1, std::nullopt);
    EXPECT_TRUE(verify_vote(nil_vote, v.set, kTestDomain, verifier()).has_value());

    auto altered = [&](auto edit) {
        Vote other = vote;
        edit(other);
        return verify_vote(other, v.set, kTestDomain, verifier());
    };
    EXPECT_EQ(error_of(altered([](Vote& x) { x.type = VoteType::kPrecommit; })),
              ConsensusCheckError::kBadSignature);
    EXPECT_EQ(error_of(altered([](Vote& x) { x.height = 6; })), ConsensusCheckError::kBadSignature);
    EXPECT_EQ(error_of(altered([](Vote& x) { x.round = 0; })), ConsensusCheckError::kBadSignature);
    EXPECT_EQ(error_of(altered([](Vote& x) { x.block_hash = std::nullopt; })),
              ConsensusCheckError::kBadSignature);
    EXPECT_EQ(error_of(altered([](Vote& x) { x.validator_index = 3; })),  // another's key
              ConsensusCheckError::kBadSignature);
    EXPECT_EQ(error_of(altered([](Vote& x) { x.signature.pop_back(); })),
              ConsensusCheckError::kBadSignature);
    EXPECT_EQ(error_of(altered([](Vote& x) { x.signature[100] ^= 1; })),
              ConsensusCheckError::kBadSignature);
    EXPECT_EQ(error_of(altered([](Vote& x) { x.signature.clear(); })),
              ConsensusCheckError::kBadSignature);
    EXPECT_EQ(error_of(altered([](Vote& x) { x.validator_index = 4; })),
              ConsensusCheckError::kUnknownValidator);
}

TEST(ConsensusVerifyVote, NeverValidOnAnotherChain) {
    // The built-in specs share validator keys: the chain id alone or the genesis hash alone
    // must already make the signature invalid.
    const TestValidators& v = four();
    const Vote vote = signed_vote(v, 0, VoteType::kPrecommit, 5, 0, filled(0xab));
    EXPECT_EQ(error_of(verify_vote(vote, v.set, {7778, kTestDomain.genesis_hash}, verifier())),
              ConsensusCheckError::kBadSignature);
    EXPECT_EQ(error_of(verify_vote(vote, v.set, {kTestDomain.chain_id, filled(0x45)}, verifier())),
              ConsensusCheckError::kBadSignature);
}

TEST(ConsensusVerifyVote, SignaturesNeverCrossTheVoteAndProposalContexts) {
    const TestValidators& v = four();
    const ConsensusSigner& signer = *v.signers[0];
    const Validator& key = v.set.at(0);
    const Bytes vote_bytes = vote_sign_bytes(kTestDomain, VoteType::kPrevote, 5, 0, filled(0xab));
    const Bytes vote_signature = signer.sign(vote_bytes, kVoteContext);
    EXPECT_TRUE(
        verifier().verify(key.scheme, key.public_key, vote_bytes, kVoteContext, vote_signature));
    // The same bytes and signature under the proposal context (or a transaction's) fail.
    EXPECT_FALSE(verifier().verify(key.scheme, key.public_key, vote_bytes, kProposalContext,
                                   vote_signature));
    EXPECT_FALSE(
        verifier().verify(key.scheme, key.public_key, vote_bytes, "qtm/tx/v1", vote_signature));
    // A vote whose signature was made under the proposal context is rejected.
    Vote vote{VoteType::kPrevote, 5, 0, filled(0xab), 0, signer.sign(vote_bytes, kProposalContext)};
    EXPECT_EQ(error_of(verify_vote(vote, v.set, kTestDomain, verifier())),
              ConsensusCheckError::kBadSignature);

    Proposal proposal{5, 0, std::nullopt, filled(0xab), 1000, 0, {}};
    const Bytes proposal_bytes = proposal_sign_bytes(kTestDomain, proposal);
    proposal.signature = signer.sign(proposal_bytes, kProposalContext);
    EXPECT_TRUE(verify_proposal(proposal, v.set, kTestDomain, verifier()).has_value());
    Proposal as_vote = proposal;
    as_vote.signature = signer.sign(proposal_bytes, kVoteContext);
    EXPECT_EQ(error_of(verify_proposal(as_vote, v.set, kTestDomain, verifier())),
              ConsensusCheckError::kBadSignature);
    Proposal with_vote_signature = proposal;
    with_vote_signature.signature = vote_signature;
    EXPECT_EQ(error_of(verify_proposal(with_vote_signature, v.set, kTestDomain, verifier())),
              ConsensusCheckError::kBadSignature);
}

TEST(ConsensusVerifyProposal, RejectsAlterationsUnknownProposersAndOtherChains) {
    const TestValidators& v = four();
    Proposal proposal{8, 3, 1, filled(0x11), 123456, 2, {}};
    proposal.signature =
        v.signers[2]->sign(proposal_sign_bytes(kTestDomain, proposal), kProposalContext);
    EXPECT_TRUE(verify_proposal(proposal, v.set, kTestDomain, verifier()).has_value());
    EXPECT_EQ(error_of(verify_proposal(proposal, v.set, {1, kTestDomain.genesis_hash}, verifier())),
              ConsensusCheckError::kBadSignature);
    for (int field = 0; field < 6; ++field) {
        Proposal other = proposal;
        switch (field) {
            case 0:
                other.height = 9;
                break;
            case 1:
                other.round = 4;
                break;
            case 2:
                other.pol_round = std::nullopt;
                break;
            case 3:
                other.block_hash[31] ^= 1;
                break;
            case 4:
                other.timestamp_ms += 1;
                break;
            default:
                other.proposer_index = 3;
                break;
        }
        EXPECT_EQ(error_of(verify_proposal(other, v.set, kTestDomain, verifier())),
                  ConsensusCheckError::kBadSignature)
            << field;
    }
    Proposal unknown = proposal;
    unknown.proposer_index = 4;
    EXPECT_EQ(error_of(verify_proposal(unknown, v.set, kTestDomain, verifier())),
              ConsensusCheckError::kUnknownValidator);
}

TEST(ConsensusVerifyVotes, OneAnswerPerVoteInOrder) {
    const TestValidators& v = ten();
    std::vector<Vote> votes;
    for (std::uint32_t i = 0; i < 10; ++i) {
        votes.push_back(signed_vote(v, i, VoteType::kPrevote, 3, 0, filled(0x77)));
    }
    votes[3].signature[0] ^= 1;
    votes[6].validator_index = 10;
    votes[8].round = 1;
    WorkerPool two{2};
    WorkerPool caller_only{WorkerPool::CallerOnly{}};
    for (WorkerPool* pool : {&two, &caller_only}) {
        const auto results = verify_votes(votes, v.set, kTestDomain, verifier(), *pool);
        ASSERT_EQ(results.size(), votes.size());
        for (std::size_t i = 0; i < votes.size(); ++i) {
            if (i == 3 || i == 8) {
                EXPECT_EQ(error_of(results[i]), ConsensusCheckError::kBadSignature) << i;
            } else if (i == 6) {
                EXPECT_EQ(error_of(results[i]), ConsensusCheckError::kUnknownValidator);
            } else {
                EXPECT_TRUE(results[i].has_value()) << i;
            }
        }
        EXPECT_TRUE(verify_votes({}, v.set, kTestDomain, verifier(), *pool).empty());
    }
}

// --- certificates ---------------------------------------------------------------------

class ConsensusVerifyCertificate : public ::testing::Test {
protected:
    Result<void, ConsensusCheckError> check(const CommitCertificate& certificate,
                                            const TestValidators& v,
                                            const ConsensusDomain& domain = kTestDomain) {
        return verify_certificate(certificate, v.set, domain, verifier(), pool_);
    }
    WorkerPool pool_{2};
};

TEST_F(ConsensusVerifyCertificate, QuorumIsStrictlyMoreThanTwoThirdsOfStake) {
    // Powers 1, 2, 3, 3 of total 9: signers {1, 2} hold 5, {2, 3} exactly 6 = 2/3 (fails),
    // {0, 2, 3} hold 7 and {1, 2, 3} 8 (pass).
    const TestValidators& v = four();
    const Hash32 block = filled(0xc1);
    EXPECT_EQ(error_of(check(signed_certificate(v, {1, 2}, 4, 0, block), v)),
              ConsensusCheckError::kNoQuorum);
    EXPECT_EQ(error_of(check(signed_certificate(v, {2, 3}, 4, 0, block), v)),
              ConsensusCheckError::kNoQuorum);
    EXPECT_TRUE(check(signed_certificate(v, {0, 2, 3}, 4, 0, block), v).has_value());
    EXPECT_TRUE(check(signed_certificate(v, {1, 2, 3}, 4, 0, block), v).has_value());
    EXPECT_TRUE(check(signed_certificate(v, {0, 1, 2, 3}, 4, 0, block), v).has_value());
    EXPECT_EQ(error_of(check(signed_certificate(v, {}, 4, 0, block), v)),
              ConsensusCheckError::kNoQuorum);
    // Ten equal validators: 6 of 10 fail, 7 pass.
    const TestValidators& t = ten();
    EXPECT_EQ(error_of(check(signed_certificate(t, {0, 1, 2, 3, 4, 5}, 4, 0, block), t)),
              ConsensusCheckError::kNoQuorum);
    EXPECT_TRUE(check(signed_certificate(t, {0, 1, 2, 3, 4, 5, 9}, 4, 0, block), t).has_value());
}

TEST_F(ConsensusVerifyCertificate, BitmapMustFitTheSetExactly) {
    const TestValidators& t = ten();  // ten validators: two bitmap bytes, bits 10..15 unused
    const CommitCertificate good =
        signed_certificate(t, {0, 1, 2, 3, 4, 5, 6, 7, 8}, 4, 0, filled(0xc2));
    ASSERT_TRUE(check(good, t).has_value());
    CommitCertificate longer = good;
    longer.signer_bitmap.push_back(0);
    EXPECT_EQ(error_of(check(longer, t)), ConsensusCheckError::kBadBitmap);
    CommitCertificate shorter = good;
    shorter.signer_bitmap.pop_back();
    EXPECT_EQ(error_of(check(shorter, t)), ConsensusCheckError::kBadBitmap);
    for (const std::size_t beyond : {10U, 15U}) {
        CommitCertificate extra_bit = good;
        bitmap_set(extra_bit.signer_bitmap, beyond);
        extra_bit.signatures.push_back(good.signatures.back());
        EXPECT_EQ(error_of(check(extra_bit, t)), ConsensusCheckError::kBadBitmap) << beyond;
    }
    // Four validators: one byte, bits 4..7 beyond the set.
    const TestValidators& v = four();
    CommitCertificate four_good = signed_certificate(v, {0, 1, 2, 3}, 4, 0, filled(0xc2));
    bitmap_set(four_good.signer_bitmap, 4);
    EXPECT_EQ(error_of(check(four_good, v)), ConsensusCheckError::kBadBitmap);
}

TEST_F(ConsensusVerifyCertificate, SignatureCountMustMatchTheBitmap) {
    const TestValidators& t = ten();
    const CommitCertificate good =
        signed_certificate(t, {0, 2, 4, 5, 6, 7, 8, 9}, 4, 0, filled(0xc3));
    CommitCertificate fewer = good;
    fewer.signatures.pop_back();
    EXPECT_EQ(error_of(check(fewer, t)), ConsensusCheckError::kSignatureCount);
    CommitCertificate more = good;
    more.signatures.push_back(good.signatures.front());
    EXPECT_EQ(error_of(check(more, t)), ConsensusCheckError::kSignatureCount);
}

TEST_F(ConsensusVerifyCertificate, OneBadSignatureAmongManyFailsIt) {
    const TestValidators& t = ten();
    const std::vector<std::size_t> all{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    const CommitCertificate good = signed_certificate(t, all, 12, 2, filled(0xc4));
    ASSERT_TRUE(check(good, t).has_value());
    for (const std::size_t bad : {0U, 7U, 9U}) {
        CommitCertificate tampered = good;
        tampered.signatures[bad][50] ^= 0x10;
        EXPECT_EQ(error_of(check(tampered, t)), ConsensusCheckError::kBadSignature) << bad;
    }
    // Signatures out of validator order: each is checked against the wrong key.
    CommitCertificate swapped = good;
    std::swap(swapped.signatures[3], swapped.signatures[4]);
    EXPECT_EQ(error_of(check(swapped, t)), ConsensusCheckError::kBadSignature);
    // A prevote signature in place of a precommit.
    CommitCertificate prevote = good;
    prevote.signatures[5] = signed_vote(t, 5, VoteType::kPrevote, 12, 2, filled(0xc4)).signature;
    EXPECT_EQ(error_of(check(prevote, t)), ConsensusCheckError::kBadSignature);
}

TEST_F(ConsensusVerifyCertificate, BindsBlockHeightRoundAndChain) {
    const TestValidators& v = four();
    const CommitCertificate good = signed_certificate(v, {0, 1, 2, 3}, 12, 2, filled(0xc5));
    ASSERT_TRUE(check(good, v).has_value());
    CommitCertificate other_block = good;
    other_block.block_hash[0] ^= 1;
    EXPECT_EQ(error_of(check(other_block, v)), ConsensusCheckError::kBadSignature);
    CommitCertificate other_height = good;
    other_height.height = 13;
    EXPECT_EQ(error_of(check(other_height, v)), ConsensusCheckError::kBadSignature);
    CommitCertificate other_round = good;
    other_round.round = 1;
    EXPECT_EQ(error_of(check(other_round, v)), ConsensusCheckError::kBadSignature);
    EXPECT_EQ(error_of(check(good, v, {1, kTestDomain.genesis_hash})),
              ConsensusCheckError::kBadSignature);
    EXPECT_EQ(error_of(check(good, v, {kTestDomain.chain_id, filled(0)})),
              ConsensusCheckError::kBadSignature);
}

TEST_F(ConsensusVerifyCertificate, CallerOnlyPoolGivesTheSameAnswers) {
    WorkerPool caller_only{WorkerPool::CallerOnly{}};
    const TestValidators& t = ten();
    CommitCertificate certificate =
        signed_certificate(t, {1, 2, 3, 4, 5, 6, 7, 8}, 3, 0, filled(0xc6));
    EXPECT_TRUE(
        verify_certificate(certificate, t.set, kTestDomain, verifier(), caller_only).has_value());
    certificate.signatures[7][0] ^= 1;
    EXPECT_EQ(
        error_of(verify_certificate(certificate, t.set, kTestDomain, verifier(), caller_only)),
        ConsensusCheckError::kBadSignature);
}

// A verifier that counts its calls: cheap rejections must come before any signature check.
class CountingVerifier final : public ConsensusVerifier {
public:
    bool verify(crypto::SignatureScheme, ByteView, ByteView, std::string_view,
                ByteView) const noexcept override {
        calls.fetch_add(1);
        return true;
    }
    mutable std::atomic<int> calls{0};
};

TEST_F(ConsensusVerifyCertificate, StructuralChecksCostNoSignatureVerification) {
    const TestValidators& v = four();
    CountingVerifier counting;
    CommitCertificate certificate{1, 0, filled(1), {0x0c}, {{0x01}, {0x02}}};  // {2, 3}: 6 of 9
    EXPECT_EQ(error_of(verify_certificate(certificate, v.set, kTestDomain, counting, pool_)),
              ConsensusCheckError::kNoQuorum);
    certificate.signer_bitmap = {0x1c};  // bit 4 beyond the set
    EXPECT_EQ(error_of(verify_certificate(certificate, v.set, kTestDomain, counting, pool_)),
              ConsensusCheckError::kBadBitmap);
    EXPECT_EQ(counting.calls.load(), 0);
    certificate.signer_bitmap = {0x0d};  // {0, 2, 3}: 7 of 9, all "verify"
    certificate.signatures.push_back({0x03});
    EXPECT_TRUE(verify_certificate(certificate, v.set, kTestDomain, counting, pool_).has_value());
    EXPECT_EQ(counting.calls.load(), 3);
}

// --- evidence -------------------------------------------------------------------------

TEST(ConsensusVerifyEvidence, AcceptsTwoConflictingSignedVotes) {
    const TestValidators& v = four();
    const Vote a = signed_vote(v, 1, VoteType::kPrecommit, 9, 2, filled(0x10));
    const Vote b = signed_vote(v, 1, VoteType::kPrecommit, 9, 2, filled(0x20));
    const Vote nil = signed_vote(v, 1, VoteType::kPrecommit, 9, 2, std::nullopt);
    for (const auto& [first, second] : {std::pair{a, b}, std::pair{b, nil}}) {
        const auto evidence = make_evidence(first, second);
        ASSERT_TRUE(evidence.has_value());
        EXPECT_TRUE(verify_evidence(*evidence, v.set, kTestDomain, verifier()).has_value());
    }
}

TEST(ConsensusVerifyEvidence, RejectsEachBadPieceWithItsError) {
    const TestValidators& v = four();
    const Vote a = signed_vote(v, 1, VoteType::kPrevote, 9, 2, filled(0x10));
    const Vote b = signed_vote(v, 1, VoteType::kPrevote, 9, 2, filled(0x20));
    const auto check = [&](const Vote& x, const Vote& y,
                           const ConsensusDomain& domain = kTestDomain) {
        return verify_evidence(DuplicateVoteEvidence{x, y}, v.set, domain, verifier());
    };
    ASSERT_TRUE(check(a, b).has_value());
    EXPECT_EQ(error_of(check(b, a)), ConsensusCheckError::kNotCanonical);
    EXPECT_EQ(error_of(check(a, a)), ConsensusCheckError::kNotConflicting);  // same vote twice
    const Vote a_again = signed_vote(v, 1, VoteType::kPrevote, 9, 2, filled(0x10));
    EXPECT_EQ(error_of(check(a, a_again)), ConsensusCheckError::kNotConflicting);  // same block
    EXPECT_EQ(error_of(check(a, signed_vote(v, 1, VoteType::kPrevote, 10, 2, filled(0x20)))),
              ConsensusCheckError::kNotConflicting);  // another height
    EXPECT_EQ(error_of(check(a, signed_vote(v, 1, VoteType::kPrevote, 9, 3, filled(0x20)))),
              ConsensusCheckError::kNotConflicting);  // another round
    EXPECT_EQ(error_of(check(a, signed_vote(v, 1, VoteType::kPrecommit, 9, 2, filled(0x20)))),
              ConsensusCheckError::kNotConflicting);  // another type
    EXPECT_EQ(error_of(check(a, signed_vote(v, 2, VoteType::kPrevote, 9, 2, filled(0x20)))),
              ConsensusCheckError::kNotConflicting);  // another validator
    Vote unknown_a = a;
    Vote unknown_b = b;
    unknown_a.validator_index = unknown_b.validator_index = 4;
    EXPECT_EQ(error_of(check(unknown_a, unknown_b)), ConsensusCheckError::kUnknownValidator);
    // Signed for another chain: a different chain id, or the same id with another genesis.
    const ConsensusDomain other_chain{kTestDomain.chain_id, filled(0x99)};
    const Vote foreign_a = signed_vote(v, 1, VoteType::kPrevote, 9, 2, filled(0x10), other_chain);
    const Vote foreign_b = signed_vote(v, 1, VoteType::kPrevote, 9, 2, filled(0x20), other_chain);
    EXPECT_EQ(error_of(check(foreign_a, foreign_b)), ConsensusCheckError::kBadSignature);
    EXPECT_TRUE(check(foreign_a, foreign_b, other_chain).has_value());
    EXPECT_EQ(error_of(check(a, foreign_b)), ConsensusCheckError::kBadSignature);
    Vote forged = b;
    forged.signature[10] ^= 1;
    EXPECT_EQ(error_of(check(a, forged)), ConsensusCheckError::kBadSignature);
    // Another validator's signature under validator 1's index.
    Vote borrowed = signed_vote(v, 2, VoteType::kPrevote, 9, 2, filled(0x20));
    borrowed.validator_index = 1;
    EXPECT_EQ(error_of(check(a, borrowed)), ConsensusCheckError::kBadSignature);
}

}  // namespace
}  // namespace qtm::chain
