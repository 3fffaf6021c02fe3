#include "chain/staking/pool.hpp"

namespace qtm::chain::staking {

U256 shares_for_deposit(const U256& pool_shares, const U256& bonded, const U256& amount) {
    if (pool_shares == U256{} || bonded == U256{}) return amount;
    return amount * pool_shares / bonded;
}

U256 shares_for_withdrawal(const U256& pool_shares, const U256& bonded, const U256& amount) {
    if (bonded == U256{}) return pool_shares;
    const U256 product = amount * pool_shares;
    const U256 quotient = product / bonded;
    return quotient * bonded == product ? quotient : quotient + U256{1};
}

U256 value_of_shares(const U256& shares, const U256& pool_shares, const U256& bonded) {
    if (pool_shares == U256{}) return U256{};
    return shares * bonded / pool_shares;
}

U256 pending_rewards(const Delegation& delegation, const U256& index) {
    return delegation.accrued + delegation.shares * (index - delegation.index) / index_scale();
}

U256 index_after_reward(const U256& index, const U256& amount, const U256& pool_shares) {
    if (pool_shares == U256{}) return index;
    return index + amount * index_scale() / pool_shares;
}

namespace {

// The delegation with its rewards up to now moved into `accrued`.
Delegation settled(Store& store, const Address& validator, const Address& delegator) {
    Delegation delegation = store.delegation(validator, delegator);
    const U256 index = store.reward_index(validator);
    delegation.accrued = pending_rewards(delegation, index);
    delegation.index = index;
    return delegation;
}

}  // namespace

U256 delegation_value(Store& store, const Address& validator, const Address& delegator) {
    const auto record = store.validator_summary(validator);
    if (!record) return U256{};
    return value_of_shares(store.delegation(validator, delegator).shares, record->shares,
                           record->bonded);
}

U256 delegation_rewards(Store& store, const Address& validator, const Address& delegator) {
    return pending_rewards(store.delegation(validator, delegator), store.reward_index(validator));
}

Result<void, std::string> bond(Store& store, const ValidatorRecord& validator,
                               const Address& delegator, const U256& amount) {
    if (validator.bonded == U256{} && validator.shares != U256{}) {
        return unexpected(std::string{"validator's stake was slashed to zero"});
    }
    const U256 minted = shares_for_deposit(validator.shares, validator.bonded, amount);
    if (minted == U256{}) return unexpected(std::string{"amount too small for one share"});
    const Address& pool = validator.operator_address;
    Delegation delegation = settled(store, pool, delegator);
    delegation.shares = delegation.shares + minted;
    store.set_delegation(pool, delegator, delegation);
    store.set_shares(pool, validator.shares + minted);
    store.set_bonded(pool, validator.bonded + amount);
    store.set_total_bonded(store.total_bonded() + amount);
    return {};
}

Result<void, std::string> unbond(Store& store, const ValidatorRecord& validator,
                                 const Address& delegator, const U256& amount) {
    const Address& pool = validator.operator_address;
    Delegation delegation = settled(store, pool, delegator);
    const U256 value = value_of_shares(delegation.shares, validator.shares, validator.bonded);
    if (value < amount) return unexpected(std::string{"amount above the delegation"});
    // All of it: burn every share, so that no worthless remainder is left behind.
    const U256 burned = value == amount
                            ? delegation.shares
                            : shares_for_withdrawal(validator.shares, validator.bonded, amount);
    delegation.shares = delegation.shares - burned;
    store.set_delegation(pool, delegator, delegation);
    store.set_shares(pool, validator.shares - burned);
    store.set_bonded(pool, validator.bonded - amount);
    store.set_total_bonded(store.total_bonded() - amount);
    return {};
}

U256 take_rewards(Store& store, const Address& validator, const Address& delegator) {
    Delegation delegation = settled(store, validator, delegator);
    const U256 amount = delegation.accrued;
    delegation.accrued = U256{};
    store.set_delegation(validator, delegator, delegation);
    store.set_reward_pool(store.reward_pool() - amount);
    return amount;
}

}  // namespace qtm::chain::staking
