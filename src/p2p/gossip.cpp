#include "p2p/gossip.hpp"

#include <cstring>

namespace qtm::p2p {

std::size_t BoundedIdSet::Hash::operator()(const ItemId& id) const noexcept {
    // Ids are hashes already; their first bytes are as good as any hash of them.
    std::size_t value = 0;
    std::memcpy(&value, id.data(), sizeof value);
    return value;
}

BoundedIdSet::BoundedIdSet(std::size_t capacity) : capacity_{capacity == 0 ? 1 : capacity} {}

bool BoundedIdSet::insert(const ItemId& id) {
    if (!ids_.insert(id).second) return false;
    order_.push_back(id);
    if (order_.size() > capacity_) {
        ids_.erase(order_.front());
        order_.pop_front();
    }
    return true;
}

bool BoundedIdSet::contains(const ItemId& id) const {
    return ids_.contains(id);
}

Gossip::Gossip(std::size_t seen_capacity, std::size_t per_peer_capacity)
    : seen_{seen_capacity}, per_peer_capacity_{per_peer_capacity} {}

BoundedIdSet& Gossip::known_by(const NodeId& peer) {
    auto it = known_.find(peer);
    if (it == known_.end()) it = known_.emplace(peer, BoundedIdSet{per_peer_capacity_}).first;
    return it->second;
}

bool Gossip::on_received(const ItemId& id, const NodeId& from) {
    known_by(from).insert(id);
    return seen_.insert(id);
}

std::vector<NodeId> Gossip::relay_targets(const ItemId& id, const std::vector<NodeId>& peers) {
    std::vector<NodeId> targets;
    for (const NodeId& peer : peers) {
        if (known_by(peer).insert(id)) targets.push_back(peer);
    }
    return targets;
}

void Gossip::forget_peer(const NodeId& peer) {
    known_.erase(peer);
}

}  // namespace qtm::p2p
