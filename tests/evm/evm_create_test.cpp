// CREATE and CREATE2: addresses (Yellow Paper and EIP-1014 vectors), gas (32000, EIP-3860
// initcode words, CREATE2 hashing words, 63/64, code deposit), initcode size limit, static
// mode, collisions, reverting initcode.
#include <gtest/gtest.h>

#include "base/hex.hpp"
#include "evm_support.hpp"

namespace qtm::evm::test {
namespace {

Address address_of(std::string_view hex) {
    return from_hex_fixed<20>(hex).value();
}

// Stores `initcode` (at most 32 bytes) at memory 0, left-aligned.
Bytecode store_initcode(const Bytecode& initcode) {
    Bytes word(32, 0);
    std::copy(initcode.bytes.begin(), initcode.bytes.end(), word.begin());
    return push_n(32, U256::from_be_bytes(word)) + push(0) + OP_MSTORE;
}

TEST(EvmCreate, CreateAddressFollowsSenderAndNonce) {
    const Address sender = address_of("6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0");
    EXPECT_EQ(TestHost::create_address(sender, 0),
              address_of("cd234a471b72ba2f1ccf0a70fcaba648a5eecd8d"));
    EXPECT_EQ(TestHost::create_address(sender, 1),
              address_of("343c43a37d37dff08ae8c4a11544c718abb4fcf8"));
}

// EIP-1014 "Examples".
TEST(EvmCreate, Create2AddressVectorsFromEip1014) {
    EXPECT_EQ(TestHost::create2_address(Address{}, U256{}, Bytes{0x00}),
              address_of("4D1A2e2bB4F88F0250f26Ffff098B0b30B26BF38"));
    EXPECT_EQ(TestHost::create2_address(address_of("deadbeef00000000000000000000000000000000"),
                                        U256{}, Bytes{0x00}),
              address_of("B928f69Bb1D91Cd65274e3c79d8986362984fDA3"));
    EXPECT_EQ(
        TestHost::create2_address(
            address_of("00000000000000000000000000000000deadbeef"),
            U256::from_be_bytes(
                hex_code("00000000000000000000000000000000000000000000000000000000cafebabe").bytes),
            hex_code("deadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbe"
                     "efdeadbeefdeadbeef")
                .bytes),
        address_of("1d8bfDC5D46DC4f61D6b6115972536eBE6A8854C"));
}

TEST(EvmCreate, CreateDeploysRuntimeAndChargesForIt) {
    TestHost host;
    host.account(kContract).nonce = 1;
    const Bytecode runtime = push(0x2a) + ret_top();  // returns 42
    const Bytecode initcode = deploy(runtime);
    ASSERT_LE(initcode.size(), 32u);
    const Bytecode code = store_initcode(initcode) + push(initcode.size()) + push(0) + push(0) +
                          OP_CREATE + ret_top();
    const Outcome run = execute(host, code);
    EXPECT_EQ(run.result.status, Status::kSuccess);
    const Address created = TestHost::create_address(kContract, 1);
    EXPECT_EQ(run.output_word(), from_address(created));
    EXPECT_EQ(host.account(created).code, runtime.bytes);
    EXPECT_EQ(host.account(created).nonce, 1u);
    EXPECT_EQ(host.account(kContract).nonce, 2u);
    // Setup 3 + 3 + 6, CREATE 3 * 3 + 32000 + 2 per initcode word, the initcode's own
    // execution (PUSH1 x3, CODECOPY 3 + 3 + 3 memory, PUSH1 x2, RETURN), 200 per code byte.
    const std::int64_t initcode_run = 9 + 9 + 6;
    EXPECT_EQ(run.gas_used, 12 + 9 + 32000 + 2 + initcode_run +
                                200 * static_cast<std::int64_t>(runtime.size()) + 12);
    // The deployed code runs.
    const Outcome second =
        execute(host, call(OP_CALL, 10000, created, 0, 0, 0, 0, 32) + ret(0, 32));
    EXPECT_EQ(second.output_word(), U256{42});
}

TEST(EvmCreate, Create2UsesTheSaltAndChargesHashing) {
    TestHost host;
    const Bytecode initcode = deploy(push(1) + ret_top());
    const Bytecode code = store_initcode(initcode) + push(0x5a17) + push(initcode.size()) +
                          push(0) + push(0) + OP_CREATE2 + ret_top();
    const Outcome run = execute(host, code);
    EXPECT_EQ(run.result.status, Status::kSuccess);
    const Address expected = TestHost::create2_address(kContract, U256{0x5a17}, initcode.bytes);
    EXPECT_EQ(run.output_word(), from_address(expected));
    EXPECT_EQ(host.calls.at(0).kind, CallKind::kCreate2);
    EXPECT_EQ(host.calls.at(0).create2_salt, U256{0x5a17});
    // One initcode word: 2 (EIP-3860) + 6 (hashing).
    const std::int64_t runtime_size = 10;  // PUSH1 1 + ret_top()
    EXPECT_EQ(run.gas_used, 12 + 12 + 32000 + 8 + 24 + 200 * runtime_size + 12);
}

TEST(EvmCreate, InitcodeSizeLimitOfEip3860) {
    TestHost host;
    // 49152 zero bytes run as STOP and deploy nothing.
    Outcome run =
        execute(host, push(49152) + push(0) + push(0) + OP_CREATE + ret_top(), 10'000'000);
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_NE(run.output_word(), U256{0});
    run = execute(host, push(49153) + push(0) + push(0) + OP_CREATE, 10'000'000);
    EXPECT_EQ(run.result.status, Status::kInitcodeTooLarge);
    EXPECT_EQ(run.result.gas_left, 0);
    run = execute(host, push(0) + push(49153) + push(0) + push(0) + OP_CREATE2, 10'000'000);
    EXPECT_EQ(run.result.status, Status::kInitcodeTooLarge);
}

TEST(EvmCreate, CreateInStaticModeIsAViolation) {
    TestHost host;
    const Outcome run =
        execute(host, push(0) + push(0) + push(0) + OP_CREATE, kDefaultGas, {}, U256{}, true);
    EXPECT_EQ(run.result.status, Status::kStaticModeViolation);
    EXPECT_EQ(run.result.gas_left, 0);
}

TEST(EvmCreate, CollisionPushesZeroAndBurnsTheChildGas) {
    TestHost host;
    const Address target = TestHost::create2_address(kContract, U256{}, Bytes{});
    host.account(target).nonce = 1;
    const Outcome run =
        execute(host, push(0) + push(0) + push(0) + push(0) + OP_CREATE2 + ret_top(), 100000);
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.output_word(), U256{0});
    const std::int64_t before = 100000 - 12 - 32000;
    EXPECT_EQ(run.gas_used, 12 + 32000 + (before - before / 64) + 15);
    EXPECT_EQ(host.account(kContract).nonce, 1u);  // the nonce bump stays
}

TEST(EvmCreate, RevertingInitcodeLeavesReturnDataAndNoAccount) {
    TestHost host;
    const Bytecode initcode = mstore(0, push(0xee)) + revert(31, 1);
    const Bytecode code = store_initcode(initcode) + push(initcode.size()) + push(0) + push(0) +
                          OP_CREATE + push(0) + OP_MSTORE + OP_RETURNDATASIZE + push(32) +
                          OP_MSTORE + ret(0, 64);
    const Outcome run = execute(host, code);
    EXPECT_EQ(run.result.status, Status::kSuccess);
    Bytes expected(64, 0);
    expected[63] = 1;
    EXPECT_EQ(run.result.output, expected);  // address 0, one byte of return data
    EXPECT_FALSE(host.account_exists(TestHost::create_address(kContract, 0)));
}

TEST(EvmCreate, InsufficientBalanceGivesTheGasBack) {
    TestHost host;
    const Outcome run = execute(host, push(0) + push(0) + push(1) + OP_CREATE + ret_top(), 100000);
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.output_word(), U256{0});
    EXPECT_EQ(run.gas_used, 9 + 32000 + 15);
}

}  // namespace
}  // namespace qtm::evm::test
