// JSON-RPC body parsing: nlohmann's own parser against rpc::parse_json (simdjson, then a
// copy into nlohmann::json), on the body qtmd receives most under load: an
// eth_sendRawTransaction of an ML-DSA-44 transfer (~5 KB of hex), and a small read.
#include <benchmark/benchmark.h>

#include <string>

#include "rpc/json_parse.hpp"

namespace {

std::string raw_transaction_body() {
    std::string raw = "0x51";
    for (int i = 0; i < 5072; ++i)
        raw += "0123456789abcdef"[(i * 7) % 16];
    return R"({"jsonrpc":"2.0","id":4242,"method":"eth_sendRawTransaction","params":[")" + raw +
           "\"]}";
}

const std::string kSmallBody =
    R"({"jsonrpc":"2.0","id":7,"method":"eth_getBalance","params":["0x8c3d0b4f3a8c4b0e8c7f4b2a9d1e0f3c2b1a0908","latest"]})";

void bm_nlohmann(benchmark::State& state, const std::string& body) {
    for (auto _ : state)
        benchmark::DoNotOptimize(nlohmann::json::parse(body));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}

void bm_parse_json(benchmark::State& state, const std::string& body) {
    for (auto _ : state)
        benchmark::DoNotOptimize(qtm::rpc::parse_json(body));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}

const std::string kRawBody = raw_transaction_body();
BENCHMARK_CAPTURE(bm_nlohmann, send_raw_transaction, kRawBody)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_parse_json, send_raw_transaction, kRawBody)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_nlohmann, get_balance, kSmallBody)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_parse_json, get_balance, kSmallBody)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
