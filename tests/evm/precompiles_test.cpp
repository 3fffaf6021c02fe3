// Precompiles: known answers for each (ecrecover from geth's tests, BLAKE2b("abc") for F,
// BN254 points computed independently), the gas formulas, the rejection rules, and QTM's
// ML-DSA verification precompile. The ethereum/tests state tests cover them in depth.
#include <gtest/gtest.h>

#include <string>

#include "base/hex.hpp"
#include "crypto/mldsa.hpp"
#include "evm/precompiles.hpp"

namespace qtm::evm {
namespace {

Bytes hex(std::string_view text) {
    return from_hex(text).value();
}

Address precompile_address(std::uint8_t last) {
    Address address{};
    address[19] = last;
    return address;
}

std::string word(std::string_view digits) {
    return std::string(64 - digits.size(), '0') + std::string{digits};
}

const std::string kG1 = word("1") + word("2");
const std::string kTwoG1 = word("30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd3") +
                           word("15ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4");
const std::string kNegG1 =
    word("1") + word("30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd45");
// The G2 generator, imaginary parts first (EIP-197).
const std::string kG2 = word("198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2") +
                        word("1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed") +
                        word("090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b") +
                        word("12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa");

TEST(Precompiles, AddressesAreOneToNineAndTheMldsaVerifier) {
    for (std::uint8_t i = 1; i <= 9; ++i)
        EXPECT_TRUE(is_precompile(precompile_address(i)));
    EXPECT_FALSE(is_precompile(precompile_address(0)));
    EXPECT_FALSE(is_precompile(kPointEvaluationAddress));  // no KZG: QTM has no blobs
    EXPECT_FALSE(is_precompile(precompile_address(0x0b)));
    EXPECT_TRUE(is_precompile(kMldsaVerifyPrecompile));
}

TEST(Precompiles, EcrecoverRecoversTheSignerAndIgnoresBadSignatures) {
    const Bytes input =
        hex("18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c"
            "000000000000000000000000000000000000000000000000000000000000001c"
            "73b1693892219d736caba55bdb67216e485557ea6b6af75f37096c9aa6a5a75f"
            "eeb940b1d03b21e36b0e47e79769f095fe2ab855bd91e3a38756b7d75a9c4549");
    const auto result = run_precompile(precompile_address(1), input, 3000);
    ASSERT_EQ(result.status, Status::kSuccess);
    EXPECT_EQ(to_hex(result.output),
              "0x000000000000000000000000a94f5374fce5edbc8e2a8697c15331677e6ebf0b");
    EXPECT_EQ(result.gas_left, 0);

    Bytes bad_v = input;
    bad_v[63] = 29;
    const auto rejected = run_precompile(precompile_address(1), bad_v, 5000);
    EXPECT_EQ(rejected.status, Status::kSuccess);  // empty output, not a failure
    EXPECT_TRUE(rejected.output.empty());
    EXPECT_EQ(rejected.gas_left, 2000);

    EXPECT_EQ(run_precompile(precompile_address(1), input, 2999).status, Status::kOutOfGas);
}

TEST(Precompiles, HashesAndIdentity) {
    const Bytes abc = {'a', 'b', 'c'};
    auto sha = run_precompile(precompile_address(2), abc, 1000);
    EXPECT_EQ(to_hex(sha.output),
              "0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha.gas_left, 1000 - 72);
    auto ripemd = run_precompile(precompile_address(3), abc, 1000);
    EXPECT_EQ(to_hex(ripemd.output),
              "0x0000000000000000000000008eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
    EXPECT_EQ(ripemd.gas_left, 1000 - 720);
    auto identity = run_precompile(precompile_address(4), abc, 1000);
    EXPECT_EQ(identity.output, abc);
    EXPECT_EQ(identity.gas_left, 1000 - 18);
}

TEST(Precompiles, ModexpComputesAndPricesPerEip2565) {
    // 3^5 mod 7 = 5, one-byte fields.
    const Bytes input = hex(word("1") + word("1") + word("1") + "030507");
    EXPECT_EQ(precompile::modexp_gas(input), 200);  // the minimum
    EXPECT_EQ(precompile::modexp(input).value(), Bytes{5});
    // A zero modulus gives zeros of the modulus length.
    EXPECT_EQ(precompile::modexp(hex(word("1") + word("1") + word("2") + "03050000")).value(),
              (Bytes{0, 0}));
    // Lengths beyond 64 bits cannot be paid for.
    const Bytes huge = hex(word("1") + std::string(64, 'f') + word("1"));
    EXPECT_EQ(precompile::modexp_gas(huge), std::numeric_limits<std::int64_t>::max());
    // 64-byte modulus, 32-byte exponent 2^255: complexity 64, iterations 255 -> 5440.
    const Bytes big = hex(word("40") + word("20") + word("40") + std::string(128, '1') + "8" +
                          std::string(63, '0') + std::string(128, '3'));
    EXPECT_EQ(precompile::modexp_gas(big), 64 * 255 / 3);
}

TEST(Precompiles, Bn254AddAndMul) {
    const auto sum = run_precompile(precompile_address(6), hex(kG1 + kG1), 150);
    ASSERT_EQ(sum.status, Status::kSuccess);
    EXPECT_EQ(to_hex(sum.output), "0x" + kTwoG1);
    const auto doubled = run_precompile(precompile_address(7), hex(kG1 + word("2")), 6000);
    ASSERT_EQ(doubled.status, Status::kSuccess);
    EXPECT_EQ(to_hex(doubled.output), "0x" + kTwoG1);
    // P + (-P) is the point at infinity, encoded as zeros.
    const auto zero = run_precompile(precompile_address(6), hex(kG1 + kNegG1), 150);
    EXPECT_EQ(zero.output, Bytes(64, 0));
    // (1, 3) is not on the curve: rejected, all gas consumed.
    const auto off_curve = run_precompile(precompile_address(6), hex(word("1") + word("3")), 500);
    EXPECT_EQ(off_curve.status, Status::kPrecompileFailure);
    EXPECT_EQ(off_curve.gas_left, 0);
}

TEST(Precompiles, Bn254PairingChecksBilinearity) {
    const Address pairing = precompile_address(8);
    auto result = [&](const std::string& input) {
        const auto out = run_precompile(pairing, hex(input), 1'000'000);
        EXPECT_EQ(out.status, Status::kSuccess);
        return out.output.empty() ? -1 : out.output[31];
    };
    EXPECT_EQ(result(""), 1);                                          // empty product
    EXPECT_EQ(result(kG1 + kG2 + kNegG1 + kG2), 1);                    // e(P, Q) e(-P, Q) = 1
    EXPECT_EQ(result(kG1 + kG2), 0);                                   // e(P, Q) != 1
    EXPECT_EQ(result(kTwoG1 + kG2 + kNegG1 + kG2 + kNegG1 + kG2), 1);  // e(2P,Q) = e(P,Q)^2
    EXPECT_EQ(result(kG1 + kG2 + kG1 + kG2), 0);
    EXPECT_EQ(precompile::bn254_pairing_gas(hex(kG1 + kG2)), 45000 + 34000);
    // Not a multiple of 192 bytes.
    EXPECT_EQ(run_precompile(pairing, hex(kG1), 1'000'000).status, Status::kPrecompileFailure);
}

TEST(Precompiles, Blake2fMatchesBlake2bOfAbc) {
    const Bytes input = hex(
        "0000000c48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e51"
        "1f6c3e2b8c68059b6bbd41fbabd9831f79217e1319cde05b6162630000000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "00000000000000000000000000000000000000000300000000000000000000000000000001");
    ASSERT_EQ(input.size(), 213u);
    const auto result = run_precompile(precompile_address(9), input, 12);
    ASSERT_EQ(result.status, Status::kSuccess);
    EXPECT_EQ(to_hex(result.output),
              "0xba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792d"
              "c252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
    Bytes bad_flag = input;
    bad_flag[212] = 2;
    EXPECT_EQ(run_precompile(precompile_address(9), bad_flag, 100).status,
              Status::kPrecompileFailure);
    EXPECT_EQ(run_precompile(precompile_address(9), ByteView{input}.first(212), 100).status,
              Status::kPrecompileFailure);
}

Bytes mldsa_input(const crypto::MlDsaKeyPair<crypto::SignatureScheme::kMlDsa65>& keys,
                  ByteView signature, std::string_view context, std::string_view message) {
    Bytes input;
    input.reserve(1 + keys.public_key.bytes.size() + signature.size() + 1 + context.size() +
                  message.size());
    input.push_back(crypto::to_byte(crypto::SignatureScheme::kMlDsa65));
    input.insert(input.end(), keys.public_key.bytes.begin(), keys.public_key.bytes.end());
    input.insert(input.end(), signature.begin(), signature.end());
    input.push_back(static_cast<std::uint8_t>(context.size()));
    input.insert(input.end(), context.begin(), context.end());
    input.insert(input.end(), message.begin(), message.end());
    return input;
}

TEST(Precompiles, MldsaVerifyReturnsOneForAValidSignatureAndZeroOtherwise) {
    using crypto::SignatureScheme;
    ByteArray<32> seed{};
    seed[0] = 7;
    const auto keys = crypto::mldsa_keygen<SignatureScheme::kMlDsa65>(seed);
    const auto signature =
        crypto::mldsa_sign(keys.secret_key, as_bytes("hello"), as_bytes("app/v1"),
                           crypto::SigningMode::kDeterministic)
            .value();
    const Bytes input = mldsa_input(keys, signature.bytes, "app/v1", "hello");
    const std::int64_t gas = precompile::mldsa_verify_gas(input);
    EXPECT_EQ(gas, kMldsaVerifyGas65 +
                       kMldsaVerifyWordGas * static_cast<std::int64_t>((input.size() + 31) / 32));

    const auto valid = run_precompile(kMldsaVerifyPrecompile, input, gas);
    ASSERT_EQ(valid.status, Status::kSuccess);
    EXPECT_EQ(valid.output.size(), 32u);
    EXPECT_EQ(valid.output[31], 1);

    const auto wrong_message = run_precompile(
        kMldsaVerifyPrecompile, mldsa_input(keys, signature.bytes, "app/v1", "hellO"), 100000);
    ASSERT_EQ(wrong_message.status, Status::kSuccess);
    EXPECT_EQ(wrong_message.output, Bytes(32, 0));
    const auto wrong_context = run_precompile(
        kMldsaVerifyPrecompile, mldsa_input(keys, signature.bytes, "app/v2", "hello"), 100000);
    EXPECT_EQ(wrong_context.output, Bytes(32, 0));

    // Malformed: unknown scheme, truncated key/signature.
    Bytes unknown = input;
    unknown[0] = 9;
    EXPECT_EQ(run_precompile(kMldsaVerifyPrecompile, unknown, 100000).status,
              Status::kPrecompileFailure);
    EXPECT_EQ(run_precompile(kMldsaVerifyPrecompile, ByteView{input}.first(2000), 100000).status,
              Status::kPrecompileFailure);
    EXPECT_EQ(run_precompile(kMldsaVerifyPrecompile, input, gas - 1).status, Status::kOutOfGas);
}

}  // namespace
}  // namespace qtm::evm
