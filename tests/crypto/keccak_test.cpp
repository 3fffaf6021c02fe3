// SHA3/SHAKE against OpenSSL on random inputs of every length 0..1000, and the incremental
// sponge (random absorb/squeeze chunking, copies, reset) against one-shot hashing.
#include <openssl/evp.h>

#include <gtest/gtest.h>

#include <random>

#include "base/hex.hpp"
#include "crypto/keccak.hpp"

namespace qtm::crypto {
namespace {

Bytes openssl_digest(const EVP_MD* md, const Bytes& message, std::size_t output_size) {
    Bytes out(output_size);
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    EXPECT_EQ(EVP_DigestInit_ex(context, md, nullptr), 1);
    EXPECT_EQ(EVP_DigestUpdate(context, message.data(), message.size()), 1);
    if (EVP_MD_get_flags(md) & EVP_MD_FLAG_XOF) {
        EXPECT_EQ(EVP_DigestFinalXOF(context, out.data(), out.size()), 1);
    } else {
        unsigned int length = 0;
        EXPECT_EQ(EVP_DigestFinal_ex(context, out.data(), &length), 1);
        EXPECT_EQ(length, output_size);
    }
    EVP_MD_CTX_free(context);
    return out;
}

Bytes random_message(std::mt19937_64& rng, std::size_t size) {
    Bytes message(size);
    for (auto& byte : message)
        byte = static_cast<std::uint8_t>(rng());
    return message;
}

TEST(KeccakVersusOpenSsl, EveryLengthUpTo1000) {
    std::mt19937_64 rng{1000};
    for (std::size_t size = 0; size <= 1000; ++size) {
        const Bytes message = random_message(rng, size);
        const Hash32 ours256 = sha3_256(message);
        ASSERT_EQ(Bytes(ours256.begin(), ours256.end()),
                  openssl_digest(EVP_sha3_256(), message, 32))
            << size;
        const auto ours512 = sha3_512(message);
        ASSERT_EQ(Bytes(ours512.begin(), ours512.end()),
                  openssl_digest(EVP_sha3_512(), message, 64))
            << size;
        // Output lengths vary too, across and beyond one block of squeezing.
        const std::size_t output_size = rng() % 600;
        Bytes shake_out(output_size);
        shake128(message, shake_out);
        ASSERT_EQ(shake_out, openssl_digest(EVP_shake128(), message, output_size)) << size;
        shake256(message, shake_out);
        ASSERT_EQ(shake_out, openssl_digest(EVP_shake256(), message, output_size)) << size;
    }
}

TEST(KeccakPermutation, EveryVariantAgreesWithThePortableOne) {
    if (!detail::keccak_f1600_bmi2_supported()) {
        GTEST_SKIP() << "this CPU lacks BMI1/BMI2; only the portable permutation runs here";
    }
    std::mt19937_64 rng{1600};
    for (int round = 0; round < 10'000; ++round) {
        std::uint64_t portable[25];
        for (auto& lane : portable)
            lane = rng();
        std::uint64_t bmi2[25];
        std::copy(std::begin(portable), std::end(portable), std::begin(bmi2));
        detail::keccak_f1600_portable(portable);
        detail::keccak_f1600_bmi2(bmi2);
        ASSERT_TRUE(std::equal(std::begin(portable), std::end(portable), std::begin(bmi2)));
    }
}

TEST(Keccak256, KnownEthereumValues) {
    EXPECT_EQ(to_hex(keccak256({})),
              "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    // keccak256(rlp("")) is the empty trie root.
    EXPECT_EQ(to_hex(keccak256(Bytes{0x80})),
              "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
    // The ERC-20 Transfer event topic.
    EXPECT_EQ(to_hex(keccak256(as_bytes("Transfer(address,address,uint256)"))),
              "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
}

TEST(KeccakSponge, RandomChunkingMatchesOneShot) {
    std::mt19937_64 rng{42};
    for (int round = 0; round < 300; ++round) {
        const Bytes message = random_message(rng, rng() % 1500);
        const std::size_t output_size = rng() % 1000;
        Bytes expected(output_size);
        shake128(message, expected);

        Shake128 xof;
        std::size_t offset = 0;
        while (offset < message.size()) {
            const std::size_t chunk = std::min<std::size_t>(rng() % 300, message.size() - offset);
            xof.absorb(ByteView{message}.subspan(offset, chunk));
            offset += chunk;
        }
        Bytes actual(output_size);
        std::size_t produced = 0;
        while (produced < output_size) {
            const std::size_t chunk =
                std::min<std::size_t>(1 + rng() % 200, output_size - produced);
            xof.squeeze(MutableByteView{actual}.subspan(produced, chunk));
            produced += chunk;
        }
        ASSERT_EQ(actual, expected) << "round " << round;
    }
}

TEST(KeccakSponge, SqueezeBlocksContinuesAnyPartialSqueeze) {
    std::mt19937_64 rng{7};
    const Bytes message = random_message(rng, 77);
    Bytes expected(Shake128::kRate * 6);
    shake128(message, expected);
    for (std::size_t first = 0; first < 2 * Shake128::kRate; first += 37) {
        Shake128 xof;
        xof.absorb(message);
        Bytes actual(first + 3 * Shake128::kRate);
        xof.squeeze(MutableByteView{actual}.first(first));
        xof.squeeze_blocks(actual.data() + first, 3);
        ASSERT_EQ(actual,
                  Bytes(expected.begin(), expected.begin() + static_cast<long>(actual.size())))
            << "after " << first << " bytes";
    }
    // From a fresh sponge, squeeze_blocks alone.
    Shake128 xof;
    xof.absorb(message);
    Bytes blocks(Shake128::kRate * 2);
    xof.squeeze_blocks(blocks.data(), 2);
    EXPECT_EQ(blocks, Bytes(expected.begin(), expected.begin() + static_cast<long>(blocks.size())));
}

TEST(KeccakSponge, CopiesContinueIndependentlyAndResetRestarts) {
    std::mt19937_64 rng{9};
    const Bytes first_part = random_message(rng, 100);
    const Bytes second_part = random_message(rng, 100);
    Keccak256 hasher;
    hasher.update(first_part);
    Keccak256 copy = hasher;
    hasher.update(second_part);
    Bytes joined = first_part;
    joined.insert(joined.end(), second_part.begin(), second_part.end());
    EXPECT_EQ(hasher.finalize(), keccak256(joined));
    EXPECT_EQ(copy.finalize(), keccak256(first_part));

    Shake256 xof;
    xof.absorb(first_part);
    Bytes discarded(10);
    xof.squeeze(discarded);
    xof.reset();
    xof.absorb(second_part);
    Bytes after_reset(64), expected(64);
    xof.squeeze(after_reset);
    shake256(second_part, expected);
    EXPECT_EQ(after_reset, expected);
}

}  // namespace
}  // namespace qtm::crypto
