// JSON-RPC over WebSocket against a real `qtmd --dev`: calls and batches, eth_subscribe
// (newHeads, logs, newPendingTransactions), eth_unsubscribe, malformed input, and a
// subscriber that never reads being disconnected while the node and other clients go on.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>

#include "node_support.hpp"

namespace qtm {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using test::Json;
using test::QtmdProcess;

// A small synchronous WebSocket JSON-RPC client. Reads wait at most `timeout` (the test
// fails with an exception rather than hanging); notifications read while waiting for a
// response are kept for later.
class WsClient {
public:
    explicit WsClient(int port, std::optional<int> receive_buffer = std::nullopt,
                      const std::string& origin = "")
        : ws_{io_} {
        auto& socket = ws_.next_layer();
        socket.open(tcp::v4());
        if (receive_buffer) {
            socket.set_option(asio::socket_base::receive_buffer_size(*receive_buffer));
        }
        socket.connect(
            tcp::endpoint{asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
        if (!origin.empty()) {
            ws_.set_option(
                websocket::stream_base::decorator([origin](websocket::request_type& request) {
                    request.set(beast::http::field::origin, origin);
                }));
        }
        ws_.handshake("127.0.0.1:" + std::to_string(port), "/");
        ws_.text(true);
    }

    void send_text(const std::string& text) { ws_.write(asio::buffer(text)); }

    // The next message; throws on a timeout; nullopt when the connection ended (the error
    // is in last_error()).
    std::optional<std::string> read_text(std::chrono::seconds timeout = std::chrono::seconds(20)) {
        beast::flat_buffer buffer;
        bool done = false;
        beast::error_code error;
        ws_.async_read(buffer, [&](beast::error_code read_error, std::size_t) {
            error = read_error;
            done = true;
        });
        io_.restart();
        io_.run_for(timeout);
        if (!done) throw std::runtime_error{"no WebSocket message within the timeout"};
        if (error) {
            last_error_ = error;
            return std::nullopt;
        }
        return beast::buffers_to_string(buffer.data());
    }

    Json read_json() {
        auto text = read_text();
        if (!text) throw std::runtime_error{"connection closed: " + last_error_.message()};
        return Json::parse(*text);
    }

    // Sends a request and returns its response; notifications read meanwhile are kept.
    Json call(const std::string& method, const Json& params = Json::array()) {
        const int id = next_id_++;
        send_text(
            Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}.dump());
        for (;;) {
            Json message = read_json();
            if (message.contains("id") && message.at("id") == id) return message;
            pending_.push_back(std::move(message));
        }
    }

    // The next notification of subscription `id` (others, and responses, are set aside).
    Json next_notification(const std::string& id) {
        for (auto it = pending_.begin(); it != pending_.end(); ++it) {
            if (is_notification_of(*it, id)) {
                Json out = *it;
                pending_.erase(it);
                return out.at("params").at("result");
            }
        }
        for (;;) {
            Json message = read_json();
            if (is_notification_of(message, id)) return message.at("params").at("result");
            pending_.push_back(std::move(message));
        }
    }

    // Every message kept so far (notifications not yet taken).
    [[nodiscard]] const std::deque<Json>& kept() const { return pending_; }
    void forget_kept() { pending_.clear(); }
    [[nodiscard]] websocket::close_reason close_reason() const { return ws_.reason(); }
    [[nodiscard]] beast::error_code last_error() const { return last_error_; }

private:
    static bool is_notification_of(const Json& message, const std::string& id) {
        return message.value("method", "") == "eth_subscription" &&
               message.at("params").at("subscription") == id;
    }

    asio::io_context io_;
    websocket::stream<tcp::socket> ws_;
    std::deque<Json> pending_;
    beast::error_code last_error_;
    int next_id_{1};
};

std::uint64_t quantity(const Json& value) {
    return std::stoull(value.get<std::string>(), nullptr, 16);
}

class DevNodeWs : public ::testing::Test {
protected:
    test::TestDir dir_{"qtm-dev-node-ws"};
    std::filesystem::path datadir_{dir_.path()};
};

TEST_F(DevNodeWs, ServesCallsBatchesAndErrors) {
    QtmdProcess node{datadir_, {"--block-time", "0.2"}};
    ASSERT_GT(node.ws_port(), 0) << node.output();
    EXPECT_NE(node.ws_port(), node.port());
    WsClient client{node.ws_port()};

    const Json chain_id = client.call("eth_chainId");
    EXPECT_EQ(chain_id.at("result"), node.call("eth_chainId").at("result"));

    client.send_text(R"([{"jsonrpc":"2.0","id":"a","method":"eth_chainId"},)"
                     R"({"jsonrpc":"2.0","id":"b","method":"eth_blockNumber"},)"
                     R"({"jsonrpc":"2.0","method":"eth_chainId"},)"
                     R"({"jsonrpc":"2.0","id":"c","method":"no_such_method"}])");
    const Json batch = client.read_json();
    ASSERT_TRUE(batch.is_array()) << batch.dump();
    ASSERT_EQ(batch.size(), 3U) << batch.dump();  // the notification gets no answer
    EXPECT_EQ(batch.at(0).at("id"), "a");
    EXPECT_EQ(batch.at(0).at("result"), chain_id.at("result"));
    EXPECT_EQ(batch.at(1).at("id"), "b");
    EXPECT_TRUE(batch.at(1).at("result").is_string());
    EXPECT_EQ(batch.at(2).at("error").at("code"), -32601);

    client.send_text("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":");
    const Json malformed = client.read_json();
    EXPECT_EQ(malformed.at("error").at("code"), -32700) << malformed.dump();
    // The connection survives bad input.
    EXPECT_EQ(client.call("eth_chainId").at("result"), chain_id.at("result"));

    // Over HTTP, eth_subscribe is refused as geth refuses it.
    const Json over_http = node.call("eth_subscribe", Json::array({"newHeads"}));
    EXPECT_EQ(over_http.at("error").at("code"), -32601) << over_http.dump();
    EXPECT_EQ(over_http.at("error").at("message"), "notifications not supported");

    // A plain HTTP request to the WebSocket port is refused with a hint, not served.
    const auto [status, body] = [&] {
        asio::io_context io;
        beast::tcp_stream stream{io};
        stream.connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"),
                                     static_cast<unsigned short>(node.ws_port())});
        beast::http::request<beast::http::string_body> request{beast::http::verb::post, "/", 11};
        request.set(beast::http::field::host, "127.0.0.1");
        request.body() = R"({"jsonrpc":"2.0","id":1,"method":"eth_chainId"})";
        request.prepare_payload();
        beast::http::write(stream, request);
        beast::flat_buffer buffer;
        beast::http::response<beast::http::string_body> response;
        beast::http::read(stream, buffer, response);
        return std::pair{response.result_int(), response.body()};
    }();
    EXPECT_EQ(status, 426);
    EXPECT_NE(body.find("WebSocket"), std::string::npos) << body;
}

TEST_F(DevNodeWs, OriginsAndTheRateLimitAreTheHttpServers) {
    QtmdProcess node{datadir_, {"--http-cors", "https://good.example", "--http-rate-limit", "1"}};
    // A browser page from another origin cannot open the socket; the listed one and
    // non-browser clients (no Origin header) can.
    try {
        WsClient refused{node.ws_port(), std::nullopt, "https://evil.example"};
        ADD_FAILURE() << "a handshake from an unlisted origin was accepted";
    } catch (const beast::system_error& error) {
        EXPECT_EQ(error.code(), websocket::error::upgrade_declined) << error.what();
    }
    WsClient listed{node.ws_port(), std::nullopt, "https://good.example"};
    EXPECT_TRUE(listed.call("eth_chainId").contains("result"));

    // 1 message/s after a burst of 100: some of 150 quick messages are refused with -32005,
    // and the connection stays open.
    int limited = 0;
    for (int i = 0; i < 150; ++i) {
        const Json answer = listed.call("eth_chainId");
        if (answer.contains("error")) {
            EXPECT_EQ(answer.at("error").at("code"), -32005) << answer.dump();
            ++limited;
        }
    }
    EXPECT_GE(limited, 40);
}

TEST_F(DevNodeWs, NewHeadsArriveInOrderAndMatchTheBlocks) {
    QtmdProcess node{datadir_, {"--block-time", "0.2"}};
    WsClient client{node.ws_port()};
    const Json subscribed = client.call("eth_subscribe", Json::array({"newHeads"}));
    ASSERT_TRUE(subscribed.contains("result")) << subscribed.dump();
    const std::string id = subscribed.at("result");
    EXPECT_EQ(id.size(), 18U);
    EXPECT_EQ(id.rfind("0x", 0), 0U);

    std::optional<Json> previous;
    for (int i = 0; i < 4; ++i) {
        const Json head = client.next_notification(id);
        const std::uint64_t number = quantity(head.at("number"));
        if (previous) {
            EXPECT_EQ(number, quantity(previous->at("number")) + 1);
            EXPECT_EQ(head.at("parentHash"), previous->at("hash"));
        }
        const Json block =
            node.call("eth_getBlockByNumber", Json::array({head.at("number"), false})).at("result");
        ASSERT_TRUE(block.is_object()) << "block " << number << " announced but not served";
        for (const auto& [field, value] : head.items()) {
            ASSERT_TRUE(block.contains(field)) << field;
            EXPECT_EQ(block.at(field), value) << field << " of block " << number;
        }
        for (const char* field :
             {"hash", "parentHash", "stateRoot", "receiptsRoot", "transactionsRoot", "logsBloom",
              "timestamp", "baseFeePerGas", "gasLimit", "gasUsed", "miner", "extraData"}) {
            EXPECT_TRUE(head.contains(field)) << field;
        }
        EXPECT_FALSE(head.contains("transactions"));
        previous = head;
    }

    EXPECT_EQ(client.call("eth_unsubscribe", Json::array({id})).at("result"), true);
    // Notifications queued before the answer may still be kept; none may come after it.
    client.forget_kept();
    EXPECT_EQ(client.call("eth_unsubscribe", Json::array({id})).at("result"), false);
    const std::string second = client.call("eth_subscribe", Json::array({"newHeads"})).at("result");
    for (int i = 0; i < 3; ++i)
        (void)client.next_notification(second);
    for (const auto& message : client.kept()) {
        if (message.value("method", "") != "eth_subscription") continue;
        EXPECT_NE(message.at("params").at("subscription"), id) << "notification after unsubscribe";
    }
}

TEST_F(DevNodeWs, LogsAndPendingTransactionsFollowTheirFilters) {
    QtmdProcess node{datadir_, {"--block-time", "0.2"}};
    WsClient client{node.ws_port()};
    const std::string topic = "0x" + std::string(64, '1');
    const std::string other_topic = "0x" + std::string(64, '2');
    const std::string from = node.call("eth_accounts").at("result").at(0);

    const std::string matching =
        client.call("eth_subscribe", Json::array({"logs", {{"topics", Json::array({topic})}}}))
            .at("result");
    const std::string by_other_topic =
        client
            .call("eth_subscribe", Json::array({"logs", {{"topics", Json::array({other_topic})}}}))
            .at("result");
    const std::string by_other_address =
        client
            .call(
                "eth_subscribe",
                Json::array({"logs", {{"address", "0x2222222222222222222222222222222222222222"}}}))
            .at("result");
    const std::string pending =
        client.call("eth_subscribe", Json::array({"newPendingTransactions"})).at("result");
    const std::string heads = client.call("eth_subscribe", Json::array({"newHeads"})).at("result");
    EXPECT_EQ(client.call("eth_subscribe", Json::array({"logs", {{"topics", "0x12"}}}))
                  .at("error")
                  .at("code"),
              -32602);

    // A creation whose initcode logs 42 under `topic`: PUSH1 42 PUSH1 0 MSTORE PUSH32 topic
    // PUSH1 32 PUSH1 0 LOG1 STOP.
    const std::string initcode = "0x602a6000527f" + std::string(64, '1') + "60206000a100";
    const Json sent =
        node.call("eth_sendTransaction", Json::array({{{"from", from}, {"data", initcode}}}));
    ASSERT_TRUE(sent.contains("result")) << sent.dump();
    const std::string hash = sent.at("result");

    EXPECT_EQ(client.next_notification(pending), hash);
    const Json log = client.next_notification(matching);
    EXPECT_EQ(log.at("transactionHash"), hash);
    EXPECT_EQ(log.at("topics"), Json::array({topic}));
    EXPECT_EQ(log.at("data"), "0x" + std::string(62, '0') + "2a");
    EXPECT_EQ(log.at("removed"), false);
    // The same log as eth_getLogs reports it.
    const Json logs = node.call(
        "eth_getLogs",
        Json::array({{{"blockHash", log.at("blockHash")}, {"topics", Json::array({topic})}}}));
    ASSERT_EQ(logs.at("result").size(), 1U) << logs.dump();
    EXPECT_EQ(logs.at("result").at(0), log);

    // Read heads up to a block past the log's: by then every notification of the log's block
    // has arrived, and none belongs to the non-matching subscriptions.
    const std::uint64_t log_block = quantity(log.at("blockNumber"));
    while (quantity(client.next_notification(heads).at("number")) <= log_block) {
    }
    for (const auto& message : client.kept()) {
        if (message.value("method", "") != "eth_subscription") continue;
        const auto& id = message.at("params").at("subscription");
        EXPECT_NE(id, by_other_topic) << message.dump();
        EXPECT_NE(id, by_other_address) << message.dump();
    }
}

TEST_F(DevNodeWs, ASubscriberThatNeverReadsIsDisconnectedAndOthersGoOn) {
    // Two clients with 500 newHeads subscriptions each (500 notifications a block, about
    // 2.7 MB/s) and a queue limit of 800 messages: a client that reads keeps up; one that
    // does not fills the kernel's socket buffers (at most 4 MiB on the node's side), then
    // its queue, and is disconnected.
    constexpr int kSubscriptions = 500;
    QtmdProcess node{datadir_, {"--block-time", "0.2", "--ws-max-queue", "800"}};
    WsClient slow{node.ws_port(), 4096};  // a small receive window too
    WsClient healthy{node.ws_port()};
    std::string heads;
    for (int i = 0; i < kSubscriptions; ++i) {
        ASSERT_TRUE(slow.call("eth_subscribe", Json::array({"newHeads"})).contains("result"));
        heads = healthy.call("eth_subscribe", Json::array({"newHeads"})).at("result");
    }
    slow.forget_kept();
    healthy.forget_kept();
    // From here on the slow client reads nothing until the end.

    // Blocks keep coming to the healthy client while the slow one reads nothing.
    std::uint64_t last = 0;
    for (int i = 0; i < 30; ++i) {
        const std::uint64_t number = quantity(healthy.next_notification(heads).at("number"));
        healthy.forget_kept();  // the other 499 notifications of the block
        if (last != 0) {
            EXPECT_EQ(number, last + 1);
        }
        last = number;
    }
    // The slow connection was closed: reading it now ends (a close frame, or the end of the
    // stream) after what had been sent before the close.
    std::size_t received = 0;  // what the kernel buffered before the close
    std::uint64_t last_seen = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (const auto text = slow.read_text(std::chrono::seconds(20))) {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline)
            << "the slow connection is still open after " << received << " messages (last head "
            << last_seen << ", healthy saw " << last << ")";
        ++received;
        const Json message = Json::parse(*text);
        if (message.value("method", "") == "eth_subscription") {
            last_seen =
                std::max(last_seen, quantity(message.at("params").at("result").at("number")));
        }
    }
    EXPECT_TRUE(slow.last_error()) << "the slow connection was not closed";
    // A close frame when the node could still send one (else the TCP connection just ends).
    std::cout << "slow client: " << received << " messages, then " << slow.last_error().message()
              << " (close code " << slow.close_reason().code << ")\n";
    if (slow.last_error() == websocket::error::closed) {
        EXPECT_EQ(slow.close_reason().code, websocket::close_code::policy_error);
    }
    // It stopped hearing of blocks before the node stopped producing them.
    EXPECT_LT(last_seen, last);

    // The node and the other client are fine.
    const std::uint64_t next = quantity(healthy.next_notification(heads).at("number"));
    EXPECT_GT(next, last);
    EXPECT_GT(quantity(node.call("eth_blockNumber").at("result")), last);
    WsClient fresh{node.ws_port()};
    EXPECT_TRUE(fresh.call("eth_blockNumber").contains("result"));

    EXPECT_EQ(node.terminate(SIGTERM), 0);
    // Closed for its full queue (not for one burst: a block brings 500 notifications).
    EXPECT_NE(node.output().find("closing the WebSocket connection of 127.0.0.1: 800 messages"),
              std::string::npos)
        << node.output();
    EXPECT_NE(node.output().find("stopped at block"), std::string::npos);
}

}  // namespace
}  // namespace qtm
