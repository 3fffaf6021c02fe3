#include "chain/transaction.hpp"

#include <gtest/gtest.h>

#include "base/hex.hpp"
#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"
#include "crypto/keccak.hpp"

namespace qtm::chain {
namespace {

const AccountKey& alice() {
    static const AccountKey key{crypto::SignatureScheme::kMlDsa44, dev_account_seed(0)};
    return key;
}

Transaction sample(bool include_key) {
    Transaction tx;
    tx.chain_id = 7357;
    tx.nonce = 3;
    tx.max_priority_fee_per_gas = U256{2'000'000'000};
    tx.max_fee_per_gas = U256{30'000'000'000};
    tx.gas_limit = 90'000;
    Address to{};
    to.fill(0xab);
    tx.to = to;
    tx.value = U256{1'000'000};
    tx.data = {0xde, 0xad, 0xbe, 0xef};
    state::AccessListEntry entry;
    entry.address = to;
    entry.storage_keys.push_back(Hash32{});
    tx.access_list.push_back(entry);
    sign_transaction(tx, alice(), include_key);
    return tx;
}

TEST(Keys, AddressIsKeccakOfSchemeAndKey) {
    Bytes preimage{0x01};
    preimage.insert(preimage.end(), alice().public_key().begin(), alice().public_key().end());
    const Hash32 hash = crypto::keccak256(preimage);
    EXPECT_TRUE(std::equal(hash.begin() + 12, hash.end(), alice().address().begin()));
    EXPECT_EQ(address_of(crypto::SignatureScheme::kMlDsa44, alice().public_key()),
              alice().address());
    // A different scheme byte gives a different address for the same bytes.
    EXPECT_NE(address_of(crypto::SignatureScheme::kMlDsa65, alice().public_key()),
              alice().address());
}

TEST(Keys, Eip55Checksum) {
    // The EIP-55 specification's examples.
    const auto check = [](const char* text) {
        const auto address = from_hex_fixed<20>(text);
        ASSERT_TRUE(address.has_value());
        EXPECT_EQ(to_checksum_address(*address), text);
    };
    check("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
    check("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359");
    check("0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB");
    check("0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb");
}

TEST(Transaction, RoundTripsWithAndWithoutKey) {
    for (const bool include_key : {true, false}) {
        const Transaction tx = sample(include_key);
        const Bytes encoded = encode(tx);
        EXPECT_EQ(encoded[0], kTransactionType);
        auto decoded = decode_transaction(encoded);
        ASSERT_TRUE(decoded.has_value()) << to_string(decoded.error());
        EXPECT_EQ(encode(*decoded), encoded);
        EXPECT_EQ(decoded->public_key, tx.public_key);
        EXPECT_EQ(decoded->access_list.size(), 1U);
        EXPECT_EQ(transaction_hash(*decoded), crypto::keccak256(encoded));
    }
}

TEST(Transaction, CreationHasEmptyTo) {
    Transaction tx = sample(true);
    tx.to.reset();
    sign_transaction(tx, alice(), true);
    auto decoded = decode_transaction(encode(tx));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_FALSE(decoded->to.has_value());
}

TEST(Transaction, SigningDigestCoversEveryFieldButKeyAndSignature) {
    const Transaction base = sample(true);
    const Hash32 digest = signing_digest(base);
    Transaction no_key = base;
    no_key.public_key.clear();
    no_key.signature.assign(no_key.signature.size(), 0);
    EXPECT_EQ(signing_digest(no_key), digest);
    const std::vector<std::function<void(Transaction&)>> changes = {
        [](Transaction& t) { t.chain_id += 1; },
        [](Transaction& t) { t.nonce += 1; },
        [](Transaction& t) { t.max_priority_fee_per_gas = t.max_priority_fee_per_gas + U256{1}; },
        [](Transaction& t) { t.max_fee_per_gas = t.max_fee_per_gas + U256{1}; },
        [](Transaction& t) { t.gas_limit += 1; },
        [](Transaction& t) { t.from[0] ^= 1; },
        [](Transaction& t) { t.to.reset(); },
        [](Transaction& t) { t.value = t.value + U256{1}; },
        [](Transaction& t) { t.data.push_back(0); },
        [](Transaction& t) { t.access_list.clear(); },
        [](Transaction& t) { t.scheme = crypto::SignatureScheme::kMlDsa65; },
    };
    for (std::size_t i = 0; i < changes.size(); ++i) {
        Transaction changed = base;
        changes[i](changed);
        EXPECT_NE(signing_digest(changed), digest) << "field " << i;
    }
}

TEST(Transaction, DecodeErrorsAreTyped) {
    EXPECT_EQ(decode_transaction({}).error(), TxDecodeError::kEmpty);
    const Bytes legacy = *from_hex(
        "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025"
        "a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703"
        "304b3800ccf555c9f3dc64214b297fb1966a3b6d83");
    EXPECT_EQ(decode_transaction(legacy).error(), TxDecodeError::kUnsupportedType);
    EXPECT_EQ(decode_transaction(Bytes{0x02, 0xc0}).error(), TxDecodeError::kUnsupportedType);
    EXPECT_EQ(decode_transaction(Bytes{0x51, 0xc0}).error(), TxDecodeError::kMalformed);
    Bytes encoded = encode(sample(true));
    Bytes truncated(encoded.begin(), encoded.end() - 1);
    EXPECT_EQ(decode_transaction(truncated).error(), TxDecodeError::kMalformed);
    Bytes trailing = encoded;
    trailing.push_back(0);
    EXPECT_EQ(decode_transaction(trailing).error(), TxDecodeError::kMalformed);
    Transaction short_signature = sample(true);
    short_signature.signature.pop_back();
    EXPECT_EQ(decode_transaction(encode(short_signature)).error(),
              TxDecodeError::kBadSignatureLength);
    Transaction short_key = sample(true);
    short_key.public_key.pop_back();
    EXPECT_EQ(decode_transaction(encode(short_key)).error(), TxDecodeError::kBadPublicKeyLength);
    Bytes big(kMaxTransactionSize + 1, 0);
    big[0] = kTransactionType;
    EXPECT_EQ(decode_transaction(big).error(), TxDecodeError::kTooLarge);
}

TEST(Transaction, UnknownSchemeIdIsRefused) {
    Transaction tx = sample(true);
    Bytes encoded = encode(tx);
    // scheme_id is the single byte 0x01 just before the public key's string header
    // (0xb9 0x05 0x20 for 1312 bytes).
    const Bytes marker{0x01, 0xb9, 0x05, 0x20};
    const auto at = std::search(encoded.begin(), encoded.end(), marker.begin(), marker.end());
    ASSERT_NE(at, encoded.end());
    *at = 0x07;
    EXPECT_EQ(decode_transaction(encoded).error(), TxDecodeError::kUnknownScheme);
    *at = 0x80;  // the canonical RLP of 0: the reserved id
    EXPECT_EQ(decode_transaction(encoded).error(), TxDecodeError::kUnknownScheme);
    *at = 0x00;  // a non-canonical RLP integer
    EXPECT_EQ(decode_transaction(encoded).error(), TxDecodeError::kMalformed);
}

TEST(Transaction, SignatureRules) {
    const Transaction first = sample(true);
    EXPECT_TRUE(verify_signature(first, std::nullopt).has_value());
    const state::RegisteredKey registered{1, alice().public_key()};
    EXPECT_TRUE(verify_signature(first, registered).has_value()) << "same key carried again";

    const Transaction later = sample(false);
    EXPECT_TRUE(verify_signature(later, registered).has_value());
    EXPECT_EQ(verify_signature(later, std::nullopt).error(), SignatureError::kMissingPublicKey);

    const AccountKey bob{crypto::SignatureScheme::kMlDsa44, dev_account_seed(1)};
    const state::RegisteredKey other{1, bob.public_key()};
    EXPECT_EQ(verify_signature(first, other).error(), SignatureError::kKeyAlreadyRegistered);
    EXPECT_EQ(verify_signature(later, other).error(), SignatureError::kInvalidSignature);
    EXPECT_EQ(verify_signature(later, state::RegisteredKey{2, alice().public_key()}).error(),
              SignatureError::kSchemeMismatch);

    Transaction stolen = first;
    stolen.from = bob.address();  // claims bob's address with alice's key
    EXPECT_EQ(verify_signature(stolen, std::nullopt).error(), SignatureError::kKeyAddressMismatch);

    Transaction tampered = first;
    tampered.value = tampered.value + U256{1};
    EXPECT_EQ(verify_signature(tampered, std::nullopt).error(), SignatureError::kInvalidSignature);
    Transaction flipped = first;
    flipped.signature[100] ^= 0x01;
    EXPECT_EQ(verify_signature(flipped, std::nullopt).error(), SignatureError::kInvalidSignature);
}

TEST(Transaction, SignatureFromAnotherDomainIsRefused) {
    Transaction tx = sample(true);
    tx.signature = alice().sign(signing_digest(tx), "qtm/vote/v1");
    EXPECT_EQ(verify_signature(tx, std::nullopt).error(), SignatureError::kInvalidSignature);
}

TEST(Transaction, IntrinsicGas) {
    Transaction tx = sample(false);
    tx.data = {0, 1, 0, 2};  // 2 zero bytes, 2 non-zero
    tx.access_list.clear();
    EXPECT_EQ(intrinsic_gas(tx), 21000 + 2 * 4 + 2 * 16 + 4500);
    tx.public_key = alice().public_key();
    EXPECT_EQ(intrinsic_gas(tx), 21000 + 40 + 4500 + 20000 + 16 * 1312);
    tx.to.reset();
    tx.public_key.clear();
    EXPECT_EQ(intrinsic_gas(tx), 53000 + 40 + 2 + 4500);
    const auto params = to_tx_params(tx);
    EXPECT_EQ(params.intrinsic_gas, intrinsic_gas(tx));
    EXPECT_FALSE(params.register_key.has_value());
}

// Golden values (deterministic ML-DSA signing, generated by this implementation and kept):
// any change to the encoding, the digest or the signing shows here.
constexpr std::size_t kGoldenSize = 3871;
constexpr const char* kGoldenDigest =
    "0x6e2a39f8a7f4a0fae8e98a232d0baa31aba8274d68354cd6df09590dcd67e194";
constexpr const char* kGoldenHash =
    "0xd1ff7f828b66f3bc8945661ccb8835cd987323c3e38180d16699538d68c106cf";
constexpr const char* kGoldenHashWithoutKey =
    "0xbc011d9124c18ec1d552f7886d92fadf9ad931746b6257aa3df08db5d494d11a";

TEST(Transaction, GoldenVectors) {
    const Transaction tx = sample(true);
    EXPECT_EQ(encode(tx).size(), kGoldenSize);
    EXPECT_EQ(to_hex(signing_digest(tx)), kGoldenDigest);
    EXPECT_EQ(to_hex(transaction_hash(tx)), kGoldenHash);
    EXPECT_EQ(to_hex(transaction_hash(sample(false))), kGoldenHashWithoutKey);
}

}  // namespace
}  // namespace qtm::chain
