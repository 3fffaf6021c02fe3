#include "trie/trie.hpp"

#include <algorithm>
#include <map>

#include "crypto/keccak.hpp"
#include "trie/node.hpp"
#include "trie/rlp_view.hpp"

namespace qtm::trie {
namespace {

// A key's nibbles as a cursor: insertion and deletion walk it without copying.
struct Path {
    const std::uint8_t* nibbles;
    std::size_t size;

    [[nodiscard]] Path skip(std::size_t count) const { return {nibbles + count, size - count}; }
    [[nodiscard]] Path first(std::size_t count) const { return {nibbles, count}; }
    // Out of line: inlined, it trips a false -Wfree-nonheap-object in GCC 12.
    [[nodiscard]] [[gnu::noinline]] Nibbles copy() const {
        return Nibbles(nibbles, nibbles + size);
    }
};

Nibbles concat(std::uint8_t first, const Nibbles& rest) {
    Nibbles out;
    out.reserve(rest.size() + 1);
    out.push_back(first);
    out.insert(out.end(), rest.begin(), rest.end());
    return out;
}

Nibbles concat(const Nibbles& a, const Nibbles& b) {
    Nibbles out = a;
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

bool path_equals(const Nibbles& path, Path key) {
    return path.size() == key.size && std::equal(path.begin(), path.end(), key.nibbles);
}

}  // namespace

std::string_view to_string(TrieError error) noexcept {
    switch (error) {
        case TrieError::kMissingNode:
            return "trie node missing from the node store";
        case TrieError::kBadNode:
            return "trie node in the node store does not decode";
    }
    return "unknown trie error";
}

std::string_view to_string(ProofError error) noexcept {
    switch (error) {
        case ProofError::kMissingNode:
            return "proof lacks a node on the key's path";
        case ProofError::kBadNode:
            return "proof contains a node that does not decode";
    }
    return "unknown proof error";
}

// The algorithms, as members of one class so that they share the node store.
class TrieOps {
public:
    explicit TrieOps(const NodeStore* store) : store_{store} {}

    // Replaces a kReference node in `slot` by the decoded stored node.
    Result<void, TrieError> resolve(NodePtr& slot) const {
        if (!slot || slot->kind != Node::Kind::kReference) return {};
        auto loaded = load(slot->hash);
        if (!loaded) return unexpected(loaded.error());
        slot = std::move(*loaded);
        return {};
    }

    Result<NodePtr, TrieError> load(const Hash32& hash) const {
        if (store_ == nullptr) return unexpected(TrieError::kMissingNode);
        auto encoded = store_->load_node(hash);
        if (!encoded) return unexpected(TrieError::kMissingNode);
        // A node that does not hash to its reference is as good as missing: never trust it.
        if (crypto::keccak256(*encoded) != hash) return unexpected(TrieError::kBadNode);
        auto node = decode_node(*encoded, &hash);
        if (!node) return unexpected(TrieError::kBadNode);
        return std::move(*node);
    }

    Result<NodePtr, TrieError> insert(NodePtr node, Path key, ByteView value) const {
        if (!node) return make_leaf(key.copy(), to_bytes(value));
        if (auto r = resolve(node); !r) return unexpected(r.error());

        switch (node->kind) {
            case Node::Kind::kLeaf: {
                if (path_equals(node->path, key)) {
                    node->value = to_bytes(value);
                    node->mark_dirty();
                    return node;
                }
                const std::size_t common = common_prefix_length(
                    node->path.data(), node->path.size(), key.nibbles, key.size);
                NodePtr branch = make_branch();
                place_in_branch(*branch, Path{node->path.data(), node->path.size()}.skip(common),
                                std::move(node->value));
                place_in_branch(*branch, key.skip(common), to_bytes(value));
                return wrap_in_extension(key.first(common).copy(), std::move(branch));
            }
            case Node::Kind::kExtension: {
                const std::size_t common = common_prefix_length(
                    node->path.data(), node->path.size(), key.nibbles, key.size);
                if (common == node->path.size()) {
                    auto child = insert(std::move(node->children[0]), key.skip(common), value);
                    if (!child) return unexpected(child.error());
                    node->children[0] = std::move(*child);
                    node->mark_dirty();
                    return node;
                }
                // The key leaves the extension at nibble `common`: split it with a branch.
                NodePtr branch = make_branch();
                const std::uint8_t old_index = node->path[common];
                Nibbles old_rest(node->path.begin() + static_cast<std::ptrdiff_t>(common) + 1,
                                 node->path.end());
                branch->children[old_index] =
                    old_rest.empty()
                        ? std::move(node->children[0])
                        : make_extension(std::move(old_rest), std::move(node->children[0]));
                place_in_branch(*branch, key.skip(common), to_bytes(value));
                return wrap_in_extension(key.first(common).copy(), std::move(branch));
            }
            case Node::Kind::kBranch: {
                if (key.size == 0) {
                    node->value = to_bytes(value);
                } else {
                    auto& slot = node->children[key.nibbles[0]];
                    auto child = insert(std::move(slot), key.skip(1), value);
                    if (!child) return unexpected(child.error());
                    slot = std::move(*child);
                }
                node->mark_dirty();
                return node;
            }
            case Node::Kind::kReference:
                break;  // resolved above
        }
        return unexpected(TrieError::kBadNode);
    }

    // Removes `key` under `node`. `changed` tells the caller whether anything was removed,
    // so that unchanged paths keep their cached hashes.
    Result<NodePtr, TrieError> remove(NodePtr node, Path key, bool& changed) const {
        changed = false;
        if (!node) return node;
        if (auto r = resolve(node); !r) return unexpected(r.error());

        switch (node->kind) {
            case Node::Kind::kLeaf:
                if (!path_equals(node->path, key)) return node;
                changed = true;
                return NodePtr{};
            case Node::Kind::kExtension: {
                const std::size_t length = node->path.size();
                if (key.size < length ||
                    !std::equal(node->path.begin(), node->path.end(), key.nibbles)) {
                    return node;
                }
                auto child = remove(std::move(node->children[0]), key.skip(length), changed);
                if (!child) return unexpected(child.error());
                node->children[0] = std::move(*child);
                if (!changed) return node;
                return merge_extension(std::move(node));
            }
            case Node::Kind::kBranch: {
                if (key.size == 0) {
                    if (node->value.empty()) return node;
                    node->value.clear();
                    changed = true;
                } else {
                    auto& slot = node->children[key.nibbles[0]];
                    auto child = remove(std::move(slot), key.skip(1), changed);
                    if (!child) return unexpected(child.error());
                    slot = std::move(*child);
                    if (!changed) return node;
                }
                return collapse_branch(std::move(node));
            }
            case Node::Kind::kReference:
                break;
        }
        return unexpected(TrieError::kBadNode);
    }

    // Reads without modifying the trie: loaded nodes are kept in `loaded` only.
    Result<std::optional<Bytes>, TrieError> get(const Node* node, Path key) const {
        NodePtr loaded;
        while (node != nullptr) {
            if (node->kind == Node::Kind::kReference) {
                auto fetched = load(node->hash);
                if (!fetched) return unexpected(fetched.error());
                loaded = std::move(*fetched);
                node = loaded.get();
            }
            switch (node->kind) {
                case Node::Kind::kLeaf:
                    if (path_equals(node->path, key)) return std::optional<Bytes>{node->value};
                    return std::optional<Bytes>{};
                case Node::Kind::kExtension: {
                    const std::size_t length = node->path.size();
                    if (key.size < length ||
                        !std::equal(node->path.begin(), node->path.end(), key.nibbles)) {
                        return std::optional<Bytes>{};
                    }
                    key = key.skip(length);
                    node = node->children[0].get();
                    break;
                }
                case Node::Kind::kBranch:
                    if (key.size == 0) {
                        if (node->value.empty()) return std::optional<Bytes>{};
                        return std::optional<Bytes>{node->value};
                    }
                    node = node->children[key.nibbles[0]].get();
                    key = key.skip(1);
                    break;
                case Node::Kind::kReference:
                    return unexpected(TrieError::kBadNode);
            }
        }
        return std::optional<Bytes>{};
    }

    // Appends to `proof` the encodings of the hash-referenced nodes on `key`'s path.
    Result<void, TrieError> prove(NodePtr& slot, Path key, bool is_root,
                                  std::vector<Bytes>& proof) const {
        if (!slot) return {};
        if (auto r = resolve(slot); !r) return unexpected(r.error());
        Node& node = *slot;
        hash_subtree(node);
        Bytes encoding = node.encoding.empty() ? encode_node(node) : node.encoding;
        if (is_root || encoding.size() >= 32) proof.push_back(std::move(encoding));
        switch (node.kind) {
            case Node::Kind::kLeaf:
                return {};
            case Node::Kind::kExtension: {
                const std::size_t length = node.path.size();
                if (key.size < length ||
                    !std::equal(node.path.begin(), node.path.end(), key.nibbles)) {
                    return {};
                }
                return prove(node.children[0], key.skip(length), false, proof);
            }
            case Node::Kind::kBranch:
                if (key.size == 0) return {};
                return prove(node.children[key.nibbles[0]], key.skip(1), false, proof);
            case Node::Kind::kReference:
                break;
        }
        return unexpected(TrieError::kBadNode);
    }

private:
    static void place_in_branch(Node& branch, Path rest, Bytes value) {
        if (rest.size == 0) {
            branch.value = std::move(value);
        } else {
            branch.children[rest.nibbles[0]] = make_leaf(rest.skip(1).copy(), std::move(value));
        }
    }

    static NodePtr wrap_in_extension(Nibbles path, NodePtr child) {
        if (path.empty()) return child;
        return make_extension(std::move(path), std::move(child));
    }

    // An extension whose child changed: fold a leaf or extension child into it.
    Result<NodePtr, TrieError> merge_extension(NodePtr node) const {
        NodePtr& child = node->children[0];
        if (!child) return NodePtr{};  // cannot happen for a well-formed trie
        if (auto r = resolve(child); !r) return unexpected(r.error());
        switch (child->kind) {
            case Node::Kind::kLeaf:
                return make_leaf(concat(node->path, child->path), std::move(child->value));
            case Node::Kind::kExtension:
                return make_extension(concat(node->path, child->path),
                                      std::move(child->children[0]));
            case Node::Kind::kBranch:
            case Node::Kind::kReference:
                node->mark_dirty();
                return node;
        }
        return node;
    }

    // A branch lost an entry: with a single entry left it becomes a leaf or extension.
    Result<NodePtr, TrieError> collapse_branch(NodePtr node) const {
        int only_index = -1;
        int count = 0;
        for (int i = 0; i < 16; ++i) {
            if (node->children[static_cast<std::size_t>(i)]) {
                ++count;
                only_index = i;
            }
        }
        const bool has_value = !node->value.empty();
        if (count == 0 && has_value) return make_leaf({}, std::move(node->value));
        if (count == 0) return NodePtr{};
        if (count > 1 || has_value) {
            node->mark_dirty();
            return node;
        }
        const auto index = static_cast<std::uint8_t>(only_index);
        NodePtr child = std::move(node->children[index]);
        if (auto r = resolve(child); !r) return unexpected(r.error());
        switch (child->kind) {
            case Node::Kind::kLeaf:
                return make_leaf(concat(index, child->path), std::move(child->value));
            case Node::Kind::kExtension:
                return make_extension(concat(index, child->path), std::move(child->children[0]));
            case Node::Kind::kBranch:
            case Node::Kind::kReference:
                return make_extension(Nibbles{index}, std::move(child));
        }
        return unexpected(TrieError::kBadNode);
    }

    const NodeStore* store_;
};

Trie::Trie(const NodeStore* store, const Hash32& root) : store_{store} {
    if (root != kEmptyRoot) root_ = make_reference(root);
}
Trie::~Trie() = default;
Trie::Trie(Trie&&) noexcept = default;
Trie& Trie::operator=(Trie&&) noexcept = default;

Result<std::optional<Bytes>, TrieError> Trie::get(ByteView key) const {
    const Nibbles nibbles = to_nibbles(key);
    return TrieOps{store_}.get(root_.get(), Path{nibbles.data(), nibbles.size()});
}

Result<void, TrieError> Trie::put(ByteView key, ByteView value) {
    if (value.empty()) return erase(key);
    const Nibbles nibbles = to_nibbles(key);
    auto root =
        TrieOps{store_}.insert(std::move(root_), Path{nibbles.data(), nibbles.size()}, value);
    if (!root) return unexpected(root.error());
    root_ = std::move(*root);
    return {};
}

Result<void, TrieError> Trie::erase(ByteView key) {
    const Nibbles nibbles = to_nibbles(key);
    bool changed = false;
    auto root =
        TrieOps{store_}.remove(std::move(root_), Path{nibbles.data(), nibbles.size()}, changed);
    if (!root) return unexpected(root.error());
    root_ = std::move(*root);
    return {};
}

Hash32 Trie::root_hash() {
    if (!root_) return kEmptyRoot;
    if (root_->kind == Node::Kind::kReference) return root_->hash;
    hash_subtree(*root_);
    // The reference is the node's own RLP when shorter than 32 bytes; the root is hashed
    // regardless of its size.
    return root_->reference.size() < 32 ? crypto::keccak256(root_->reference) : root_->hash;
}

namespace {

void collect_dirty(Node& node, bool is_root, std::vector<CommittedNode>& out) {
    if (node.committed || node.kind == Node::Kind::kReference) return;
    for (auto& child : node.children) {
        if (child) collect_dirty(*child, false, out);
    }
    if (node.encoding.size() >= 32) {
        out.push_back({node.hash, std::move(node.encoding)});
    } else if (is_root) {
        // A root shorter than 32 bytes is still stored by hash so the trie can be reopened.
        out.push_back({crypto::keccak256(node.encoding), std::move(node.encoding)});
    }
    node.encoding = Bytes{};
    node.committed = true;
}

}  // namespace

std::vector<CommittedNode> Trie::commit() {
    std::vector<CommittedNode> out;
    if (!root_ || root_->kind == Node::Kind::kReference) return out;
    hash_subtree(*root_);
    collect_dirty(*root_, /*is_root=*/true, out);
    return out;
}

Result<std::vector<Bytes>, TrieError> Trie::prove(ByteView key) {
    const Nibbles nibbles = to_nibbles(key);
    std::vector<Bytes> proof;
    auto proved = TrieOps{store_}.prove(root_, Path{nibbles.data(), nibbles.size()},
                                        /*is_root=*/true, proof);
    if (!proved) return unexpected(proved.error());
    return proof;
}

Result<std::optional<Bytes>, ProofError> verify_proof(const Hash32& root, ByteView key,
                                                      const std::vector<Bytes>& proof) {
    if (root == kEmptyRoot) return std::optional<Bytes>{};
    std::map<Hash32, ByteView> by_hash;
    for (const Bytes& element : proof)
        by_hash.emplace(crypto::keccak256(element), element);
    const auto find = [&](ByteView hash) -> std::optional<ByteView> {
        Hash32 wanted;
        std::copy(hash.begin(), hash.end(), wanted.begin());
        const auto it = by_hash.find(wanted);
        if (it == by_hash.end()) return std::nullopt;
        return it->second;
    };

    const Nibbles nibbles = to_nibbles(key);
    std::size_t position = 0;
    auto current = find(root);
    if (!current) return unexpected(ProofError::kMissingNode);
    for (;;) {
        auto items = split_rlp_list(*current);
        if (!items) return unexpected(ProofError::kBadNode);
        const RlpItem* child = nullptr;
        if (items->size() == 17) {
            if (position == nibbles.size()) {
                const ByteView value = (*items)[16].payload;
                if (value.empty()) return std::optional<Bytes>{};
                return std::optional<Bytes>{to_bytes(value)};
            }
            child = &(*items)[nibbles[position++]];
        } else if (items->size() == 2) {
            auto path = hex_prefix_decode((*items)[0].payload);
            if (!path || (*items)[0].is_list) return unexpected(ProofError::kBadNode);
            const std::size_t remaining = nibbles.size() - position;
            const bool prefix_matches =
                path->nibbles.size() <= remaining &&
                std::equal(path->nibbles.begin(), path->nibbles.end(),
                           nibbles.begin() + static_cast<std::ptrdiff_t>(position));
            if (path->is_leaf) {
                if (!prefix_matches || path->nibbles.size() != remaining) {
                    return std::optional<Bytes>{};
                }
                return std::optional<Bytes>{to_bytes((*items)[1].payload)};
            }
            if (!prefix_matches) return std::optional<Bytes>{};
            position += path->nibbles.size();
            child = &(*items)[1];
        } else {
            return unexpected(ProofError::kBadNode);
        }

        if (child->is_list) {
            current = child->encoded;  // an inline node
        } else if (child->payload.empty()) {
            return std::optional<Bytes>{};
        } else if (child->payload.size() == 32) {
            current = find(child->payload);
            if (!current) return unexpected(ProofError::kMissingNode);
        } else {
            return unexpected(ProofError::kBadNode);
        }
    }
}

Hash32 compute_root(const std::vector<std::pair<Bytes, Bytes>>& entries) {
    Trie trie;
    for (const auto& [key, value] : entries) {
        // Without a node store nothing can be missing, so put() cannot fail here.
        (void)trie.put(key, value);
    }
    return trie.root_hash();
}

}  // namespace qtm::trie
