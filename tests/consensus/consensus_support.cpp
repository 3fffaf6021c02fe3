#include "consensus_support.hpp"

#include <algorithm>
#include <stdexcept>

#include "chain/keys.hpp"
#include "crypto/keccak.hpp"

namespace qtm::consensus::testing {

KeyedHashSigner::KeyedHashSigner(std::uint32_t id) {
    Bytes seed = to_bytes(as_bytes("qtm consensus test key"));
    for (int shift = 24; shift >= 0; shift -= 8) {
        seed.push_back(static_cast<std::uint8_t>(id >> shift));
    }
    secret_ = crypto::keccak256(seed);
    const Hash32 public_part = crypto::keccak256(secret_);
    public_key_.assign(crypto::signature_sizes(scheme()).public_key, 0);
    std::copy(public_part.begin(), public_part.end(), public_key_.begin());
}

crypto::SignatureScheme KeyedHashSigner::scheme() const noexcept {
    return crypto::SignatureScheme::kMlDsa65;
}

Bytes KeyedHashSigner::sign(ByteView message, std::string_view context) const {
    Bytes input(secret_.begin(), secret_.end());
    const ByteView context_bytes = as_bytes(context);
    input.insert(input.end(), context_bytes.begin(), context_bytes.end());
    input.insert(input.end(), message.begin(), message.end());
    const Hash32 digest = crypto::keccak256(input);
    return Bytes(digest.begin(), digest.end());
}

Committee make_committee(const std::vector<std::uint64_t>& powers) {
    std::vector<std::unique_ptr<KeyedHashSigner>> signers;
    for (std::uint32_t i = 0; i < powers.size(); ++i) {
        signers.push_back(std::make_unique<KeyedHashSigner>(i));
    }
    // The set orders validators by address; sort the signers the same way so that
    // validator i is signers[i] and has powers[i].
    const auto address = [](const KeyedHashSigner& signer) {
        return chain::address_of(signer.scheme(), signer.public_key());
    };
    std::sort(signers.begin(), signers.end(),
              [&](const auto& a, const auto& b) { return address(*a) < address(*b); });
    std::vector<chain::Validator> validators;
    for (std::size_t i = 0; i < signers.size(); ++i) {
        chain::Validator validator;
        validator.scheme = signers[i]->scheme();
        validator.public_key = to_bytes(signers[i]->public_key());
        validator.address = address(*signers[i]);
        validator.voting_power = powers[i];
        validators.push_back(validator);
    }
    auto set = chain::ValidatorSet::create(validators);
    if (!set) throw std::runtime_error("test committee: invalid validator set");
    set->increment_proposer_priority(1);  // as a genesis set (CometBFT's NewValidatorSet)
    return Committee{std::move(signers), std::move(*set)};
}

chain::ConsensusDomain test_domain() {
    chain::ConsensusDomain domain;
    domain.chain_id = 7357;
    domain.genesis_hash = crypto::keccak256(as_bytes("test genesis"));
    return domain;
}

chain::Vote signed_vote(const Committee& committee, std::uint32_t validator, chain::VoteType type,
                        std::uint64_t height, std::uint32_t round,
                        const std::optional<Hash32>& block) {
    chain::Vote vote{type, height, round, block, validator, {}};
    vote.signature = committee.signers.at(validator)->sign(
        chain::vote_sign_bytes(test_domain(), vote), chain::kVoteContext);
    return vote;
}

Hash32 block_named(std::uint8_t tag) {
    Hash32 hash{};
    hash.fill(tag);
    return hash;
}

}  // namespace qtm::consensus::testing
