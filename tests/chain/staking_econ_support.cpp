#include "staking_econ_support.hpp"

namespace qtm::chain::staking::testing {

void EconHarness::fund(const Address& account, const U256& amount) {
    harness_.world().add_balance(account, amount);
    (void)harness_.world().finalize_transaction();
}

CallResult EconHarness::send(const Address& sender, const Bytes& data, const U256& value,
                             bool is_static) {
    return harness_.call(
        sender, data,
        {.value = value, .timestamp = timestamp_, .number = number_, .is_static = is_static});
}

CallResult EconHarness::create(const Address& op, std::uint32_t key_index, const U256& value,
                               const Address& reward, std::uint64_t commission_bps) {
    const AccountKey& key = consensus_key(key_index);
    return send(op,
                create_validator_data(key, proof_of_possession(key, op, harness_.params().chain_id),
                                      reward, commission_bps),
                value);
}

CallResult EconHarness::delegate(const Address& delegator, const Address& validator,
                                 const U256& value) {
    return send(delegator, call_data(signature::kDelegate, abi::Writer{}.address(validator)),
                value);
}

CallResult EconHarness::undelegate(const Address& delegator, const Address& validator,
                                   const U256& amount) {
    return send(delegator,
                call_data(signature::kUndelegate, abi::Writer{}.address(validator).word(amount)),
                U256{});
}

CallResult EconHarness::withdraw(const Address& delegator) {
    return send(delegator, call_data(signature::kWithdraw), U256{});
}

CallResult EconHarness::claim(const Address& delegator, const Address& validator) {
    return send(delegator, call_data(signature::kClaimRewards, abi::Writer{}.address(validator)),
                U256{});
}

CallResult EconHarness::unjail(const Address& op) {
    return send(op, call_data(signature::kUnjail), U256{});
}

U256 EconHarness::delegation(const Address& delegator, const Address& validator) {
    const auto result = send(
        delegator,
        call_data(signature::kGetDelegation, abi::Writer{}.address(delegator).address(validator)),
        U256{}, true);
    return abi::Reader{result.output}.word(0).value_or(U256::max());
}

U256 EconHarness::pending(const Address& delegator, const Address& validator) {
    const auto result = send(
        delegator,
        call_data(signature::kPendingRewards, abi::Writer{}.address(delegator).address(validator)),
        U256{}, true);
    return abi::Reader{result.output}.word(0).value_or(U256::max());
}

ValidatorView EconHarness::validator(const Address& op) {
    const auto result =
        send(op, call_data(signature::kGetValidator, abi::Writer{}.address(op)), U256{}, true);
    const abi::Reader reader{result.output};
    ValidatorView out;
    out.exists = reader.boolean(0).value_or(false);
    out.consensus = reader.address(3).value_or(Address{});
    out.bonded = reader.word(6).value_or(U256{});
    out.jailed = reader.boolean(7).value_or(false);
    out.shares = reader.word(8).value_or(U256{});
    out.jailed_until = reader.uint(9, 64).value_or(0);
    out.tombstoned = reader.boolean(10).value_or(false);
    out.total_slashed = reader.word(11).value_or(U256{});
    return out;
}

U256 EconHarness::slash(const Address& op, std::uint32_t percent, std::uint64_t infraction_height) {
    const U256 burned = with_store([&](Store& store) {
        return staking::slash(store, op, percent, infraction_height, kReasonDoubleSign);
    });
    (void)harness_.world().finalize_transaction();
    return burned;
}

void EconHarness::jail(const Address& op, std::uint64_t until) {
    with_store([&](Store& store) { staking::jail(store, op, until, kReasonDowntime); });
    (void)harness_.world().finalize_transaction();
}

void EconHarness::tombstone(const Address& op) {
    with_store([&](Store& store) { staking::tombstone(store, op); });
    (void)harness_.world().finalize_transaction();
}

void EconHarness::reward_block(const Address& proposer_consensus, const U256& amount) {
    harness_.world().add_balance(staking_address(), amount);
    with_store([&](Store& store) { distribute_block_reward(store, proposer_consensus, amount); });
    (void)harness_.world().finalize_transaction();
}

}  // namespace qtm::chain::staking::testing
