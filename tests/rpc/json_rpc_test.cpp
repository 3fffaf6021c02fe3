// The dispatcher never throws, whatever the bytes: invalid UTF-8 quoted back in a parser's
// message (this once killed qtmd with an uncaught nlohmann type_error), handlers that throw,
// results that hold invalid UTF-8.
#include "rpc/json_rpc.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace qtm::rpc {
namespace {

Json answer_of(const Dispatcher& dispatcher, std::string_view body) {
    std::optional<std::string> text;
    EXPECT_NO_THROW(text = dispatcher.handle(body));
    if (!text) return Json{};
    return Json::parse(*text);  // what was sent is valid JSON
}

TEST(Dispatcher, InvalidUtf8IsAParseErrorNotACrash) {
    const Dispatcher dispatcher;
    for (const std::string& body :
         {std::string{"\xff\xfe"}, std::string{"[\"\xc3"},
          std::string{R"({"jsonrpc":"2.0","id":1,"method":")"} + "\xff" + "\"}"}) {
        const Json answer = answer_of(dispatcher, body);
        ASSERT_TRUE(answer.contains("error")) << answer.dump();
        EXPECT_EQ(answer.at("error").at("code"), code::kParseError);
        EXPECT_NE(answer.at("error").at("message").get<std::string>().find("parse error"),
                  std::string::npos);
    }
}

TEST(Dispatcher, HandlerFailuresBecomeAnswers) {
    Dispatcher dispatcher;
    dispatcher.add("throws_runtime", [](const Json&) -> Json { throw std::runtime_error{"x"}; });
    dispatcher.add("bad_utf8_result", [](const Json&) { return Json(std::string{"a\xff"}); });
    dispatcher.add("reads_wrong_type",
                   [](const Json& params) { return Json(params.at(0).get<std::string>()); });

    const Json internal =
        answer_of(dispatcher, R"({"jsonrpc":"2.0","id":7,"method":"throws_runtime","params":[]})");
    EXPECT_EQ(internal.at("error").at("code"), code::kInternal);
    EXPECT_EQ(internal.at("id"), 7);

    const Json replaced =
        answer_of(dispatcher, R"({"jsonrpc":"2.0","id":1,"method":"bad_utf8_result","params":[]})");
    EXPECT_EQ(replaced.at("result"), "a\xef\xbf\xbd");  // U+FFFD

    const Json wrong_type = answer_of(
        dispatcher, R"({"jsonrpc":"2.0","id":1,"method":"reads_wrong_type","params":[5]})");
    EXPECT_EQ(wrong_type.at("error").at("code"), code::kInvalidParams);

    // A batch mixing all of them answers each.
    const Json batch = answer_of(
        dispatcher,
        R"([{"jsonrpc":"2.0","id":1,"method":"throws_runtime"},)"
        R"({"jsonrpc":"2.0","id":2,"method":"bad_utf8_result"},{"jsonrpc":"2.0","id":3,"method":"nope"}])");
    ASSERT_TRUE(batch.is_array());
    EXPECT_EQ(batch.size(), 3u);
}

TEST(Dispatcher, SerializedResultsAnswerLikeJsonOnes) {
    Dispatcher dispatcher;
    const Json object = {{"number", "0x1"}, {"transactions", Json::array({"0xaa", "0xbb"})}};
    dispatcher.add("as_json", [&object](const Json&) { return object; });
    dispatcher.add_serialized("as_text", [&object](const Json&) {
        return std::make_shared<const std::string>(to_wire(object));
    });
    dispatcher.add_serialized("as_null",
                              [](const Json&) { return Dispatcher::SerializedResult{}; });
    dispatcher.add_serialized("refuses", [](const Json&) -> Dispatcher::SerializedResult {
        throw RpcError{code::kInvalidParams, "no"};
    });

    const auto text = dispatcher.handle(R"({"jsonrpc":"2.0","id":"a","method":"as_text"})");
    const auto json = dispatcher.handle(R"({"jsonrpc":"2.0","id":"a","method":"as_json"})");
    ASSERT_TRUE(text && json);
    EXPECT_EQ(*text, *json);  // byte for byte, member order included
    EXPECT_EQ(answer_of(dispatcher, R"({"jsonrpc":"2.0","id":1,"method":"as_null"})").at("result"),
              nullptr);
    EXPECT_EQ(answer_of(dispatcher, R"({"jsonrpc":"2.0","id":1,"method":"refuses"})")
                  .at("error")
                  .at("code"),
              code::kInvalidParams);
    EXPECT_FALSE(dispatcher.handle(R"({"jsonrpc":"2.0","method":"as_text"})"));  // notification

    const Json batch = answer_of(dispatcher, R"([{"jsonrpc":"2.0","id":1,"method":"as_text"},)"
                                             R"({"jsonrpc":"2.0","method":"as_text"},)"
                                             R"({"jsonrpc":"2.0","id":2,"method":"as_json"}])");
    ASSERT_TRUE(batch.is_array());
    ASSERT_EQ(batch.size(), 2u);
    EXPECT_EQ(batch[0].at("result"), object);
    EXPECT_EQ(batch[1].at("result"), object);
}

TEST(Dispatcher, BatchResponseCapAppliesToSerializedResults) {
    DispatchLimits limits;
    limits.max_response_bytes = 150;  // one answer is 114 bytes
    Dispatcher dispatcher{limits};
    dispatcher.add_serialized("big", [](const Json&) {
        return std::make_shared<const std::string>("\"" + std::string(80, 'x') + "\"");
    });
    const Json batch = answer_of(dispatcher, R"([{"jsonrpc":"2.0","id":1,"method":"big"},)"
                                             R"({"jsonrpc":"2.0","id":2,"method":"big"}])");
    ASSERT_EQ(batch.size(), 2u);
    EXPECT_TRUE(batch[0].contains("result"));
    EXPECT_EQ(batch[1].at("error").at("code"), code::kLimitExceeded);
    EXPECT_EQ(batch[1].at("id"), 2);
}

}  // namespace
}  // namespace qtm::rpc
