#include "chain/stored_head.hpp"

#include "base/hex.hpp"
#include "crypto/keccak.hpp"
#include "storage/chain_store.hpp"

namespace qtm::chain {

Result<StoredHead, std::string> load_head(const storage::ReadView& view) {
    const storage::ChainStore store{view};
    auto head = store.head();
    if (!head) return unexpected(head.error().message);
    if (!*head) return unexpected(std::string{"the head pointer is missing"});
    const std::string name = "the head block " + to_hex(**head);
    auto bytes = store.load_header(**head);
    if (!bytes) return unexpected(bytes.error().message);
    if (!*bytes) return unexpected(name + " is missing");
    if (crypto::keccak256(**bytes) != **head) {
        return unexpected(name + " is damaged (its header does not hash to it)");
    }
    auto header = decode_header(**bytes);
    if (!header) return unexpected(name + " is damaged (its header does not decode)");
    auto canonical = store.canonical_hash(header->number);
    if (!canonical) return unexpected(canonical.error().message);
    if (!*canonical || **canonical != **head) {
        return unexpected(name + " is not in the canonical index at height " +
                          std::to_string(header->number));
    }
    return StoredHead{**head, *header};
}

}  // namespace qtm::chain
