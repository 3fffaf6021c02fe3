#include "consensus_support.hpp"

#include <algorithm>
#include <stdexcept>

#include "chain/keys.hpp"

namespace qtm::chain::testing {

ByteArray<32> validator_seed(std::size_t i) {
    ByteArray<32> seed{};
    seed[0] = 0x51;
    seed[30] = static_cast<std::uint8_t>(i >> 8);
    seed[31] = static_cast<std::uint8_t>(i);
    return seed;
}

TestValidators make_test_validators(const std::vector<std::uint64_t>& powers) {
    // Sort the keys by address first, then hand out the powers in that order.
    std::vector<std::unique_ptr<ConsensusSigner>> signers;
    for (std::size_t i = 0; i < powers.size(); ++i) {
        signers.push_back(make_mldsa_signer(crypto::SignatureScheme::kMlDsa65, validator_seed(i)));
    }
    std::sort(signers.begin(), signers.end(), [](const auto& a, const auto& b) {
        return address_of(a->scheme(), a->public_key()) < address_of(b->scheme(), b->public_key());
    });
    std::vector<Validator> list;
    for (std::size_t i = 0; i < powers.size(); ++i) {
        Validator validator;
        validator.scheme = signers[i]->scheme();
        validator.public_key = to_bytes(signers[i]->public_key());
        validator.voting_power = powers[i];
        list.push_back(std::move(validator));
    }
    auto set = ValidatorSet::create(std::move(list));
    if (!set) throw std::runtime_error{std::string{to_string(set.error())}};
    return TestValidators{std::move(*set), std::move(signers)};
}

Vote signed_vote(const TestValidators& validators, std::uint32_t index, VoteType type,
                 std::uint64_t height, std::uint32_t round, const std::optional<Hash32>& block_hash,
                 const ConsensusDomain& domain) {
    Vote vote{type, height, round, block_hash, index, {}};
    vote.signature =
        validators.signers.at(index)->sign(vote_sign_bytes(domain, vote), kVoteContext);
    return vote;
}

CommitCertificate signed_certificate(const TestValidators& validators,
                                     const std::vector<std::size_t>& signers, std::uint64_t height,
                                     std::uint32_t round, const Hash32& block_hash,
                                     const ConsensusDomain& domain) {
    CommitCertificate certificate{height, round, block_hash, {}, {}};
    certificate.signer_bitmap.assign(bitmap_bytes(validators.set.size()), 0);
    std::vector<std::size_t> sorted = signers;
    std::sort(sorted.begin(), sorted.end());
    const Bytes message = vote_sign_bytes(domain, VoteType::kPrecommit, height, round, block_hash);
    for (const std::size_t index : sorted) {
        bitmap_set(certificate.signer_bitmap, index);
        certificate.signatures.push_back(validators.signers.at(index)->sign(message, kVoteContext));
    }
    return certificate;
}

}  // namespace qtm::chain::testing
