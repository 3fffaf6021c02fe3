// Memory opcodes, memory expansion (3 per word + words^2/512), copies, KECCAK256, call data,
// and MCOPY (EIP-5656).
#include <gtest/gtest.h>

#include "base/hex.hpp"
#include "evm_support.hpp"

namespace qtm::evm::test {
namespace {

const U256 kMax = ~U256{};

U256 word(std::string_view hex) {
    return U256::from_be_bytes(hex_code(hex).bytes);
}

TEST(EvmMemory, MstoreMloadRoundTrip) {
    TestHost host;
    const Outcome run =
        execute(host, push(0xabcdef) + push(0) + OP_MSTORE + push(0) + OP_MLOAD + ret_top());
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.output_word(), U256{0xabcdef});
    // PUSH, PUSH, MSTORE (3 + 3 expansion), PUSH, MLOAD, then ret_top on warm memory (12).
    EXPECT_EQ(run.gas_used, 3 + 3 + 6 + 3 + 3 + 12);
}

TEST(EvmMemory, ExpansionCostIsLinearPlusQuadratic) {
    TestHost host;
    // MSTORE at 1000 touches 1032 bytes: 33 words, 3 * 33 + 33 * 33 / 512 = 101.
    Outcome run = execute(host, push(1) + push(1000) + OP_MSTORE + OP_MSIZE + ret_top());
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.output_word(), U256{33 * 32});
    EXPECT_EQ(run.gas_used, 3 + 3 + 3 + 101 + 2 + 12);

    // 2048 words: 3 * 2048 + 2048^2 / 512 = 14336.
    run = execute(host, push(1) + push(65536 - 32) + OP_MSTORE + OP_MSIZE + ret_top());
    EXPECT_EQ(run.output_word(), U256{65536});
    EXPECT_EQ(run.gas_used, 3 + 3 + 3 + 14336 + 2 + 12);
}

TEST(EvmMemory, HugeOffsetsRunOutOfGas) {
    for (const U256& offset : {U256{1} << 32u, kMax, kMax - U256{31}}) {
        TestHost host;
        const Outcome run = execute(host, push(offset) + OP_MLOAD);
        EXPECT_EQ(run.result.status, Status::kOutOfGas);
        EXPECT_EQ(run.result.gas_left, 0);
    }
    TestHost host;
    const Outcome run = execute(host, push(kMax) + push(0) + OP_KECCAK256);  // size = max
    EXPECT_EQ(run.result.status, Status::kOutOfGas);
}

TEST(EvmMemory, ZeroSizeAtAnyOffsetIsFree) {
    TestHost host;
    const Outcome run = execute(host, push(0) + push(kMax) + OP_KECCAK256 + ret_top());
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.output_word(),
              word("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"));
    EXPECT_EQ(run.gas_used, 3 + 3 + 30 + 15);
}

TEST(EvmMemory, Keccak256ChargesPerWord) {
    TestHost host;
    // keccak256 of 32 zero bytes; memory grows by one word (3), hashing one word (6).
    const Outcome run = execute(host, push(32) + push(0) + OP_KECCAK256 + ret_top());
    EXPECT_EQ(run.output_word(),
              word("290decd9548b62a8d60345a988386fc84ba6bc95484008f6362f93160ef3e563"));
    EXPECT_EQ(run.gas_used, 3 + 3 + 30 + 3 + 6 + 12);
}

TEST(EvmMemory, Mstore8WritesOneByte) {
    TestHost host;
    const Outcome run =
        execute(host, push(0x1234) + push(31) + OP_MSTORE8 + push(0) + OP_MLOAD + ret_top());
    EXPECT_EQ(run.output_word(), U256{0x34});
    EXPECT_EQ(run.gas_used, 3 + 3 + 6 + 3 + 3 + 12);
}

// EIP-5656 test cases (memory before, MCOPY dst src len, memory after, gas of MCOPY).
TEST(EvmMemory, McopyVectorsFromEip5656) {
    const U256 seq = word("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    {
        // Copy word at 32 to 0: no expansion, 3 + 3.
        TestHost host;
        const Outcome run = execute(host, push(seq) + push(32) + OP_MSTORE + push(32) + push(32) +
                                              push(0) + OP_MCOPY + push(0) + OP_MLOAD + ret_top());
        EXPECT_EQ(run.output_word(), seq);
        EXPECT_EQ(run.gas_used, 3 + 3 + 3 + 6 + 3 * 3 + 6 + 3 + 3 + 12);
    }
    {
        // Overlapping copy forwards: dst 1, src 0, len 8.
        TestHost host;
        const Outcome run = execute(host, push(seq) + push(0) + OP_MSTORE + push(8) + push(0) +
                                              push(1) + OP_MCOPY + push(0) + OP_MLOAD + ret_top());
        EXPECT_EQ(run.output_word(),
                  word("000001020304050607090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));
    }
    {
        // Overlapping copy backwards: dst 0, src 1, len 8.
        TestHost host;
        const Outcome run = execute(host, push(seq) + push(0) + OP_MSTORE + push(8) + push(1) +
                                              push(0) + OP_MCOPY + push(0) + OP_MLOAD + ret_top());
        EXPECT_EQ(run.output_word(),
                  word("010203040506070808090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));
    }
    {
        // Zero length with huge offsets: no expansion, only the constant 3.
        TestHost host;
        const Outcome run =
            execute(host, push(0) + push(kMax) + push(kMax) + OP_MCOPY + OP_MSIZE + ret_top());
        EXPECT_EQ(run.output_word(), U256{0});
        EXPECT_EQ(run.gas_used, 3 * 3 + 3 + 2 + 15);
    }
    {
        // Expansion by the destination: memory of one word, copy to 32 -> 2 words.
        TestHost host;
        const Outcome run = execute(host, push(seq) + push(0) + OP_MSTORE + push(32) + push(0) +
                                              push(32) + OP_MCOPY + OP_MSIZE + ret_top());
        EXPECT_EQ(run.output_word(), U256{64});
        EXPECT_EQ(run.gas_used, 3 + 3 + 6 + 9 + (3 + 3 + 3) + 2 + 12);
    }
}

TEST(EvmMemory, CalldataloadPadsWithZeros) {
    Bytes input(33);
    for (std::size_t i = 0; i < input.size(); ++i)
        input[i] = static_cast<std::uint8_t>(i + 1);
    TestHost host;
    Outcome run = execute(host, push(1) + OP_CALLDATALOAD + ret_top(), kDefaultGas, input);
    EXPECT_EQ(run.output_word(),
              word("02030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021"));
    EXPECT_EQ(run.gas_used, 3 + 3 + 15);
    run = execute(host, push(31) + OP_CALLDATALOAD + ret_top(), kDefaultGas, input);
    EXPECT_EQ(run.output_word(), U256{0x2021} << 240u);
    run = execute(host, push(kMax) + OP_CALLDATALOAD + ret_top(), kDefaultGas, input);
    EXPECT_EQ(run.output_word(), U256{0});
    run = execute(host, Bytecode{OP_CALLDATASIZE} + ret_top(), kDefaultGas, input);
    EXPECT_EQ(run.output_word(), U256{33});
}

TEST(EvmMemory, CopiesZeroFillPastTheSource) {
    const Bytes input{0xaa, 0xbb};
    TestHost host;
    // CALLDATACOPY(mem 0, src 1, len 32): one byte of data then zeros.
    Outcome run = execute(
        host, push(32) + push(1) + push(0) + OP_CALLDATACOPY + push(0) + OP_MLOAD + ret_top(),
        kDefaultGas, input);
    EXPECT_EQ(run.output_word(), U256{0xbb} << 248u);
    EXPECT_EQ(run.gas_used, 9 + 3 + 3 + 3 + 3 + 3 + 12);  // base, copy word, expansion

    // CODECOPY from a huge source offset copies zeros, still charging the copy.
    run = execute(host, push(0xff) + push(0) + OP_MSTORE + push(32) + push(kMax) + push(0) +
                            OP_CODECOPY + push(0) + OP_MLOAD + ret_top());
    EXPECT_EQ(run.output_word(), U256{0});

    // CODESIZE and CODECOPY of the running code itself.
    const Bytecode code =
        Bytecode{OP_CODESIZE} + push(0) + push(0) + OP_CODECOPY + push(0) + OP_MLOAD + ret_top();
    run = execute(host, code);
    Bytes expected(32, 0);
    std::copy(code.bytes.begin(), code.bytes.end(), expected.begin());
    EXPECT_EQ(run.result.output, expected);
}

}  // namespace
}  // namespace qtm::evm::test
