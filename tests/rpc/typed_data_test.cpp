// EIP-712 digests (rpc/typed_data.hpp): the EIP's own Mail example (its typeHash, struct
// hash, domain separator and digest as the EIP text gives them), arrays of structs and of
// atomic values, signed integers, a derived EIP712Domain, and the refusals a signer must
// make (unknown types, values out of range, missing or extra members, bad arrays).
#include "rpc/typed_data.hpp"

#include <gtest/gtest.h>

#include "base/hex.hpp"
#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"
#include "chain/message.hpp"
#include "crypto/keccak.hpp"

namespace qtm::rpc {
namespace {

Json mail() {
    return Json::parse(R"({
      "types": {
        "EIP712Domain": [
          {"name": "name", "type": "string"}, {"name": "version", "type": "string"},
          {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}],
        "Person": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}],
        "Mail": [{"name": "from", "type": "Person"}, {"name": "to", "type": "Person"},
                 {"name": "contents", "type": "string"}]
      },
      "primaryType": "Mail",
      "domain": {"name": "Ether Mail", "version": "1", "chainId": 1,
                 "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},
      "message": {
        "from": {"name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
        "to": {"name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},
        "contents": "Hello, Bob!"
      }
    })");
}

std::string hex(const Hash32& hash) {
    return to_hex(hash);
}

TEST(TypedData, TheEipMailExampleGivesTheEipDigest) {
    const auto digest = typed_data_digest(mail());
    ASSERT_TRUE(digest.has_value()) << digest.error();
    EXPECT_EQ(hex(digest->domain_separator),
              "0xf2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f");
    EXPECT_EQ(hex(digest->digest),
              "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2");
    EXPECT_EQ(digest->chain_id, 1u);
    // typeHash(Mail) from the EIP: keccak of "Mail(Person from,Person to,string contents)
    // Person(string name,address wallet)".
    EXPECT_EQ(hex(crypto::keccak256(
                  as_bytes(std::string_view{"Mail(Person from,Person to,string contents)Person("
                                            "string name,address wallet)"}))),
              "0xa0cedeb2dc280ba39b857546d74f5549c3a1d7bdc2dd96bf881f76108e23dac2");
}

TEST(TypedData, ADerivedDomainTypeEqualsTheExplicitOne) {
    Json data = mail();
    data["types"].erase("EIP712Domain");
    const auto derived = typed_data_digest(data);
    ASSERT_TRUE(derived.has_value()) << derived.error();
    EXPECT_EQ(hex(derived->digest),
              "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2");
}

TEST(TypedData, NumbersMayBeJsonNumbersDecimalOrHexStrings) {
    Json as_string = mail();
    as_string["domain"]["chainId"] = "1";
    Json as_hex = mail();
    as_hex["domain"]["chainId"] = "0x01";
    const auto a = typed_data_digest(as_string);
    const auto b = typed_data_digest(as_hex);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->digest, b->digest);
    EXPECT_EQ(hex(a->digest), "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2");
}

TEST(TypedData, ChangingAnyMessageFieldChangesTheDigest) {
    const Hash32 base = typed_data_digest(mail())->digest;
    Json changed = mail();
    changed["message"]["contents"] = "Hello, Eve!";
    EXPECT_NE(typed_data_digest(changed)->digest, base);
    changed = mail();
    changed["message"]["to"]["wallet"] = "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbC";
    EXPECT_NE(typed_data_digest(changed)->digest, base);
    changed = mail();
    changed["domain"]["version"] = "2";
    EXPECT_NE(typed_data_digest(changed)->digest, base);
}

// Arrays: keccak of the concatenated member encodings; a struct array element is its
// hashStruct. Recomputed here by hand from the EIP's definitions.
TEST(TypedData, ArraysHashTheConcatenationOfTheirElements) {
    const Json data = Json::parse(R"({
      "types": {
        "EIP712Domain": [{"name": "name", "type": "string"}],
        "Item": [{"name": "id", "type": "uint8"}],
        "Order": [{"name": "items", "type": "Item[]"}, {"name": "amounts", "type": "int16[2]"},
                  {"name": "tag", "type": "bytes2"}, {"name": "ok", "type": "bool"}]
      },
      "primaryType": "Order",
      "domain": {"name": "Shop"},
      "message": {"items": [{"id": 1}, {"id": 2}], "amounts": [-1, 300], "tag": "0xabcd",
                  "ok": true}
    })");
    const auto digest = typed_data_digest(data);
    ASSERT_TRUE(digest.has_value()) << digest.error();

    const auto word_of = [](std::uint64_t value) { return U256{value}.to_be_bytes(); };
    const Hash32 item_type = crypto::keccak256(as_bytes(std::string_view{"Item(uint8 id)"}));
    const auto item_hash = [&](std::uint64_t id) {
        Bytes encoded{item_type.begin(), item_type.end()};
        const auto w = word_of(id);
        encoded.insert(encoded.end(), w.begin(), w.end());
        return crypto::keccak256(encoded);
    };
    Bytes items;
    for (std::uint64_t id : {1u, 2u}) {
        const Hash32 h = item_hash(id);
        items.insert(items.end(), h.begin(), h.end());
    }
    Bytes amounts;
    const auto minus_one = (-U256{1}).to_be_bytes();  // int16 -1, sign-extended to 256 bits
    amounts.insert(amounts.end(), minus_one.begin(), minus_one.end());
    const auto three_hundred = word_of(300);
    amounts.insert(amounts.end(), three_hundred.begin(), three_hundred.end());
    Hash32 tag{};
    tag[0] = 0xab;
    tag[1] = 0xcd;
    const Hash32 order_type = crypto::keccak256(as_bytes(
        std::string_view{"Order(Item[] items,int16[2] amounts,bytes2 tag,bool ok)Item(uint8 id)"}));
    Bytes order{order_type.begin(), order_type.end()};
    for (const Hash32& part :
         {crypto::keccak256(items), crypto::keccak256(amounts), tag, word_of(1)}) {
        order.insert(order.end(), part.begin(), part.end());
    }
    const Hash32 domain_type =
        crypto::keccak256(as_bytes(std::string_view{"EIP712Domain(string name)"}));
    Bytes domain{domain_type.begin(), domain_type.end()};
    const Hash32 name = crypto::keccak256(as_bytes(std::string_view{"Shop"}));
    domain.insert(domain.end(), name.begin(), name.end());
    Bytes whole{0x19, 0x01};
    const Hash32 separator = crypto::keccak256(domain);
    const Hash32 message = crypto::keccak256(order);
    whole.insert(whole.end(), separator.begin(), separator.end());
    whole.insert(whole.end(), message.begin(), message.end());
    EXPECT_EQ(digest->domain_separator, separator);
    EXPECT_EQ(digest->digest, crypto::keccak256(whole));
    EXPECT_FALSE(digest->chain_id.has_value());
}

TEST(TypedData, AMessageOfTheDomainTypeHashesTheDomainAlone) {
    Json data = mail();
    data["primaryType"] = "EIP712Domain";
    data.erase("message");
    const auto digest = typed_data_digest(data);
    ASSERT_TRUE(digest.has_value()) << digest.error();
    Bytes whole{0x19, 0x01};
    whole.insert(whole.end(), digest->domain_separator.begin(), digest->domain_separator.end());
    EXPECT_EQ(digest->digest, crypto::keccak256(whole));
}

void expect_refused(const Json& data, std::string_view says) {
    const auto digest = typed_data_digest(data);
    ASSERT_FALSE(digest.has_value()) << "accepted; expected an error about " << says;
    EXPECT_NE(digest.error().find(says), std::string::npos) << digest.error();
}

TEST(TypedData, RefusesWhatASignerMustNotSign) {
    Json data = mail();
    data["types"]["Person"][1]["type"] = "adress";
    expect_refused(data, "unknown type adress");
    data = mail();
    data["message"]["from"].erase("wallet");
    expect_refused(data, "message.from.wallet: missing");
    data = mail();
    data["message"]["extra"] = 1;
    expect_refused(data, "\"extra\" is not a member of Mail");
    data = mail();
    data["message"]["from"]["wallet"] = "0x1234";
    expect_refused(data, "message.from.wallet: an address is 20 bytes");
    data = mail();
    data["primaryType"] = "Letter";
    expect_refused(data, "\"Letter\" is not in types");
    data = mail();
    data["domain"]["chainId"] = "-1";
    expect_refused(data, "uint256 cannot be negative");
    expect_refused(Json::array(), "expected {types, primaryType, domain, message}");

    Json small = Json::parse(R"({"types": {"T": [{"name": "v", "type": "uint8"},
        {"name": "s", "type": "int8"}, {"name": "b", "type": "bytes3"}, {"name": "a",
        "type": "uint8[2]"}]}, "primaryType": "T", "domain": {},
        "message": {"v": 255, "s": -128, "b": "0x010203", "a": [1, 2]}})");
    ASSERT_TRUE(typed_data_digest(small).has_value());
    data = small;
    data["message"]["v"] = 256;
    expect_refused(data, "message.v: value does not fit in uint8");
    data = small;
    data["message"]["s"] = -129;
    expect_refused(data, "message.s: value does not fit in int8");
    data = small;
    data["message"]["s"] = 128;
    expect_refused(data, "message.s: value does not fit in int8");
    data = small;
    data["message"]["b"] = "0x0102";
    expect_refused(data, "bytes3 takes exactly 3 bytes");
    data = small;
    data["message"]["a"] = Json::array({1});
    expect_refused(data, "uint8[2] takes exactly 2 elements");
    data = small;
    data["message"]["v"] = "twelve";
    expect_refused(data, "message.v: not an integer");
    data = small;
    data["types"]["T"][0]["type"] = "uint7";
    expect_refused(data, "unknown type uint7");
}

TEST(TypedData, RecursiveTypesAreRefusedNotLoopedOn) {
    // A struct that contains itself can only be given as a finite value; a cycle in the
    // value is impossible in JSON, so the limit that matters is nesting depth.
    Json data = Json::parse(R"({"types": {"Node": [{"name": "next", "type": "Node[]"}]},
        "primaryType": "Node", "domain": {}, "message": {"next": []}})");
    ASSERT_TRUE(typed_data_digest(data).has_value());
    Json deep = Json::object({{"next", Json::array()}});
    for (int i = 0; i < 40; ++i)
        deep = Json::object({{"next", Json::array({deep})}});
    data["message"] = deep;
    expect_refused(data, "nest too deeply");
}

TEST(TypedData, TheParameterMayBeAJsonStringAndMustNameThisChain) {
    const std::string text = mail().dump();
    EXPECT_EQ(hex(typed_data_param_digest(Json(text), 1).digest),
              "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2");
    EXPECT_THROW((void)typed_data_param_digest(Json(text), 7357), RpcError);
    EXPECT_THROW((void)typed_data_param_digest(Json("{not json"), 1), RpcError);
}

TEST(TypedData, ASignatureOfTheDigestVerifiesAndNotAsAPersonalMessage) {
    const chain::AccountKey key{crypto::SignatureScheme::kMlDsa44, chain::dev_account_seed(0)};
    const Hash32 digest = typed_data_digest(mail())->digest;
    const Bytes signature = chain::sign_message_digest(key, digest);
    EXPECT_TRUE(chain::verify_message_digest(key.public_key(), digest, signature).has_value());
    EXPECT_FALSE(chain::verify_personal_message(key.public_key(), digest, signature).has_value());
}

}  // namespace
}  // namespace qtm::rpc
