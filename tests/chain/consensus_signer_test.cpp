// The ML-DSA consensus signer: the key pair of a seed, deterministic signatures that the
// ML-DSA verifier accepts only under the same key, message and context, for every scheme.
#include "chain/consensus/signer.hpp"

#include <gtest/gtest.h>

#include "chain/consensus/types.hpp"
#include "chain/keys.hpp"

namespace qtm::chain {
namespace {

ByteArray<32> seed(std::uint8_t byte) {
    ByteArray<32> out;
    out.fill(byte);
    return out;
}

TEST(ConsensusSigner, DeterministicSignaturesThatVerifyForEveryScheme) {
    for (const auto scheme : {crypto::SignatureScheme::kMlDsa44, crypto::SignatureScheme::kMlDsa65,
                              crypto::SignatureScheme::kMlDsa87}) {
        const auto signer = make_mldsa_signer(scheme, seed(7));
        EXPECT_EQ(signer->scheme(), scheme);
        // The same key pair as an account key of that seed.
        const AccountKey account{scheme, seed(7)};
        EXPECT_TRUE(equal(signer->public_key(), account.public_key()));
        EXPECT_EQ(signer->public_key().size(), crypto::signature_sizes(scheme).public_key);

        const Bytes message{1, 2, 3, 4};
        const Bytes signature = signer->sign(message, kVoteContext);
        EXPECT_EQ(signature.size(), crypto::signature_sizes(scheme).signature);
        EXPECT_EQ(signer->sign(message, kVoteContext), signature);  // deterministic
        const ConsensusVerifier& verifier = mldsa_verifier();
        EXPECT_TRUE(
            verifier.verify(scheme, signer->public_key(), message, kVoteContext, signature));
        EXPECT_FALSE(
            verifier.verify(scheme, signer->public_key(), message, kProposalContext, signature));
        EXPECT_FALSE(verifier.verify(scheme, signer->public_key(), Bytes{1, 2, 3, 5}, kVoteContext,
                                     signature));
        const auto other = make_mldsa_signer(scheme, seed(8));
        EXPECT_FALSE(
            verifier.verify(scheme, other->public_key(), message, kVoteContext, signature));
        Bytes truncated = signature;
        truncated.pop_back();
        EXPECT_FALSE(
            verifier.verify(scheme, signer->public_key(), message, kVoteContext, truncated));
    }
}

TEST(ConsensusSigner, DifferentSeedsGiveDifferentKeys) {
    const auto a = make_mldsa_signer(crypto::SignatureScheme::kMlDsa65, seed(1));
    const auto b = make_mldsa_signer(crypto::SignatureScheme::kMlDsa65, seed(2));
    EXPECT_FALSE(equal(a->public_key(), b->public_key()));
}

}  // namespace
}  // namespace qtm::chain
