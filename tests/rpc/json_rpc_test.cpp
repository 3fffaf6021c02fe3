// The dispatcher never throws, whatever the bytes: invalid UTF-8 quoted back in a parser's
// message (this once killed qtmd with an uncaught nlohmann type_error), handlers that throw,
// results that hold invalid UTF-8.
#include "rpc/json_rpc.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace qtm::rpc
