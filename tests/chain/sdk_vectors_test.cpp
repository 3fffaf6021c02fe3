// Byte-identical proof between the node and the TypeScript SDK (sdk/js): both sides build
// and sign the same transactions and personal messages from sdk/js/test/vectors/*.json and
// must produce the same addresses, signing digests, hashes, raw encodings and signatures.
//
// The vector files are written once by this test (QTM_WRITE_SDK_VECTORS=1) from the cases
// below and committed; from then on this test and sdk/js's test suite only compare.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "base/hex.hpp"
#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"
#include "chain/message.hpp"
#include "chain/transaction.hpp"
#include "crypto/keccak.hpp"

#ifndef QTM_SDK_VECTORS_DIR
#define QTM_SDK_VECTORS_DIR ""
#endif

namespace qtm::chain {
namespace {

using Json = nlohmann::json;

std::filesystem::path vectors_dir() {
    if (const char* env = std::getenv("QTM_SDK_VECTORS_DIR"); env != nullptr && *env != '\0') {
        return env;
    }
    return QTM_SDK_VECTORS_DIR;
}

bool writing() {
    const char* env = std::getenv("QTM_WRITE_SDK_VECTORS");
    return env != nullptr && std::string_view{env} == "1";
}

Bytes hex_bytes(const std::string& text) {
    auto bytes = from_hex(text);
    if (!bytes) throw std::invalid_argument{"bad hex in vector: " + text};
    return std::move(*bytes);
}

template <std::size_t N>
ByteArray<N> hex_fixed(const std::string& text) {
    auto bytes = from_hex_fixed<N>(text);
    if (!bytes) throw std::invalid_argument{"bad fixed-size hex in vector: " + text};
    return *bytes;
}

U256 decimal(const Json& value) {
    auto parsed = U256::from_decimal(value.get<std::string>());
    if (!parsed) throw std::invalid_argument{"bad decimal in vector"};
    return *parsed;
}

std::uint64_t decimal64(const Json& value) {
    const U256 parsed = decimal(value);
    if (!parsed.fits_uint64()) throw std::invalid_argument{"vector value exceeds 64 bits"};
    return parsed[0];
}

crypto::SignatureScheme scheme_of(const Json& value) {
    auto scheme = crypto::parse_signature_scheme(value.get<std::uint8_t>());
    if (!scheme) throw std::invalid_argument{"bad scheme in vector"};
    return *scheme;
}

ByteArray<32> seed_of(const std::string& text) {
    return hex_fixed<32>(text);
}

ByteArray<32> patterned_seed(std::uint8_t start) {
    ByteArray<32> seed{};
    for (std::size_t i = 0; i < seed.size(); ++i)
        seed[i] = static_cast<std::uint8_t>(start + i * 7);
    return seed;
}

// ---- transactions

// The node's signed transaction for a vector's inputs.
Transaction build(const Json& v, const AccountKey& key) {
    Transaction tx;
    tx.chain_id = decimal64(v.at("chainId"));
    tx.nonce = decimal64(v.at("nonce"));
    tx.max_priority_fee_per_gas = decimal(v.at("maxPriorityFeePerGas"));
    tx.max_fee_per_gas = decimal(v.at("maxFeePerGas"));
    tx.gas_limit = decimal64(v.at("gasLimit"));
    if (!v.at("to").is_null()) tx.to = hex_fixed<20>(v.at("to").get<std::string>());
    tx.value = decimal(v.at("value"));
    tx.data = hex_bytes(v.at("data").get<std::string>());
    for (const auto& item : v.at("accessList")) {
        state::AccessListEntry entry;
        entry.address = hex_fixed<20>(item.at("address").get<std::string>());
        for (const auto& slot : item.at("storageKeys"))
            entry.storage_keys.push_back(hex_fixed<32>(slot.get<std::string>()));
        tx.access_list.push_back(std::move(entry));
    }
    sign_transaction(tx, key, v.at("includeKey").get<bool>());
    return tx;
}

Json transaction_case(const std::string& name, const ByteArray<32>& seed,
                      crypto::SignatureScheme scheme, std::uint64_t chain_id, const U256& nonce,
                      const U256& tip, const U256& fee_cap, const U256& gas, const char* to,
                      const U256& value, const Bytes& data, Json access_list, bool include_key) {
    return Json{{"name", name},
                {"seed", to_hex(seed)},
                {"scheme", crypto::to_byte(scheme)},
                {"chainId", std::to_string(chain_id)},
                {"nonce", nonce.to_decimal()},
                {"maxPriorityFeePerGas", tip.to_decimal()},
                {"maxFeePerGas", fee_cap.to_decimal()},
                {"gasLimit", gas.to_decimal()},
                {"to", to == nullptr ? Json(nullptr) : Json(to)},
                {"value", value.to_decimal()},
                {"data", to_hex(data)},
                {"accessList", std::move(access_list)},
                {"includeKey", include_key}};
}

Bytes counting_bytes(std::size_t size, std::uint8_t start) {
    Bytes out(size);
    for (std::size_t i = 0; i < size; ++i)
        out[i] = static_cast<std::uint8_t>(start + i);
    return out;
}

// The inputs the vector file is generated from.
Json transaction_cases() {
    using crypto::SignatureScheme;
    const U256 gwei{1'000'000'000};
    const Json no_access = Json::array();
    const Json access = Json::array(
        {{{"address", "0x000000000000000000000000000000000000dead"},
          {"storageKeys", Json::array()}},
         {{"address", "0xabababababababababababababababababababab"},
          {"storageKeys",
           Json::array({"0x0000000000000000000000000000000000000000000000000000000000000000",
                        "0x00000000000000000000000000000000000000000000000000000000000000ff"})}}});
    const U256 max = U256::max();
    Json cases = Json::array();
    // Dev account 0's first transfer: carries its key.
    cases.push_back(transaction_case(
        "mldsa44-dev0-transfer-with-key", dev_account_seed(0), SignatureScheme::kMlDsa44, 7357,
        U256{0}, gwei, U256{30} * gwei, U256{66'000}, "0x1111111111111111111111111111111111111111",
        U256{1'000'000'000'000'000'000ULL}, {}, no_access, true));
    // A later call with calldata and an access list, no key.
    cases.push_back(transaction_case("mldsa44-dev1-call-access-list", dev_account_seed(1),
                                     SignatureScheme::kMlDsa44, 7357, U256{5}, U256{2} * gwei,
                                     U256{50} * gwei, U256{120'000},
                                     "0xabababababababababababababababababababab", U256{0},
                                     Bytes{0xa9, 0x05, 0x9c, 0xbb, 0x00, 0x01}, access, false));
    // ML-DSA-65 contract creation carrying the key, long init code (> 55 bytes).
    cases.push_back(transaction_case("mldsa65-creation-with-key", patterned_seed(0x11),
                                     SignatureScheme::kMlDsa65, 7357, U256{0}, U256{0},
                                     U256{7} * gwei, U256{500'000}, nullptr, U256{0},
                                     counting_bytes(200, 0x60), no_access, true));
    // ML-DSA-65 without key, zero fees and value: every integer field encodes as empty.
    cases.push_back(transaction_case("mldsa65-zero-fields-no-key", patterned_seed(0x22),
                                     SignatureScheme::kMlDsa65, 1, U256{0}, U256{0}, U256{0},
                                     U256{0}, "0x00000000000000000000000000000000000000ff", U256{0},
                                     {}, no_access, false));
    // ML-DSA-87 with key and the largest values every field takes.
    cases.push_back(transaction_case(
        "mldsa87-large-values-with-key", patterned_seed(0x33), SignatureScheme::kMlDsa87,
        UINT64_MAX, U256{UINT64_MAX}, max, max, U256{UINT64_MAX},
        "0xffffffffffffffffffffffffffffffffffffffff", max, Bytes{0x00}, no_access, true));
    // ML-DSA-87 creation without key, with an access list and 1 KiB of data.
    cases.push_back(transaction_case("mldsa87-creation-access-list-no-key", patterned_seed(0x44),
                                     SignatureScheme::kMlDsa87, 7358, U256{1'000'000}, gwei,
                                     U256{100} * gwei, U256{3'000'000}, nullptr, U256{123'456'789},
                                     counting_bytes(1024, 0), access, false));
    // Dev account 2 on chain 7359 with a one-byte value below 0x80 and data 0x7f.
    cases.push_back(transaction_case("mldsa44-dev2-small-values", dev_account_seed(2),
                                     SignatureScheme::kMlDsa44, 7359, U256{127}, U256{1}, U256{128},
                                     U256{21'000}, "0x46E135d91C93B0E6e45dFA5cd8C0Ac4667A60DdF",
                                     U256{0x7f}, Bytes{0x7f}, no_access, true));
    return cases;
}

Json transaction_outputs(const Json& v) {
    const AccountKey key{scheme_of(v.at("scheme")), seed_of(v.at("seed").get<std::string>())};
    const Transaction tx = build(v, key);
    return Json{{"address", to_checksum_address(key.address())},
                {"publicKeyHash", to_hex(crypto::keccak256(key.public_key()))},
                {"signingDigest", to_hex(signing_digest(tx))},
                {"hash", to_hex(transaction_hash(tx))},
                {"raw", to_hex(encode(tx))}};
}

// ---- personal messages

Json message_case(const std::string& name, const ByteArray<32>& seed,
                  crypto::SignatureScheme scheme, const Bytes& message) {
    return Json{{"name", name},
                {"seed", to_hex(seed)},
                {"scheme", crypto::to_byte(scheme)},
                {"message", to_hex(message)}};
}

Json message_cases() {
    using crypto::SignatureScheme;
    const std::string hello = "hello QTM";
    Json cases = Json::array();
    cases.push_back(message_case("mldsa44-dev0-hello", dev_account_seed(0),
                                 SignatureScheme::kMlDsa44, to_bytes(as_bytes(hello))));
    cases.push_back(
        message_case("mldsa44-dev0-empty", dev_account_seed(0), SignatureScheme::kMlDsa44, {}));
    cases.push_back(message_case("mldsa65-binary-32", patterned_seed(0x55),
                                 SignatureScheme::kMlDsa65, counting_bytes(32, 0xf0)));
    cases.push_back(message_case("mldsa87-binary-1000", patterned_seed(0x66),
                                 SignatureScheme::kMlDsa87, counting_bytes(1000, 3)));
    return cases;
}

Json message_outputs(const Json& v) {
    const AccountKey key{scheme_of(v.at("scheme")), seed_of(v.at("seed").get<std::string>())};
    const Bytes message = hex_bytes(v.at("message").get<std::string>());
    return Json{{"address", to_checksum_address(key.address())},
                {"digest", to_hex(personal_message_digest(message))},
                {"signature", to_hex(sign_personal_message(key, message))}};
}

// ---- the files

Json read_vectors(const std::string& file) {
    const auto path = vectors_dir() / file;
    std::ifstream in{path};
    if (!in) throw std::runtime_error{"cannot read " + path.string()};
    return Json::parse(in);
}

void write_vectors(const std::string& file, const Json& cases, Json (*outputs)(const Json&),
                   const std::string& description) {
    Json vectors = Json::array();
    for (const auto& input : cases) {
        Json vector = input;
        vector.update(outputs(input));
        vectors.push_back(std::move(vector));
    }
    const Json document{{"description", description}, {"vectors", vectors}};
    const auto path = vectors_dir() / file;
    std::ofstream out{path};
    ASSERT_TRUE(out) << "cannot write " << path;
    out << document.dump(2) << '\n';
}

constexpr const char* kTransactionsFile = "transactions.json";
constexpr const char* kMessagesFile = "messages.json";

TEST(SdkVectors, WriteWhenAsked) {
    if (!writing()) GTEST_SKIP() << "QTM_WRITE_SDK_VECTORS=1 regenerates the files";
    write_vectors(kTransactionsFile, transaction_cases(), transaction_outputs,
                  "QTM type-0x51 transactions signed by the node (tests/chain/"
                  "sdk_vectors_test.cpp); integers are decimal strings");
    write_vectors(kMessagesFile, message_cases(), message_outputs,
                  "QTM personal-message signatures by the node (tests/chain/"
                  "sdk_vectors_test.cpp)");
}

TEST(SdkVectors, TransactionsMatchTheFile) {
    const Json file = read_vectors(kTransactionsFile);
    const Json& vectors = file.at("vectors");
    // Every case this test generates is in the file (the SDK checks the same list).
    ASSERT_EQ(vectors.size(), transaction_cases().size());
    for (const auto& v : vectors) {
        SCOPED_TRACE(v.at("name").get<std::string>());
        const Json expected = transaction_outputs(v);
        for (const auto& [field, value] : expected.items())
            EXPECT_EQ(v.at(field), value) << field;

        // The raw bytes decode to the same transaction, whose signature verifies.
        auto decoded = decode_transaction(hex_bytes(v.at("raw").get<std::string>()));
        ASSERT_TRUE(decoded.has_value()) << to_string(decoded.error());
        EXPECT_EQ(to_hex(encode(*decoded)), v.at("raw").get<std::string>());
        EXPECT_EQ(decoded->public_key.empty(), !v.at("includeKey").get<bool>());
        const AccountKey key{scheme_of(v.at("scheme")), seed_of(v.at("seed").get<std::string>())};
        const auto registered = decoded->public_key.empty()
                                    ? std::optional{state::RegisteredKey{
                                          crypto::to_byte(key.scheme()), key.public_key()}}
                                    : std::nullopt;
        EXPECT_TRUE(verify_signature(*decoded, registered).has_value());
    }
}

TEST(SdkVectors, DevAccountZeroAddress) {
    const AccountKey key{crypto::SignatureScheme::kMlDsa44, dev_account_seed(0)};
    EXPECT_EQ(to_checksum_address(key.address()), "0x46E135d91C93B0E6e45dFA5cd8C0Ac4667A60DdF");
}

TEST(SdkVectors, MessagesMatchTheFile) {
    const Json file = read_vectors(kMessagesFile);
    const Json& vectors = file.at("vectors");
    ASSERT_EQ(vectors.size(), message_cases().size());
    for (const auto& v : vectors) {
        SCOPED_TRACE(v.at("name").get<std::string>());
        const Json expected = message_outputs(v);
        for (const auto& [field, value] : expected.items())
            EXPECT_EQ(v.at(field), value) << field;
        const AccountKey key{scheme_of(v.at("scheme")), seed_of(v.at("seed").get<std::string>())};
        EXPECT_TRUE(verify_personal_message(key.public_key(),
                                            hex_bytes(v.at("message").get<std::string>()),
                                            hex_bytes(v.at("signature").get<std::string>()))
                        .has_value());
    }
}

}  // namespace
}  // namespace qtm::chain
