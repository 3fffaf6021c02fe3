// The dispatcher tells its observer of every request: the registered method's name (never a
// client-chosen one), the outcome from the JSON-RPC error code, notifications included.
#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "rpc/json_rpc.hpp"
#include "rpc/observer.hpp"

namespace qtm::rpc {
namespace {

class Recorder final : public RpcObserver {
public:
    void on_request(std::string_view method, RpcOutcome outcome,
                    std::chrono::nanoseconds latency) noexcept override {
        seen.emplace_back(std::string{method}, outcome);
        EXPECT_GE(latency.count(), 0);
    }
    void on_rate_limited(std::string_view) noexcept override {}
    void on_ws_connection_opened() noexcept override {}
    void on_ws_connection_closed() noexcept override {}
    std::vector<std::pair<std::string, RpcOutcome>> seen;
};

class ObservedDispatcher : public ::testing::Test {
protected:
    ObservedDispatcher() {
        dispatcher_.add("ok", [](const Json&) { return Json(1); });
        dispatcher_.add("refuses", [](const Json&) -> Json {
            throw RpcError{code::kServer, "nonce too low"};
        });
        dispatcher_.add("reverts", [](const Json&) -> Json {
            throw RpcError{code::kReverted, "execution reverted"};
        });
        dispatcher_.add("reads", [](const Json& params) { return params.at(0).get<int>(); });
        dispatcher_.add("crashes", [](const Json&) -> Json { throw std::runtime_error{"bug"}; });
        dispatcher_.add_serialized(
            "serialized", [](const Json&) { return std::make_shared<const std::string>("2"); });
        dispatcher_.set_observer(&recorder_);
    }
    void send(std::string_view body) { (void)dispatcher_.handle(body); }

    Dispatcher dispatcher_;
    Recorder recorder_;
};

TEST_F(ObservedDispatcher, ReportsMethodAndOutcome) {
    send(R"({"jsonrpc":"2.0","id":1,"method":"ok"})");
    send(R"({"jsonrpc":"2.0","id":1,"method":"serialized"})");
    send(R"({"jsonrpc":"2.0","id":1,"method":"refuses"})");
    send(R"({"jsonrpc":"2.0","id":1,"method":"reverts"})");
    send(R"({"jsonrpc":"2.0","id":1,"method":"reads","params":["x"]})");
    send(R"({"jsonrpc":"2.0","id":1,"method":"crashes"})");
    send(R"({"jsonrpc":"2.0","id":1,"method":"made_up_by_a_client"})");
    send(R"({"jsonrpc":"1.0","id":1,"method":"ok"})");
    const std::vector<std::pair<std::string, RpcOutcome>> expected = {
        {"ok", RpcOutcome::kOk},
        {"serialized", RpcOutcome::kOk},
        {"refuses", RpcOutcome::kServerError},
        {"reverts", RpcOutcome::kReverted},
        {"reads", RpcOutcome::kInvalidParams},
        {"crashes", RpcOutcome::kInternalError},
        {"unknown", RpcOutcome::kMethodNotFound},
        {"unknown", RpcOutcome::kInvalidRequest},
    };
    EXPECT_EQ(recorder_.seen, expected);
}

TEST_F(ObservedDispatcher, NotificationsAndBatchesCountEachRequest) {
    send(R"({"jsonrpc":"2.0","method":"refuses"})");  // a notification: no answer, still counted
    send(R"({"jsonrpc":"2.0","method":"nope"})");
    send(R"([{"jsonrpc":"2.0","id":1,"method":"ok"},{"jsonrpc":"2.0","id":2,"method":"refuses"}])");
    send("{not json");
    send("[]");
    const std::vector<std::pair<std::string, RpcOutcome>> expected = {
        {"refuses", RpcOutcome::kServerError},
        {"unknown", RpcOutcome::kMethodNotFound},
        {"ok", RpcOutcome::kOk},
        {"refuses", RpcOutcome::kServerError},
        {"unknown", RpcOutcome::kParseError},
        {"unknown", RpcOutcome::kInvalidRequest},
    };
    EXPECT_EQ(recorder_.seen, expected);
}

TEST(RpcOutcome, EveryCodeHasALabel) {
    EXPECT_EQ(to_string(outcome_of_code(0)), "ok");
    EXPECT_EQ(to_string(outcome_of_code(code::kLimitExceeded)), "limit_exceeded");
    EXPECT_EQ(to_string(outcome_of_code(-32099)), "other_error");
    EXPECT_EQ(to_string(outcome_of_code(code::kParseError)), "parse_error");
}

}  // namespace
}  // namespace qtm::rpc
