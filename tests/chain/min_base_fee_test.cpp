// The chain spec's minimum base fee (baseFee.minBaseFee): parsed and validated, part of the
// genesis hash, and the floor of next_base_fee, the one function the executor, the pool and
// RPC use.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "chain/chain_spec.hpp"
#include "chain/executor.hpp"
#include "storage/database.hpp"

namespace qtm::chain {
namespace {

using json = nlohmann::ordered_json;

json dev_json() {
    return json::parse(chain_spec_to_json(*builtin_chain_spec("dev")));
}

TEST(MinBaseFee, IsParsedValidatedAndRoundTrips) {
    json root = dev_json();
    EXPECT_EQ(root["baseFee"]["minBaseFee"], "0");  // dev: no floor
    root["baseFee"]["minBaseFee"] = "500000000";
    auto spec = parse_chain_spec(root.dump());
    ASSERT_TRUE(spec.has_value()) << spec.error().message;
    EXPECT_EQ(spec->base_fee.minimum, U256{500'000'000});
    EXPECT_EQ(json::parse(chain_spec_to_json(*spec))["baseFee"]["minBaseFee"], "500000000");

    json missing = dev_json();
    missing["baseFee"].erase("minBaseFee");
    EXPECT_EQ(parse_chain_spec(missing.dump())->base_fee.minimum, U256{});  // optional

    json above = dev_json();
    above["baseFee"]["minBaseFee"] = "2000000000";  // above the initial 1 gwei
    auto refused = parse_chain_spec(above.dump());
    ASSERT_FALSE(refused.has_value());
    EXPECT_NE(refused.error().message.find("baseFee.initial"), std::string::npos)
        << refused.error().message;

    json garbage = dev_json();
    garbage["baseFee"]["minBaseFee"] = "lots";
    refused = parse_chain_spec(garbage.dump());
    ASSERT_FALSE(refused.has_value());
    EXPECT_NE(refused.error().message.find("baseFee.minBaseFee"), std::string::npos)
        << refused.error().message;

    EXPECT_EQ(builtin_chain_spec("testnet")->base_fee.minimum, U256{100'000'000});
    EXPECT_EQ(builtin_chain_spec("mainnet")->base_fee.minimum, U256{100'000'000});
}

TEST(MinBaseFee, ChangesTheGenesisHash) {
    ChainSpec spec = *builtin_chain_spec("dev");
    const Hash32 plain = consensus_params_hash(spec);
    spec.base_fee.minimum = U256{1};
    EXPECT_NE(consensus_params_hash(spec), plain);
    EXPECT_NE(*genesis_hash(spec), *genesis_hash(*builtin_chain_spec("dev")));
}

TEST(MinBaseFee, IsTheFloorOfTheNextBaseFee) {
    ChainSpec spec = *builtin_chain_spec("dev");
    spec.base_fee.minimum = U256{900'000'000};
    Header parent;
    parent.gas_limit = 30'000'000;
    parent.base_fee = U256{1'000'000'000};
    parent.gas_used = 0;  // EIP-1559 alone: 875,000,000
    EXPECT_EQ(next_base_fee(spec, parent), U256{900'000'000});
    parent.gas_used = 30'000'000;  // rising is unaffected
    EXPECT_EQ(next_base_fee(spec, parent), U256{1'125'000'000});
    parent.base_fee = U256{950'000'000};
    parent.gas_used = 10'000'000;  // 950 - 950/3/8 = 910.4 M: above the floor
    EXPECT_EQ(next_base_fee(spec, parent), U256{910'416'667});
}

TEST(MinBaseFee, EmptyBlocksStopAtTheFloorInTheExecutor) {
    ChainSpec spec = *builtin_chain_spec("dev");
    spec.base_fee.minimum = U256{800'000'000};
    auto db = storage::make_memory_database();
    storage::WriteBatch batch;
    auto genesis = build_genesis(spec, *db, batch);
    ASSERT_TRUE(genesis.has_value());
    ASSERT_TRUE(db->write(batch, false).has_value());
    BlockExecutor executor{spec, *db};
    Header parent = genesis->block.header;
    std::vector<U256> fees;
    for (int i = 0; i < 4; ++i) {
        auto block =
            executor.build(parent, parent.timestamp + 2, spec.validators[0].address, {}, nullptr);
        ASSERT_TRUE(block.has_value()) << block.error().message;
        ASSERT_TRUE(db->write(block->batch, true).has_value());
        parent = block->block.header;
        fees.push_back(parent.base_fee);
    }
    EXPECT_EQ(fees, (std::vector<U256>{U256{875'000'000}, U256{800'000'000}, U256{800'000'000},
                                       U256{800'000'000}}));
    // A block claiming the unfloored fee is refused.
    Block tampered;
    tampered.header = parent;
    tampered.header.number = parent.number + 1;
    tampered.header.parent_hash = block_hash(parent);
    tampered.header.timestamp = parent.timestamp + 2;
    tampered.header.base_fee = U256{700'000'000};
    auto refused = executor.validate(parent, tampered, true);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().message, "invalid block: wrong base fee");
}

}  // namespace
}  // namespace qtm::chain
