// The key schedule of the fixed-randomness vector, re-derived step by step from the
// formulas of docs/protocol.md ("Peer-to-peer handshake") with the crypto primitives alone,
// not through src/p2p: the document, this test and the implementation must agree.
#include <gtest/gtest.h>

#include "base/hex.hpp"
#include "crypto/hkdf.hpp"
#include "crypto/keccak.hpp"
#include "handshake_support.hpp"

namespace qtm::p2p {
namespace {

using namespace qtm::p2p::testing;

std::string hex(ByteView bytes) {
    return to_hex(bytes, /*with_prefix=*/false);
}

Hash32 sha3_concat(ByteView a, ByteView b) {
    crypto::Sha3_256 hash;
    hash.update(a).update(b);
    return hash.finalize();
}

crypto::AeadKey expand(const crypto::HkdfPrk& prk, std::string_view label, ByteView context) {
    Bytes info = to_bytes(as_bytes(label));
    info.insert(info.end(), context.begin(), context.end());
    crypto::AeadKey key;
    EXPECT_TRUE(crypto::hkdf_sha256_expand(prk.bytes(), info, key.mutable_bytes()));
    return key;
}

// Opens a sealed identity and checks its signature as the document says.
void check_identity(ByteView sealed, const crypto::AeadKey& key, const Hash32& transcript,
                    std::string_view label, const NodeKey& signer) {
    crypto::ChaCha20Poly1305 aead{key};
    auto plaintext = aead.open(crypto::AeadNonce{}, transcript, sealed);
    ASSERT_TRUE(plaintext);
    ASSERT_EQ(plaintext->size(), 1u + 1952 + 3309);
    EXPECT_EQ((*plaintext)[0], 0x02);  // ML-DSA-65
    const ByteView public_key = ByteView{*plaintext}.subspan(1, 1952);
    EXPECT_TRUE(equal(public_key, signer.public_key().bytes));
    Bytes message = to_bytes(as_bytes(label));
    message.insert(message.end(), transcript.begin(), transcript.end());
    message.push_back(0x02);
    message.insert(message.end(), public_key.begin(), public_key.end());
    EXPECT_TRUE(crypto::verify(crypto::SignatureScheme::kMlDsa65, public_key, message,
                               as_bytes("qtm/p2p/v1"), ByteView{*plaintext}.subspan(1 + 1952)));
}

TEST(HandshakeVector, KeyScheduleFollowsTheDocument) {
    const auto t = run_fixed_handshake();
    const ByteView reply{t.reply};

    // The two shared secrets, from the initiator's fixed randomness.
    const auto x25519 = crypto::x25519_keygen(counting_bytes(0x40));
    crypto::X25519PublicKey responder_x25519{};
    std::copy_n(reply.begin(), 32, responder_x25519.begin());
    const auto ss_x = crypto::x25519(x25519.private_key, responder_x25519);
    ASSERT_TRUE(ss_x);
    const auto kem = crypto::mlkem_keygen(crypto::MlKemParameterSet::kMlKem768,
                                          counting_bytes(0x60), counting_bytes(0x80));
    const auto ss_k = crypto::mlkem_decaps(crypto::MlKemParameterSet::kMlKem768,
                                           kem.decapsulation_key.bytes(), reply.subspan(32, 1088));
    ASSERT_TRUE(ss_k);
    EXPECT_EQ(hex(ss_x->bytes()),
              "b52d6135428972abd805ef1a50a3ecd24feb7bb3c4643b462849a78ac7796e56");
    EXPECT_EQ(hex(*ss_k), "cdb72227fa672bcd6f65511ef321753d6a162d7ccd006151c0d1badda1c3cbc4");

    // The transcript hash chain.
    const Hash32 th1 = sha3_concat(as_bytes("qtm/p2p/v1 transcript"), t.hello);
    const Hash32 th2 = sha3_concat(th1, reply.first(32 + 1088));
    const Hash32 th3 = sha3_concat(th2, reply.subspan(32 + 1088));
    const Hash32 th4 = sha3_concat(th3, t.finish);
    EXPECT_EQ(hex(th1), "170ed808c17e576226e8e532cfeb9c91d3d9f0fe8a7bf9f1f0aea73ffa1a6a4e");
    EXPECT_EQ(hex(th2), "03bd2fcbaf75af5f28202fcd1b451ce300ee9f8b8056c337afadd2e21e6b1f23");
    EXPECT_EQ(hex(th3), "c357f6278802e9e2f3ce48220adabb31d698593fd6d41c17a6aa90ff3e03b97c");
    EXPECT_EQ(hex(th4), "ec2be22b0f5e3850971b4eb74b1b46ec52739d8376f98d6c055f99d678f77f64");

    // HKDF: PRK = Extract(salt = th2, IKM = ss_x || ss_k), then the labelled keys.
    Bytes ikm = to_bytes(ss_x->bytes());
    ikm.insert(ikm.end(), ss_k->begin(), ss_k->end());
    const auto prk = crypto::hkdf_sha256_extract(th2, ikm);
    EXPECT_EQ(hex(prk.bytes()), "33445f14a0eb920c4f762534363ca2cc3d79d03448e5f2fd2cfd1f82800c5521");
    const auto hs_r2i = expand(prk, "qtm/p2p/v1 handshake r2i", {});
    const auto hs_i2r = expand(prk, "qtm/p2p/v1 handshake i2r", {});
    EXPECT_EQ(hex(hs_r2i.bytes()),
              "edd5bb58131807478b96fb272abc5a15e49736a5cce9723db716052c7535e440");
    EXPECT_EQ(hex(hs_i2r.bytes()),
              "5aa970c9bf12b002f230a509ae1dc3237a312f23acd4fb2bc533c28431cdf9f0");

    check_identity(reply.subspan(32 + 1088), hs_r2i, th2, "qtm/p2p/v1 responder", responder_key());
    check_identity(t.finish, hs_i2r, th3, "qtm/p2p/v1 initiator", initiator_key());

    EXPECT_EQ(hex(expand(prk, "qtm/p2p/v1 data i2r", th4).bytes()),
              hex(t.initiator->keys.send.bytes()));
    EXPECT_EQ(hex(expand(prk, "qtm/p2p/v1 data r2i", th4).bytes()),
              hex(t.initiator->keys.receive.bytes()));
    EXPECT_EQ(hex(th4), hex(t.initiator->keys.session_id));
}

}  // namespace
}  // namespace qtm::p2p
