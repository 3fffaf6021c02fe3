#include "trie/walk.hpp"

#include "base/hex.hpp"
#include "crypto/keccak.hpp"
#include "trie/node.hpp"

namespace qtm::trie {
namespace {

struct Walker {
    const NodeStore& store;
    const EntryVisitor& visitor;
    const NodeFilter* enter;
    WalkStats stats;
    bool stopped{false};

    // Appends `key` nibbles to `prefix`, visits, and restores `prefix`.
    Result<void, WalkError> visit_entry(const Nibbles& path, const Bytes& value) {
        if (path.size() % 2 != 0) {
            return unexpected(WalkError{WalkErrorKind::kBadNode, Hash32{}, path});
        }
        Bytes key(path.size() / 2);
        for (std::size_t i = 0; i < key.size(); ++i) {
            key[i] = static_cast<std::uint8_t>((path[2 * i] << 4) | path[2 * i + 1]);
        }
        ++stats.entries;
        if (!visitor(key, value)) stopped = true;
        return {};
    }

    Result<void, WalkError> visit(const Node& node, Nibbles& path) {
        if (stopped) return {};
        switch (node.kind) {
            case Node::Kind::kReference: {
                if (enter != nullptr && !(*enter)(node.hash)) return {};
                auto encoded = store.load_node(node.hash);
                if (!encoded) {
                    return unexpected(WalkError{WalkErrorKind::kMissingNode, node.hash, path});
                }
                // The store is keyed by hash; a damaged value under the right key is caught
                // here, not trusted.
                if (crypto::keccak256(*encoded) != node.hash) {
                    return unexpected(WalkError{WalkErrorKind::kHashMismatch, node.hash, path});
                }
                auto decoded = decode_node(*encoded, &node.hash);
                if (!decoded) {
                    return unexpected(WalkError{WalkErrorKind::kBadNode, node.hash, path});
                }
                ++stats.nodes;
                return visit(**decoded, path);
            }
            case Node::Kind::kLeaf: {
                const std::size_t size = path.size();
                path.insert(path.end(), node.path.begin(), node.path.end());
                auto visited = visit_entry(path, node.value);
                path.resize(size);
                return visited;
            }
            case Node::Kind::kExtension: {
                const std::size_t size = path.size();
                path.insert(path.end(), node.path.begin(), node.path.end());
                auto visited = visit(*node.children[0], path);
                path.resize(size);
                return visited;
            }
            case Node::Kind::kBranch: {
                // A branch's own value sorts before its children's keys.
                if (!node.value.empty()) {
                    if (auto visited = visit_entry(path, node.value); !visited) return visited;
                }
                for (std::uint8_t i = 0; i < 16 && !stopped; ++i) {
                    if (!node.children[i]) continue;
                    path.push_back(i);
                    auto visited = visit(*node.children[i], path);
                    path.pop_back();
                    if (!visited) return visited;
                }
                return {};
            }
        }
        return {};
    }
};

}  // namespace

std::string WalkError::describe() const {
    std::string where = "0x";
    static constexpr char kDigits[] = "0123456789abcdef";
    for (const std::uint8_t nibble : path)
        where.push_back(kDigits[nibble & 0x0f]);
    if (path.empty()) where = "the root";
    switch (kind) {
        case WalkErrorKind::kMissingNode:
            return "node " + to_hex(node) + " at path " + where + " is missing";
        case WalkErrorKind::kHashMismatch:
            return "node stored under " + to_hex(node) + " at path " + where +
                   " does not hash to its key (damaged value)";
        case WalkErrorKind::kBadNode:
            return "node " + to_hex(node) + " at path " + where + " does not decode as a trie node";
    }
    return "unknown trie error";
}

Result<WalkStats, WalkError> walk(const NodeStore& store, const Hash32& root,
                                  const EntryVisitor& visitor) {
    return walk(store, root, visitor, NodeFilter{});
}

Result<WalkStats, WalkError> walk(const NodeStore& store, const Hash32& root,
                                  const EntryVisitor& visitor, const NodeFilter& enter) {
    Walker walker{store, visitor, enter ? &enter : nullptr, {}};
    if (root == kEmptyRoot) return walker.stats;
    const NodePtr start = make_reference(root);
    Nibbles path;
    if (auto visited = walker.visit(*start, path); !visited) return unexpected(visited.error());
    return walker.stats;
}

}  // namespace qtm::trie
