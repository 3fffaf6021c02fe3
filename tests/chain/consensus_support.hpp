// Validator sets with real ML-DSA-65 keys for the consensus tests of tests/chain.
#pragma once

#include <memory>
#include <vector>

#include "chain/consensus/signer.hpp"
#include "chain/consensus/types.hpp"
#include "chain/consensus/validator_set.hpp"

namespace qtm::chain::testing {

// The deterministic seed of test validator `i`.
[[nodiscard]] ByteArray<32> validator_seed(std::size_t i);

struct TestValidators {
    ValidatorSet set;
    std::vector<std::unique_ptr<ConsensusSigner>> signers;  // signers[i] is set.at(i)
};

// One ML-DSA-65 validator per power; powers[i] goes to the validator at index i of the
// set (address order), so that tests can state priorities by index.
[[nodiscard]] TestValidators make_test_validators(const std::vector<std::uint64_t>& powers);

inline const ConsensusDomain kTestDomain{7777, Hash32{0x44}};

// A vote signed by validator `index` of `validators`.
[[nodiscard]] Vote signed_vote(const TestValidators& validators, std::uint32_t index, VoteType type,
                               std::uint64_t height, std::uint32_t round,
                               const std::optional<Hash32>& block_hash,
                               const ConsensusDomain& domain = kTestDomain);

// A certificate signed by the validators at `signers` (indices, any order).
[[nodiscard]] CommitCertificate signed_certificate(const TestValidators& validators,
                                                   const std::vector<std::size_t>& signers,
                                                   std::uint64_t height, std::uint32_t round,
                                                   const Hash32& block_hash,
                                                   const ConsensusDomain& domain = kTestDomain);

}  // namespace qtm::chain::testing
