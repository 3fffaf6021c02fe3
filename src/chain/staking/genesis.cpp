#include "chain/staking/genesis.hpp"

#include "chain/staking/store.hpp"

namespace qtm::chain::staking {

void register_genesis_validators(state::WorldState& world, const ChainSpec& spec) {
    Meter meter{world, staking_address(), Meter::kUnlimited};
    Store store{meter};
    U256 total{};
    for (const auto& validator : spec.validators) {
        ValidatorRecord record;
        record.operator_address = validator.address;
        record.scheme = validator.scheme;
        record.public_key = validator.public_key;
        record.consensus_address = validator.address;
        record.reward_address =
            validator.reward_address == Address{} ? validator.address : validator.reward_address;
        record.commission_bps = validator.commission_bps;
        record.last_commission_change = spec.genesis_time;
        store.add_validator(record);
        store.set_delegation(validator.address, validator.address, validator.stake);
        store.set_bonded(validator.address, validator.stake);
        total = total + validator.stake;
    }
    store.set_total_bonded(total);
}

}  // namespace qtm::chain::staking
