// How sync checks that a block was finalized: a checker of commit certificates for one
// height (the validator set that signs it), which the chain side hands out height by
// height because the set that signs h + 1 can depend on importing h.
#pragma once

#include "base/result.hpp"
#include "base/worker_pool.hpp"
#include "chain/consensus/signer.hpp"
#include "chain/consensus/types.hpp"
#include "chain/consensus/validator_set.hpp"
#include "chain/consensus/verify.hpp"

namespace qtm::p2p {

class CertificateChecker {
public:
    virtual ~CertificateChecker() = default;
    [[nodiscard]] virtual Result<void, chain::ConsensusCheckError> check(
        const chain::CommitCertificate& certificate) const = 0;
};

// verify_certificate against one validator set, its signatures checked on `pool`.
class ValidatorSetChecker final : public CertificateChecker {
public:
    ValidatorSetChecker(chain::ValidatorSet set, chain::ConsensusDomain domain,
                        const chain::ConsensusVerifier& verifier, WorkerPool& pool)
        : set_{std::move(set)}, domain_{domain}, verifier_{verifier}, pool_{pool} {}

    [[nodiscard]] Result<void, chain::ConsensusCheckError> check(
        const chain::CommitCertificate& certificate) const override {
        return chain::verify_certificate(certificate, set_, domain_, verifier_, pool_);
    }

private:
    chain::ValidatorSet set_;
    chain::ConsensusDomain domain_;
    const chain::ConsensusVerifier& verifier_;
    WorkerPool& pool_;
};

}  // namespace qtm::p2p
