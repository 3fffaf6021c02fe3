// The p2p Host over real TCP on loopback, several Hosts in one process (each with its own
// io thread): a seeded random topology where gossip reaches every node exactly once; bad
// peers (garbage, a stalled handshake, a flooder) dropped and banned while the rest keeps
// working; a restart that finds its peers from the saved address book alone; a persistent
// peer URL with the wrong node id that never connects and is backed off; with peer exchange
// off, a star stays a star (no address shared, no dial back, no address book).
//
// All honest nodes listen on 127.0.0.1. Bad raw clients connect from 127.0.0.2 and the
// flooder from 127.0.0.3 (Linux routes all of 127.0.0.0/8 to the loopback interface), so a
// ban of the bad addresses cannot touch the honest ones. Every wait polls a condition with a
// generous deadline; nothing here is timed.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "handshake_support.hpp"
#include "p2p/address_book.hpp"
#include "p2p/host.hpp"
#include "p2p/protocol.hpp"

namespace qtm::p2p {
namespace {

using namespace std::chrono_literals;
using namespace qtm::p2p::testing;

constexpr auto kDeadline = 30s;
constexpr std::uint8_t kGossipType = 7;

template <class Predicate>
bool wait_until(Predicate predicate, std::chrono::milliseconds deadline = kDeadline) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (!predicate()) {
        if (std::chrono::steady_clock::now() > until) return predicate();
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

Status test_status() {
    const NetworkIdentity network = test_network();
    return Status{kProtocolVersion, network.chain_id, network.genesis_hash, 0, Hash32{}, 0,
                  Hash32{}};
}

RandomSource seeded(std::uint64_t seed) {
    auto engine = std::make_shared<std::mt19937_64>(seed);
    return [engine] { return (*engine)(); };
}

HostConfig base_config(std::uint64_t seed) {
    HostConfig config;
    config.network = test_network();
    config.status = test_status();
    config.listen_address = "127.0.0.1";
    config.listen_port = 0;
    config.target_outbound = 0;  // only persistent peers, unless a test asks for more
    // Every honest node shares 127.0.0.1: allow more concurrent handshakes from it than a
    // public node would, so that start-up does not hinge on redials.
    config.limits.max_handshakes_per_ip = 32;
    config.handshake_timeout = 10s;
    config.dial_timeout = 5s;
    config.tick = 20ms;
    config.backoff = BackoffPolicy{100ms, 1s, 0.5};
    config.random = seeded(seed);
    return config;
}

// One Host and what its handlers saw.
struct Node {
    explicit Node(std::uint8_t seed) : key{NodeKey::from_seed(counting_bytes(seed))} {}

    NodeKey key;
    std::unique_ptr<Host> host;
    mutable std::mutex mutex;
    std::map<ItemId, int> delivered;  // note_received said "first time"
    std::map<ItemId, int> from_wire;  // every copy that arrived

    void make(HostConfig config) {
        Host::Handlers handlers;
        handlers.on_message = [this](const NodeId& from, ChannelMessage message) {
            if (message.channel != Channel::kTransactions || message.type != kGossipType ||
                message.payload.size() != 32) {
                return;
            }
            ItemId item{};
            std::copy(message.payload.begin(), message.payload.end(), item.begin());
            const bool first = host->note_received(item, from);
            {
                const std::lock_guard lock{mutex};
                ++from_wire[item];
                if (first) ++delivered[item];
            }
            if (first) host->relay(item, std::move(message), from);
        };
        host = std::make_unique<Host>(key, std::move(config), std::move(handlers));
    }

    [[nodiscard]] PeerUrl url() const {
        return PeerUrl{key.id(), "127.0.0.1", host->listen_port().value()};
    }
    [[nodiscard]] int delivered_of(const ItemId& item) const {
        const std::lock_guard lock{mutex};
        const auto it = delivered.find(item);
        return it == delivered.end() ? 0 : it->second;
    }
    [[nodiscard]] int from_wire_of(const ItemId& item) const {
        const std::lock_guard lock{mutex};
        const auto it = from_wire.find(item);
        return it == from_wire.end() ? 0 : it->second;
    }
};

// A seeded random connected graph: a random spanning tree (node i hangs off a random
// earlier node) plus `extra` random further edges.
std::vector<std::set<std::size_t>> random_topology(std::size_t n, std::size_t extra,
                                                   std::uint64_t seed) {
    std::mt19937_64 rng{seed};
    std::vector<std::set<std::size_t>> adjacent(n);
    for (std::size_t i = 1; i < n; ++i) {
        const std::size_t parent = rng() % i;
        adjacent[i].insert(parent);
        adjacent[parent].insert(i);
    }
    for (std::size_t added = 0; added < extra;) {
        const std::size_t a = rng() % n;
        const std::size_t b = rng() % n;
        if (a == b || adjacent[a].contains(b)) continue;
        adjacent[a].insert(b);
        adjacent[b].insert(a);
        ++added;
    }
    return adjacent;
}

struct Network {
    std::vector<std::unique_ptr<Node>> nodes;
    std::vector<std::set<std::size_t>> adjacent;

    // Node i dials each neighbour j < i as a persistent peer; nodes start in order, so the
    // ports they dial are known.
    Network(std::vector<std::set<std::size_t>> topology, std::uint64_t seed,
            const std::function<void(std::size_t, HostConfig&)>& tweak = {})
        : adjacent{std::move(topology)} {
        for (std::size_t i = 0; i < adjacent.size(); ++i) {
            nodes.push_back(std::make_unique<Node>(static_cast<std::uint8_t>(16 * i + 1)));
            HostConfig config = base_config(seed + i);
            for (const std::size_t j : adjacent[i]) {
                if (j < i) config.persistent_peers.push_back(nodes[j]->url());
            }
            if (tweak) tweak(i, config);
            nodes[i]->make(std::move(config));
            nodes[i]->host->start();
        }
    }

    [[nodiscard]] bool all_connected() const {
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            if (nodes[i]->host->peer_count() != adjacent[i].size()) return false;
        }
        return true;
    }
    [[nodiscard]] std::size_t edges() const {
        std::size_t twice = 0;
        for (const auto& a : adjacent)
            twice += a.size();
        return twice / 2;
    }
    [[nodiscard]] std::uint64_t relayed() const {
        std::uint64_t total = 0;
        for (const auto& node : nodes)
            total += node->host->counters().gossip_relayed;
        return total;
    }
    [[nodiscard]] int from_wire(const ItemId& item) const {
        int total = 0;
        for (const auto& node : nodes)
            total += node->from_wire_of(item);
        return total;
    }

    // `origin` relays its own item; every node must deliver it exactly once and receive it
    // from the wire at most once per neighbour.
    void expect_gossip_reaches_all(std::size_t origin, std::uint8_t tag) {
        ItemId item{};
        item.fill(tag);
        const std::uint64_t relayed_before = relayed();
        {
            const std::lock_guard lock{nodes[origin]->mutex};
            nodes[origin]->delivered[item] = 1;  // its own: delivered when created
        }
        nodes[origin]->host->relay(
            item,
            ChannelMessage{Channel::kTransactions, kGossipType, Bytes(item.begin(), item.end())},
            std::nullopt);
        ASSERT_TRUE(wait_until([&] {
            return std::all_of(nodes.begin(), nodes.end(),
                               [&](const auto& node) { return node->delivered_of(item) >= 1; });
        })) << "the item did not reach every node";
        // Quiescent once every copy sent has arrived (each node relays once, on delivery).
        ASSERT_TRUE(wait_until([&] {
            return relayed() - relayed_before == static_cast<std::uint64_t>(from_wire(item));
        }));
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            EXPECT_EQ(nodes[i]->delivered_of(item), 1) << "node " << i;
            EXPECT_LE(nodes[i]->from_wire_of(item), static_cast<int>(adjacent[i].size()))
                << "node " << i;
        }
        // (The origin too may get copies: a neighbour that heard it from someone else does not
        // know the origin has it. It never gets one from a neighbour it sent it to.)
        // The origin sends to each neighbour, every other node to each neighbour but the one
        // it first heard from: at most 2E - (N - 1) copies in all.
        EXPECT_LE(from_wire(item), static_cast<int>(2 * edges() - (nodes.size() - 1)));
        EXPECT_GE(from_wire(item), static_cast<int>(nodes.size() - 1));
    }
};

TEST(HostNetwork, GossipReachesEveryNodeOfARandomTopologyExactlyOnce) {
    constexpr std::uint64_t kSeed = 20261202;
    Network net{random_topology(12, 8, kSeed), kSeed};
    ASSERT_TRUE(wait_until([&] { return net.all_connected(); })) << "not all peers connected";
    net.expect_gossip_reaches_all(/*origin=*/5, /*tag=*/0x11);
    net.expect_gossip_reaches_all(/*origin=*/0, /*tag=*/0x22);
    // Peer lists agree with the topology, and nobody got banned on the way.
    for (std::size_t i = 0; i < net.nodes.size(); ++i) {
        std::set<NodeId> expected;
        for (const std::size_t j : net.adjacent[i])
            expected.insert(net.nodes[j]->key.id());
        std::set<NodeId> seen;
        for (const PeerInfo& peer : net.nodes[i]->host->peers())
            seen.insert(peer.id);
        EXPECT_EQ(seen, expected) << "node " << i;
        EXPECT_EQ(net.nodes[i]->host->counters().bans, 0u);
    }
}

// --- raw bad clients -----------------------------------------------------------------------

// A TCP connection from `source` (bound first) to 127.0.0.1:port; -1 if it cannot be made.
int connect_from(const char* source, std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    sockaddr_in local{};
    local.sin_family = AF_INET;
    ::inet_pton(AF_INET, source, &local.sin_addr);
    sockaddr_in remote{};
    remote.sin_family = AF_INET;
    remote.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
        ::connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

bool send_all(int fd, const Bytes& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        const auto n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return false;
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

// True once the other end has closed the connection (end of stream or a reset); whatever
// it sent before is read and dropped.
bool closed_by_host(int fd) {
    const auto until = std::chrono::steady_clock::now() + kDeadline;
    std::array<std::uint8_t, 4096> buffer{};
    while (std::chrono::steady_clock::now() < until) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        const auto n = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (n <= 0) return true;
    }
    return false;
}

struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

TEST(HostNetwork, BadPeersAreDroppedAndBannedWhileTheOthersKeepWorking) {
    constexpr std::uint64_t kSeed = 77;
    // Node 0 is the target; its transaction channel has a low limit the flooder exceeds.
    Network net{
        random_topology(6, 3, kSeed), kSeed, [](std::size_t i, HostConfig& config) {
            config.handshake_timeout = 3s;
            if (i == 0) {
                config.rate_limits.channels[static_cast<std::size_t>(Channel::kTransactions)] =
                    ChannelRate{100, 200, 1e6, 2e6};
            }
        }};
    ASSERT_TRUE(wait_until([&] { return net.all_connected(); }));
    Host& target = *net.nodes[0]->host;
    const std::uint16_t port = target.listen_port().value();
    const std::string bad_ip = "127.0.0.2";

    // 1. Bytes that are no hello at all (not even our version): dropped, without a score,
    //    since the cheap checks call that another protocol rather than an attack.
    {
        Fd client{connect_from(bad_ip.c_str(), port)};
        ASSERT_GE(client.fd, 0) << "cannot connect from " << bad_ip;
        ASSERT_TRUE(send_all(client.fd, Bytes(kHelloSize + 100, 0xa5)));
        EXPECT_TRUE(closed_by_host(client.fd));
    }
    EXPECT_TRUE(wait_until([&] { return target.counters().handshake_failures >= 1; }));
    EXPECT_FALSE(target.is_banned(bad_ip));

    // 2. A hello of our network whose ML-KEM key is garbage: dropped, and the address scored
    //    (it is to blame; it proved no identity, so the address carries the score).
    {
        InitiatorHandshake handshake{test_network(), initiator_key(), std::nullopt,
                                     InitiatorRandomness::fresh()};
        Bytes hello = handshake.hello();
        std::fill(
            hello.begin() + static_cast<std::ptrdiff_t>(kHelloSize - kMlKem768EncapsulationKeySize),
            hello.end(), 0xff);
        Fd client{connect_from(bad_ip.c_str(), port)};
        ASSERT_GE(client.fd, 0);
        ASSERT_TRUE(send_all(client.fd, hello));
        EXPECT_TRUE(closed_by_host(client.fd));
    }
    EXPECT_TRUE(wait_until([&] { return target.counters().handshake_failures >= 2; }));
    EXPECT_FALSE(target.is_banned(bad_ip)) << "one handshake failure is not yet a ban";

    // 3. A client that connects and never finishes the handshake: closed after the
    //    handshake timeout; a second failure to blame bans the address.
    {
        Fd client{connect_from(bad_ip.c_str(), port)};
        ASSERT_GE(client.fd, 0);
        EXPECT_TRUE(closed_by_host(client.fd));
    }
    EXPECT_TRUE(wait_until([&] { return target.is_banned(bad_ip); }));
    EXPECT_TRUE(wait_until([&] { return target.counters().handshake_failures >= 3; }));

    // 4. The banned address is refused at once, before any handshake work.
    const std::uint64_t refused_before = target.counters().refused;
    {
        Fd client{connect_from(bad_ip.c_str(), port)};
        ASSERT_GE(client.fd, 0);
        EXPECT_TRUE(closed_by_host(client.fd));
    }
    EXPECT_TRUE(wait_until([&] { return target.counters().refused > refused_before; }));
    // The honest loopback peers are untouched by the ban of another address.
    EXPECT_FALSE(target.is_banned(std::string{"127.0.0.1"}));
    EXPECT_EQ(target.peer_count(), net.adjacent[0].size());

    // 5. A peer that completes the handshake (a Host of its own) and floods transactions
    //    beyond the target's rate limit: dropped and banned by node id. Not by address: an
    //    address can be shared by many honest nodes (NAT, one machine running several, and
    //    here every loopback peer), while the node id is what the handshake proved.
    Node flooder{0xf1};
    HostConfig config = base_config(kSeed + 100);
    config.listen_address = "127.0.0.3";  // it also dials from there
    config.persistent_peers.push_back(net.nodes[0]->url());
    std::atomic<int> flooder_connections{0};
    {
        Host::Handlers handlers;
        handlers.on_peer_connected = [&](const PeerInfo&) { ++flooder_connections; };
        flooder.host = std::make_unique<Host>(flooder.key, std::move(config), std::move(handlers));
    }
    flooder.host->start();
    ASSERT_TRUE(wait_until([&] { return flooder.host->peer_count() == 1; }));
    const NodeId target_id = net.nodes[0]->key.id();
    for (int i = 0; i < 2000; ++i) {
        flooder.host->send(target_id, {Channel::kTransactions, 9, Bytes(100, 0x42)});
    }
    EXPECT_TRUE(wait_until([&] { return target.is_banned(flooder.key.id()); }));
    EXPECT_TRUE(wait_until([&] { return flooder.host->peer_count() == 0; }));
    EXPECT_GE(target.counters().rate_limited, 20u);  // 20 floods of -5 reach the -100 ban
    EXPECT_GE(target.counters().bans, 2u);           // the bad address and the flooder
    EXPECT_FALSE(target.is_banned(std::string{"127.0.0.3"}));
    // It redials (a persistent peer) and is refused after the handshake, by its id.
    const std::uint64_t refused_mid = target.counters().refused;
    EXPECT_TRUE(wait_until([&] { return target.counters().refused > refused_mid; }));
    // (The flooder may see that connection as ready for a moment: the target learns the
    // id at the end of the handshake, and its status is already on the way when it refuses.
    // What counts is that the target does not keep it.)
    EXPECT_GE(flooder_connections.load(), 1);
    EXPECT_EQ(target.peer_count(), net.adjacent[0].size());
    flooder.host->stop();

    // The honest network still carries gossip to everyone, through the target as well.
    ASSERT_TRUE(net.all_connected());
    net.expect_gossip_reaches_all(/*origin=*/net.nodes.size() - 1, /*tag=*/0x33);
    net.expect_gossip_reaches_all(/*origin=*/0, /*tag=*/0x44);
    for (std::size_t i = 1; i < net.nodes.size(); ++i) {
        EXPECT_EQ(net.nodes[i]->host->counters().bans, 0u) << "node " << i;
    }
}

// --- the address book ----------------------------------------------------------------------

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        path = std::filesystem::temp_directory_path() /
               ("qtm-host-test-" + std::to_string(::getpid()) + "-" +
                std::to_string(std::random_device{}()));
        std::filesystem::create_directories(path);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
};

TEST(HostNetwork, ARestartedNodeReconnectsFromItsAddressBookAlone) {
    TempDir dir;
    // A star: B is the bootnode. M1..M3 keep only B (a persistent peer, and no dials of
    // their own: target_outbound 0), so after the restart nobody dials N but N itself.
    // N knows only B, and learns M1..M3 by peer exchange from B, which hands out the
    // addresses it has validated (dialed and reached) itself.
    Node b{0xb0};
    {
        HostConfig config = base_config(1);
        config.target_outbound = 8;
        config.peer_exchange_interval = 100ms;
        config.address_book_path = dir.path / "b.book";
        b.make(std::move(config));
        b.host->start();
    }
    std::vector<std::unique_ptr<Node>> members;
    for (std::uint8_t i = 0; i < 3; ++i) {
        members.push_back(std::make_unique<Node>(static_cast<std::uint8_t>(0xc0 + 16 * i)));
        HostConfig config = base_config(10 + i);
        config.persistent_peers.push_back(b.url());
        members.back()->make(std::move(config));
        members.back()->host->start();
    }
    Node n{0x70};
    const auto n_config = [&](bool with_bootnode) {
        HostConfig config = base_config(with_bootnode ? 20 : 21);
        config.target_outbound = 8;
        config.peer_exchange_interval = 100ms;
        config.address_book_save_interval = 200ms;
        config.address_book_path = dir.path / "n.book";
        if (with_bootnode) config.bootnodes.push_back(b.url());
        return config;
    };
    n.make(n_config(/*with_bootnode=*/true));
    n.host->start();

    // N ends up connected to B and every member.
    const auto describe = [](const char* name, const Host& host) {
        const auto c = host.counters();
        return std::string{name} + ": peers " + std::to_string(host.peer_count()) + ", dials " +
               std::to_string(c.dials) + ", dial failures " + std::to_string(c.dial_failures) +
               ", refused " + std::to_string(c.refused) + ", handshake failures " +
               std::to_string(c.handshake_failures) + ", bans " + std::to_string(c.bans) + "; ";
    };
    ASSERT_TRUE(wait_until([&] { return n.host->peer_count() == 4; }))
        << describe("N", *n.host) << describe("B", *b.host) << describe("M1", *members[0]->host)
        << describe("M2", *members[1]->host) << describe("M3", *members[2]->host);
    for (const auto& member : members) {
        EXPECT_TRUE(wait_until([&] { return member->host->peer_count() == 2; }));
    }

    // Stop N (which saves its book) and the bootnode.
    n.host->stop();
    b.host->stop();
    auto book = load_address_book(dir.path / "n.book");
    ASSERT_TRUE(book);
    for (const auto& member : members) {
        const AddressEntry* entry = book->find(member->key.id());
        ASSERT_NE(entry, nullptr);
        EXPECT_TRUE(entry->validated);
    }

    // Restart N without bootnodes or persistent peers: the book alone brings it back.
    n.make(n_config(/*with_bootnode=*/false));
    n.host->start();
    ASSERT_TRUE(wait_until([&] { return n.host->peer_count() == 3; }));
    std::set<NodeId> expected;
    for (const auto& member : members)
        expected.insert(member->key.id());
    std::set<NodeId> seen;
    for (const PeerInfo& peer : n.host->peers()) {
        seen.insert(peer.id);
        EXPECT_FALSE(peer.inbound) << "N itself dialed every peer";
    }
    EXPECT_EQ(seen, expected);
    n.host->stop();
}

// --- a wrong node id -------------------------------------------------------------------------

// A clock that moves only when the test says, and counts how often it is read (the host
// reads it on every tick, so the count proves that ticks ran).
class ManualClock final : public Clock {
public:
    [[nodiscard]] PeerClock::time_point now() const override {
        reads_.fetch_add(1);
        return PeerClock::time_point{} + std::chrono::hours{1} +
               std::chrono::milliseconds{offset_ms_.load()};
    }
    void advance(std::chrono::milliseconds by) { offset_ms_ += by.count(); }
    [[nodiscard]] std::uint64_t reads() const { return reads_.load(); }

private:
    std::atomic<std::int64_t> offset_ms_{0};
    mutable std::atomic<std::uint64_t> reads_{0};
};

TEST(HostNetwork, AWrongNodeIdInAPersistentPeerNeverConnectsAndIsBackedOff) {
    Node honest{0x90};
    honest.make(base_config(5));
    honest.host->start();

    Node dialer{0xa0};
    auto clock = std::make_shared<ManualClock>();
    HostConfig config = base_config(6);
    config.clock = clock;
    config.backoff = BackoffPolicy{1s, 60s, /*jitter=*/0.0};
    PeerUrl wrong = honest.url();
    wrong.node_id[0] ^= 1;
    config.persistent_peers.push_back(wrong);
    dialer.make(std::move(config));
    dialer.host->start();

    const auto ticks_pass = [&](std::uint64_t count) {
        const std::uint64_t from = clock->reads();
        return wait_until([&] { return clock->reads() >= from + count; });
    };
    // The first dial fails: the responder is not the node the URL names.
    ASSERT_TRUE(wait_until([&] { return dialer.host->counters().dial_failures == 1; }));
    // The clock does not move: however many ticks pass, no second dial before the backoff.
    ASSERT_TRUE(ticks_pass(50));
    EXPECT_EQ(dialer.host->counters().dials, 1u);
    // After 1 s (the base), a second try, which fails the same way.
    clock->advance(1s);
    ASSERT_TRUE(wait_until([&] { return dialer.host->counters().dial_failures == 2; }));
    EXPECT_EQ(dialer.host->counters().dials, 2u);
    // Now the wait has doubled: 1 s more is not enough, 2 s is.
    clock->advance(1s);
    ASSERT_TRUE(ticks_pass(50));
    EXPECT_EQ(dialer.host->counters().dials, 2u);
    clock->advance(1s);
    ASSERT_TRUE(wait_until([&] { return dialer.host->counters().dial_failures == 3; }));

    EXPECT_EQ(dialer.host->peer_count(), 0u);
    EXPECT_EQ(honest.host->peer_count(), 0u);
    // Nobody is to blame for a wrong address in our own configuration: no bans either way.
    EXPECT_FALSE(dialer.host->is_banned(honest.key.id()));
    EXPECT_FALSE(dialer.host->is_banned(std::string{"127.0.0.1"}));
    EXPECT_FALSE(honest.host->is_banned(dialer.key.id()));
    EXPECT_FALSE(honest.host->is_banned(std::string{"127.0.0.1"}));
    EXPECT_EQ(dialer.host->counters().bans + honest.host->counters().bans, 0u);
}

// --- without peer exchange ---------------------------------------------------------------

TEST(HostNetwork, WithoutPeerExchangeOnlyTheConfiguredPeersAreDialed) {
    TempDir dir;
    // The star of the address-book test, everyone with peer exchange off and room for 8
    // outbound peers: with it on, the members would learn each other from B (B dials them
    // back to validate their addresses) and connect all to all.
    const auto config_of = [&](std::uint64_t seed, const std::string& book) {
        HostConfig config = base_config(seed);
        config.target_outbound = 8;
        config.peer_exchange_interval = 50ms;
        config.address_book_save_interval = 50ms;
        config.address_book_path = dir.path / book;
        config.peer_exchange = false;
        return config;
    };
    Node b{0xb1};
    b.make(config_of(30, "b.book"));
    b.host->start();
    std::vector<std::unique_ptr<Node>> members;
    for (std::uint8_t i = 0; i < 3; ++i) {
        members.push_back(std::make_unique<Node>(static_cast<std::uint8_t>(0xd0 + 16 * i)));
        HostConfig config = config_of(31 + i, "m" + std::to_string(i) + ".book");
        config.persistent_peers.push_back(b.url());
        members.back()->make(std::move(config));
        members.back()->host->start();
    }
    ASSERT_TRUE(wait_until([&] { return b.host->peer_count() == 3; }));
    // Many ticks and exchange intervals later: still a star, and nobody ever asked.
    std::this_thread::sleep_for(1s);
    EXPECT_EQ(b.host->peer_count(), 3u);
    EXPECT_EQ(b.host->counters().dials, 0u) << "no dial back";
    const auto peers_channel = static_cast<std::size_t>(Channel::kPeers);
    EXPECT_EQ(b.host->counters().messages_sent[peers_channel], 0u);
    for (const auto& member : members) {
        EXPECT_EQ(member->host->peer_count(), 1u);
        EXPECT_EQ(member->host->counters().messages_sent[peers_channel], 0u);
        for (const PeerInfo& peer : member->host->peers()) {
            EXPECT_EQ(peer.id, b.key.id());
            EXPECT_FALSE(peer.inbound);
        }
    }
    b.host->stop();
    for (const auto& member : members)
        member->host->stop();
    // No address book is written either.
    EXPECT_FALSE(std::filesystem::exists(dir.path / "b.book"));
    EXPECT_FALSE(std::filesystem::exists(dir.path / "m0.book"));
}

}  // namespace
}  // namespace qtm::p2p
