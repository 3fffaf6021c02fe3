// How consensus messages are signed and checked. The network uses ML-DSA-65 (MlDsaSigner,
// MlDsaVerifier); the deterministic simulator swaps in a cheap keyed-hash scheme behind the
// same interfaces so that a million seeds fit on one machine. Nothing else may differ
// between the two.
#pragma once

#include <memory>
#include <string_view>

#include "base/bytes.hpp"
#include "crypto/signature_scheme.hpp"

namespace qtm::chain {

// Holds one validator's secret key; signs sign bytes under a context. Implementations
// never expose the key.
class ConsensusSigner {
public:
    virtual ~ConsensusSigner() = default;
    [[nodiscard]] virtual crypto::SignatureScheme scheme() const noexcept = 0;
    [[nodiscard]] virtual ByteView public_key() const noexcept = 0;
    [[nodiscard]] virtual Bytes sign(ByteView message, std::string_view context) const = 0;
};

// Stateless and thread-safe: certificate checks call it from several threads at once.
class ConsensusVerifier {
public:
    virtual ~ConsensusVerifier() = default;
    [[nodiscard]] virtual bool verify(crypto::SignatureScheme scheme, ByteView public_key,
                                      ByteView message, std::string_view context,
                                      ByteView signature) const noexcept = 0;
};

// ML-DSA (FIPS 204), deterministic signing; the key pair derives from a 32-byte seed.
[[nodiscard]] std::unique_ptr<ConsensusSigner> make_mldsa_signer(crypto::SignatureScheme scheme,
                                                                 const ByteArray<32>& seed);
[[nodiscard]] const ConsensusVerifier& mldsa_verifier() noexcept;

}  // namespace qtm::chain
