// A node's p2p identity: an ML-DSA-65 key pair (not the validator's consensus key,
// DESIGN.md §4) and its node id, SHA3-256 of the public key, written as 64 hex digits in
// qtm://<node-id>@host:port addresses.
#pragma once

#include <string>
#include <string_view>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "crypto/mldsa.hpp"
#include "p2p/protocol.hpp"

namespace qtm::p2p {

using NodeId = Hash32;
using NodePublicKey = crypto::MlDsaPublicKey<kNodeKeyScheme>;

[[nodiscard]] NodeId node_id_of(const NodePublicKey& public_key) noexcept;
[[nodiscard]] NodeId node_id_of(ByteView public_key) noexcept;
[[nodiscard]] std::string to_string(const NodeId& id);  // 64 lower-case hex digits

class NodeKey {
public:
    // From the 32-byte seed (FIPS 204 KeyGen_internal), and from the OS RNG.
    [[nodiscard]] static NodeKey from_seed(const ByteArray<32>& seed);
    [[nodiscard]] static NodeKey generate();

    [[nodiscard]] const NodePublicKey& public_key() const noexcept { return pair_.public_key; }
    [[nodiscard]] const NodeId& id() const noexcept { return id_; }
    [[nodiscard]] const crypto::MlDsaSecretKey<kNodeKeyScheme>& secret_key() const noexcept {
        return pair_.secret_key;
    }

private:
    explicit NodeKey(crypto::MlDsaKeyPair<kNodeKeyScheme> pair) noexcept;

    crypto::MlDsaKeyPair<kNodeKeyScheme> pair_;
    NodeId id_;
};

}  // namespace qtm::p2p
