#include "chain/consensus/signer.hpp"

#include "chain/keys.hpp"
#include "crypto/mldsa.hpp"

namespace qtm::chain {

namespace {

// AccountKey already holds an ML-DSA key pair that signs deterministically and wipes its
// secret when it dies; a validator key is the same thing under consensus contexts.
class MlDsaSigner final : public ConsensusSigner {
public:
    MlDsaSigner(crypto::SignatureScheme scheme, const ByteArray<32>& seed) : key_{scheme, seed} {}

    [[nodiscard]] crypto::SignatureScheme scheme() const noexcept override { return key_.scheme(); }
    [[nodiscard]] ByteView public_key() const noexcept override { return key_.public_key(); }
    [[nodiscard]] Bytes sign(ByteView message, std::string_view context) const override {
        return key_.sign(message, context);
    }

private:
    AccountKey key_;
};

class MlDsaVerifier final : public ConsensusVerifier {
public:
    [[nodiscard]] bool verify(crypto::SignatureScheme scheme, ByteView public_key, ByteView message,
                              std::string_view context,
                              ByteView signature) const noexcept override {
        return crypto::verify(scheme, public_key, message, as_bytes(context), signature);
    }
};

}  // namespace

std::unique_ptr<ConsensusSigner> make_mldsa_signer(crypto::SignatureScheme scheme,
                                                   const ByteArray<32>& seed) {
    return std::make_unique<MlDsaSigner>(scheme, seed);
}

const ConsensusVerifier& mldsa_verifier() noexcept {
    static const MlDsaVerifier verifier;
    return verifier;
}

}  // namespace qtm::chain
