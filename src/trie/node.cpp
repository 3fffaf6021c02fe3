#include "trie/node.hpp"

#include "crypto/keccak.hpp"
#include "trie/rlp_view.hpp"

namespace qtm::trie {
namespace {

// RLP of an empty string: an absent child or an absent branch value.
constexpr std::uint8_t kEmptyString = 0x80;

void append_child_reference(Bytes& payload, const NodePtr& child) {
    if (!child) {
        payload.push_back(kEmptyString);
    } else {
        payload.insert(payload.end(), child->reference.begin(), child->reference.end());
    }
}

Result<NodePtr, NodeDecodeError> decode_child(const RlpItem& item) {
    if (item.is_list) {
        // An inline node: its RLP is shorter than 32 bytes by construction; reject any
        // other size, so that every trie has one encoding.
        if (item.encoded.size() >= 32) return unexpected(NodeDecodeError::kBadNode);
        return decode_node(item.encoded, nullptr);
    }
    if (item.payload.empty()) return NodePtr{};
    if (item.payload.size() != 32) return unexpected(NodeDecodeError::kBadNode);
    Hash32 hash;
    std::copy(item.payload.begin(), item.payload.end(), hash.begin());
    return make_reference(hash);
}

}  // namespace

NodePtr make_leaf(Nibbles path, Bytes value) {
    auto node = std::make_unique<Node>();
    node->kind = Node::Kind::kLeaf;
    node->path = std::move(path);
    node->value = std::move(value);
    return node;
}

NodePtr make_extension(Nibbles path, NodePtr child) {
    auto node = std::make_unique<Node>();
    node->kind = Node::Kind::kExtension;
    node->path = std::move(path);
    node->children[0] = std::move(child);
    return node;
}

NodePtr make_branch() {
    auto node = std::make_unique<Node>();
    node->kind = Node::Kind::kBranch;
    return node;
}

NodePtr make_reference(const Hash32& hash) {
    auto node = std::make_unique<Node>();
    node->kind = Node::Kind::kReference;
    node->hash = hash;
    node->reference.reserve(33);
    append_rlp_string(node->reference, hash);
    node->hashed = true;
    node->committed = true;
    return node;
}

Bytes encode_node(const Node& node) {
    Bytes payload;
    switch (node.kind) {
        case Node::Kind::kLeaf:
            append_rlp_string(payload, hex_prefix_encode(node.path, /*is_leaf=*/true));
            append_rlp_string(payload, node.value);
            break;
        case Node::Kind::kExtension:
            append_rlp_string(payload, hex_prefix_encode(node.path, /*is_leaf=*/false));
            append_child_reference(payload, node.children[0]);
            break;
        case Node::Kind::kBranch:
            for (const auto& child : node.children)
                append_child_reference(payload, child);
            append_rlp_string(payload, node.value);
            break;
        case Node::Kind::kReference:
            // A reference is never encoded: its parent embeds `reference` directly.
            break;
    }
    return wrap_rlp_list(payload);
}

void hash_subtree(Node& node) {
    if (node.hashed) return;
    for (auto& child : node.children) {
        if (child) hash_subtree(*child);
    }
    node.encoding = encode_node(node);
    node.reference.clear();
    if (node.encoding.size() >= 32) {
        node.hash = crypto::keccak256(node.encoding);
        append_rlp_string(node.reference, node.hash);
    } else {
        node.reference = node.encoding;
    }
    node.hashed = true;
    if (node.committed) node.encoding = Bytes{};
}

Result<NodePtr, NodeDecodeError> decode_node(ByteView encoded, const Hash32* known_hash) {
    auto items = split_rlp_list(encoded);
    if (!items) return unexpected(NodeDecodeError::kBadNode);
    NodePtr node;
    if (items->size() == 2) {
        const RlpItem& path_item = (*items)[0];
        if (path_item.is_list) return unexpected(NodeDecodeError::kBadNode);
        auto path = hex_prefix_decode(path_item.payload);
        if (!path) return unexpected(NodeDecodeError::kBadNode);
        if (path->is_leaf) {
            if ((*items)[1].is_list) return unexpected(NodeDecodeError::kBadNode);
            node = make_leaf(std::move(path->nibbles), to_bytes((*items)[1].payload));
        } else {
            auto child = decode_child((*items)[1]);
            if (!child || !*child || path->nibbles.empty()) {
                return unexpected(NodeDecodeError::kBadNode);
            }
            node = make_extension(std::move(path->nibbles), std::move(*child));
        }
    } else if (items->size() == 17) {
        node = make_branch();
        for (std::size_t i = 0; i < 16; ++i) {
            auto child = decode_child((*items)[i]);
            if (!child) return unexpected(child.error());
            node->children[i] = std::move(*child);
        }
        if ((*items)[16].is_list) return unexpected(NodeDecodeError::kBadNode);
        node->value = to_bytes((*items)[16].payload);
    } else {
        return unexpected(NodeDecodeError::kBadNode);
    }
    // The node is exactly `encoded` (decoding is canonical), so its reference follows
    // without re-encoding: the bytes themselves when inline, else the hash of the bytes
    // (known to the caller when it loaded the node by that hash).
    if (encoded.size() < 32) {
        node->reference = to_bytes(encoded);
    } else {
        node->hash = known_hash != nullptr ? *known_hash : crypto::keccak256(encoded);
        append_rlp_string(node->reference, node->hash);
    }
    node->hashed = true;
    node->committed = true;
    return node;
}

}  // namespace qtm::trie
