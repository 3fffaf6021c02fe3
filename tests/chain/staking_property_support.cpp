// What is checked after every block:
// - each validator's getValidator fields (bonded, shares, jailed, jailedUntil, tombstoned,
//   totalSlashed), each delegation's getDelegation value and pendingRewards, each unbonding
//   entry, and every account's balance agree with the model;
// - the contract's totals (bonded, unbonding, slashed, reward pool) agree with the model;
// - the active set (select_active_set) is the model's top maxValidators;
// - supply: the sum of all balances (the staking address's included) = the initial supply +
//   minted - burned (slashed; the harness charges no gas, so no base fee is burned here:
//   staking_block_reward_test covers the executor's burn);
// - the staking address's balance = bonded + unbonding + reward pool, and the reward pool
//   >= the sum of pending rewards (the difference is the documented rounding dust).
#include "staking_property_support.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "chain/staking/active_set.hpp"
#include "staking_econ_support.hpp"
#include "staking_model_support.hpp"

namespace qtm::chain::staking::testing {

namespace {

constexpr int kUsers = 6;       // addresses 1..6; users 1..4 may become validators
constexpr int kValidators = 4;  // the test consensus keys
constexpr std::uint64_t kBlockSeconds = 5;

ContractParams property_params() {
    ContractParams params;
    params.chain_id = 7357;
    params.epoch_length = 10;
    params.staking.min_validator_stake = qtm_to_wei(10);
    params.staking.max_validators = 3;
    params.staking.unbonding_seconds = 30;
    params.staking.max_commission_bps = 5000;
    params.staking.max_unbonding_entries = 3;
    return params;
}

Address user(int i) {
    return test_address(static_cast<std::uint8_t>(i));
}
Address reward_address(int i) {
    return test_address(static_cast<std::uint8_t>(0x90 + i));
}

class Run {
public:
    Run(const PropertyRun& run)
        : run_{run}, rng_{run.seed}, econ_{property_params()}, model_{property_params().staking} {
        for (int i = 1; i <= kUsers; ++i) {
            econ_.fund(user(i), qtm_to_wei(1000));
            model_.balances[user(i)] = qtm_to_wei(1000);
            initial_ = initial_ + qtm_to_wei(1000);
        }
        for (int i = 0; i < kValidators; ++i)
            model_.balances[reward_address(i)] = U256{};
        model_.balances[staking_address()] = U256{};
        model_.balances[stranger_] = U256{};
    }

    int go() {
        for (int block = 1; block <= run_.blocks; ++block) {
            height_ = static_cast<std::uint64_t>(block);
            now_ += kBlockSeconds;
            econ_.at(block, now_);
            for (int i = 0; i < run_.operations_per_block; ++i)
                operate();
            end_block();
            check("block " + std::to_string(block));
            if (::testing::Test::HasFailure()) break;
        }
        return accepted_;
    }

private:
    std::uint64_t pick(std::uint64_t n) {
        return std::uniform_int_distribution<std::uint64_t>{0, n - 1}(rng_);
    }
    // Amounts from a wei to ~60 QTM with random low digits, so that rounding shows.
    U256 amount() {
        switch (pick(4)) {
            case 0:
                return U256{1 + pick(1000)};
            case 1:
                return qtm_to_wei(pick(10)) + U256{pick(1'000'000'007)};
            default:
                return qtm_to_wei(1 + pick(60)) + U256{pick(999'999'999'999)};
        }
    }
    Address any_validator() {
        // Mostly a validator; sometimes an address that is not one.
        return pick(8) == 0 ? user(5) : user(1 + static_cast<int>(pick(kValidators)));
    }
    Address any_user() { return user(1 + static_cast<int>(pick(kUsers))); }

    void expect(bool model_accepts, const CallResult& result, const char* what) {
        const bool accepted = result.status == evm::Status::kSuccess;
        EXPECT_EQ(accepted, model_accepts)
            << what << " at height " << height_ << " (seed " << run_.seed << "): " << result.reason;
        if (accepted) ++accepted_;
    }

    void operate() {
        switch (pick(10)) {
            case 0: {
                const int i = static_cast<int>(pick(kValidators));
                const Address op = user(1 + i);
                U256 value = amount() + qtm_to_wei(5);
                if (value > model_.balances[op]) value = model_.balances[op];
                const auto commission = static_cast<std::uint32_t>(pick(6000));
                const bool ok =
                    model_.create(op, consensus_key(static_cast<std::uint32_t>(i)).address(),
                                  reward_address(i), commission, value, now_);
                expect(ok,
                       econ_.create(op, static_cast<std::uint32_t>(i), value, reward_address(i),
                                    commission),
                       "createValidator");
                return;
            }
            case 1:
            case 2: {
                const Address d = any_user();
                const Address v = any_validator();
                U256 value = amount();
                if (value > model_.balances[d]) value = model_.balances[d];
                expect(model_.delegate(d, v, value), econ_.delegate(d, v, value), "delegate");
                return;
            }
            case 3:
            case 4: {
                const Address d = any_user();
                const Address v = any_validator();
                const U256 worth = model_.value(d, v);
                U256 value;
                switch (pick(3)) {
                    case 0:
                        value = worth;
                        break;  // all of it
                    case 1:
                        value = worth / U256{1 + pick(4)};
                        break;
                    default:
                        value = amount();
                        break;
                }
                expect(model_.undelegate(d, v, value, now_, height_), econ_.undelegate(d, v, value),
                       "undelegate");
                return;
            }
            case 5: {
                const Address d = any_user();
                expect(model_.withdraw(d, now_), econ_.withdraw(d), "withdraw");
                return;
            }
            case 6: {
                const Address d = any_user();
                const Address v = any_validator();
                expect(model_.claim(d, v), econ_.claim(d, v), "claimRewards");
                return;
            }
            case 7: {
                const Address op = any_validator();
                expect(model_.unjail(op, now_), econ_.unjail(op), "unjail");
                return;
            }
            case 8: {
                // Penalties are block-level: as the executor would apply them.
                const Address op = any_validator();
                const auto what = pick(10);
                if (what < 5) {
                    const auto percent = static_cast<std::uint32_t>(1 + pick(what == 0 ? 100 : 10));
                    const std::uint64_t infraction = pick(height_ + 1);
                    EXPECT_EQ(econ_.slash(op, percent, infraction),
                              model_.slash(op, percent, infraction))
                        << "slash at height " << height_ << " (seed " << run_.seed << ")";
                } else if (what < 9) {
                    const std::uint64_t until = now_ + pick(40);
                    econ_.jail(op, until);
                    model_.jail(op, until);
                } else if (pick(4) == 0) {
                    econ_.tombstone(op);
                    model_.tombstone(op);
                }
                return;
            }
            default:
                return;  // an empty slot: blocks without transactions happen
        }
    }

    void end_block() {
        // The proposer: mostly a validator's consensus key, sometimes none registered.
        const auto which = pick(kValidators + 1);
        const Address proposer = which == kValidators
                                     ? stranger_
                                     : consensus_key(static_cast<std::uint32_t>(which)).address();
        const U256 reward = qtm_to_wei(1) + U256{pick(1'000'000'000)};
        econ_.reward_block(proposer, reward);
        model_.reward(proposer, reward);
    }

    void check(const std::string& where) {
        SCOPED_TRACE(where + " (seed " + std::to_string(run_.seed) + ")");
        U256 sum_balances{};
        for (const auto& [account, expected] : model_.balances) {
            EXPECT_EQ(econ_.balance(account), expected);
            sum_balances = sum_balances + econ_.balance(account);
        }
        EXPECT_EQ(sum_balances, initial_ + model_.minted - model_.total_slashed);
        U256 sum_pending{};
        for (const auto& [op, v] : model_.validators) {
            const ValidatorView view = econ_.validator(op);
            EXPECT_TRUE(view.exists);
            EXPECT_EQ(view.bonded, v.bonded);
            EXPECT_EQ(view.shares, v.shares);
            EXPECT_EQ(view.jailed, v.jailed);
            EXPECT_EQ(view.jailed_until, v.jailed_until);
            EXPECT_EQ(view.tombstoned, v.tombstoned);
            EXPECT_EQ(view.total_slashed, v.slashed);
            for (int i = 1; i <= kUsers; ++i) {
                EXPECT_EQ(econ_.delegation(user(i), op), model_.value(user(i), op));
                const U256 pending = model_.pending(user(i), op);
                EXPECT_EQ(econ_.pending(user(i), op), pending);
                sum_pending = sum_pending + pending;
            }
        }
        econ_.with_store([&](Store& store) {
            EXPECT_EQ(store.total_bonded(), model_.total_bonded);
            EXPECT_EQ(store.total_unbonding(), model_.total_unbonding);
            EXPECT_EQ(store.total_slashed(), model_.total_slashed);
            EXPECT_EQ(store.reward_pool(), model_.reward_pool);
            for (const auto& [delegator, queue] : model_.queues) {
                ASSERT_EQ(store.unbonding_count(delegator), queue.size());
                for (std::size_t j = 0; j < queue.size(); ++j) {
                    const UnbondingEntry entry = store.unbonding(delegator, j);
                    EXPECT_EQ(entry.validator, queue[j].validator);
                    EXPECT_EQ(entry.amount, queue[j].amount);
                    EXPECT_EQ(entry.completion_time, queue[j].completion);
                    EXPECT_EQ(entry.creation_height, queue[j].height);
                }
            }
        });
        EXPECT_EQ(econ_.balance(staking_address()),
                  model_.total_bonded + model_.total_unbonding + model_.reward_pool);
        EXPECT_GE(model_.reward_pool, sum_pending);  // the rest is rounding dust

        const auto expected_set = model_.active_set();
        const auto set = select_active_set(econ_.harness().world(), property_params().staking);
        if (expected_set.empty()) {
            EXPECT_FALSE(set.has_value());
        } else {
            ASSERT_TRUE(set.has_value()) << to_string(set.error());
            std::vector<std::pair<Address, std::uint64_t>> got;
            for (const auto& v : set->validators())
                got.emplace_back(v.address, v.voting_power);
            std::sort(got.begin(), got.end());
            EXPECT_EQ(got, expected_set);
        }
    }

    PropertyRun run_;
    std::mt19937_64 rng_;
    EconHarness econ_;
    StakingModel model_;
    U256 initial_{};
    std::uint64_t height_{0};
    std::uint64_t now_{1'000'000};
    int accepted_{0};
    const Address stranger_ = test_address(0x77);
};

}  // namespace

int run_staking_property(const PropertyRun& run) {
    return Run{run}.go();
}

}  // namespace qtm::chain::staking::testing
