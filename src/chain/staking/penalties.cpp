#include "chain/staking/penalties.hpp"

#include <algorithm>
#include <limits>

#include "chain/staking/abi.hpp"
#include "chain/staking/contract.hpp"
#include "chain/staking/pool.hpp"

namespace qtm::chain::staking {

namespace {

U256 percent_of(const U256& amount, std::uint32_t percent) {
    return amount * U256{percent} / U256{100};
}

// Moves `amount` out of the staking address's balance to `to`.
void pay(Store& store, const Address& to, const U256& amount) {
    if (amount == U256{}) return;
    state::WorldState& world = store.meter().state();
    world.sub_balance(store.meter().self(), amount);
    world.add_balance(to, amount);
}

// The part of the validator's unbonding entries created at or after `height` that the
// slash burns (the entries are lowered).
U256 slash_unbonding(Store& store, const Address& validator, std::uint32_t percent,
                     std::uint64_t height) {
    U256 burned{};
    const std::uint64_t delegators = store.unbonder_count(validator);
    for (std::uint64_t i = 0; i < delegators; ++i) {
        const Address delegator = store.unbonder_at(validator, i);
        const std::uint64_t entries = store.unbonding_count(delegator);
        for (std::uint64_t j = 0; j < entries; ++j) {
            const UnbondingEntry entry = store.unbonding(delegator, j);
            if (entry.validator != validator || entry.creation_height < height) continue;
            const U256 cut = percent_of(entry.amount, percent);
            if (cut == U256{}) continue;
            store.set_unbonding_amount(delegator, j, entry.amount - cut);
            burned = burned + cut;
        }
    }
    return burned;
}

Hash32 validator_topic(const Address& operator_address) {
    return abi::word_topic(abi::address_word(operator_address));
}

}  // namespace

std::optional<Address> operator_of_consensus(Store& store, const Address& consensus_address) {
    return store.operator_of(consensus_address);
}

U256 slash(Store& store, const Address& operator_address, std::uint32_t percent,
           std::uint64_t infraction_height, std::uint8_t reason) {
    percent = std::min<std::uint32_t>(percent, 100);
    const auto record = store.validator_summary(operator_address);
    if (!record || percent == 0) return U256{};
    const U256 from_bonded = percent_of(record->bonded, percent);
    store.set_bonded(operator_address, record->bonded - from_bonded);
    store.set_total_bonded(store.total_bonded() - from_bonded);
    const U256 from_unbonding =
        slash_unbonding(store, operator_address, percent, infraction_height);
    store.set_total_unbonding(store.total_unbonding() - from_unbonding);
    const U256 burned = from_bonded + from_unbonding;
    store.set_validator_slashed(operator_address,
                                store.validator_slashed(operator_address) + burned);
    store.set_total_slashed(store.total_slashed() + burned);
    if (burned != U256{}) store.meter().state().sub_balance(store.meter().self(), burned);
    store.meter().log({abi::event_topic(signature::kSlashed), validator_topic(operator_address)},
                      abi::Writer{}.uint(infraction_height).word(burned).uint(reason).finish());
    return burned;
}

void jail(Store& store, const Address& operator_address, std::uint64_t until_unix_seconds,
          std::uint8_t reason) {
    auto record = store.validator_summary(operator_address);
    if (!record || record->tombstoned) return;
    if (!record->jailed) {
        record->jailed = true;
        store.write_meta(*record);
    }
    const std::uint64_t until = std::max(store.jailed_until(operator_address), until_unix_seconds);
    store.set_jailed_until(operator_address, until);
    store.meter().log({abi::event_topic(signature::kJailed), validator_topic(operator_address)},
                      abi::Writer{}.uint(until).uint(reason).finish());
}

void tombstone(Store& store, const Address& operator_address) {
    auto record = store.validator_summary(operator_address);
    if (!record) return;
    record->jailed = true;
    record->tombstoned = true;
    store.write_meta(*record);
    store.set_jailed_until(operator_address, std::numeric_limits<std::uint64_t>::max());
    store.meter().log({abi::event_topic(signature::kTombstoned), validator_topic(operator_address)},
                      {});
}

void distribute_block_reward(Store& store, const Address& proposer_consensus_address,
                             const U256& amount) {
    const auto operator_address = store.operator_of(proposer_consensus_address);
    const auto record =
        operator_address ? store.validator_summary(*operator_address) : std::nullopt;
    if (!record) {
        pay(store, proposer_consensus_address, amount);
        return;
    }
    const U256 commission =
        record->shares == U256{} ? amount : amount * U256{record->commission_bps} / U256{10'000};
    pay(store, record->reward_address, commission);
    const U256 rest = amount - commission;
    if (rest == U256{}) return;
    store.set_reward_index(
        *operator_address,
        index_after_reward(store.reward_index(*operator_address), rest, record->shares));
    store.set_reward_pool(store.reward_pool() + rest);
}

}  // namespace qtm::chain::staking
