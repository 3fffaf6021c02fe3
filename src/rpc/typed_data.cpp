#include "rpc/typed_data.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <stdexcept>
#include <vector>

#include "base/hex.hpp"
#include "base/u256.hpp"
#include "crypto/keccak.hpp"

namespace qtm::rpc {

namespace {

struct Member {
    std::string name;
    std::string type;
};
using Types = std::map<std::string, std::vector<Member>>;

// Thrown inside and turned into the Result's error at the top.
struct TypedDataError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& where, const std::string& what) {
    throw TypedDataError{where + ": " + what};
}

constexpr std::size_t kMaxDepth = 32;  // nesting of structs and arrays

bool is_identifier(std::string_view name) {
    if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '$';
    });
}

Types parse_types(const Json& json) {
    if (!json.is_object()) fail("types", "expected an object of struct definitions");
    Types types;
    for (const auto& [name, members] : json.items()) {
        if (!is_identifier(name)) fail("types", "\"" + name + "\" is not a valid struct name");
        if (!members.is_array()) fail("types." + name, "expected an array of {name, type}");
        std::vector<Member> parsed;
        std::set<std::string> names;
        for (const auto& member : members) {
            if (!member.is_object() || !member.contains("name") || !member.contains("type") ||
                !member["name"].is_string() || !member["type"].is_string()) {
                fail("types." + name, "each member must be {\"name\": string, \"type\": string}");
            }
            Member m{member["name"].get<std::string>(), member["type"].get<std::string>()};
            if (!is_identifier(m.name)) fail("types." + name, "bad member name \"" + m.name + "\"");
            if (!names.insert(m.name).second) {
                fail("types." + name, "member \"" + m.name + "\" appears twice");
            }
            parsed.push_back(std::move(m));
        }
        types.emplace(name, std::move(parsed));
    }
    return types;
}

// "Mail[2][]" -> base "Mail"; "uint256" -> itself.
std::string base_type(const std::string& type) {
    const auto bracket = type.find('[');
    return bracket == std::string::npos ? type : type.substr(0, bracket);
}

struct ArrayType {
    std::string element;
    std::optional<std::size_t> length;  // T[n]; nullopt for T[]
};
std::optional<ArrayType> array_of(const std::string& type, const std::string& where) {
    if (type.empty() || type.back() != ']') return std::nullopt;
    const auto open = type.rfind('[');
    if (open == std::string::npos || open == 0) fail(where, "malformed array type " + type);
    ArrayType out{type.substr(0, open), std::nullopt};
    const std::string digits = type.substr(open + 1, type.size() - open - 2);
    if (!digits.empty()) {
        std::size_t length = 0;
        const auto [end, error] =
            std::from_chars(digits.data(), digits.data() + digits.size(), length);
        if (error != std::errc{} || end != digits.data() + digits.size() || length == 0) {
            fail(where, "malformed array length in " + type);
        }
        out.length = length;
    }
    return out;
}

void collect(const Types& types, const std::string& name, std::set<std::string>& found,
             std::size_t depth) {
    if (depth > kMaxDepth) fail("types", "struct references nest too deeply");
    if (found.contains(name)) return;
    const auto it = types.find(name);
    if (it == types.end()) return;  // an atomic or dynamic type
    found.insert(name);
    for (const auto& member : it->second)
        collect(types, base_type(member.type), found, depth + 1);
}

std::string encode_one(const Types& types, const std::string& name) {
    std::string out = name + "(";
    bool first = true;
    for (const auto& member : types.at(name)) {
        if (!first) out += ",";
        first = false;
        out += member.type + " " + member.name;
    }
    return out + ")";
}

// encodeType: the struct, then the structs it references, sorted by name.
std::string encode_type(const Types& types, const std::string& name) {
    std::set<std::string> found;
    collect(types, name, found, 0);
    found.erase(name);
    std::string out = encode_one(types, name);
    for (const auto& dependency : found)
        out += encode_one(types, dependency);
    return out;
}

Hash32 keccak(std::string_view text) {
    return crypto::keccak256(as_bytes(text));
}

U256 integer_of(const Json& value, const std::string& where, bool* negative) {
    *negative = false;
    if (value.is_number_unsigned()) return U256{value.get<std::uint64_t>()};
    if (value.is_number_integer()) {
        const auto signed_value = value.get<std::int64_t>();
        if (signed_value >= 0) return U256{static_cast<std::uint64_t>(signed_value)};
        *negative = true;
        return U256{static_cast<std::uint64_t>(-(signed_value + 1)) + 1};
    }
    if (!value.is_string()) fail(where, "expected an integer (number, decimal or 0x-hex string)");
    std::string_view text = value.get_ref<const std::string&>();
    if (!text.empty() && text[0] == '-') {
        *negative = true;
        text.remove_prefix(1);
    }
    const bool hex = text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    auto parsed = hex ? U256::from_hex(text) : U256::from_decimal(text);
    if (!parsed) fail(where, "not an integer: " + std::string{to_string(parsed.error())});
    return *parsed;
}

Bytes bytes_of(const Json& value, const std::string& where) {
    if (!value.is_string()) fail(where, "expected 0x-prefixed hex bytes");
    auto bytes = from_hex(value.get_ref<const std::string&>(), HexPrefix::kRequired);
    if (!bytes) fail(where, "not hex bytes: " + std::string{to_string(bytes.error())});
    return std::move(*bytes);
}

Hash32 word(const U256& value) {
    return value.to_be_bytes();
}

// The 32-byte encoding of an atomic value; nullopt if `type` is not atomic.
std::optional<Hash32> encode_atomic(const std::string& type, const Json& value,
                                    const std::string& where) {
    if (type == "bool") {
        if (!value.is_boolean()) fail(where, "expected true or false");
        return word(U256{value.get<bool>() ? 1u : 0u});
    }
    if (type == "address") {
        const Bytes bytes = bytes_of(value, where);
        if (bytes.size() != 20) fail(where, "an address is 20 bytes");
        Hash32 out{};
        std::copy(bytes.begin(), bytes.end(), out.begin() + 12);
        return out;
    }
    const auto bits_of = [&](std::string_view digits, unsigned fallback) -> unsigned {
        if (digits.empty()) return fallback;
        unsigned bits = 0;
        const auto [end, error] =
            std::from_chars(digits.data(), digits.data() + digits.size(), bits);
        if (error != std::errc{} || end != digits.data() + digits.size()) return 0;
        return bits;
    };
    if (type.starts_with("uint") || type.starts_with("int")) {
        const bool is_signed = type[0] == 'i';
        const unsigned bits = bits_of(std::string_view{type}.substr(is_signed ? 3 : 4), 256);
        if (bits == 0 || bits > 256 || bits % 8 != 0) fail(where, "unknown type " + type);
        bool negative = false;
        const U256 magnitude = integer_of(value, where, &negative);
        if (!is_signed) {
            if (negative) fail(where, type + " cannot be negative");
            if (magnitude.bit_length() > bits) fail(where, "value does not fit in " + type);
            return word(magnitude);
        }
        // intN: -2^(N-1) <= value < 2^(N-1), two's complement in 256 bits.
        const unsigned limit_bits = bits - 1;
        if (negative) {
            const U256 limit = U256{1} << limit_bits;
            if (magnitude > limit) fail(where, "value does not fit in " + type);
            return word(-magnitude);
        }
        if (magnitude.bit_length() > limit_bits) fail(where, "value does not fit in " + type);
        return word(magnitude);
    }
    if (type.starts_with("bytes") && type.size() > 5) {
        const unsigned size = bits_of(std::string_view{type}.substr(5), 0);
        if (size == 0 || size > 32) fail(where, "unknown type " + type);
        const Bytes bytes = bytes_of(value, where);
        if (bytes.size() != size) {
            fail(where, type + " takes exactly " + std::to_string(size) + " bytes");
        }
        Hash32 out{};
        std::copy(bytes.begin(), bytes.end(), out.begin());
        return out;
    }
    return std::nullopt;
}

Hash32 hash_struct(const Types& types, const std::string& name, const Json& data,
                   const std::string& where, std::size_t depth);

// The 32-byte encoding of a member's value in encodeData.
Hash32 encode_value(const Types& types, const std::string& type, const Json& value,
                    const std::string& where, std::size_t depth) {
    if (depth > kMaxDepth) fail(where, "values nest too deeply");
    if (const auto array = array_of(type, where)) {
        if (!value.is_array()) fail(where, "expected an array for " + type);
        if (array->length && value.size() != *array->length) {
            fail(where, type + " takes exactly " + std::to_string(*array->length) + " elements");
        }
        Bytes concatenated;
        concatenated.reserve(value.size() * 32);
        for (std::size_t i = 0; i < value.size(); ++i) {
            const Hash32 element = encode_value(types, array->element, value[i],
                                                where + "[" + std::to_string(i) + "]", depth + 1);
            concatenated.insert(concatenated.end(), element.begin(), element.end());
        }
        return crypto::keccak256(concatenated);
    }
    if (types.contains(type)) return hash_struct(types, type, value, where, depth + 1);
    if (type == "string") {
        if (!value.is_string()) fail(where, "expected a string");
        return keccak(value.get_ref<const std::string&>());
    }
    if (type == "bytes") return crypto::keccak256(bytes_of(value, where));
    if (auto atomic = encode_atomic(type, value, where)) return *atomic;
    fail(where, "unknown type " + type);
}

Hash32 hash_struct(const Types& types, const std::string& name, const Json& data,
                   const std::string& where, std::size_t depth) {
    if (!data.is_object()) fail(where, "expected an object of type " + name);
    const auto& members = types.at(name);
    for (const auto& item : data.items()) {
        const std::string& key = item.key();
        const bool known = std::any_of(members.begin(), members.end(),
                                       [&key](const Member& m) { return m.name == key; });
        if (!known) fail(where, "\"" + key + "\" is not a member of " + name);
    }
    crypto::Keccak256 hasher;
    hasher.update(keccak(encode_type(types, name)));
    for (const auto& member : members) {
        const std::string path = where + "." + member.name;
        if (!data.contains(member.name)) fail(path, "missing");
        hasher.update(encode_value(types, member.type, data[member.name], path, depth));
    }
    return hasher.finalize();
}

// EIP712Domain from the domain's fields when `types` does not define it.
std::vector<Member> derived_domain_type(const Json& domain) {
    static const std::vector<Member> kOrder{{"name", "string"},
                                            {"version", "string"},
                                            {"chainId", "uint256"},
                                            {"verifyingContract", "address"},
                                            {"salt", "bytes32"}};
    std::vector<Member> out;
    for (const auto& member : kOrder) {
        if (domain.contains(member.name)) out.push_back(member);
    }
    return out;
}

}  // namespace

Result<TypedDataDigest, std::string> typed_data_digest(const Json& typed_data) try {
    if (!typed_data.is_object())
        fail("typedData", "expected {types, primaryType, domain, message}");
    for (const char* field : {"types", "primaryType", "domain"}) {
        if (!typed_data.contains(field)) fail("typedData", std::string{"missing "} + field);
    }
    Types types = parse_types(typed_data["types"]);
    const Json& domain = typed_data["domain"];
    if (!domain.is_object()) fail("domain", "expected an object");
    if (!types.contains("EIP712Domain")) types.emplace("EIP712Domain", derived_domain_type(domain));
    for (const auto& [name, members] : types) {
        for (const auto& member : members) {
            const std::string base = base_type(member.type);
            array_of(member.type, "types." + name);  // rejects malformed array types
            const bool known = types.contains(base) || base == "string" || base == "bytes" ||
                               base == "bool" || base == "address" || base.starts_with("uint") ||
                               base.starts_with("int") || base.starts_with("bytes");
            if (!known) fail("types." + name, "unknown type " + member.type);
        }
    }
    if (!typed_data["primaryType"].is_string()) fail("primaryType", "expected a string");
    const std::string primary = typed_data["primaryType"].get<std::string>();
    if (!types.contains(primary)) fail("primaryType", "\"" + primary + "\" is not in types");

    TypedDataDigest out;
    out.domain_separator = hash_struct(types, "EIP712Domain", domain, "domain", 0);
    if (domain.contains("chainId")) {
        bool negative = false;
        const U256 chain_id = integer_of(domain["chainId"], "domain.chainId", &negative);
        if (!negative && chain_id.fits_uint64()) out.chain_id = chain_id[0];
    }
    crypto::Keccak256 hasher;
    const std::uint8_t prefix[2] = {0x19, 0x01};
    hasher.update(ByteView{prefix, 2});
    hasher.update(out.domain_separator);
    if (primary != "EIP712Domain") {
        if (!typed_data.contains("message")) fail("typedData", "missing message");
        hasher.update(hash_struct(types, primary, typed_data["message"], "message", 0));
    }
    out.digest = hasher.finalize();
    return out;
} catch (const TypedDataError& error) {
    return unexpected(std::string{error.what()});
} catch (const Json::exception& error) {
    return unexpected(std::string{"typedData: "} + error.what());
}

TypedDataDigest typed_data_param_digest(const Json& value, std::uint64_t chain_id) {
    Json parsed = value;
    if (value.is_string()) {
        parsed =
            Json::parse(value.get_ref<const std::string&>(), nullptr, /*allow_exceptions=*/false);
        if (parsed.is_discarded()) {
            throw RpcError{code::kInvalidParams, "invalid argument 1: typedData is not valid JSON"};
        }
    }
    auto digest = typed_data_digest(parsed);
    if (!digest) throw RpcError{code::kInvalidParams, "invalid argument 1: " + digest.error()};
    if (digest->chain_id && *digest->chain_id != chain_id) {
        throw RpcError{code::kInvalidParams,
                       "invalid argument 1: domain.chainId " + std::to_string(*digest->chain_id) +
                           " is not this chain's (" + std::to_string(chain_id) + ")"};
    }
    return *digest;
}

}  // namespace qtm::rpc
