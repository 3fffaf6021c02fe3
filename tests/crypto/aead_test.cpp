// ChaCha20-Poly1305 against RFC 8439 §2.8.2 (seal) and Appendix A.5 (open), every flipped
// bit refused, the typed errors, in-place use, and a context that keeps working after a
// failed open.
#include <gtest/gtest.h>

#include "base/hex.hpp"
#include "crypto/aead.hpp"

namespace qtm::crypto {
namespace {

Bytes h(std::string_view hex) {
    return from_hex(hex).value();
}

AeadKey key_from(std::string_view hex) {
    return AeadKey{from_hex_fixed<32>(hex).value()};
}

AeadNonce nonce_from(std::string_view hex) {
    return from_hex_fixed<12>(hex).value();
}

constexpr std::string_view kSunscreen =
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
    "future, sunscreen would be it.";

TEST(Aead, Rfc8439Section282Seal) {
    ChaCha20Poly1305 aead{
        key_from("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f")};
    const auto nonce = nonce_from("070000004041424344454647");
    const auto aad = h("50515253c0c1c2c3c4c5c6c7");
    const auto sealed = aead.seal(nonce, aad, as_bytes(kSunscreen));
    EXPECT_EQ(to_hex(sealed, false),
              "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
              "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
              "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
              "3ff4def08e4b7a9de576d26586cec64b6116"
              "1ae10b594f09e26a7e902ecbd0600691");
    const auto opened = aead.open(nonce, aad, sealed);
    ASSERT_TRUE(opened);
    EXPECT_TRUE(equal(*opened, as_bytes(kSunscreen)));
}

TEST(Aead, Rfc8439AppendixA5Open) {
    ChaCha20Poly1305 aead{
        key_from("1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0")};
    const auto nonce = nonce_from("000000000102030405060708");
    const auto aad = h("f33388860000000000004e91");
    const auto sealed =
        h("64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb2"
          "4c6cfc18755d43eea09ee94e382d26b0bdb7b73c321b0100d4f03b7f355894cf"
          "332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c855"
          "9797a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4"
          "b9166c767b804d46a59b5216cde7a4e99040c5a40433225ee282a1b0a06c523e"
          "af4534d7f83fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a"
          "0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a6727627097a10"
          "49e617d91d361094fa68f0ff77987130305beaba2eda04df997b714d6c6f2c29"
          "a6ad5cb4022b02709b"
          "eead9d67890cbb22392336fea1851f38");
    const auto opened = aead.open(nonce, aad, sealed);
    ASSERT_TRUE(opened);
    const std::string text(opened->begin(), opened->end());
    EXPECT_EQ(text,
              "Internet-Drafts are draft documents valid for a maximum of six months and may "
              "be updated, replaced, or obsoleted by other documents at any time. It is "
              "inappropriate to use Internet-Drafts as reference material or to cite them "
              "other than as /\xe2\x80\x9cwork in progress./\xe2\x80\x9d");
}

TEST(Aead, EveryFlippedBitIsRefused) {
    ChaCha20Poly1305 aead{AeadKey{ByteArray<32>{7}}};
    const AeadNonce nonce{1};
    const auto aad = as_bytes("header");
    const auto sealed = aead.seal(nonce, aad, as_bytes("a short frame"));
    for (std::size_t i = 0; i < sealed.size(); ++i) {
        for (int bit = 0; bit < 8; ++bit) {
            auto modified = sealed;
            modified[i] ^= static_cast<std::uint8_t>(1u << bit);
            const auto opened = aead.open(nonce, aad, modified);
            ASSERT_FALSE(opened) << "byte " << i << " bit " << bit;
            EXPECT_EQ(opened.error(), AeadError::kAuthenticationFailed);
        }
    }
    // The context is still good after failures.
    EXPECT_TRUE(aead.open(nonce, aad, sealed));
}

TEST(Aead, WrongNonceKeyOrAssociatedDataIsRefused) {
    ChaCha20Poly1305 aead{AeadKey{ByteArray<32>{1}}};
    ChaCha20Poly1305 other{AeadKey{ByteArray<32>{2}}};
    const AeadNonce nonce{};
    AeadNonce next{};
    next[0] = 1;
    const auto sealed = aead.seal(nonce, as_bytes("ad"), as_bytes("message"));
    EXPECT_FALSE(aead.open(next, as_bytes("ad"), sealed));
    EXPECT_FALSE(aead.open(nonce, as_bytes("ae"), sealed));
    EXPECT_FALSE(aead.open(nonce, {}, sealed));
    EXPECT_FALSE(other.open(nonce, as_bytes("ad"), sealed));
    EXPECT_TRUE(aead.open(nonce, as_bytes("ad"), sealed));
}

TEST(Aead, ShortInputIsATypedError) {
    ChaCha20Poly1305 aead{AeadKey{}};
    for (std::size_t size = 0; size < kAeadTagSize; ++size) {
        const auto opened = aead.open(AeadNonce{}, {}, Bytes(size));
        ASSERT_FALSE(opened);
        EXPECT_EQ(opened.error(), AeadError::kSealedTooShort);
    }
    // Exactly a tag: an empty message, which must still authenticate.
    const auto empty = aead.seal(AeadNonce{}, {}, {});
    ASSERT_EQ(empty.size(), kAeadTagSize);
    const auto opened = aead.open(AeadNonce{}, {}, empty);
    ASSERT_TRUE(opened);
    EXPECT_TRUE(opened->empty());
    EXPECT_FALSE(aead.open(AeadNonce{}, {}, Bytes(kAeadTagSize)));
}

TEST(Aead, InPlaceSealAndOpen) {
    ChaCha20Poly1305 aead{AeadKey{ByteArray<32>{9}}};
    const Bytes message(1000, 0x5a);
    Bytes buffer(message.size() + kAeadTagSize);
    std::copy(message.begin(), message.end(), buffer.begin());
    aead.seal(AeadNonce{}, {}, ByteView{buffer}.first(message.size()), buffer);
    EXPECT_TRUE(equal(buffer, aead.seal(AeadNonce{}, {}, message)));
    ASSERT_TRUE(aead.open(AeadNonce{}, {}, buffer, MutableByteView{buffer}.first(message.size())));
    EXPECT_TRUE(equal(ByteView{buffer}.first(message.size()), message));
}

TEST(Aead, FailedOpenWipesTheOutput) {
    ChaCha20Poly1305 aead{AeadKey{ByteArray<32>{3}}};
    auto sealed = aead.seal(AeadNonce{}, {}, Bytes(64, 0xaa));
    sealed.back() ^= 1;
    Bytes out(64, 0x11);
    ASSERT_FALSE(aead.open(AeadNonce{}, {}, sealed, out));
    EXPECT_EQ(out, Bytes(64, 0));
}

TEST(Aead, WrongOutputSizeIsAProgrammingError) {
    ChaCha20Poly1305 aead{AeadKey{}};
    Bytes out(5);
    EXPECT_THROW(aead.seal(AeadNonce{}, {}, Bytes(5), out), std::invalid_argument);
}

}  // namespace
}  // namespace qtm::crypto
