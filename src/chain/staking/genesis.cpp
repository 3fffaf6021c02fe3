#include "chain/staking/genesis.hpp"

#include <stdexcept>

#include "chain/staking/pool.hpp"
#include "chain/staking/store.hpp"

namespace qtm::chain::staking {

void register_genesis_validators(state::WorldState& world, const ChainSpec& spec) {
    Meter meter{world, staking_address(), Meter::kUnlimited};
    Store store{meter};
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
        // The spec refuses a stake below the minimum, so the bond cannot be refused.
        if (validator.stake != U256{} && !bond(store, record, validator.address, validator.stake)) {
            throw std::logic_error("genesis validator stake refused");
        }
    }
}

}  // namespace qtm::chain::staking
