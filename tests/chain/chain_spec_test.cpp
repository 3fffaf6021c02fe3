#include "chain/chain_spec.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "base/hex.hpp"
#include "chain/keys.hpp"
#include "chain/transaction.hpp"

namespace qtm::chain {
namespace {

TEST(ChainSpec, BuiltInSpecsAllocateTheGenesisSupply) {
    for (const char* name : {"dev", "testnet", "mainnet"}) {
        const auto spec = builtin_chain_spec(name);
        ASSERT_TRUE(spec.has_value()) << name;
        U256 total{};
        for (const auto& [address, account] : spec->alloc)
            total = total + account.balance;
        for (const auto& validator : spec->validators)
            total = total + validator.stake;
        EXPECT_EQ(total, genesis_supply()) << name;
        EXPECT_EQ(spec->block_reward, qtm_to_wei(1)) << name;
        // The JSON form parses back to the same spec and the same genesis.
        const auto reparsed = parse_chain_spec(chain_spec_to_json(*spec));
        ASSERT_TRUE(reparsed.has_value()) << reparsed.error().message;
        EXPECT_EQ(*genesis_hash(*reparsed), *genesis_hash(*spec)) << name;
    }
    EXPECT_FALSE(builtin_chain_spec("devnet").has_value());
    EXPECT_EQ(genesis_supply().to_decimal(), "1000000000000000000000000000");
}

// The public networks' blocks carry at least 2,000 ML-DSA-44 transfers a second (issue 17),
// counted with a real signed transfer's gas and encoded size.
TEST(ChainSpec, PublicNetworksCarryTwoThousandTransfersPerSecond) {
    const AccountKey key{crypto::SignatureScheme::kMlDsa44, dev_account_seed(1)};
    Transaction transfer;
    transfer.chain_id = 7358;
    transfer.nonce = 12345;
    transfer.max_fee_per_gas = U256{50'000'000'000ULL};
    transfer.max_priority_fee_per_gas = U256{1'000'000'000};
    transfer.to = key.address();
    transfer.value = U256{1'000'000'000'000'000'000ULL};
    transfer.gas_limit = 25'500;
    sign_transaction(transfer, key, false);
    const auto gas = static_cast<std::uint64_t>(intrinsic_gas(transfer));
    const std::uint64_t bytes = encode(transfer).size();
    EXPECT_EQ(gas, 25'500u);
    for (const char* name : {"testnet", "mainnet"}) {
        const ChainSpec spec = *builtin_chain_spec(name);
        const std::uint64_t per_block =
            std::min(spec.gas_limit / gas, spec.max_block_bytes / bytes);
        EXPECT_GE(per_block * 1000 / spec.block_time_ms, 2000u)
            << name << ": " << per_block << " transfers a block of " << spec.block_time_ms << " ms";
    }
}

TEST(ChainSpec, GenesisHashesDifferPerChain) {
    EXPECT_NE(*genesis_hash(*builtin_chain_spec("dev")),
              *genesis_hash(*builtin_chain_spec("testnet")));
    EXPECT_EQ(*genesis_hash(*builtin_chain_spec("dev")), *genesis_hash(*builtin_chain_spec("dev")));
}

TEST(ChainSpec, DevAccountsHoldTheirShare) {
    const auto spec = builtin_chain_spec("dev");
    ASSERT_EQ(spec->alloc.size(), kDevAccountCount);
    for (const auto& [address, account] : spec->alloc) {
        EXPECT_EQ(account.balance, qtm_to_wei(99'000'000));
    }
    ASSERT_EQ(spec->validators.size(), 1U);
    EXPECT_EQ(spec->validators[0].stake, qtm_to_wei(10'000'000));
}

// Each malformed spec is refused with the field named.
TEST(ChainSpec, MalformedSpecsNameTheField) {
    const std::string good = chain_spec_to_json(*builtin_chain_spec("dev"));
    const auto error_for = [&](const std::string& from, const std::string& to) {
        std::string text = good;
        const auto at = text.find(from);
        EXPECT_NE(at, std::string::npos) << from;
        text.replace(at, from.size(), to);
        auto parsed = parse_chain_spec(text);
        EXPECT_FALSE(parsed.has_value()) << from << " -> " << to;
        return parsed ? std::string{} : parsed.error().message;
    };
    EXPECT_NE(error_for("\"chainId\": 7357", "\"chainId\": 0").find("'chainId'"),
              std::string::npos);
    EXPECT_NE(error_for("\"chainId\": 7357", "\"chainId\": \"seven\"").find("'chainId'"),
              std::string::npos);
    EXPECT_NE(error_for("\"gasLimit\": 30000000", "\"gasLimit\": 5").find("'gasLimit'"),
              std::string::npos);
    EXPECT_NE(error_for("\"blockTimeMs\": 2000,", "").find("'blockTimeMs'"), std::string::npos);
    const std::string block_bytes = "\"maxBlockBytes\": " + std::to_string(4u << 20);
    EXPECT_NE(error_for(block_bytes, "\"maxBlockBytes\": 12582913").find("'maxBlockBytes'"),
              std::string::npos)
        << "one byte over the 12 MiB a peer catching up can receive";
    std::string at_limit = good;
    at_limit.replace(at_limit.find(block_bytes), block_bytes.size(), "\"maxBlockBytes\": 12582912");
    EXPECT_TRUE(parse_chain_spec(at_limit).has_value());
    EXPECT_NE(error_for(block_bytes, "\"maxBlockBytes\": 1000").find("'maxBlockBytes'"),
              std::string::npos);
    EXPECT_NE(error_for("\"balance\": \"99000000", "\"balance\": \"98000000").find("'alloc'"),
              std::string::npos);
    EXPECT_NE(error_for("\"scheme\": 2", "\"scheme\": 9").find("'validators[0].scheme'"),
              std::string::npos);
    EXPECT_NE(error_for("\"doubleSignSlashPercent\": 5", "\"doubleSignSlashPercent\": 500")
                  .find("slashing.doubleSignSlashPercent"),
              std::string::npos);
    auto not_json = parse_chain_spec("{\"name\": ");
    ASSERT_FALSE(not_json.has_value());
    EXPECT_NE(not_json.error().message.find("not valid JSON"), std::string::npos);
    auto missing = load_chain_spec("/nonexistent/spec.json");
    ASSERT_FALSE(missing.has_value());
    EXPECT_NE(missing.error().message.find("/nonexistent/spec.json"), std::string::npos);
}

TEST(ChainSpec, NextBaseFeeFollowsEip1559) {
    const auto spec = *builtin_chain_spec("dev");
    Header parent;
    parent.gas_limit = 30'000'000;
    parent.base_fee = U256{1'000'000'000};
    parent.gas_used = 15'000'000;  // at target
    EXPECT_EQ(next_base_fee(spec, parent), U256{1'000'000'000});
    parent.gas_used = 30'000'000;  // full: +12.5%
    EXPECT_EQ(next_base_fee(spec, parent), U256{1'125'000'000});
    parent.gas_used = 0;  // empty: -12.5%
    EXPECT_EQ(next_base_fee(spec, parent), U256{875'000'000});
    parent.base_fee = U256{7};
    parent.gas_used = 15'000'001;  // just above target: at least +1
    EXPECT_EQ(next_base_fee(spec, parent), U256{8});
}

}  // namespace
}  // namespace qtm::chain
