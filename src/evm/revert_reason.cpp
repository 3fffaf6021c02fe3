#include "evm/revert_reason.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

#include "base/u256.hpp"

namespace qtm::evm {

namespace {

constexpr std::array<std::uint8_t, 4> kErrorSelector = {0x08, 0xc3, 0x79, 0xa0};
constexpr std::array<std::uint8_t, 4> kPanicSelector = {0x4e, 0x48, 0x7b, 0x71};
constexpr std::size_t kWord = 32;

bool starts_with(ByteView output, const std::array<std::uint8_t, 4>& selector) {
    return output.size() >= selector.size() &&
           std::equal(selector.begin(), selector.end(), output.begin());
}

// Solidity's panic codes (docs.soliditylang.org, "Panic via assert and Error via require"),
// worded as geth words them.
constexpr std::array<std::pair<std::uint64_t, std::string_view>, 10> kPanicReasons = {{
    {0x00, "generic panic"},
    {0x01, "assert(false)"},
    {0x11, "arithmetic underflow or overflow"},
    {0x12, "division or modulo by zero"},
    {0x21, "enum overflow"},
    {0x22, "invalid encoded storage byte array accessed"},
    {0x31, "out-of-bounds array access; popping on an empty array"},
    {0x32, "out-of-bounds access of an array or bytesN"},
    {0x41, "out of memory"},
    {0x51, "uninitialized function"},
}};

std::string panic_reason(const U256& code) {
    if (code.fits_uint64()) {
        for (const auto& [value, reason] : kPanicReasons) {
            if (value == code[0]) return std::string{reason};
        }
    }
    return "unknown panic code: " + code.to_hex();
}

}  // namespace

Bytes encode_error_string(std::string_view reason) {
    const std::size_t padded = (reason.size() + kWord - 1) / kWord * kWord;
    Bytes out(kErrorSelector.size() + 2 * kWord + padded, 0);
    std::copy(kErrorSelector.begin(), kErrorSelector.end(), out.begin());
    out[kErrorSelector.size() + kWord - 1] = 0x20;  // offset of the string
    const auto length = U256{reason.size()}.to_be_bytes();
    std::copy(length.begin(), length.end(), out.begin() + 4 + kWord);
    std::copy(reason.begin(), reason.end(), out.begin() + 4 + 2 * kWord);
    return out;
}

std::optional<std::string> decode_error_string(ByteView output) {
    if (!starts_with(output, kErrorSelector)) return std::nullopt;
    const ByteView body = output.subspan(kErrorSelector.size());
    if (body.size() < 2 * kWord) return std::nullopt;
    const U256 offset = U256::from_be_bytes(body.subspan(0, kWord));
    if (!offset.fits_uint64() || offset[0] > body.size() - kWord) return std::nullopt;
    const std::size_t at = offset[0];
    const U256 length = U256::from_be_bytes(body.subspan(at, kWord));
    if (!length.fits_uint64() || length[0] > body.size() - at - kWord) return std::nullopt;
    const auto text = body.subspan(at + kWord, length[0]);
    return std::string(text.begin(), text.end());
}

std::optional<std::string> decode_revert_reason(ByteView output) {
    if (starts_with(output, kPanicSelector)) {
        if (output.size() != kPanicSelector.size() + kWord) return std::nullopt;
        return panic_reason(U256::from_be_bytes(output.subspan(kPanicSelector.size(), kWord)));
    }
    return decode_error_string(output);
}

}  // namespace qtm::evm
