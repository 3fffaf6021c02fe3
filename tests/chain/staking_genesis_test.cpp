// Genesis and the staking contract: the spec's validators in the contract's state, the spec
// checks that protect it, the genesis hash committing to every consensus field, and the
// contract reached by real transactions through the block executor.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "chain/chain_spec.hpp"
#include "chain/executor.hpp"
#include "chain/keys.hpp"
#include "chain/staking/contract.hpp"
#include "chain/staking/pool.hpp"
#include "chain/staking/store.hpp"
#include "staking_support.hpp"
#include "state/world_state.hpp"
#include "storage/database.hpp"

namespace qtm::chain::staking {
namespace {

using json = nlohmann::ordered_json;

TEST(StakingGenesis, RegistersTheSpecsValidatorsInTheContract) {
    ChainSpec spec = *builtin_chain_spec("testnet");  // four validators
    spec.validators[1].reward_address = testing::test_address(0x51);
    spec.validators[1].commission_bps = 250;
    auto chain = testing::make_genesis_chain(spec);
    state::WorldState world{*chain.db, chain.header.state_root};
    Meter meter{world, staking_address(), Meter::kUnlimited};
    Store store{meter};
    ASSERT_EQ(store.validator_count(), spec.validators.size());
    U256 total{};
    for (std::size_t i = 0; i < spec.validators.size(); ++i) {
        const GenesisValidator& expected = spec.validators[i];
        EXPECT_EQ(store.validator_at(i), expected.address);
        const auto record = store.validator(expected.address);
        ASSERT_TRUE(record.has_value());
        EXPECT_EQ(record->public_key, expected.public_key);
        EXPECT_EQ(record->consensus_address, expected.address);
        EXPECT_EQ(record->bonded, expected.stake);
        EXPECT_EQ(delegation_value(store, expected.address, expected.address), expected.stake);
        EXPECT_EQ(store.operator_of(expected.address), expected.address);
        EXPECT_EQ(record->reward_address, i == 1 ? testing::test_address(0x51) : expected.address);
        EXPECT_EQ(record->commission_bps, i == 1 ? 250u : 0u);
        total = total + expected.stake;
    }
    EXPECT_EQ(store.total_bonded(), total);
    EXPECT_EQ(world.balance(staking_address()), total);
    // Not an empty account for EIP-161 even when every stake has left.
    EXPECT_EQ(world.nonce(staking_address()), 1u);
}

// A restarted node rebuilds the genesis over its database, whose flat tables then hold a
// later state (here: one more validator registered): the genesis must not read them.
TEST(StakingGenesis, RebuildingOverAnAdvancedDatabaseGivesTheSameGenesis) {
    const ChainSpec spec = *builtin_chain_spec("dev");
    auto chain = testing::make_genesis_chain(spec);
    {
        state::WorldState world{*chain.db, chain.header.state_root};
        Meter meter{world, staking_address(), Meter::kUnlimited};
        Store store{meter};
        store.set_total_bonded(U256{12345});
        meter.store(U256{slot::kValidatorCount}, U256{7});
        (void)world.finalize_transaction();
        storage::WriteBatch batch;
        ASSERT_TRUE(world.commit(batch).has_value());
        ASSERT_TRUE(chain.db->write(batch, false).has_value());
    }
    storage::WriteBatch again;
    const auto rebuilt = build_genesis(spec, *chain.db, again);
    ASSERT_TRUE(rebuilt.has_value());
    EXPECT_EQ(rebuilt->hash, *genesis_hash(spec));
    EXPECT_EQ(rebuilt->block.header.state_root, chain.header.state_root);
}

std::string spec_error(json root) {
    auto parsed = parse_chain_spec(root.dump());
    EXPECT_FALSE(parsed.has_value());
    return parsed ? std::string{} : parsed.error().message;
}

TEST(StakingGenesis, SpecRefusesDuplicateValidatorsOverflowAndAStakingAlloc) {
    const json good = json::parse(chain_spec_to_json(*builtin_chain_spec("dev")));
    ASSERT_TRUE(parse_chain_spec(good.dump()).has_value());

    json duplicate = good;
    duplicate["validators"].push_back(good["validators"][0]);
    EXPECT_NE(spec_error(duplicate).find("'validators[1].publicKey': is the key of validators[0]"),
              std::string::npos)
        << spec_error(duplicate);

    json overflow = good;
    overflow["validators"][0]["stake"] = U256::max().to_hex();
    EXPECT_NE(spec_error(overflow).find("'validators[0].stake': allocations plus stakes overflow"),
              std::string::npos)
        << spec_error(overflow);

    json staking_alloc = good;
    staking_alloc["alloc"][to_checksum_address(staking_address())] = {{"balance", "1"}};
    EXPECT_NE(spec_error(staking_alloc).find("is the staking contract's address"),
              std::string::npos)
        << spec_error(staking_alloc);
    EXPECT_NE(spec_error(staking_alloc).find("alloc.0x"), std::string::npos);

    json below = good;
    below["staking"]["minValidatorStake"] = "20000000000000000000000000";  // 20M QTM > 10M
    EXPECT_NE(spec_error(below).find("'validators[0].stake': is below staking.minValidatorStake"),
              std::string::npos)
        << spec_error(below);

    json bad_param = good;
    bad_param["staking"]["maxCommissionBps"] = 10001;
    EXPECT_NE(spec_error(bad_param).find("'staking.maxCommissionBps'"), std::string::npos);
    bad_param = good;
    bad_param["staking"]["maxValidators"] = 0;
    EXPECT_NE(spec_error(bad_param).find("'staking.maxValidators'"), std::string::npos);

    // Without a "staking" section the defaults apply.
    json defaults = good;
    defaults.erase("staking");
    const auto parsed = parse_chain_spec(defaults.dump());
    ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
    EXPECT_EQ(parsed->staking, StakingParams{});
}

TEST(StakingGenesis, GenesisHashCommitsToEveryConsensusField) {
    const ChainSpec base = *builtin_chain_spec("testnet");
    using Change = void (*)(ChainSpec&);
    const std::vector<std::pair<const char*, Change>> changes = {
        {"name", [](ChainSpec& s) { s.name += "x"; }},
        {"chainId", [](ChainSpec& s) { ++s.chain_id; }},
        {"genesisTime", [](ChainSpec& s) { ++s.genesis_time; }},
        {"blockTimeMs", [](ChainSpec& s) { ++s.block_time_ms; }},
        {"gasLimit", [](ChainSpec& s) { ++s.gas_limit; }},
        {"maxBlockBytes", [](ChainSpec& s) { ++s.max_block_bytes; }},
        {"baseFee.initial", [](ChainSpec& s) { s.base_fee.initial += U256{1}; }},
        {"baseFee.maxChangeDenominator", [](ChainSpec& s) { ++s.base_fee.max_change_denominator; }},
        {"baseFee.elasticityMultiplier", [](ChainSpec& s) { ++s.base_fee.elasticity_multiplier; }},
        {"blockReward", [](ChainSpec& s) { s.block_reward += U256{1}; }},
        {"epochLength", [](ChainSpec& s) { ++s.epoch_length; }},
        {"slashing.doubleSignSlashPercent",
         [](ChainSpec& s) { ++s.slashing.double_sign_slash_percent; }},
        {"slashing.downtimeWindow", [](ChainSpec& s) { ++s.slashing.downtime_window; }},
        {"slashing.downtimeMinSignedPercent",
         [](ChainSpec& s) { ++s.slashing.downtime_min_signed_percent; }},
        {"slashing.jailSeconds", [](ChainSpec& s) { ++s.slashing.jail_seconds; }},
        {"slashing.evidenceMaxAgeBlocks",
         [](ChainSpec& s) { ++s.slashing.evidence_max_age_blocks; }},
        {"staking.minValidatorStake",
         [](ChainSpec& s) { s.staking.min_validator_stake += U256{1}; }},
        {"staking.maxValidators", [](ChainSpec& s) { ++s.staking.max_validators; }},
        {"staking.unbondingSeconds", [](ChainSpec& s) { ++s.staking.unbonding_seconds; }},
        {"staking.maxCommissionBps", [](ChainSpec& s) { --s.staking.max_commission_bps; }},
        {"staking.maxCommissionChangeBps",
         [](ChainSpec& s) { ++s.staking.max_commission_change_bps; }},
        {"staking.commissionChangeIntervalSeconds",
         [](ChainSpec& s) { ++s.staking.commission_change_interval_seconds; }},
        {"staking.maxUnbondingEntries", [](ChainSpec& s) { ++s.staking.max_unbonding_entries; }},
        {"forks (added)", [](ChainSpec& s) { s.forks["next"] = 100; }},
        {"validators[0].stake",
         [](ChainSpec& s) {
             s.validators[0].stake += U256{1};
             s.alloc.begin()->second.balance -= U256{1};
         }},
        {"validators[0].rewardAddress",
         [](ChainSpec& s) { s.validators[0].reward_address = testing::test_address(0x52); }},
        {"validators[0].commissionBps", [](ChainSpec& s) { s.validators[0].commission_bps = 1; }},
        {"validators (order)", [](ChainSpec& s) { std::swap(s.validators[0], s.validators[1]); }},
        {"alloc",
         [](ChainSpec& s) {
             s.alloc.begin()->second.balance -= U256{1};
             std::next(s.alloc.begin())->second.balance += U256{1};
         }},
    };
    std::set<Hash32> hashes{*genesis_hash(base)};
    for (const auto& [field, change] : changes) {
        ChainSpec changed = base;
        change(changed);
        const auto hash = genesis_hash(changed);
        ASSERT_TRUE(hash.has_value()) << field;
        EXPECT_TRUE(hashes.insert(*hash).second) << field << " does not change the genesis hash";
    }
}

TEST(StakingGenesis, TransactionsReachTheContractThroughTheExecutor) {
    auto chain = testing::make_genesis_chain(*builtin_chain_spec("dev"));
    const AccountKey sender{crypto::SignatureScheme::kMlDsa44, dev_account_seed(0)};
    const Address validator = chain.spec.validators[0].address;
    const auto make_tx = [&](std::uint64_t nonce, Bytes data, const U256& value) {
        Transaction tx;
        tx.chain_id = chain.spec.chain_id;
        tx.nonce = nonce;
        tx.max_priority_fee_per_gas = U256{1'000'000'000};
        tx.max_fee_per_gas = U256{50'000'000'000};
        tx.gas_limit = 300'000;
        tx.to = staking_address();
        tx.value = value;
        tx.data = std::move(data);
        sign_transaction(tx, sender, nonce == 0);
        return tx;
    };
    const U256 amount = qtm_to_wei(1000);
    const std::vector<Transaction> txs = {
        make_tx(0, testing::call_data(signature::kDelegate, abi::Writer{}.address(validator)),
                amount),
        make_tx(1, {}, amount),  // a plain transfer: refused
    };
    BlockExecutor executor{chain.spec, *chain.db};
    std::vector<Rejection> rejected;
    auto block =
        executor.build(chain.header, chain.header.timestamp + 2, validator, txs, &rejected);
    ASSERT_TRUE(block.has_value()) << block.error().message;
    ASSERT_TRUE(rejected.empty()) << rejected[0].reason;
    ASSERT_EQ(block->receipts.size(), 2u);
    EXPECT_TRUE(block->receipts[0].success);
    ASSERT_EQ(block->receipts[0].logs.size(), 1u);
    EXPECT_EQ(block->receipts[0].logs[0].topics[0], abi::event_topic(signature::kDelegated));
    EXPECT_FALSE(block->receipts[1].success);
    ASSERT_TRUE(chain.db->write(block->batch, true).has_value());

    state::WorldState world{*chain.db, block->block.header.state_root};
    Meter meter{world, staking_address(), Meter::kUnlimited};
    Store store{meter};
    EXPECT_EQ(delegation_value(store, validator, sender.address()), amount);
    EXPECT_EQ(store.total_bonded(), chain.spec.validators[0].stake + amount);
    // The proposer is the validator (commission 0): the reward and the tips went to its
    // delegators, and stay in the contract until claimed.
    U256 tips{};
    for (const auto& result : block->results) {
        tips = tips +
               (result.effective_gas_price - block->block.header.base_fee) * U256{result.gas_used};
    }
    EXPECT_EQ(store.reward_pool(), chain.spec.block_reward + tips);
    EXPECT_EQ(world.balance(staking_address()),
              chain.spec.validators[0].stake + amount + store.reward_pool());

    // Another node re-executing the block reaches the same state.
    auto other = testing::make_genesis_chain(chain.spec);
    BlockExecutor validator_executor{other.spec, *other.db};
    auto validated = validator_executor.validate(other.header, block->block, false);
    ASSERT_TRUE(validated.has_value()) << validated.error().message;
    EXPECT_EQ(validated->hash, block->hash);
}

}  // namespace
}  // namespace qtm::chain::staking
