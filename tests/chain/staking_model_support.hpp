// A reference model of the staking contract's economics for the property test: plain maps
// and the documented integer rounding (docs/staking.md), written independently of
// src/chain/staking. Each operation says whether the contract must accept it and, if so,
// applies its effects, value movements included.
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "base/bytes.hpp"
#include "base/u256.hpp"
#include "chain/chain_spec.hpp"

namespace qtm::chain::staking::testing {

struct ModelValidator {
    Address op{};
    Address consensus{};
    Address reward{};
    std::uint32_t commission_bps{0};
    U256 bonded{};
    U256 shares{};
    U256 index{};
    U256 slashed{};
    bool jailed{false};
    bool tombstoned{false};
    std::uint64_t jailed_until{0};
};

struct ModelDelegation {
    U256 shares{};
    U256 index{};
    U256 accrued{};
};

struct ModelEntry {
    Address validator{};
    U256 amount{};
    std::uint64_t completion{0};
    std::uint64_t height{0};
};

class StakingModel {
public:
    explicit StakingModel(StakingParams params) : params_{std::move(params)} {}

    // Accounts' balances; the staking address's included.
    std::map<Address, U256> balances;
    std::map<Address, ModelValidator> validators;                        // by operator
    std::map<std::pair<Address, Address>, ModelDelegation> delegations;  // (validator, delegator)
    std::map<Address, std::vector<ModelEntry>> queues;
    U256 total_bonded{};
    U256 total_unbonding{};
    U256 reward_pool{};
    U256 total_slashed{};
    U256 minted{};

    bool create(const Address& op, const Address& consensus, const Address& reward,
                std::uint32_t commission_bps, const U256& value, std::uint64_t now);
    bool delegate(const Address& delegator, const Address& validator, const U256& value);
    bool undelegate(const Address& delegator, const Address& validator, const U256& amount,
                    std::uint64_t now, std::uint64_t height);
    bool withdraw(const Address& delegator, std::uint64_t now);
    bool claim(const Address& delegator, const Address& validator);
    bool unjail(const Address& op, std::uint64_t now);
    U256 slash(const Address& op, std::uint32_t percent, std::uint64_t height);
    void jail(const Address& op, std::uint64_t until);
    void tombstone(const Address& op);
    // A block's reward minted into the staking address and distributed.
    void reward(const Address& consensus, const U256& amount);

    [[nodiscard]] U256 value(const Address& delegator, const Address& validator) const;
    [[nodiscard]] U256 pending(const Address& delegator, const Address& validator) const;
    // (consensus address, voting power) of the active set, by address.
    [[nodiscard]] std::vector<std::pair<Address, std::uint64_t>> active_set() const;

private:
    void settle(ModelDelegation& delegation, const ModelValidator& validator) const;
    void move(const Address& from, const Address& to, const U256& amount);

    StakingParams params_;
};

}  // namespace qtm::chain::staking::testing
