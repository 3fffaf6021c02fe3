// Test fixtures for the consensus engine: a cheap deterministic keyed-hash signer behind
// the ConsensusSigner interface, validator sets of such keys, and helpers that build the
// votes and proposals other validators would send.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "chain/consensus/signer.hpp"
#include "chain/consensus/types.hpp"
#include "chain/consensus/validator_set.hpp"
#include "consensus/engine.hpp"

namespace qtm::consensus::testing {

// signature = keccak256(secret || context || message); public key = keccak256(secret)
// padded to the ML-DSA-65 key size, so that validator sets accept it. Not a signature
// scheme: anyone who knows the public key can forge nothing, but anyone who knows the
// secret can; tests only.
class KeyedHashSigner : public chain::ConsensusSigner {
public:
    explicit KeyedHashSigner(std::uint32_t id);
    [[nodiscard]] crypto::SignatureScheme scheme() const noexcept override;
    [[nodiscard]] ByteView public_key() const noexcept override { return public_key_; }
    [[nodiscard]] Bytes sign(ByteView message, std::string_view context) const override;

private:
    Hash32 secret_{};
    Bytes public_key_;
};

struct Committee {
    std::vector<std::unique_ptr<KeyedHashSigner>> signers;  // signers[i] is validator i
    chain::ValidatorSet set;
};

// Validators with the given powers, signers re-ordered to match the set's address order.
[[nodiscard]] Committee make_committee(const std::vector<std::uint64_t>& powers);

[[nodiscard]] chain::ConsensusDomain test_domain();

[[nodiscard]] chain::Vote signed_vote(const Committee& committee, std::uint32_t validator,
                                      chain::VoteType type, std::uint64_t height,
                                      std::uint32_t round, const std::optional<Hash32>& block);

[[nodiscard]] Hash32 block_named(std::uint8_t tag);

// Collects actions of one kind from an engine output.
template <class A>
[[nodiscard]] std::vector<A> actions_of(const Output& output) {
    std::vector<A> found;
    for (const Action& action : output.actions) {
        if (const auto* typed = std::get_if<A>(&action)) found.push_back(*typed);
    }
    return found;
}

}  // namespace qtm::consensus::testing
