// Fuzzes Merkle proof verification: arbitrary proof elements and key against the root that
// makes the first element the root node. Must never crash; a verified value must come from
// one of the proof's bytes.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "crypto/keccak.hpp"
#include "trie/trie.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    // Layout: key length byte, key, then proof elements each prefixed by a length byte.
    const std::size_t key_size = std::min<std::size_t>(data[0], size - 1);
    const qtm::ByteView key{data + 1, key_size};
    std::vector<qtm::Bytes> proof;
    std::size_t offset = 1 + key_size;
    while (offset < size) {
        const std::size_t element_size = std::min<std::size_t>(data[offset], size - offset - 1);
        proof.emplace_back(data + offset + 1, data + offset + 1 + element_size);
        offset += 1 + element_size;
    }
    const qtm::Hash32 root =
        proof.empty() ? qtm::trie::kEmptyRoot : qtm::crypto::keccak256(proof[0]);
    const auto result = qtm::trie::verify_proof(root, key, proof);
    if (result && result->has_value() && (*result)->size() > size) std::abort();
    return 0;
}
