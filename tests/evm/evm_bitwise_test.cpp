// Bitwise opcodes and the EIP-145 shifts, with the EIP's own test vectors.
#include <gtest/gtest.h>

#include "evm_support.hpp"

namespace qtm::evm::test {
namespace {

constexpr std::int64_t kRetTopGas = 15;
const U256 kMax = ~U256{};
const U256 kTopBit = U256{1} << 255u;

// value OP shift: the shift (or index) is on top, as the opcodes pop it first.
void check(Opcode op, const U256& top, const U256& second, const U256& expected) {
    TestHost host;
    const Outcome run = execute(host, push(second) + push(top) + op + ret_top());
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.output_word(), expected) << "op " << int{op};
    EXPECT_EQ(run.gas_used, 9 + kRetTopGas);
}

TEST(EvmBitwise, AndOrXorNot) {
    check(OP_AND, U256{0b1100}, U256{0b1010}, U256{0b1000});
    check(OP_OR, U256{0b1100}, U256{0b1010}, U256{0b1110});
    check(OP_XOR, U256{0b1100}, U256{0b1010}, U256{0b0110});
    TestHost host;
    const Outcome run = execute(host, push(0) + OP_NOT + ret_top());
    EXPECT_EQ(run.output_word(), kMax);
    EXPECT_EQ(run.gas_used, 6 + kRetTopGas);
}

TEST(EvmBitwise, ByteCountsFromTheMostSignificantEnd) {
    const U256 x = U256::from_be_bytes(hex_code("0102030405060708090a0b0c0d0e0f10"
                                                "1112131415161718191a1b1c1d1e1f20")
                                           .bytes);
    check(OP_BYTE, U256{0}, x, U256{0x01});
    check(OP_BYTE, U256{31}, x, U256{0x20});
    check(OP_BYTE, U256{32}, x, U256{0});
    check(OP_BYTE, kMax, x, U256{0});
}

// EIP-145 "Test Cases".
TEST(EvmBitwise, ShlVectorsFromEip145) {
    check(OP_SHL, U256{0}, U256{1}, U256{1});
    check(OP_SHL, U256{1}, U256{1}, U256{2});
    check(OP_SHL, U256{0xff}, U256{1}, kTopBit);
    check(OP_SHL, U256{0x100}, U256{1}, U256{0});
    check(OP_SHL, U256{0x101}, U256{1}, U256{0});
    check(OP_SHL, U256{0}, kMax, kMax);
    check(OP_SHL, U256{1}, kMax, kMax - U256{1});
    check(OP_SHL, U256{0xff}, kMax, kTopBit);
    check(OP_SHL, U256{0x100}, kMax, U256{0});
    check(OP_SHL, U256{1}, U256{0}, U256{0});
    check(OP_SHL, U256{1}, kMax >> 1u, kMax - U256{1});
    check(OP_SHL, kMax, U256{1}, U256{0});
}

TEST(EvmBitwise, ShrVectorsFromEip145) {
    check(OP_SHR, U256{0}, U256{1}, U256{1});
    check(OP_SHR, U256{1}, U256{1}, U256{0});
    check(OP_SHR, U256{1}, kTopBit, U256{1} << 254u);
    check(OP_SHR, U256{0xff}, kTopBit, U256{1});
    check(OP_SHR, U256{0x100}, kTopBit, U256{0});
    check(OP_SHR, U256{0x101}, kTopBit, U256{0});
    check(OP_SHR, U256{0}, kMax, kMax);
    check(OP_SHR, U256{1}, kMax, kMax >> 1u);
    check(OP_SHR, U256{0xff}, kMax, U256{1});
    check(OP_SHR, U256{0x100}, kMax, U256{0});
    check(OP_SHR, U256{1}, U256{0}, U256{0});
}

TEST(EvmBitwise, SarVectorsFromEip145) {
    check(OP_SAR, U256{0}, U256{1}, U256{1});
    check(OP_SAR, U256{1}, U256{1}, U256{0});
    check(OP_SAR, U256{1}, kTopBit, kTopBit | (U256{1} << 254u));
    check(OP_SAR, U256{0xff}, kTopBit, kMax);
    check(OP_SAR, U256{0x100}, kTopBit, kMax);
    check(OP_SAR, U256{0x101}, kTopBit, kMax);
    check(OP_SAR, U256{0}, kMax, kMax);
    check(OP_SAR, U256{1}, kMax, kMax);
    check(OP_SAR, U256{0xff}, kMax, kMax);
    check(OP_SAR, U256{0x100}, kMax, kMax);
    check(OP_SAR, U256{1}, U256{0}, U256{0});
    check(OP_SAR, U256{0xfe}, U256{1} << 254u, U256{1});
    check(OP_SAR, U256{0xf8}, kMax >> 1u, U256{0x7f});
    check(OP_SAR, U256{0xfe}, kMax >> 1u, U256{1});
    check(OP_SAR, U256{0xff}, kMax >> 1u, U256{0});
    check(OP_SAR, U256{0x100}, kMax >> 1u, U256{0});
    check(OP_SAR, kMax, kMax >> 1u, U256{0});
}

}  // namespace
}  // namespace qtm::evm::test
