#include "rpc/state_access.hpp"

#include "trie/trie.hpp"

namespace qtm::rpc {

chain::Header header_with_state(Backend& backend, const ChainReader& reader,
                                const Json* block_ref) {
    const auto number = reader.resolve(to_block_ref(block_ref, "block"));
    if (!number) throw RpcError{code::kServer, "header not found"};
    const auto header = reader.header(*number);
    if (!header) throw RpcError{code::kServer, "header not found"};
    if (header->state_root == trie::kEmptyRoot) return *header;
    // States are removed whole (a retained state keeps every node it reaches), so the root
    // node's presence says whether the state is there.
    auto root = backend.database().get(storage::Column::kTrieNodes, header->state_root);
    if (!root) throw RpcError{code::kServer, "database error: " + root.error().message};
    if (!*root) {
        throw RpcError{code::kServer,
                       "state not available: the state of block " + std::to_string(*number) +
                           " is not held by this node (pruned: it keeps the states of the most "
                           "recent blocks only, see --state-history; or before the snapshot it "
                           "started from); ask an archive node"};
    }
    return *header;
}

}  // namespace qtm::rpc
