// The staking contract's functions, one test per function and per failure, called through
// the real StateHost (value moves and reverts as in a transaction).
#include "chain/staking/contract.hpp"

#include <gtest/gtest.h>

#include "chain/chain_spec.hpp"
#include "chain/staking/store.hpp"
#include "evm/revert_reason.hpp"
#include "staking_support.hpp"

namespace qtm::chain::staking {
namespace {

using testing::call_data;
using testing::consensus_key;
using testing::create_validator_data;
using testing::proof_of_possession;
using testing::StakingHarness;
using testing::test_address;

constexpr std::uint64_t kChainId = 7357;
constexpr std::uint64_t kStart = 1'000'000;  // the harness's default block time

ContractParams small_params() {
    ContractParams params;
    params.chain_id = kChainId;
    params.epoch_length = 10;
    params.staking.min_validator_stake = U256{1000};
    params.staking.max_validators = 3;
    params.staking.unbonding_seconds = 100;
    params.staking.max_commission_bps = 5000;
    params.staking.max_commission_change_bps = 100;
    params.staking.commission_change_interval_seconds = 1000;
    params.staking.max_unbonding_entries = 2;
    return params;
}

class StakingContractTest : public ::testing::Test {
protected:
    StakingContractTest() : harness_{small_params()} {
        for (std::uint8_t i = 1; i <= 4; ++i) {
            harness_.world().add_balance(test_address(i), U256{1'000'000});
        }
        (void)harness_.world().finalize_transaction();
    }

    const Address op_ = test_address(1);
    const Address delegator_ = test_address(2);
    const Address reward_ = test_address(0x99);

    testing::CallResult create(const Address& op, std::uint32_t key_index, std::uint64_t value,
                               std::uint64_t commission = 500) {
        const AccountKey& key = consensus_key(key_index);
        return harness_.call(
            op,
            create_validator_data(key, proof_of_possession(key, op, kChainId), reward_, commission),
            {.value = U256{value}});
    }
    testing::CallResult view(std::string_view signature, const abi::Writer& args = {}) {
        return harness_.call(delegator_, call_data(signature, args), {.is_static = true});
    }
    U256 word(const testing::CallResult& result, std::size_t index) {
        return *abi::Reader{result.output}.word(index);
    }
    U256 balance(const Address& address) { return harness_.world().balance(address); }
    U256 delegation(const Address& delegator, const Address& validator) {
        return word(
            view(signature::kGetDelegation, abi::Writer{}.address(delegator).address(validator)),
            0);
    }

    StakingHarness harness_;
};

TEST_F(StakingContractTest, CreateValidatorRegistersKeyStakeAndEmitsEvent) {
    const auto result = create(op_, 0, 5000, 700);
    ASSERT_EQ(result.status, evm::Status::kSuccess) << result.reason;
    EXPECT_EQ(balance(op_), U256{1'000'000 - 5000});
    EXPECT_EQ(balance(staking_address()), U256{5000});

    const auto info = view(signature::kGetValidator, abi::Writer{}.address(op_));
    ASSERT_EQ(info.status, evm::Status::kSuccess);
    const abi::Reader reader{info.output};
    EXPECT_EQ(reader.boolean(0), true);
    EXPECT_EQ(reader.uint(1, 8), 2u);
    EXPECT_EQ(reader.bytes(2), consensus_key(0).public_key());
    EXPECT_EQ(reader.address(3), consensus_key(0).address());
    EXPECT_EQ(reader.address(4), reward_);
    EXPECT_EQ(reader.uint(5, 16), 700u);
    EXPECT_EQ(reader.word(6), U256{5000});
    EXPECT_EQ(reader.boolean(7), false);
    EXPECT_EQ(delegation(op_, op_), U256{5000});

    ASSERT_EQ(result.logs.size(), 1u);
    const auto& log = result.logs[0];
    EXPECT_EQ(log.address, staking_address());
    ASSERT_EQ(log.topics.size(), 3u);
    EXPECT_EQ(log.topics[0], abi::event_topic(signature::kValidatorCreated));
    EXPECT_EQ(log.topics[1], abi::word_topic(abi::address_word(op_)));
    EXPECT_EQ(log.topics[2], abi::word_topic(abi::address_word(consensus_key(0).address())));
    const abi::Reader data{log.data};
    EXPECT_EQ(data.address(0), reward_);
    EXPECT_EQ(data.uint(1, 16), 700u);
    EXPECT_EQ(data.word(2), U256{5000});

    const auto totals = view(signature::kGetTotals);
    EXPECT_EQ(word(totals, 0), U256{5000});
    EXPECT_EQ(word(totals, 1), U256{});
    EXPECT_EQ(word(totals, 2), U256{1});
    EXPECT_EQ(abi::Reader{view(signature::kValidatorAt, abi::Writer{}.uint(0)).output}.address(0),
              op_);
    // The key alone is 61 new slots: the gas says it was paid for.
    EXPECT_GT(result.gas_used, 61 * gas::kStoreSet);
}

// Each failure reverts with its reason, and nothing changes (the value goes back).
void expect_refused(const testing::CallResult& result, std::string_view reason) {
    EXPECT_EQ(result.status, evm::Status::kRevert);
    EXPECT_NE(result.reason.find(reason), std::string::npos) << result.reason;
    EXPECT_TRUE(result.logs.empty());
}

TEST_F(StakingContractTest, CreateValidatorRefusesBadInput) {
    const AccountKey& key = consensus_key(0);
    const Bytes pop = proof_of_possession(key, op_, kChainId);
    const auto send = [&](const Bytes& data, std::uint64_t value = 5000) {
        return harness_.call(op_, data, {.value = U256{value}});
    };
    // Wrong scheme id, wrong key length.
    Bytes data = call_data(
        signature::kCreateValidator,
        abi::Writer{}.uint(1).bytes(key.public_key()).bytes(pop).address(reward_).uint(5));
    expect_refused(send(data), "ML-DSA-65");
    Bytes short_key(key.public_key().begin(), key.public_key().end() - 1);
    data = call_data(signature::kCreateValidator,
                     abi::Writer{}.uint(2).bytes(short_key).bytes(pop).address(reward_).uint(5));
    expect_refused(send(data), "wrong length");
    // Proofs of possession: by another key, for another operator, for another chain, cut.
    const AccountKey& other = consensus_key(1);
    expect_refused(
        send(create_validator_data(key, proof_of_possession(other, op_, kChainId), reward_, 5)),
        "bad proof of possession");
    expect_refused(send(create_validator_data(key, proof_of_possession(key, delegator_, kChainId),
                                              reward_, 5)),
                   "bad proof of possession");
    expect_refused(
        send(create_validator_data(key, proof_of_possession(key, op_, kChainId + 1), reward_, 5)),
        "bad proof of possession");
    expect_refused(send(create_validator_data(key, Bytes(pop.begin(), pop.end() - 1), reward_, 5)),
                   "bad proof of possession");
    // Below the minimum stake, commission above the maximum, no reward address.
    expect_refused(send(create_validator_data(key, pop, reward_, 5), 999), "below the minimum");
    expect_refused(send(create_validator_data(key, pop, reward_, 5001)), "commission above");
    expect_refused(send(create_validator_data(key, pop, Address{}, 5)), "reward address is zero");
    // A uint16 that is not one, a bytes offset past the data.
    data = create_validator_data(key, pop, reward_, 5);
    data[4 + 4 * 32 + 29] = 1;  // commission word 0x10005
    expect_refused(send(data), "malformed arguments");
    data = create_validator_data(key, pop, reward_, 5);
    data[4 + 32 + 30] = 0xff;  // the key's offset
    expect_refused(send(data), "malformed arguments");

    EXPECT_EQ(balance(op_), U256{1'000'000});
    EXPECT_EQ(balance(staking_address()), U256{});
    EXPECT_EQ(word(view(signature::kValidatorCount), 0), U256{});
}

TEST_F(StakingContractTest, CreateValidatorRefusesTwiceAndReusedKeys) {
    ASSERT_EQ(create(op_, 0, 5000).status, evm::Status::kSuccess);
    expect_refused(create(op_, 1, 5000), "already a validator");
    expect_refused(create(test_address(3), 0, 5000), "consensus key already registered");
    EXPECT_EQ(create(test_address(3), 1, 5000).status, evm::Status::kSuccess);
    EXPECT_EQ(word(view(signature::kValidatorCount), 0), U256{2});
}

TEST_F(StakingContractTest, EditValidatorChangesRewardAndCommissionWithinRate) {
    ASSERT_EQ(create(op_, 0, 5000, 500).status, evm::Status::kSuccess);
    const auto edit = [&](const Address& reward, std::uint64_t commission, std::uint64_t at) {
        return harness_.call(
            op_,
            call_data(signature::kEditValidator, abi::Writer{}.address(reward).uint(commission)),
            {.timestamp = at});
    };
    // The reward address can change at any time; the commission only after the interval.
    const Address new_reward = test_address(0x42);
    auto result = edit(new_reward, 500, kStart + 1);
    ASSERT_EQ(result.status, evm::Status::kSuccess) << result.reason;
    ASSERT_EQ(result.logs.size(), 1u);
    EXPECT_EQ(result.logs[0].topics[0], abi::event_topic(signature::kValidatorEdited));
    expect_refused(edit(new_reward, 600, kStart + 999), "less than 1000 seconds ago");
    expect_refused(edit(new_reward, 601, kStart + 1000), "change above the maximum of 100");
    expect_refused(edit(new_reward, 5001, kStart + 1000), "commission above");
    expect_refused(edit(Address{}, 500, kStart + 1000), "reward address is zero");
    ASSERT_EQ(edit(new_reward, 600, kStart + 1000).status, evm::Status::kSuccess);
    expect_refused(edit(new_reward, 500, kStart + 1999), "less than 1000 seconds ago");
    ASSERT_EQ(edit(new_reward, 500, kStart + 2000).status, evm::Status::kSuccess);

    const auto info_result = view(signature::kGetValidator, abi::Writer{}.address(op_));
    const abi::Reader info{info_result.output};
    EXPECT_EQ(info.address(4), new_reward);
    EXPECT_EQ(info.uint(5, 16), 500u);
    expect_refused(harness_.call(delegator_, call_data(signature::kEditValidator,
                                                       abi::Writer{}.address(new_reward).uint(5))),
                   "not a validator");
}

TEST_F(StakingContractTest, DelegateBondsValueToAValidator) {
    ASSERT_EQ(create(op_, 0, 5000).status, evm::Status::kSuccess);
    const Bytes data = call_data(signature::kDelegate, abi::Writer{}.address(op_));
    auto result = harness_.call(delegator_, data, {.value = U256{300}});
    ASSERT_EQ(result.status, evm::Status::kSuccess) << result.reason;
    ASSERT_EQ(harness_.call(delegator_, data, {.value = U256{200}}).status, evm::Status::kSuccess);
    EXPECT_EQ(delegation(delegator_, op_), U256{500});
    EXPECT_EQ(balance(delegator_), U256{1'000'000 - 500});
    EXPECT_EQ(balance(staking_address()), U256{5500});
    EXPECT_EQ(word(view(signature::kGetTotals), 0), U256{5500});
    const auto info_result = view(signature::kGetValidator, abi::Writer{}.address(op_));
    const abi::Reader info{info_result.output};
    EXPECT_EQ(info.word(6), U256{5500});
    ASSERT_EQ(result.logs.size(), 1u);
    EXPECT_EQ(result.logs[0].topics[0], abi::event_topic(signature::kDelegated));
    EXPECT_EQ(result.logs[0].topics[1], abi::word_topic(abi::address_word(delegator_)));
    EXPECT_EQ(result.logs[0].topics[2], abi::word_topic(abi::address_word(op_)));

    expect_refused(
        harness_.call(delegator_,
                      call_data(signature::kDelegate, abi::Writer{}.address(test_address(7))),
                      {.value = U256{1}}),
        "no such validator");
    expect_refused(harness_.call(delegator_, data), "value is 0");
    EXPECT_EQ(balance(delegator_), U256{1'000'000 - 500});
}

TEST_F(StakingContractTest, UndelegateQueuesAndWithdrawPaysAfterThePeriod) {
    ASSERT_EQ(create(op_, 0, 5000).status, evm::Status::kSuccess);
    ASSERT_EQ(harness_
                  .call(delegator_, call_data(signature::kDelegate, abi::Writer{}.address(op_)),
                        {.value = U256{800}})
                  .status,
              evm::Status::kSuccess);
    const auto undelegate = [&](std::uint64_t amount, std::uint64_t at) {
        return harness_.call(
            delegator_, call_data(signature::kUndelegate, abi::Writer{}.address(op_).uint(amount)),
            {.timestamp = at});
    };
    const auto withdraw = [&](std::uint64_t at) {
        return harness_.call(delegator_, call_data(signature::kWithdraw), {.timestamp = at});
    };
    expect_refused(undelegate(801, kStart), "amount above the delegation");
    expect_refused(undelegate(0, kStart), "amount is 0");
    auto result = undelegate(300, kStart);
    ASSERT_EQ(result.status, evm::Status::kSuccess) << result.reason;
    EXPECT_EQ(abi::Reader{result.output}.word(0), U256{kStart + 100});
    ASSERT_EQ(result.logs.size(), 1u);
    EXPECT_EQ(result.logs[0].topics[0], abi::event_topic(signature::kUndelegated));
    ASSERT_EQ(undelegate(200, kStart + 50).status, evm::Status::kSuccess);
    expect_refused(undelegate(100, kStart + 50), "too many unbonding entries");

    EXPECT_EQ(delegation(delegator_, op_), U256{300});
    auto totals = view(signature::kGetTotals);
    EXPECT_EQ(word(totals, 0), U256{5300});
    EXPECT_EQ(word(totals, 1), U256{500});
    EXPECT_EQ(word(view(signature::kUnbondingCount, abi::Writer{}.address(delegator_)), 0),
              U256{2});
    const auto entry_result =
        view(signature::kGetUnbonding, abi::Writer{}.address(delegator_).uint(1));
    const abi::Reader entry{entry_result.output};
    EXPECT_EQ(entry.address(0), op_);
    EXPECT_EQ(entry.word(1), U256{200});
    EXPECT_EQ(entry.word(2), U256{kStart + 150});
    EXPECT_EQ(entry.word(3), U256{1});  // creation height: the harness's block

    // Before the first entry matures nothing is paid; then one entry, then the other.
    expect_refused(withdraw(kStart + 99), "no unbonding entry has matured");
    result = withdraw(kStart + 100);
    ASSERT_EQ(result.status, evm::Status::kSuccess) << result.reason;
    EXPECT_EQ(abi::Reader{result.output}.word(0), U256{300});
    EXPECT_EQ(balance(delegator_), U256{1'000'000 - 800 + 300});
    ASSERT_EQ(result.logs.size(), 1u);
    EXPECT_EQ(result.logs[0].topics[0], abi::event_topic(signature::kWithdrawn));
    EXPECT_EQ(word(view(signature::kUnbondingCount, abi::Writer{}.address(delegator_)), 0),
              U256{1});
    expect_refused(withdraw(kStart + 149), "no unbonding entry has matured");
    ASSERT_EQ(withdraw(kStart + 150).status, evm::Status::kSuccess);
    EXPECT_EQ(balance(delegator_), U256{1'000'000 - 300});
    EXPECT_EQ(balance(staking_address()), U256{5300});
    totals = view(signature::kGetTotals);
    EXPECT_EQ(word(totals, 1), U256{});
    expect_refused(withdraw(kStart + 1000), "no unbonding entry has matured");
}

TEST_F(StakingContractTest, WithdrawTakesEveryMaturedEntryAtOnce) {
    ASSERT_EQ(create(op_, 0, 5000).status, evm::Status::kSuccess);
    for (std::uint64_t amount : {100u, 200u}) {
        ASSERT_EQ(harness_
                      .call(op_, call_data(signature::kUndelegate,
                                           abi::Writer{}.address(op_).uint(amount)))
                      .status,
                  evm::Status::kSuccess);
    }
    const auto result =
        harness_.call(op_, call_data(signature::kWithdraw), {.timestamp = kStart + 100});
    ASSERT_EQ(result.status, evm::Status::kSuccess) << result.reason;
    EXPECT_EQ(abi::Reader{result.output}.word(0), U256{300});
    EXPECT_EQ(word(view(signature::kUnbondingCount, abi::Writer{}.address(op_)), 0), U256{});
}

TEST_F(StakingContractTest, RefusesPlainValueUnknownFunctionsAndMisuse) {
    ASSERT_EQ(create(op_, 0, 5000).status, evm::Status::kSuccess);
    expect_refused(harness_.call(delegator_, {}, {.value = U256{10}}),
                   "plain transfers are refused");
    expect_refused(harness_.call(delegator_, {0xde, 0xad, 0xbe, 0xef}, {.value = U256{10}}),
                   "unknown function");
    expect_refused(harness_.call(delegator_, call_data(signature::kWithdraw), {.value = U256{10}}),
                   "not payable");
    expect_refused(harness_.call(delegator_, call_data(signature::kGetTotals), {.value = U256{10}}),
                   "not payable");
    expect_refused(
        harness_.call(delegator_, call_data(signature::kDelegate, abi::Writer{}.address(op_)),
                      {.is_static = true}),
        "static call");
    expect_refused(harness_.call(delegator_, call_data(signature::kGetTotals),
                                 {.kind = evm::CallKind::kDelegateCall}),
                   "called directly");
    EXPECT_EQ(balance(delegator_), U256{1'000'000});
    EXPECT_EQ(balance(staking_address()), U256{5000});
}

TEST_F(StakingContractTest, RunsOutOfGasWithoutChangingAnything) {
    const AccountKey& key = consensus_key(0);
    const Bytes data =
        create_validator_data(key, proof_of_possession(key, op_, kChainId), reward_, 5);
    const auto result = harness_.call(op_, data, {.value = U256{5000}, .gas = 200'000});
    EXPECT_EQ(result.status, evm::Status::kOutOfGas);
    EXPECT_EQ(result.gas_used, 200'000);
    EXPECT_EQ(balance(op_), U256{1'000'000});
    EXPECT_EQ(harness_.world().storage(staking_address(), U256{slot::kValidatorCount}), U256{});
    // A view costs the call plus its reads.
    const auto totals = view(signature::kGetTotals);
    EXPECT_EQ(totals.gas_used, gas::kCall + 3 * gas::kLoad);
}

TEST_F(StakingContractTest, ViewsReportParamsAndRangeErrors) {
    const auto params = view(signature::kGetParams);
    ASSERT_EQ(params.status, evm::Status::kSuccess);
    EXPECT_EQ(word(params, 0), U256{1000});
    EXPECT_EQ(word(params, 1), U256{3});
    EXPECT_EQ(word(params, 2), U256{100});
    EXPECT_EQ(word(params, 3), U256{5000});
    EXPECT_EQ(word(params, 4), U256{100});
    EXPECT_EQ(word(params, 5), U256{1000});
    EXPECT_EQ(word(params, 6), U256{10});
    EXPECT_EQ(word(params, 7), U256{2});
    expect_refused(view(signature::kValidatorAt, abi::Writer{}.uint(0)), "index out of range");
    expect_refused(view(signature::kGetUnbonding, abi::Writer{}.address(op_).uint(0)),
                   "index out of range");
    const auto missing_result = view(signature::kGetValidator, abi::Writer{}.address(op_));
    const abi::Reader missing{missing_result.output};
    EXPECT_EQ(missing.boolean(0), false);
    EXPECT_EQ(missing.bytes(2), Bytes{});
}

TEST(StakingAbi, EncodesAndDecodesStrictly) {
    const Bytes payload = {1, 2, 3};
    const Bytes encoded = abi::Writer{}.uint(7).bytes(payload).address(test_address(5)).finish();
    ASSERT_EQ(encoded.size(), 5 * 32u);  // 3 head words, length, one padded word
    const abi::Reader reader{encoded};
    EXPECT_EQ(reader.uint(0, 8), 7u);
    EXPECT_EQ(reader.bytes(1), payload);
    EXPECT_EQ(reader.address(2), test_address(5));
    EXPECT_FALSE(reader.word(5));
    EXPECT_FALSE(reader.uint(1, 5));  // the offset 96 does not fit 5 bits
    EXPECT_FALSE(reader.boolean(0));  // 7 is not a bool
    Bytes dirty = encoded;
    dirty[2 * 32 + 11] = 1;  // a high bit above the address
    EXPECT_FALSE(abi::Reader{dirty}.address(2));
    Bytes truncated(encoded.begin(), encoded.end() - 1);  // padding cut
    EXPECT_FALSE(abi::Reader{truncated}.bytes(1));
    EXPECT_EQ(evm::decode_error_string(evm::encode_error_string("no")), "no");
    EXPECT_FALSE(evm::decode_error_string(encoded));
    // Known selectors (as solc and ethers compute them).
    EXPECT_EQ(abi::selector("transfer(address,uint256)"), (abi::Selector{0xa9, 0x05, 0x9c, 0xbb}));
}

}  // namespace
}  // namespace qtm::chain::staking
