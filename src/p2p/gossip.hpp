// Gossip de-duplication: a node delivers each item once, remembers per peer which items the
// peer already has (it sent them to us, or we sent them to it), and forwards each item to
// each peer at most once. Memory is bounded: the oldest ids are forgotten first. Items are
// named by a 32-byte id (a transaction or block hash); the caller relays only what it has
// checked (gossip never vouches for unchecked bytes).
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <unordered_set>
#include <vector>

#include "base/bytes.hpp"
#include "p2p/node_key.hpp"

namespace qtm::p2p {

using ItemId = Hash32;

// A set of ids that forgets the oldest beyond its capacity.
class BoundedIdSet {
public:
    explicit BoundedIdSet(std::size_t capacity);
    // True if the id was not there (and is now).
    bool insert(const ItemId& id);
    [[nodiscard]] bool contains(const ItemId& id) const;
    [[nodiscard]] std::size_t size() const noexcept { return order_.size(); }

private:
    struct Hash {
        std::size_t operator()(const ItemId& id) const noexcept;
    };
    std::size_t capacity_;
    std::unordered_set<ItemId, Hash> ids_;
    std::deque<ItemId> order_;
};

class Gossip {
public:
    Gossip(std::size_t seen_capacity, std::size_t per_peer_capacity);

    // An item arrived from `from` (or from ourselves, when `from` is our own id): true the
    // first time, when the caller checks it, delivers it and then calls relay_targets().
    bool on_received(const ItemId& id, const NodeId& from);
    // Of `peers`, those not known to have the item; they are marked as having it now.
    [[nodiscard]] std::vector<NodeId> relay_targets(const ItemId& id,
                                                    const std::vector<NodeId>& peers);
    void forget_peer(const NodeId& peer);

private:
    BoundedIdSet& known_by(const NodeId& peer);

    BoundedIdSet seen_;
    std::size_t per_peer_capacity_;
    std::map<NodeId, BoundedIdSet> known_;
};

}  // namespace qtm::p2p
