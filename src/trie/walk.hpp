// A full, verifying walk of a stored trie: every node reachable from a root is loaded from
// the node store, checked to hash to the reference its parent holds, decoded, and every
// entry is visited in key order. It is how `qtm db check` proves that a state root's trie
// is complete and what it holds, without trusting anything but the root hash.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "trie/trie.hpp"

namespace qtm::trie {

enum class WalkErrorKind {
    kMissingNode,   // a referenced node is not in the store
    kHashMismatch,  // a stored node does not hash to the reference it is stored under
    kBadNode,       // a stored node does not decode, or a leaf's key has an odd length
};

struct WalkError {
    WalkErrorKind kind{WalkErrorKind::kMissingNode};
    Hash32 node{};                 // the node's hash
    Nibbles path{};                // where the node hangs below the root
    std::string describe() const;  // "node 0x.. at path 0x3a.. is missing from the store"
};

struct WalkStats {
    std::uint64_t nodes{0};  // stored (hashed) nodes loaded
    std::uint64_t entries{0};
};

// Called for each entry in ascending key order; return false to stop the walk (the result
// is then the stats so far).
using EntryVisitor = std::function<bool(ByteView key, ByteView value)>;

[[nodiscard]] Result<WalkStats, WalkError> walk(const NodeStore& store, const Hash32& root,
                                                const EntryVisitor& visitor);

// Called with each stored node's hash before it is loaded; false skips the node and all
// below it (a mark phase that has seen the subtree already).
using NodeFilter = std::function<bool(const Hash32& node)>;
[[nodiscard]] Result<WalkStats, WalkError> walk(const NodeStore& store, const Hash32& root,
                                                const EntryVisitor& visitor,
                                                const NodeFilter& enter);

}  // namespace qtm::trie
