// Test support for the staking economics (shares, rewards, penalties): a StakingHarness with
// validators created from the test consensus keys, the contract's functions as one-line
// calls at a given block (height and time), its views decoded, and the block-level
// primitives (penalties.hpp) run on the harness's state as the executor runs them.
#pragma once

#include <cstdint>

#include "chain/staking/penalties.hpp"
#include "chain/staking/store.hpp"
#include "staking_support.hpp"

namespace qtm::chain::staking::testing {

// The validator's getValidator() fields this helper reads.
struct ValidatorView {
    bool exists{false};
    Address consensus{};
    U256 bonded{};
    bool jailed{false};
    U256 shares{};
    std::uint64_t jailed_until{0};
    bool tombstoned{false};
    U256 total_slashed{};
};

class EconHarness {
public:
    explicit EconHarness(ContractParams params) : harness_{std::move(params)} {}

    // The block the next calls run in.
    void at(std::int64_t number, std::uint64_t timestamp) {
        number_ = number;
        timestamp_ = timestamp;
    }
    void fund(const Address& account, const U256& amount);

    // createValidator with consensus_key(key_index), paying `value`.
    CallResult create(const Address& op, std::uint32_t key_index, const U256& value,
                      const Address& reward, std::uint64_t commission_bps);
    CallResult delegate(const Address& delegator, const Address& validator, const U256& value);
    CallResult undelegate(const Address& delegator, const Address& validator, const U256& amount);
    CallResult withdraw(const Address& delegator);
    CallResult claim(const Address& delegator, const Address& validator);
    CallResult unjail(const Address& op);

    U256 delegation(const Address& delegator, const Address& validator);
    U256 pending(const Address& delegator, const Address& validator);
    ValidatorView validator(const Address& op);

    // The block-level primitives on the state, each ended like the executor's block end.
    U256 slash(const Address& op, std::uint32_t percent, std::uint64_t infraction_height);
    void jail(const Address& op, std::uint64_t until);
    void tombstone(const Address& op);
    // Mints `amount` into the staking address and distributes it (as a block's reward).
    void reward_block(const Address& proposer_consensus, const U256& amount);

    // Reads through an unlimited meter (for totals and the index).
    template <typename F>
    auto with_store(F&& f) {
        Meter meter{harness_.world(), staking_address(), Meter::kUnlimited};
        Store store{meter};
        return f(store);
    }

    U256 balance(const Address& account) { return harness_.world().balance(account); }
    StakingHarness& harness() { return harness_; }

private:
    CallResult send(const Address& sender, const Bytes& data, const U256& value,
                    bool is_static = false);

    StakingHarness harness_;
    std::int64_t number_{1};
    std::uint64_t timestamp_{1'000'000};
};

}  // namespace qtm::chain::staking::testing
