// Environment and block opcodes, account queries with EIP-2929 pricing, BLOCKHASH's window,
// BLOBHASH/BLOBBASEFEE on a chain without blobs, and LOG0..LOG4.
#include <gtest/gtest.h>

#include "crypto/keccak.hpp"
#include "evm_support.hpp"

namespace qtm::evm::test {
namespace {

const Address kOther = make_address(0x07e4);

TxContext sample_context() {
    TxContext ctx;
    ctx.gas_price = U256{7};
    ctx.origin = make_address(0x0419);
    ctx.coinbase = make_address(0xc014);
    ctx.number = 1000;
    ctx.timestamp = 1700000000;
    ctx.gas_limit = 30'000'000;
    ctx.prevrandao = U256{0x5eed};
    ctx.chain_id = U256{0x9716};
    ctx.base_fee = U256{1'000'000'000};
    ctx.blob_base_fee = U256{1};
    return ctx;
}

U256 run_word(TestHost& host, const Bytecode& code, std::int64_t expected_gas,
              const U256& value = U256{}) {
    const Outcome run = execute(host, code + ret_top(), kDefaultGas, {}, value);
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_EQ(run.gas_used, expected_gas + 15);
    return run.output_word();
}

TEST(EvmEnvironment, ContextOpcodes) {
    TestHost host;
    host.tx = sample_context();
    const TxContext& c = host.tx;
    EXPECT_EQ(run_word(host, Bytecode{OP_ADDRESS}, 2), from_address(kContract));
    EXPECT_EQ(run_word(host, Bytecode{OP_CALLER}, 2), from_address(kSender));
    EXPECT_EQ(run_word(host, Bytecode{OP_CALLVALUE}, 2, U256{5}), U256{5});
    EXPECT_EQ(run_word(host, Bytecode{OP_ORIGIN}, 2), from_address(c.origin));
    EXPECT_EQ(run_word(host, Bytecode{OP_GASPRICE}, 2), c.gas_price);
    EXPECT_EQ(run_word(host, Bytecode{OP_COINBASE}, 2), from_address(c.coinbase));
    EXPECT_EQ(run_word(host, Bytecode{OP_TIMESTAMP}, 2), U256{1700000000});
    EXPECT_EQ(run_word(host, Bytecode{OP_NUMBER}, 2), U256{1000});
    EXPECT_EQ(run_word(host, Bytecode{OP_PREVRANDAO}, 2), c.prevrandao);
    EXPECT_EQ(run_word(host, Bytecode{OP_GASLIMIT}, 2), U256{30'000'000});
    EXPECT_EQ(run_word(host, Bytecode{OP_CHAINID}, 2), c.chain_id);
    EXPECT_EQ(run_word(host, Bytecode{OP_BASEFEE}, 2), c.base_fee);
    EXPECT_EQ(run_word(host, Bytecode{OP_BLOBBASEFEE}, 2), U256{1});
}

TEST(EvmEnvironment, BlobhashIsZeroWithoutBlobs) {
    TestHost host;
    host.tx = sample_context();
    EXPECT_EQ(run_word(host, push(0) + OP_BLOBHASH, 6), U256{0});
    Hash32 blob{};
    blob[0] = 0x01;
    host.tx.blob_hashes = {blob};
    EXPECT_EQ(run_word(host, push(0) + OP_BLOBHASH, 6), from_hash(blob));
    EXPECT_EQ(run_word(host, push(1) + OP_BLOBHASH, 6), U256{0});
    EXPECT_EQ(run_word(host, push(~U256{}) + OP_BLOBHASH, 6), U256{0});
}

TEST(EvmEnvironment, BlockhashCoversOnlyThe256PreviousBlocks) {
    TestHost host;
    host.tx = sample_context();  // current block 1000
    const auto hash_of = [&host](std::int64_t n) { return from_hash(host.get_block_hash(n)); };
    EXPECT_EQ(run_word(host, push(999) + OP_BLOCKHASH, 23), hash_of(999));
    EXPECT_EQ(run_word(host, push(744) + OP_BLOCKHASH, 23), hash_of(744));
    EXPECT_EQ(run_word(host, push(743) + OP_BLOCKHASH, 23), U256{0});
    EXPECT_EQ(run_word(host, push(1000) + OP_BLOCKHASH, 23), U256{0});
    EXPECT_EQ(run_word(host, push(~U256{}) + OP_BLOCKHASH, 23), U256{0});
}

TEST(EvmEnvironment, AccountQueriesAreColdThenWarm) {
    TestHost host;
    host.account(kOther).balance = U256{77};
    host.account(kOther).code = Bytes{0x60, 0x01, 0x00};
    EXPECT_EQ(run_word(host, push(kOther) + OP_BALANCE, 3 + 2600), U256{77});
    EXPECT_EQ(run_word(host, push(kOther) + OP_BALANCE, 3 + 100), U256{77});
    EXPECT_EQ(run_word(host, push(kOther) + OP_EXTCODESIZE, 3 + 100), U256{3});
    EXPECT_EQ(run_word(host, push(kOther) + OP_EXTCODEHASH, 3 + 100),
              from_hash(crypto::keccak256(host.account(kOther).code)));
    const Address fresh = make_address(0xf4e5);
    EXPECT_EQ(run_word(host, push(fresh) + OP_EXTCODEHASH, 3 + 2600), U256{0});
    EXPECT_EQ(run_word(host, push(fresh) + OP_EXTCODESIZE, 3 + 100), U256{0});
    host.account(kContract).balance = U256{12};
    EXPECT_EQ(run_word(host, Bytecode{OP_SELFBALANCE}, 5), U256{12});
}

TEST(EvmEnvironment, ExtcodecopyCopiesAndZeroFills) {
    TestHost host;
    host.account(kOther).code = Bytes{0xaa, 0xbb, 0xcc};
    // EXTCODECOPY(addr, mem 0, code 1, len 32): bb cc then zeros.
    const U256 word = run_word(
        host, push(32) + push(1) + push(0) + push(kOther) + OP_EXTCODECOPY + push(0) + OP_MLOAD,
        4 * 3 + 2600 + 3 + 3 + 3 + 3 - 3);
    EXPECT_EQ(word, U256{0xbbcc} << 240u);
}

TEST(EvmEnvironment, LogsRecordTopicsAndDataAndCostPerByte) {
    TestHost host;
    const Outcome run = execute(
        host, mstore(0, push(0x1234)) + push(0xb) + push(0xa) + push(2) + push(30) + OP_LOG2);
    EXPECT_EQ(run.result.status, Status::kSuccess);
    ASSERT_EQ(host.state.logs.size(), 1u);
    const LogRecord& log = host.state.logs[0];
    EXPECT_EQ(log.address, kContract);
    EXPECT_EQ(log.data, (Bytes{0x12, 0x34}));
    ASSERT_EQ(log.topics.size(), 2u);
    EXPECT_EQ(from_hash(log.topics[0]), U256{0xa});
    EXPECT_EQ(from_hash(log.topics[1]), U256{0xb});
    EXPECT_EQ(run.gas_used, 12 + 4 * 3 + 375 * 3 + 8 * 2);
}

TEST(EvmEnvironment, LogsAreForbiddenInStaticMode) {
    TestHost host;
    const Outcome run = execute(host, push(0) + push(0) + OP_LOG0, kDefaultGas, {}, U256{}, true);
    EXPECT_EQ(run.result.status, Status::kStaticModeViolation);
    EXPECT_TRUE(host.state.logs.empty());
}

TEST(EvmEnvironment, LogsOfARevertedCallAreDropped) {
    TestHost host;
    host.account(kOther).code = (push(0) + push(0) + OP_LOG0 + revert(0, 0)).bytes;
    const Outcome run = execute(host, call(OP_CALL, 10000, kOther, 0, 0, 0, 0, 0));
    EXPECT_EQ(run.result.status, Status::kSuccess);
    EXPECT_TRUE(host.state.logs.empty());
}

}  // namespace
}  // namespace qtm::evm::test
