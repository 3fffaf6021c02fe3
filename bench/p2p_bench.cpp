// The p2p layer's costs: handshake CPU per side (each message's work measured on its own),
// a whole handshake in one thread, and encrypted stream throughput per core (seal and open
// of large frames, the session's FrameSealer/FrameOpener over ChaCha20-Poly1305), and the
// gossip latency of 10 Hosts on loopback TCP (relay at one node until all have it).
#include <benchmark/benchmark.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "p2p/handshake.hpp"
#include "p2p/host.hpp"
#include "p2p/session.hpp"

namespace {

using namespace qtm;
using namespace qtm::p2p;

const NetworkIdentity kNetwork{kProtocolVersion, 7357, Hash32{}};

const NodeKey& key_a() {
    static const NodeKey key = NodeKey::from_seed(ByteArray<32>{1});
    return key;
}
const NodeKey& key_b() {
    static const NodeKey key = NodeKey::from_seed(ByteArray<32>{2});
    return key;
}

// Initiator: key generation and the hello.
void BM_InitiatorHello(benchmark::State& state) {
    for (auto _ : state) {
        InitiatorHandshake initiator{kNetwork, key_a(), key_b().id(), InitiatorRandomness::fresh()};
        benchmark::DoNotOptimize(initiator.hello());
    }
}

// Responder: checks, encapsulation, X25519, HKDF, signing and sealing its identity.
void BM_ResponderReply(benchmark::State& state) {
    InitiatorHandshake initiator{kNetwork, key_a(), key_b().id(), InitiatorRandomness::fresh()};
    const Bytes hello = initiator.hello();
    for (auto _ : state) {
        ResponderHandshake responder{kNetwork, key_b(), ResponderRandomness::fresh()};
        benchmark::DoNotOptimize(responder.on_hello(hello));
    }
}

// Initiator: decapsulation, X25519, verifying the responder, signing the finish. Each
// iteration needs a fresh initiator and reply; their cost is measured above and excluded.
void BM_InitiatorFinish(benchmark::State& state) {
    for (auto _ : state) {
        state.PauseTiming();
        InitiatorHandshake initiator{kNetwork, key_a(), key_b().id(), InitiatorRandomness::fresh()};
        ResponderHandshake responder{kNetwork, key_b(), ResponderRandomness::fresh()};
        const Bytes reply = *responder.on_hello(initiator.hello());
        state.ResumeTiming();
        benchmark::DoNotOptimize(initiator.on_reply(reply));
    }
}

// Responder: opening and verifying the initiator's identity, deriving the session keys.
void BM_ResponderAccept(benchmark::State& state) {
    for (auto _ : state) {
        state.PauseTiming();
        InitiatorHandshake initiator{kNetwork, key_a(), key_b().id(), InitiatorRandomness::fresh()};
        ResponderHandshake responder{kNetwork, key_b(), ResponderRandomness::fresh()};
        const Bytes finish = initiator.on_reply(*responder.on_hello(initiator.hello()))->finish;
        state.ResumeTiming();
        benchmark::DoNotOptimize(responder.on_finish(finish));
    }
}

void BM_WholeHandshake(benchmark::State& state) {
    for (auto _ : state) {
        InitiatorHandshake initiator{kNetwork, key_a(), key_b().id(), InitiatorRandomness::fresh()};
        ResponderHandshake responder{kNetwork, key_b(), ResponderRandomness::fresh()};
        auto finished = initiator.on_reply(*responder.on_hello(initiator.hello()));
        benchmark::DoNotOptimize(responder.on_finish(finished->finish));
    }
}

crypto::AeadKey bench_key() {
    return crypto::AeadKey{ByteArray<32>{9}};
}

void BM_FrameSeal(benchmark::State& state) {
    FrameSealer sealer{bench_key(), FrameLimits{}};
    const Bytes message(static_cast<std::size_t>(state.range(0)), 0x5a);
    for (auto _ : state)
        benchmark::DoNotOptimize(sealer.seal(message));
    state.SetBytesProcessed(state.iterations() * state.range(0));
}

void BM_FrameOpen(benchmark::State& state) {
    const Bytes message(static_cast<std::size_t>(state.range(0)), 0x5a);
    // Pre-seal a batch of frames (sealing is not timed), then open them in order.
    constexpr int kBatch = 64;
    for (auto _ : state) {
        state.PauseTiming();
        FrameSealer sealer{bench_key(), FrameLimits{}};
        FrameOpener opener{bench_key(), FrameLimits{}};
        std::vector<Bytes> frames;
        for (int i = 0; i < kBatch; ++i)
            frames.push_back(sealer.seal(message));
        state.ResumeTiming();
        for (const auto& frame : frames) {
            opener.append(frame);
            benchmark::DoNotOptimize(opener.next());
        }
    }
    state.SetBytesProcessed(state.iterations() * kBatch * state.range(0));
}

// Ten Hosts in one process over loopback TCP, in a seeded random connected topology (a
// random spanning tree plus 5 edges, as persistent peers). Each iteration node 0 relays a
// new item; every node delivers it once and relays it on. Timed: from the relay call until
// the last node has delivered it (the handlers count under a lock and notify).
class GossipNet {
public:
    static constexpr std::size_t kNodes = 10;

    GossipNet() {
        std::mt19937_64 rng{42};
        std::vector<std::set<std::size_t>> adjacent(kNodes);
        for (std::size_t i = 1; i < kNodes; ++i) {
            const std::size_t parent = rng() % i;
            adjacent[i].insert(parent);
        }
        for (std::size_t added = 0; added < 5;) {
            const std::size_t a = rng() % kNodes;
            const std::size_t b = rng() % kNodes;
            if (a == b || adjacent[std::max(a, b)].contains(std::min(a, b))) continue;
            adjacent[std::max(a, b)].insert(std::min(a, b));
            ++added;
        }
        std::vector<std::size_t> degree(kNodes, 0);
        for (std::size_t i = 0; i < kNodes; ++i) {
            for (const std::size_t j : adjacent[i]) {
                ++degree[i];
                ++degree[j];
            }
        }
        for (std::size_t i = 0; i < kNodes; ++i) {
            keys_.push_back(std::make_unique<NodeKey>(
                NodeKey::from_seed(ByteArray<32>{static_cast<std::uint8_t>(100 + i)})));
            HostConfig config;
            config.network = kNetwork;
            config.status =
                Status{kProtocolVersion, kNetwork.chain_id, kNetwork.genesis_hash, 0, Hash32{}, 0,
                       Hash32{}};
            config.listen_address = "127.0.0.1";
            config.target_outbound = 0;
            config.limits.max_handshakes_per_ip = 32;
            config.tick = std::chrono::milliseconds{20};
            config.backoff =
                BackoffPolicy{std::chrono::milliseconds{100}, std::chrono::seconds{1}, 0.5};
            for (const std::size_t j : adjacent[i]) {
                config.persistent_peers.push_back(
                    PeerUrl{keys_[j]->id(), "127.0.0.1", hosts_[j]->listen_port().value()});
            }
            Host::Handlers handlers;
            handlers.on_message = [this, i](const NodeId& from, ChannelMessage message) {
                if (message.payload.size() != 32) return;
                ItemId item{};
                std::copy(message.payload.begin(), message.payload.end(), item.begin());
                if (!hosts_[i]->note_received(item, from)) return;
                hosts_[i]->relay(item, message, from);
                const std::lock_guard lock{mutex_};
                ++delivered_;
                changed_.notify_all();
            };
            hosts_.push_back(std::make_unique<Host>(*keys_[i], std::move(config), handlers));
            hosts_[i]->start();
        }
        for (std::size_t i = 0; i < kNodes; ++i) {
            while (hosts_[i]->peer_count() < degree[i])
                std::this_thread::sleep_for(std::chrono::milliseconds{5});
        }
    }

    ~GossipNet() {
        for (auto& host : hosts_)
            host->stop();  // before the handlers' lock and counter go
    }
    GossipNet(const GossipNet&) = delete;
    GossipNet& operator=(const GossipNet&) = delete;

    // Relays item number `n` from node 0 and waits until the nine others delivered it.
    bool gossip_once(std::uint64_t n) {
        ItemId item{};
        for (std::size_t b = 0; b < 8; ++b)
            item[b] = static_cast<std::uint8_t>(n >> (8 * b));
        {
            const std::lock_guard lock{mutex_};
            delivered_ = 0;
        }
        hosts_[0]->relay(item,
                         ChannelMessage{Channel::kTransactions, 1, Bytes(item.begin(), item.end())},
                         std::nullopt);
        std::unique_lock lock{mutex_};
        return changed_.wait_for(lock, std::chrono::seconds{30},
                                 [this] { return delivered_ == kNodes - 1; });
    }

private:
    std::vector<std::unique_ptr<NodeKey>> keys_;
    std::vector<std::unique_ptr<Host>> hosts_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::size_t delivered_{0};
};

void BM_GossipLatency10Hosts(benchmark::State& state) {
    GossipNet net;
    std::uint64_t n = 0;
    for (auto _ : state) {
        if (!net.gossip_once(++n)) {
            state.SkipWithError("an item did not reach every node within 30 s");
            break;
        }
    }
}

}  // namespace

BENCHMARK(BM_InitiatorHello)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ResponderReply)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_InitiatorFinish)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ResponderAccept)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_WholeHandshake)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FrameSeal)->Arg(1 << 10)->Arg(64 << 10)->Arg(1 << 20)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FrameOpen)->Arg(64 << 10)->Arg(1 << 20)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_GossipLatency10Hosts)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK_MAIN();
