#include "p2p/node_key.hpp"

#include "base/hex.hpp"
#include "crypto/keccak.hpp"

namespace qtm::p2p {

NodeId node_id_of(ByteView public_key) noexcept {
    return crypto::sha3_256(public_key);
}

NodeId node_id_of(const NodePublicKey& public_key) noexcept {
    return node_id_of(ByteView{public_key.bytes});
}

std::string to_string(const NodeId& id) {
    return to_hex(id, /*with_prefix=*/false);
}

NodeKey::NodeKey(crypto::MlDsaKeyPair<kNodeKeyScheme> pair) noexcept
    : pair_{std::move(pair)}, id_{node_id_of(pair_.public_key)} {}

NodeKey NodeKey::from_seed(const ByteArray<32>& seed) {
    return NodeKey{crypto::mldsa_keygen<kNodeKeyScheme>(seed)};
}

NodeKey NodeKey::generate() {
    return NodeKey{crypto::mldsa_keygen<kNodeKeyScheme>()};
}

}  // namespace qtm::p2p
