// A deterministic keyed-hash "signature" behind the ConsensusSigner/ConsensusVerifier
// interfaces, so that the simulator can run a million seeds: ML-DSA-65 costs ~0.1 ms per
// signature, a keccak ~0.5 us. It is NOT a signature scheme (the verifier knows every
// secret); it exists only so that the engine and the wire types run unchanged.
//
//   public key = keccak256(secret) || zeros   (padded to the ML-DSA-65 public key size)
//   signature  = keccak256(secret || len(context) || context || message) || zeros
//                (padded to the ML-DSA-65 signature size)
//
// Keys and signatures have the real sizes so that the validator set, the size bounds of
// the encodings and the certificate checks see exactly what the network would carry.
#pragma once

#include <map>
#include <memory>

#include "chain/consensus/signer.hpp"

namespace qtm::sim {

class CheapSigner final : public chain::ConsensusSigner {
public:
    explicit CheapSigner(const Hash32& secret);
    [[nodiscard]] crypto::SignatureScheme scheme() const noexcept override {
        return crypto::SignatureScheme::kMlDsa65;
    }
    [[nodiscard]] ByteView public_key() const noexcept override { return public_key_; }
    [[nodiscard]] Bytes sign(ByteView message, std::string_view context) const override;

private:
    Hash32 secret_;
    Bytes public_key_;
};

// Knows the secrets of the keys it was given (the key ring of one simulation).
class CheapVerifier final : public chain::ConsensusVerifier {
public:
    void add(const Hash32& secret);
    [[nodiscard]] bool verify(crypto::SignatureScheme scheme, ByteView public_key, ByteView message,
                              std::string_view context, ByteView signature) const noexcept override;

private:
    std::map<Hash32, Hash32> secret_by_key_;  // keccak256(secret) -> secret
};

// The tag both sides compute (the first 32 bytes of a signature).
[[nodiscard]] Hash32 cheap_tag(const Hash32& secret, ByteView message, std::string_view context);

}  // namespace qtm::sim
