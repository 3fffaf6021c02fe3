#include "base/hex.hpp"

#include <gtest/gtest.h>

namespace qtm {
namespace {

TEST(Hex, DecodesWithAndWithoutPrefix) {
    EXPECT_EQ(*from_hex("0x00ff10"), (Bytes{0x00, 0xff, 0x10}));
    EXPECT_EQ(*from_hex("00FF10"), (Bytes{0x00, 0xff, 0x10}));
    EXPECT_EQ(*from_hex("0X0a"), (Bytes{0x0a}));
    EXPECT_TRUE(from_hex("0x")->empty());
    EXPECT_TRUE(from_hex("")->empty());
}

TEST(Hex, PrefixRulesAreEnforced) {
    EXPECT_EQ(from_hex("00", HexPrefix::kRequired).error(), HexError::kMissingPrefix);
    EXPECT_EQ(from_hex("0x00", HexPrefix::kForbidden).error(), HexError::kUnexpectedPrefix);
    EXPECT_TRUE(from_hex("0x00", HexPrefix::kRequired).has_value());
    EXPECT_TRUE(from_hex("00", HexPrefix::kForbidden).has_value());
}

TEST(Hex, MalformedInputIsATypedError) {
    EXPECT_EQ(from_hex("0x0").error(), HexError::kOddLength);
    EXPECT_EQ(from_hex("abc").error(), HexError::kOddLength);
    EXPECT_EQ(from_hex("0xzz").error(), HexError::kInvalidCharacter);
    EXPECT_EQ(from_hex("0x 0").error(), HexError::kInvalidCharacter);
    EXPECT_EQ(from_hex("0x0g").error(), HexError::kInvalidCharacter);
    EXPECT_EQ(from_hex("x0").error(), HexError::kInvalidCharacter);
    EXPECT_EQ(from_hex(std::string_view{"0x\0\0", 4}).error(), HexError::kInvalidCharacter);
    EXPECT_EQ(from_hex("0x0x").error(), HexError::kInvalidCharacter);
    // Every byte value as a digit: only the 22 hex digits decode.
    int accepted = 0;
    for (int c = 0; c < 256; ++c) {
        const char text[2] = {static_cast<char>(c), '0'};
        if (from_hex(std::string_view{text, 2}, HexPrefix::kForbidden)) ++accepted;
    }
    EXPECT_EQ(accepted, 22);
}

TEST(Hex, EveryCharacterIsAcceptedExactlyWhenItIsAHexDigit) {
    const std::string digits = "0123456789abcdefABCDEF";
    for (int c = 0; c < 256; ++c) {
        const char ch = static_cast<char>(c);
        const bool digit = digits.find(ch) != std::string::npos;
        // ("0x" and "0X" are the prefix, not a digit pair.)
        const std::string second =
            (ch == 'x' || ch == 'X') ? std::string{"a"} + ch : "0" + std::string{ch};
        for (const std::string& text : {second, std::string{ch} + "0",
                                        std::string{"00aa"} + ch + "f" + std::string(60, '1')}) {
            const auto decoded = from_hex(text);
            EXPECT_EQ(decoded.has_value(), digit) << "character " << c << " in " << text;
            if (!digit) {
                EXPECT_EQ(decoded.error(), HexError::kInvalidCharacter);
            }
        }
        if (digit) {
            const int value = ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10;  // NOLINT
            EXPECT_EQ(*from_hex(std::string{ch} + ch),
                      Bytes{static_cast<std::uint8_t>(value * 16 + value)});
        }
    }
}

TEST(Hex, FixedLength) {
    EXPECT_TRUE((from_hex_fixed<2>("0xabcd").has_value()));
    EXPECT_EQ((from_hex_fixed<2>("0xab").error()), HexError::kWrongLength);
    EXPECT_EQ((from_hex_fixed<2>("0xabcdef").error()), HexError::kWrongLength);
    EXPECT_EQ((from_hex_fixed<2>("0xabc").error()), HexError::kOddLength);
}

TEST(Hex, EncodesLowerCase) {
    EXPECT_EQ(to_hex(Bytes{0xde, 0xad, 0x0b}), "0xdead0b");
    EXPECT_EQ(to_hex(Bytes{0xde, 0xad}, /*with_prefix=*/false), "dead");
    EXPECT_EQ(to_hex(Bytes{}), "0x");
}

TEST(Hex, RoundTripsEveryByte) {
    Bytes all(256);
    for (int i = 0; i < 256; ++i)
        all[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i);
    EXPECT_EQ(*from_hex(to_hex(all)), all);
}

}  // namespace
}  // namespace qtm
