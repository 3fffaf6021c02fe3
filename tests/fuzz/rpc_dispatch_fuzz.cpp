// Fuzzes the JSON-RPC dispatcher with every public method registered over a real dev node
// (RocksDB in a temporary directory; a transfer and a contract that logs, in two blocks).
// An input is either JSON text sent as is, or (first byte 0) a request built from the bytes:
// one of the registered methods, with parameters drawn from the shapes clients send
// (quantities, data, addresses, hashes, block tags, call and filter objects, overrides).
// Must never crash, must always answer valid JSON, and must never answer -32603 (an
// exception a handler did not expect).
#include <fuzzer/FuzzedDataProvider.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/hex.hpp"
#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"
#include "node/node.hpp"
#include "rpc/eth_api.hpp"
#include "rpc/json_rpc.hpp"

namespace {

using qtm::rpc::Json;

struct Harness {
    std::filesystem::path datadir;
    std::unique_ptr<qtm::node::Node> node;
    std::unique_ptr<qtm::rpc::Dispatcher> dispatcher;
    qtm::rpc::ApiLimits limits;
    std::vector<std::string> methods;
    std::vector<std::string> addresses;
};

Harness& harness() {
    static Harness* instance = [] {
        auto* h = new Harness;
        char pattern[] = "/tmp/qtm-fuzz-rpc-XXXXXX";
        const char* dir = ::mkdtemp(pattern);
        if (dir == nullptr) std::abort();
        h->datadir = dir;
        std::atexit([] { std::filesystem::remove_all(harness().datadir); });
        qtm::node::NodeOptions options;
        options.datadir = h->datadir.string();
        options.spec = *qtm::chain::builtin_chain_spec("dev");
        options.proposer = qtm::chain::AccountKey{qtm::crypto::SignatureScheme::kMlDsa65,
                                                  qtm::chain::dev_validator_seed(0)}
                               .address();
        options.signers.emplace_back(qtm::crypto::SignatureScheme::kMlDsa44,
                                     qtm::chain::dev_account_seed(0));
        options.node_cache_bytes = 8u << 20;
        auto opened = qtm::node::Node::open(std::move(options));
        if (!opened) std::abort();
        h->node = std::move(*opened);
        h->limits.gas_cap = 1'000'000;  // keeps each input fast
        h->dispatcher = std::make_unique<qtm::rpc::Dispatcher>();
        qtm::rpc::register_api(*h->dispatcher, *h->node, h->limits);
        h->methods = h->dispatcher->method_names();
        const std::string from = qtm::to_hex(qtm::chain::AccountKey{
            qtm::crypto::SignatureScheme::kMlDsa44, qtm::chain::dev_account_seed(0)}
                                                 .address());
        h->addresses = {from, "0x0000000000000000000000000000000000000000",
                        "0x0000000000000000000000000000000000000001"};
        // A transfer, then a contract creation that logs (LOG1 of 42 under topic 7).
        const auto send = [&](const Json& tx) {
            const auto answer = h->dispatcher->handle(Json{
                {"jsonrpc", "2.0"},
                {"id", 1},
                {"method", "eth_sendTransaction"},
                {"params", Json::array({tx})}}.dump());
            if (!answer || Json::parse(*answer).contains("error")) std::abort();
        };
        send({{"from", from}, {"to", h->addresses[1]}, {"value", "0x1"}});
        if (!h->node->produce_block()) std::abort();
        send({{"from", from}, {"data", "0x602a600052600760206000a100"}});
        if (!h->node->produce_block()) std::abort();
        return h;
    }();
    return *instance;
}

std::string hex_of(FuzzedDataProvider& input, std::size_t max_bytes) {
    const auto bytes =
        input.ConsumeBytes<std::uint8_t>(input.ConsumeIntegralInRange<std::size_t>(0, max_bytes));
    return qtm::to_hex(bytes);
}

Json value(FuzzedDataProvider& input, int depth);

Json object_of(FuzzedDataProvider& input, int depth, const std::vector<const char*>& keys) {
    Json object = Json::object();
    for (const char* key : keys) {
        if (input.ConsumeBool()) object[key] = value(input, depth + 1);
    }
    return object;
}

Json value(FuzzedDataProvider& input, int depth) {
    const Harness& h = harness();
    const int kind = input.ConsumeIntegralInRange(0, depth > 2 ? 8 : 13);
    switch (kind) {
        case 0: {
            const auto number =
                input.ConsumeIntegral<std::uint64_t>() >> input.ConsumeIntegralInRange(0, 63);
            std::string text = "0x";
            if (input.ConsumeBool()) text += "0";  // a leading zero, invalid for QUANTITY
            static constexpr char kDigits[] = "0123456789abcdef";
            std::string digits;
            for (std::uint64_t n = number; n != 0; n >>= 4)
                digits.insert(digits.begin(), kDigits[n & 15]);
            return text + (digits.empty() ? "0" : digits);
        }
        case 1:
            return hex_of(input, 80);
        case 2:
            return input.ConsumeBool() ? Json(h.addresses[input.ConsumeIntegralInRange<std::size_t>(
                                             0, h.addresses.size() - 1)])
                                       : Json(hex_of(input, 20));
        case 3:
            return hex_of(input, 32);
        case 4: {
            static const char* kTags[] = {"latest", "pending", "safe", "finalized", "earliest",
                                          "0x0",    "0x1",     "0x2",  "0x3",       "0xffffffff"};
            return kTags[input.ConsumeIntegralInRange(0, 9)];
        }
        case 5:
            return input.ConsumeBool();
        case 6:
            return input.ConsumeIntegral<std::int64_t>();
        case 7:
            return nullptr;
        case 8:
            return input.ConsumeRandomLengthString(40);
        case 9:
            return object_of(
                input, depth,
                {"from", "to", "data", "input", "value", "gas", "gasPrice", "maxFeePerGas",
                 "maxPriorityFeePerGas", "nonce", "accessList", "scheme"});
        case 10:
            return object_of(input, depth,
                             {"fromBlock", "toBlock", "address", "topics", "blockHash"});
        case 11: {
            Json array = Json::array();
            const int count = input.ConsumeIntegralInRange(0, 4);
            for (int i = 0; i < count; ++i)
                array.push_back(value(input, depth + 1));
            return array;
        }
        case 12:
            return Json{
                {h.addresses[0],
                 object_of(input, depth, {"balance", "nonce", "code", "state", "stateDiff"})}};
        default:
            return object_of(input, depth,
                             {"number", "time", "gasLimit", "feeRecipient", "prevRandao",
                              "baseFeePerGas", "address", "storageKeys"});
    }
}

void check(const Json& answer) {
    if (answer.is_array()) {
        for (const auto& item : answer)
            check(item);
        return;
    }
    if (!answer.is_object() || answer.value("jsonrpc", "") != "2.0") std::abort();
    if (answer.contains("error") && answer.at("error").value("code", 0) == -32603) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Harness& h = harness();
    std::string body;
    if (size > 0 && data[0] == 0) {
        FuzzedDataProvider input{data + 1, size - 1};
        const std::string method =
            h.methods[input.ConsumeIntegralInRange<std::size_t>(0, h.methods.size() - 1)];
        Json params = Json::array();
        const int count = input.ConsumeIntegralInRange(0, 4);
        for (int i = 0; i < count; ++i)
            params.push_back(value(input, 0));
        body = Json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}}.dump(
            -1, ' ', false, Json::error_handler_t::replace);
    } else {
        body.assign(reinterpret_cast<const char*>(data), size);
    }
    const auto answer = h.dispatcher->handle(body);
    if (!answer) return 0;
    const Json parsed = Json::parse(*answer, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) std::abort();
    check(parsed);
    return 0;
}
