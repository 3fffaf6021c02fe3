#include "rpc/params.hpp"

#include "base/hex.hpp"

namespace qtm::rpc {

namespace {

[[noreturn]] void invalid(const char* name, const std::string& problem) {
    throw RpcError{code::kInvalidParams, std::string{"invalid argument "} + name + ": " + problem};
}

std::string text(const Json& value, const char* name) {
    if (!value.is_string()) invalid(name, "expected a 0x-prefixed hex string");
    return value.get<std::string>();
}

}  // namespace

const Json* param(const Json& params, std::size_t index, const char* name, bool required) {
    if (index < params.size() && !params[index].is_null()) return &params[index];
    if (required) {
        throw RpcError{code::kInvalidParams, std::string{"missing value for required argument "} +
                                                 std::to_string(index) + " (" + name + ")"};
    }
    return nullptr;
}

void expect_at_most(const Json& params, std::size_t count) {
    if (params.size() > count) {
        throw RpcError{code::kInvalidParams,
                       "too many arguments, want at most " + std::to_string(count)};
    }
}

U256 to_u256(const Json& value, const char* name) {
    const std::string hex = text(value, name);
    if (hex.size() < 3 || hex[0] != '0' || (hex[1] != 'x' && hex[1] != 'X')) {
        invalid(name, "hex string without 0x prefix");
    }
    if (hex.size() > 3 && hex[2] == '0') invalid(name, "hex number with leading zero digits");
    if (hex.size() > 66) invalid(name, "hex number > 256 bits");
    auto parsed = U256::from_hex(hex);
    if (!parsed) invalid(name, "invalid hex number");
    return *parsed;
}

std::uint64_t to_u64(const Json& value, const char* name) {
    const U256 number = to_u256(value, name);
    if (!number.fits_uint64()) invalid(name, "hex number > 64 bits");
    return number[0];
}

Bytes to_data(const Json& value, const char* name) {
    auto bytes = from_hex(text(value, name), HexPrefix::kRequired);
    if (!bytes) invalid(name, std::string{to_string(bytes.error())});
    return std::move(*bytes);
}

Address to_address(const Json& value, const char* name) {
    auto bytes = from_hex_fixed<20>(text(value, name), HexPrefix::kRequired);
    if (!bytes) invalid(name, "expected a 20-byte 0x-hex address");
    return *bytes;
}

Hash32 to_hash(const Json& value, const char* name) {
    auto bytes = from_hex_fixed<32>(text(value, name), HexPrefix::kRequired);
    if (!bytes) invalid(name, "expected a 32-byte 0x-hex hash");
    return *bytes;
}

U256 to_storage_key(const Json& value, const char* name, std::string_view error_prefix) {
    std::string digits = text(value, name);
    if (digits.size() >= 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        digits.erase(0, 2);
    }
    if (digits.size() % 2 == 1) digits.insert(digits.begin(), '0');
    auto bytes = from_hex(digits, HexPrefix::kForbidden);
    if (!bytes) throw RpcError{code::kServer, std::string{error_prefix} + "hex string invalid"};
    if (bytes->size() > 32) {
        throw RpcError{code::kServer,
                       std::string{error_prefix} + "hex string too long, want at most 32 bytes"};
    }
    return U256::from_be_bytes(*bytes);
}

bool optional_bool(const Json& params, std::size_t index, const char* name) {
    const Json* value = param(params, index, name, false);
    if (value == nullptr) return false;
    if (!value->is_boolean()) invalid(name, "expected true or false");
    return value->get<bool>();
}

BlockRef to_block_ref(const Json* value, const char* name) {
    if (value == nullptr) return BlockTag::kLatest;
    if (value->is_object()) {  // EIP-1898
        if (value->contains("blockHash")) return to_hash(value->at("blockHash"), name);
        if (value->contains("blockNumber")) return to_block_ref(&value->at("blockNumber"), name);
        invalid(name, "expected blockHash or blockNumber");
    }
    const std::string tag = text(*value, name);
    if (tag == "latest") return BlockTag::kLatest;
    if (tag == "pending") return BlockTag::kPending;
    if (tag == "safe") return BlockTag::kSafe;
    if (tag == "finalized") return BlockTag::kFinalized;
    if (tag == "earliest") return BlockTag::kEarliest;
    if (tag.size() == 66) return to_hash(*value, name);
    return to_u64(*value, name);
}

std::string quantity(std::uint64_t value) {
    return U256{value}.to_hex();
}

std::string quantity(const U256& value) {
    return value.to_hex();
}

std::string hex_data(ByteView bytes) {
    return to_hex(bytes);
}

}  // namespace qtm::rpc
