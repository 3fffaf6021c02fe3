// Gossip de-duplication: bounded id sets, and an in-process network of 10 nodes in a random
// connected topology (messages passed through a queue, no sockets): every item reaches every
// node, each node delivers it once, receives it from the wire at most once per neighbour,
// and each item crosses each link at most once in each direction.
#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <set>

#include "p2p/gossip.hpp"

namespace qtm::p2p {
namespace {

Hash32 id_of(std::uint64_t n) {
    Hash32 out{};
    for (int i = 0; i < 8; ++i)
        out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(n >> (8 * i));
    out[31] = 0x5a;
    return out;
}

TEST(BoundedIdSet, ForgetsTheOldestBeyondCapacity) {
    BoundedIdSet set{3};
    EXPECT_TRUE(set.insert(id_of(1)));
    EXPECT_FALSE(set.insert(id_of(1)));
    EXPECT_TRUE(set.insert(id_of(2)));
    EXPECT_TRUE(set.insert(id_of(3)));
    EXPECT_TRUE(set.insert(id_of(4)));
    EXPECT_EQ(set.size(), 3u);
    EXPECT_FALSE(set.contains(id_of(1)));
    EXPECT_TRUE(set.contains(id_of(4)));
}

TEST(Gossip, RelaysOnlyToPeersThatLackTheItem) {
    Gossip gossip{100, 100};
    const NodeId a = id_of(10), b = id_of(11), c = id_of(12);
    EXPECT_TRUE(gossip.on_received(id_of(1), a));
    EXPECT_FALSE(gossip.on_received(id_of(1), b));  // a duplicate: not delivered again
    EXPECT_EQ(gossip.relay_targets(id_of(1), {a, b, c}), std::vector<NodeId>{c});
    EXPECT_TRUE(gossip.relay_targets(id_of(1), {a, b, c}).empty());  // at most once per peer
    gossip.forget_peer(c);
    EXPECT_EQ(gossip.relay_targets(id_of(1), {c}), std::vector<NodeId>{c});
}

struct Network {
    std::size_t size;
    std::vector<std::set<std::size_t>> neighbours;
    std::vector<Gossip> gossip;
    std::vector<std::map<ItemId, int>> delivered;
    std::vector<std::map<ItemId, int>> received;
    std::map<std::tuple<std::size_t, std::size_t, ItemId>, int> link_uses;

    Network(std::size_t n, std::uint64_t seed) : size{n}, neighbours(n), delivered(n), received(n) {
        for (std::size_t i = 0; i < n; ++i)
            gossip.emplace_back(1000, 1000);
        std::mt19937_64 rng{seed};
        // A random spanning tree (connected), then random extra links.
        for (std::size_t i = 1; i < n; ++i)
            link(i, rng() % i);
        for (std::size_t k = 0; k < n; ++k)
            link(rng() % n, rng() % n);
    }
    void link(std::size_t a, std::size_t b) {
        if (a == b) return;
        neighbours[a].insert(b);
        neighbours[b].insert(a);
    }
    static NodeId node(std::size_t i) { return id_of(1000 + i); }

    // Node `origin` publishes `item`; messages travel in FIFO order until none is left.
    void publish(std::size_t origin, const ItemId& item) {
        std::deque<std::tuple<std::size_t, std::size_t, ItemId>> wire;  // from, to, item
        const auto accept = [&](std::size_t at, std::size_t from) {
            if (!gossip[at].on_received(item, node(from))) return;
            ++delivered[at][item];
            std::vector<NodeId> peers;
            for (std::size_t n : neighbours[at])
                peers.push_back(node(n));
            for (const NodeId& target : gossip[at].relay_targets(item, peers)) {
                const std::size_t to =
                    static_cast<std::size_t>(target[0] | (target[1] << 8)) - 1000;
                wire.emplace_back(at, to, item);
            }
        };
        accept(origin, origin);
        while (!wire.empty()) {
            const auto [from, to, id] = wire.front();
            wire.pop_front();
            ++link_uses[{from, to, id}];
            ++received[to][id];
            accept(to, from);
        }
    }
};

TEST(Gossip, TenNodeRandomTopologyDeliversEachItemOnceEverywhere) {
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
        Network net{10, seed};
        for (std::uint64_t item = 0; item < 20; ++item)
            net.publish(static_cast<std::size_t>(item % 10), id_of(item));
        for (std::size_t i = 0; i < 10; ++i) {
            for (std::uint64_t item = 0; item < 20; ++item) {
                EXPECT_EQ(net.delivered[i][id_of(item)], 1) << "seed " << seed << " node " << i;
                EXPECT_LE(net.received[i][id_of(item)], static_cast<int>(net.neighbours[i].size()));
            }
        }
        for (const auto& [link, uses] : net.link_uses)
            EXPECT_EQ(uses, 1);
    }
}

}  // namespace
}  // namespace qtm::p2p
