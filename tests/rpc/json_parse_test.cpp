// parse_json (simdjson, falling back to nlohmann) against nlohmann::json::parse: the same
// values with the same types, and the same refusals with the same messages, on hand-picked
// edge cases and on random mutations of RPC-shaped documents.
#include "rpc/json_parse.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace qtm::rpc {
namespace {

using nlohmann::json;

// Equal values and equal types all the way down (nlohmann's == says 1 == 1u == 1.0).
bool identical(const json& a, const json& b) {
    if (a.type() != b.type()) return false;
    if (a.is_object()) {
        if (a.size() != b.size()) return false;
        for (auto it = a.begin(); it != a.end(); ++it) {
            const auto other = b.find(it.key());
            if (other == b.end() || !identical(*it, *other)) return false;
        }
        return true;
    }
    if (a.is_array()) {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (!identical(a[i], b[i])) return false;
        }
        return true;
    }
    if (a.is_number_float()) return a.dump() == b.dump();  // -0.0 and 0.0 differ here
    return a == b;
}

// Both accept with identical values, or both throw the same exception message.
void expect_same(const std::string& text) {
    std::string ours_error;
    std::string theirs_error;
    json ours;
    json theirs;
    try {
        ours = parse_json(text);
    } catch (const json::exception& error) {
        ours_error = error.what();
    }
    try {
        theirs = json::parse(text);
    } catch (const json::exception& error) {
        theirs_error = error.what();
    }
    EXPECT_EQ(ours_error, theirs_error) << text;
    if (ours_error.empty() && theirs_error.empty()) {
        EXPECT_TRUE(identical(ours, theirs))
            << text << "\nours:   " << ours.dump() << "\ntheirs: " << theirs.dump();
    }
}

const std::vector<std::string> kDocuments = {
    R"({"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["0x51f9"]})",
    R"([{"jsonrpc":"2.0","id":"a","method":"eth_blockNumber","params":[]},{"id":null}])",
    R"({"a":0,"c":1,"d":-1,"e":9223372036854775807,"f":9223372036854775808,
        "g":18446744073709551615,"h":18446744073709551616,"i":-9223372036854775808,
        "j":-9223372036854775809,"k":1.5,"l":1e2,"m":-1e-2,"o":0.1,"p":-1.25,
        "q":123456789012345678901234567890})",
    R"({"s":"\u00e9\ud83d\ude00\n\t\"\\\/","t":"","u":"caf\u00e9","dup":1,"dup":2})",
    R"(  {"nested":{"deeper":[[[]],{},[{"x":[true,false,null]}]]}}  )",
    "[]",
    "{}",
    "0",
    "-1",
    "\"just a string\"",
    "true",
    "null",
    "1.0",
    "[1,2,3]",
    // nlohmann's -0 is a signed integer: such bodies are left to nlohmann.
    "[-0]",
    "[-0.0, 0]",
    // Beyond a double: nlohmann throws out_of_range 406; so does parse_json.
    "[1E400]",
    "\xEF\xBB\xBF{\"bom\":1}",
    // Refused by both:
    "",
    " ",
    "{",
    "}",
    "[1,]",
    "{\"a\":1,}",
    "{'a':1}",
    "{\"a\" 1}",
    "[01]",
    "[1.]",
    "[.5]",
    "[NaN]",
    "[Infinity]",
    "[-]",
    "{}{}",
    "[1] x",
    "\"unterminated",
    "\"\x01\"",
    "\"\xC3\x28\"",
    "\"\xED\xA0\x80\"",
    "\"\\ud800\"",
    "\"\\x41\"",
    "[tru]",
    "nul",
};

TEST(ParseJson, EdgeCasesAreParsedAsNlohmannDoes) {
    for (const auto& text : kDocuments)
        expect_same(text);
}

TEST(ParseJson, NumbersKeepNlohmannsTypes) {
    const json parsed = parse_json(R"({"u":7,"i":-7,"f":7.5,"big":18446744073709551615})");
    EXPECT_TRUE(parsed.at("u").is_number_unsigned());
    EXPECT_TRUE(parsed.at("i").is_number_integer() && !parsed.at("i").is_number_unsigned());
    EXPECT_TRUE(parsed.at("f").is_number_float());
    EXPECT_EQ(parsed.at("big").get<std::uint64_t>(), 18446744073709551615ULL);
    // Beyond 64 bits nlohmann's lexer makes a float; so does parse_json.
    EXPECT_TRUE(parse_json("[18446744073709551616]").at(0).is_number_float());
}

TEST(ParseJson, ALargeRawTransactionBody) {
    std::string raw = "0x51";
    for (int i = 0; i < 5000; ++i)
        raw += "0123456789abcdef"[i % 16];
    const std::string body =
        R"({"jsonrpc":"2.0","id":42,"method":"eth_sendRawTransaction","params":[")" + raw + "\"]}";
    const json parsed = parse_json(body);
    EXPECT_EQ(parsed.at("params").at(0).get<std::string>(), raw);
    EXPECT_TRUE(parsed.at("id").is_number_unsigned());
}

TEST(ParseJson, RandomMutationsAgreeWithNlohmann) {
    std::mt19937 random{20261203};
    const std::string alphabet = "{}[]\",:0123456789-+.eE \\/ntrufalsx\x01\xC3\xA9\x80\xFF";
    for (int round = 0; round < 20000; ++round) {
        std::string text = kDocuments[random() % kDocuments.size()];
        const int edits = 1 + static_cast<int>(random() % 4);
        for (int e = 0; e < edits; ++e) {
            const std::size_t at = text.empty() ? 0 : random() % (text.size() + 1);
            const char c = alphabet[random() % alphabet.size()];
            switch (random() % 3) {
                case 0:
                    text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c);
                    break;
                case 1:
                    if (at < text.size()) text.erase(at, 1);
                    break;
                default:
                    if (at < text.size()) text[at] = c;
                    break;
            }
        }
        expect_same(text);
        if (::testing::Test::HasFailure()) break;
    }
}

}  // namespace
}  // namespace qtm::rpc
