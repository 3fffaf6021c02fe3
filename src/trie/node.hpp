// The in-memory node of the Merkle Patricia Trie and its RLP encoding (internal to
// src/trie; the public interface is trie.hpp).
#pragma once

#include <array>
#include <memory>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "trie/nibbles.hpp"

namespace qtm::trie {

struct Node {
    enum class Kind : std::uint8_t {
        kLeaf,       // path + value
        kExtension,  // path + one child (children[0])
        kBranch,     // 16 children + optional value
        kReference,  // a stored node not loaded yet: only `hash` is known
    };

    Kind kind{Kind::kLeaf};
    Nibbles path;
    Bytes value;
    std::array<std::unique_ptr<Node>, 16> children{};
    Hash32 hash{};  // kReference, or a hashed node of 32+ bytes: keccak256 of its RLP

    // What a parent embeds for this node: its RLP if shorter than 32 bytes, else the RLP
    // string of its keccak256. Valid while `hashed`; cleared when the node changes.
    Bytes reference;
    // The node's RLP, kept from hashing until commit() has written it.
    Bytes encoding;
    bool hashed{false};
    bool committed{false};

    void mark_dirty() noexcept {
        hashed = false;
        committed = false;
    }
};

using NodePtr = std::unique_ptr<Node>;

NodePtr make_leaf(Nibbles path, Bytes value);
NodePtr make_extension(Nibbles path, NodePtr child);
NodePtr make_branch();
NodePtr make_reference(const Hash32& hash);

// The node's RLP; its children must be hashed (their references known).
[[nodiscard]] Bytes encode_node(const Node& node);

// Computes (and caches) the RLP encoding and parent reference of `node` and of every
// dirty node under it. Reference nodes need no hashing.
void hash_subtree(Node& node);

// Decodes a stored node's RLP. Children given by hash become kReference nodes; inline
// children are decoded in place. The result counts as hashed and committed; pass the
// node's hash when the caller already knows it (it loaded the node by hash).
enum class NodeDecodeError { kBadNode };
[[nodiscard]] Result<NodePtr, NodeDecodeError> decode_node(ByteView encoded,
                                                           const Hash32* known_hash);

}  // namespace qtm::trie
