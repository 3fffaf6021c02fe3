// Ethereum's Merkle Patricia Trie (Yellow Paper, Appendix D): a key-value map whose root
// hash commits to every entry. Nodes shorter than 32 bytes are inlined in their parent;
// longer ones are referenced by keccak256. Changes touch only the dirty paths: hashing
// and commit() visit modified nodes only, and untouched subtrees stay as hash references
// that are loaded from a NodeStore on demand.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "trie/nibbles.hpp"

namespace qtm::trie {

// keccak256(rlp("")): the root of a trie with no entries (tests recompute it).
inline constexpr Hash32 kEmptyRoot = {
    0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45, 0xe6, 0x92, 0xc0, 0xf8, 0x6e,
    0x5b, 0x48, 0xe0, 0x1b, 0x99, 0x6c, 0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21};

enum class TrieError {
    kMissingNode,  // a referenced node is not in the node store
    kBadNode,      // a stored node does not decode as a trie node
};
std::string_view to_string(TrieError error) noexcept;

// Where committed nodes live (the state store in a node, a map in tests).
class NodeStore {
public:
    virtual ~NodeStore() = default;
    [[nodiscard]] virtual std::optional<Bytes> load_node(const Hash32& hash) const = 0;
};

// A node written by commit(): its hash and RLP encoding.
struct CommittedNode {
    Hash32 hash;
    Bytes encoded;
};

struct Node;

class Trie {
public:
    // An empty trie, or the trie committed under `root` in `store` (which must outlive it).
    explicit Trie(const NodeStore* store = nullptr, const Hash32& root = kEmptyRoot);
    ~Trie();
    Trie(Trie&&) noexcept;
    Trie& operator=(Trie&&) noexcept;

    // The value under `key`, or nullopt when absent.
    [[nodiscard]] Result<std::optional<Bytes>, TrieError> get(ByteView key) const;
    // Sets `key` to `value`; an empty value deletes the key, as in Ethereum.
    [[nodiscard]] Result<void, TrieError> put(ByteView key, ByteView value);
    [[nodiscard]] Result<void, TrieError> erase(ByteView key);

    // The root hash; hashes only the nodes changed since the last call.
    [[nodiscard]] Hash32 root_hash();
    // Returns every node changed since the last commit whose encoding is at least 32
    // bytes (inline nodes live inside their parents), plus the root node, and marks
    // them clean. The caller writes them to the node store, keyed by hash.
    [[nodiscard]] std::vector<CommittedNode> commit();

    // The RLP-encoded nodes from the root towards `key` (eth_getProof's form): an
    // inclusion proof when the key is present, an exclusion proof otherwise.
    // Not const: it hashes dirty nodes and loads the nodes on the path from the store.
    [[nodiscard]] Result<std::vector<Bytes>, TrieError> prove(ByteView key);

private:
    const NodeStore* store_;
    std::unique_ptr<Node> root_;
};

enum class ProofError {
    kMissingNode,  // the proof lacks a node the path needs
    kBadNode,      // a proof element does not decode as a trie node
};
std::string_view to_string(ProofError error) noexcept;

// Verifies `proof` against `root` for `key`: the value if the proof shows the key present,
// nullopt if it shows the key absent, an error if the proof is not valid for that root.
[[nodiscard]] Result<std::optional<Bytes>, ProofError> verify_proof(
    const Hash32& root, ByteView key, const std::vector<Bytes>& proof);

// The root of a trie holding exactly `entries` (no node store); for tests and genesis.
[[nodiscard]] Hash32 compute_root(const std::vector<std::pair<Bytes, Bytes>>& entries);

}  // namespace qtm::trie
