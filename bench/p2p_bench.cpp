// The p2p layer's costs: handshake CPU per side (each message's work measured on its own),
// a whole handshake in one thread, and encrypted stream throughput per core (seal and open
// of large frames, the session's FrameSealer/FrameOpener over ChaCha20-Poly1305).
#include <benchmark/benchmark.h>

#include "p2p/handshake.hpp"
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

}  // namespace

BENCHMARK(BM_InitiatorHello)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ResponderReply)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_InitiatorFinish)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ResponderAccept)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_WholeHandshake)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FrameSeal)->Arg(1 << 10)->Arg(64 << 10)->Arg(1 << 20)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FrameOpen)->Arg(64 << 10)->Arg(1 << 20)->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
