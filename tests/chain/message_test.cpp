// Personal messages: the digest is Ethereum's personal-message hash, the signature is the
// scheme byte and a deterministic ML-DSA signature under "qtm/msg/v1"; verification
// refuses other messages, keys, schemes and domains.
#include "chain/message.hpp"

#include <gtest/gtest.h>

#include "base/hex.hpp"
#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"
#include "chain/transaction.hpp"
#include "crypto/keccak.hpp"
#include "crypto/mldsa.hpp"

namespace qtm::chain {
namespace {

using crypto::SignatureScheme;

const AccountKey& dev0() {
    static const AccountKey key{SignatureScheme::kMlDsa44, dev_account_seed(0)};
    return key;
}

TEST(PersonalMessage, DigestIsEthereumsPersonalMessageHash) {
    // geth's accounts.TextHash("hello") (as ethers' hashMessage("hello")).
    EXPECT_EQ(to_hex(personal_message_digest(as_bytes("hello"))),
              "0x50b2c43fd39106bafbba0da34fc430e1f91e3c96ea2acee2bc34119f92b37750");
    // The length is decimal: 10 bytes give "10", not "\n".
    Bytes preimage =
        to_bytes(as_bytes("\x19"
                          "Ethereum Signed Message:\n10"));
    const std::string ten = "0123456789";
    preimage.insert(preimage.end(), ten.begin(), ten.end());
    EXPECT_EQ(personal_message_digest(as_bytes(ten)), crypto::keccak256(preimage));
}

TEST(PersonalMessage, SignatureIsSchemeByteAndDeterministicMlDsa) {
    for (const auto scheme :
         {SignatureScheme::kMlDsa44, SignatureScheme::kMlDsa65, SignatureScheme::kMlDsa87}) {
        ByteArray<32> seed{};
        seed.fill(static_cast<std::uint8_t>(crypto::to_byte(scheme) + 10));
        const AccountKey key{scheme, seed};
        const Bytes message = to_bytes(as_bytes("sign me"));
        const Bytes signature = sign_personal_message(key, message);
        ASSERT_EQ(signature.size(), 1 + crypto::signature_sizes(scheme).signature);
        EXPECT_EQ(signature[0], crypto::to_byte(scheme));
        EXPECT_EQ(signature, sign_personal_message(key, message));  // deterministic
        EXPECT_TRUE(verify_personal_message(key.public_key(), message, signature).has_value());
        // The ML-DSA part is a plain signature of the digest under the message context.
        EXPECT_TRUE(crypto::verify(scheme, key.public_key(), personal_message_digest(message),
                                   as_bytes(kMessageContext), ByteView{signature}.subspan(1)));
    }
}

TEST(PersonalMessage, RefusesWrongMessageKeyAndTampering) {
    const Bytes message = to_bytes(as_bytes("pay 1 QTM"));
    const Bytes signature = sign_personal_message(dev0(), message);
    const auto other_message =
        verify_personal_message(dev0().public_key(), as_bytes("pay 2 QTM"), signature);
    ASSERT_FALSE(other_message.has_value());
    EXPECT_EQ(other_message.error(), MessageSignatureError::kInvalidSignature);

    const AccountKey other{SignatureScheme::kMlDsa44, dev_account_seed(1)};
    EXPECT_FALSE(verify_personal_message(other.public_key(), message, signature).has_value());

    Bytes flipped = signature;
    flipped[100] ^= 0x01;
    EXPECT_FALSE(verify_personal_message(dev0().public_key(), message, flipped).has_value());
}

TEST(PersonalMessage, RefusesMalformedSignaturesWithTypedErrors) {
    const Bytes message = to_bytes(as_bytes("x"));
    const Bytes signature = sign_personal_message(dev0(), message);
    EXPECT_EQ(verify_personal_message(dev0().public_key(), message, {}).error(),
              MessageSignatureError::kUnknownScheme);
    Bytes unknown = signature;
    unknown[0] = 0x00;
    EXPECT_EQ(verify_personal_message(dev0().public_key(), message, unknown).error(),
              MessageSignatureError::kUnknownScheme);
    unknown[0] = 0x04;
    EXPECT_EQ(verify_personal_message(dev0().public_key(), message, unknown).error(),
              MessageSignatureError::kUnknownScheme);
    // Claiming ML-DSA-65 with a 44-sized signature.
    Bytes wrong_scheme = signature;
    wrong_scheme[0] = 0x02;
    EXPECT_EQ(verify_personal_message(dev0().public_key(), message, wrong_scheme).error(),
              MessageSignatureError::kBadSignatureLength);
    const Bytes truncated(signature.begin(), signature.end() - 1);
    EXPECT_EQ(verify_personal_message(dev0().public_key(), message, truncated).error(),
              MessageSignatureError::kBadSignatureLength);
    const Bytes short_key(dev0().public_key().begin(), dev0().public_key().end() - 1);
    EXPECT_EQ(verify_personal_message(short_key, message, signature).error(),
              MessageSignatureError::kBadPublicKeyLength);
    EXPECT_FALSE(to_string(MessageSignatureError::kInvalidSignature).empty());
}

TEST(PersonalMessage, DomainsAreSeparatedFromTransactions) {
    // A transaction signature over a digest never verifies as a message signature of it.
    const Hash32 digest = personal_message_digest(as_bytes("domain"));
    Bytes as_tx = {crypto::to_byte(dev0().scheme())};
    const Bytes tx_signature = dev0().sign(digest, kTransactionContext);
    as_tx.insert(as_tx.end(), tx_signature.begin(), tx_signature.end());
    EXPECT_EQ(verify_personal_message(dev0().public_key(), as_bytes("domain"), as_tx).error(),
              MessageSignatureError::kInvalidSignature);
}

}  // namespace
}  // namespace qtm::chain
