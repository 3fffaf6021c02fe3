// Error(string) and Panic(uint256) revert data, encoded as solc encodes them (byte strings
// written out from the ABI specification), decoded to the reasons geth reports.
#include "evm/revert_reason.hpp"

#include <gtest/gtest.h>

#include "base/hex.hpp"

namespace qtm::evm {
namespace {

Bytes hex(std::string_view text) {
    auto bytes = from_hex(text, HexPrefix::kOptional);
    EXPECT_TRUE(bytes.has_value()) << text;
    return bytes ? *bytes : Bytes{};
}

// Panic(uint256) with `code`: 0x4e487b71 || the code as a 32-byte word.
Bytes panic(std::string_view code_word) {
    return hex(std::string{"4e487b71"} + std::string{code_word});
}

const std::string kWordOf1 = std::string(63, '0') + "1";

TEST(RevertReason, ErrorStringRoundTripsAndMatchesSolcsBytes) {
    // revert("nope") as solc emits it: selector, offset 0x20, length 4, "nope" padded.
    const Bytes solc =
        hex("08c379a0"
            "0000000000000000000000000000000000000000000000000000000000000020"
            "0000000000000000000000000000000000000000000000000000000000000004"
            "6e6f706500000000000000000000000000000000000000000000000000000000");
    EXPECT_EQ(encode_error_string("nope"), solc);
    EXPECT_EQ(decode_error_string(solc), "nope");
    EXPECT_EQ(decode_revert_reason(solc), "nope");
    EXPECT_EQ(decode_error_string(encode_error_string("")), "");
    const std::string long_reason(100, 'x');
    EXPECT_EQ(decode_error_string(encode_error_string(long_reason)), long_reason);
}

TEST(RevertReason, MalformedErrorStringsAreNotReasons) {
    Bytes data = encode_error_string("nope");
    EXPECT_FALSE(decode_error_string(ByteView{data}.first(40)));          // cut inside the header
    EXPECT_FALSE(decode_error_string(ByteView{data}.first(4 + 64 + 2)));  // cut inside the text
    Bytes bad_offset = data;
    bad_offset[4 + 31] = 0xff;  // offset past the end
    EXPECT_FALSE(decode_error_string(bad_offset));
    Bytes bad_length = data;
    bad_length[4 + 32] = 0x01;  // a length of 2^248 + 4
    EXPECT_FALSE(decode_error_string(bad_length));
    EXPECT_FALSE(decode_revert_reason({}));
    EXPECT_FALSE(decode_revert_reason(hex("12345678")));  // a custom error
}

TEST(RevertReason, PanicCodesAreWordedAsGethWordsThem) {
    const std::pair<std::string_view, std::string_view> cases[] = {
        {"00", "generic panic"},
        {"01", "assert(false)"},
        {"11", "arithmetic underflow or overflow"},
        {"12", "division or modulo by zero"},
        {"21", "enum overflow"},
        {"22", "invalid encoded storage byte array accessed"},
        {"31", "out-of-bounds array access; popping on an empty array"},
        {"32", "out-of-bounds access of an array or bytesN"},
        {"41", "out of memory"},
        {"51", "uninitialized function"},
        {"99", "unknown panic code: 0x99"},
    };
    for (const auto& [code, reason] : cases) {
        EXPECT_EQ(decode_revert_reason(panic(std::string(62, '0') + std::string{code})), reason)
            << code;
    }
    // A code above 64 bits is still a panic, just an unknown one.
    EXPECT_EQ(decode_revert_reason(panic("01" + std::string(62, '0'))),
              "unknown panic code: 0x1" + std::string(62, '0'));
    // A panic without its whole word, or with trailing bytes, is not one.
    EXPECT_FALSE(decode_revert_reason(ByteView{panic(kWordOf1)}.first(35)));
    EXPECT_FALSE(decode_revert_reason(panic(kWordOf1 + "00")));
    // Error(string) decoding does not read panics.
    EXPECT_FALSE(decode_error_string(panic(kWordOf1)));
}

}  // namespace
}  // namespace qtm::evm
