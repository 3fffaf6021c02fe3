// default_penalties(): the block step's primitives are penalties.hpp's.
#include "chain/staking/block_penalties.hpp"
#include "chain/staking/penalties.hpp"

namespace qtm::chain::staking {
namespace {

class StakingPenalties final : public Penalties {
public:
    U256 slash(Store& store, const Address& operator_address, std::uint32_t percent,
               std::uint64_t infraction_height, std::uint8_t reason) override {
        return staking::slash(store, operator_address, percent, infraction_height, reason);
    }
    void jail(Store& store, const Address& operator_address, std::uint64_t until_unix_seconds,
              std::uint8_t reason) override {
        staking::jail(store, operator_address, until_unix_seconds, reason);
    }
    void tombstone(Store& store, const Address& operator_address) override {
        staking::tombstone(store, operator_address);
    }
};

}  // namespace

Penalties& default_penalties() {
    static StakingPenalties penalties;
    return penalties;
}

}  // namespace qtm::chain::staking
