// The subset of the Solidity ABI (https://docs.soliditylang.org/en/latest/abi-spec.html)
// that QTM's native system contracts speak: 4-byte selectors, static words (uintN, address,
// bool), dynamic `bytes`, Error(string) revert data and event topics.
//
// The reader is strict in the way solc's decoder is: an argument that does not fit its type
// (an address with high bits, a uint16 above 65535, a bool other than 0/1), an offset or
// length past the data, or data too short, is refused (nullopt), never read as garbage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "base/u256.hpp"

namespace qtm::chain::abi {

using Selector = ByteArray<4>;

// keccak256(signature)[0:4], e.g. selector("delegate(address)").
[[nodiscard]] Selector selector(std::string_view signature);
// keccak256(signature): an event's first topic.
[[nodiscard]] Hash32 event_topic(std::string_view signature);
// An indexed address (or uint) as a topic: the 32-byte word.
[[nodiscard]] Hash32 word_topic(const U256& value);
[[nodiscard]] U256 address_word(const Address& address);

// Reverts carry Error(string) data: evm::encode_error_string / evm::decode_error_string
// (src/evm/revert_reason.hpp), the codec JSON-RPC decodes them with.

// Reads the head/tail encoding of a call's arguments (the data after the selector).
class Reader {
public:
    explicit Reader(ByteView args) : args_{args} {}

    [[nodiscard]] std::optional<U256> word(std::size_t index) const;
    [[nodiscard]] std::optional<std::uint64_t> uint(std::size_t index, unsigned bits) const;
    [[nodiscard]] std::optional<Address> address(std::size_t index) const;
    [[nodiscard]] std::optional<bool> boolean(std::size_t index) const;
    // A dynamic `bytes` argument whose offset is in head word `index`.
    [[nodiscard]] std::optional<Bytes> bytes(std::size_t index) const;

private:
    ByteView args_;
};

// Builds the encoding of a tuple of static words and `bytes` values, in order.
class Writer {
public:
    Writer& word(const U256& value);
    Writer& uint(std::uint64_t value) { return word(U256{value}); }
    Writer& address(const Address& value) { return word(address_word(value)); }
    Writer& boolean(bool value) { return word(U256{value ? 1u : 0u}); }
    Writer& bytes(ByteView value);
    [[nodiscard]] Bytes finish() const;

private:
    struct Item {
        U256 word{};
        bool dynamic{false};
        Bytes data{};
    };
    std::vector<Item> items_;
};

}  // namespace qtm::chain::abi
