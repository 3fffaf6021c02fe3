// The staking contract's views: read-only, callable with STATICCALL and eth_call.
#include "chain/staking/call.hpp"
#include "chain/staking/pool.hpp"

namespace qtm::chain::staking {

namespace {
const Outcome kMalformed = unexpected(std::string{"staking: malformed arguments"});
}  // namespace

Outcome get_validator(Call& call) {
    const auto who = call.args.address(0);
    if (!who) return kMalformed;
    const auto record = call.store.validator(*who);
    abi::Writer out;
    if (!record) {
        out.boolean(false).uint(0).bytes({}).address({}).address({}).uint(0).uint(0).boolean(false);
        out.uint(0).uint(0).boolean(false).uint(0);
        return out.finish();
    }
    out.boolean(true)
        .uint(crypto::to_byte(record->scheme))
        .bytes(record->public_key)
        .address(record->consensus_address)
        .address(record->reward_address)
        .uint(record->commission_bps)
        .word(record->bonded)
        .boolean(record->jailed)
        .word(record->shares)
        .uint(call.store.jailed_until(*who))
        .boolean(record->tombstoned)
        .word(call.store.validator_slashed(*who));
    return out.finish();
}

Outcome validator_count(Call& call) {
    return abi::Writer{}.uint(call.store.validator_count()).finish();
}

Outcome validator_at(Call& call) {
    const auto index = call.args.word(0);
    if (!index) return kMalformed;
    const std::uint64_t count = call.store.validator_count();
    if (!index->fits_uint64() || (*index)[0] >= count) return revert("index out of range");
    return abi::Writer{}.address(call.store.validator_at((*index)[0])).finish();
}

Outcome get_delegation(Call& call) {
    const auto delegator = call.args.address(0);
    const auto validator = call.args.address(1);
    if (!delegator || !validator) return kMalformed;
    return abi::Writer{}.word(delegation_value(call.store, *validator, *delegator)).finish();
}

Outcome pending_rewards_view(Call& call) {
    const auto delegator = call.args.address(0);
    const auto validator = call.args.address(1);
    if (!delegator || !validator) return kMalformed;
    return abi::Writer{}.word(delegation_rewards(call.store, *validator, *delegator)).finish();
}

Outcome unbonding_count(Call& call) {
    const auto delegator = call.args.address(0);
    if (!delegator) return kMalformed;
    return abi::Writer{}.uint(call.store.unbonding_count(*delegator)).finish();
}

Outcome get_unbonding(Call& call) {
    const auto delegator = call.args.address(0);
    const auto index = call.args.word(1);
    if (!delegator || !index) return kMalformed;
    if (!index->fits_uint64() || (*index)[0] >= call.store.unbonding_count(*delegator)) {
        return revert("index out of range");
    }
    const UnbondingEntry entry = call.store.unbonding(*delegator, (*index)[0]);
    return abi::Writer{}
        .address(entry.validator)
        .word(entry.amount)
        .uint(entry.completion_time)
        .uint(entry.creation_height)
        .finish();
}

Outcome get_totals(Call& call) {
    return abi::Writer{}
        .word(call.store.total_bonded())
        .word(call.store.total_unbonding())
        .uint(call.store.validator_count())
        .finish();
}

Outcome get_params(Call& call) {
    const StakingParams& p = call.params.staking;
    return abi::Writer{}
        .word(p.min_validator_stake)
        .uint(p.max_validators)
        .uint(p.unbonding_seconds)
        .uint(p.max_commission_bps)
        .uint(p.max_commission_change_bps)
        .uint(p.commission_change_interval_seconds)
        .uint(call.params.epoch_length)
        .uint(p.max_unbonding_entries)
        .finish();
}

}  // namespace qtm::chain::staking
