// ethereum/tests RLPTests: every case of rlptest.json (encode and decode), invalidRLPTest.json
// (decode must fail) and RandomRLPTests (decode must succeed), counted.
#include <gmpxx.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "base/hex.hpp"
#include "codec/rlp.hpp"

namespace qtm::rlp {
namespace {

const std::string kRlpTests = std::string{QTM_TESTDATA_DIR} + "/ethereum/RLPTests/";

nlohmann::json load(const std::string& file) {
    std::ifstream in{kRlpTests + file};
    EXPECT_TRUE(in.good()) << "cannot open " << kRlpTests + file;
    return nlohmann::json::parse(in);
}

// Minimal big-endian bytes of a non-negative integer of any size (GMP: "#<decimal>" inputs
// include 2^256, which no fixed-width type holds).
Bytes integer_bytes(const mpz_class& value) {
    Bytes out((mpz_sizeinbase(value.get_mpz_t(), 2) + 7) / 8);
    if (value == 0) return {};
    mpz_export(out.data(), nullptr, /*order=*/1, 1, 1, 0, value.get_mpz_t());
    return out;
}

// The expected item for a fixture's `in`: strings are raw text, integers and "#<decimal>"
// are RLP integers (minimal big-endian strings), arrays are lists.
Item expected_item(const nlohmann::json& in) {
    Item item;
    if (in.is_array()) {
        item.is_list = true;
        for (const auto& child : in)
            item.items.push_back(expected_item(child));
    } else if (in.is_number_unsigned() || in.is_number_integer()) {
        item.bytes = integer_bytes(mpz_class{std::to_string(in.get<std::uint64_t>())});
    } else {
        const auto text = in.get<std::string>();
        if (!text.empty() && text[0] == '#') {
            item.bytes = integer_bytes(mpz_class{text.substr(1)});
        } else {
            item.bytes = Bytes(text.begin(), text.end());
        }
    }
    return item;
}

// Encodes `in` through the typed encoders (append_uint for JSON integers), not through Item.
void encode_typed(Bytes& out, const nlohmann::json& in) {
    if (in.is_array()) {
        Bytes payload;
        for (const auto& child : in)
            encode_typed(payload, child);
        append_list(out, payload);
    } else if (in.is_number_unsigned() || in.is_number_integer()) {
        append_uint(out, in.get<std::uint64_t>());
    } else {
        const auto text = in.get<std::string>();
        if (!text.empty() && text[0] == '#') {
            const mpz_class value{text.substr(1)};
            if (mpz_sizeinbase(value.get_mpz_t(), 2) <= 256) {
                append_u256(out, *U256::from_decimal(text.substr(1)));
            } else {
                append_string(out, integer_bytes(value));  // beyond U256: as a string
            }
        } else {
            append_string(out, as_bytes(text));
        }
    }
}

void print_counts(const char* file, int passed, int failed) {
    std::cout << "[counts] RLPTests/" << file << ": " << passed << " passed, " << failed
              << " failed, 0 skipped\n";
}

TEST(RlpTests, ValidEncodeAndDecode) {
    int passed = 0, failed = 0;
    const auto fixtures = load("rlptest.json");
    for (const auto& [name, fixture] : fixtures.items()) {
        const auto out = from_hex(fixture["out"].get<std::string>());
        ASSERT_TRUE(out.has_value()) << name;
        Bytes encoded;
        encode_typed(encoded, fixture["in"]);
        const auto decoded = decode(*out);
        const bool ok = encoded == *out && decoded.has_value() &&
                        *decoded == expected_item(fixture["in"]) && encode(*decoded) == *out;
        EXPECT_TRUE(ok) << name << ": encoded " << to_hex(encoded);
        ok ? ++passed : ++failed;
    }
    print_counts("rlptest.json", passed, failed);
    EXPECT_GT(passed, 0);
}

TEST(RlpTests, InvalidInputsAreRejected) {
    int passed = 0, failed = 0;
    const auto fixtures = load("invalidRLPTest.json");
    for (const auto& [name, fixture] : fixtures.items()) {
        const auto out = from_hex(fixture["out"].get<std::string>());
        ASSERT_TRUE(out.has_value()) << name;
        const auto decoded = decode(*out);
        EXPECT_FALSE(decoded.has_value()) << name << " decoded but must not";
        if (!decoded) {
            std::cout << "  " << name << ": " << to_string(decoded.error()) << "\n";
        }
        decoded ? ++failed : ++passed;
    }
    print_counts("invalidRLPTest.json", passed, failed);
    EXPECT_GT(passed, 0);
}

TEST(RlpTests, RandomValidInputsDecode) {
    int passed = 0, failed = 0;
    const auto fixtures = load("RandomRLPTests/example.json");
    for (const auto& [name, fixture] : fixtures.items()) {
        const auto out = from_hex(fixture["out"].get<std::string>());
        ASSERT_TRUE(out.has_value()) << name;
        const auto decoded = decode(*out);
        const bool ok = decoded.has_value() && encode(*decoded) == *out;
        EXPECT_TRUE(ok) << name;
        ok ? ++passed : ++failed;
    }
    print_counts("RandomRLPTests/example.json", passed, failed);
    EXPECT_GT(passed, 0);
}

}  // namespace
}  // namespace qtm::rlp
