#include "staking_model_support.hpp"

#include <algorithm>

namespace qtm::chain::staking::testing {

namespace {

const U256& scale() {
    static const U256 value = [] {
        U256 out{1};
        for (int i = 0; i < 27; ++i)
            out = out * U256{10};
        return out;
    }();
    return value;
}

U256 cut(const U256& amount, std::uint32_t percent) {
    return amount * U256{percent} / U256{100};
}

}  // namespace

void StakingModel::move(const Address& from, const Address& to, const U256& amount) {
    balances[from] = balances[from] - amount;
    balances[to] = balances[to] + amount;
}

void StakingModel::settle(ModelDelegation& delegation, const ModelValidator& validator) const {
    delegation.accrued =
        delegation.accrued + delegation.shares * (validator.index - delegation.index) / scale();
    delegation.index = validator.index;
}

bool StakingModel::create(const Address& op, const Address& consensus, const Address& reward,
                          std::uint32_t commission_bps, const U256& value, std::uint64_t /*now*/) {
    if (validators.contains(op)) return false;
    for (const auto& [_, v] : validators) {
        if (v.consensus == consensus) return false;
    }
    if (value < params_.min_validator_stake || commission_bps > params_.max_commission_bps ||
        reward == Address{}) {
        return false;
    }
    validators[op] = ModelValidator{
        .op = op, .consensus = consensus, .reward = reward, .commission_bps = commission_bps};
    move(op, staking_address(), value);
    ModelValidator& v = validators[op];
    ModelDelegation& d = delegations[{op, op}];
    d.shares = value;
    d.index = v.index;
    v.shares = value;
    v.bonded = value;
    total_bonded = total_bonded + value;
    return true;
}

bool StakingModel::delegate(const Address& delegator, const Address& validator, const U256& value) {
    auto found = validators.find(validator);
    if (found == validators.end() || found->second.tombstoned || value == U256{}) return false;
    ModelValidator& v = found->second;
    if (v.bonded == U256{} && v.shares != U256{}) return false;
    const U256 minted_shares =
        (v.shares == U256{} || v.bonded == U256{}) ? value : value * v.shares / v.bonded;
    if (minted_shares == U256{}) return false;
    ModelDelegation& d = delegations[{validator, delegator}];
    settle(d, v);
    d.shares = d.shares + minted_shares;
    v.shares = v.shares + minted_shares;
    v.bonded = v.bonded + value;
    total_bonded = total_bonded + value;
    move(delegator, staking_address(), value);
    return true;
}

bool StakingModel::undelegate(const Address& delegator, const Address& validator,
                              const U256& amount, std::uint64_t now, std::uint64_t height) {
    if (amount == U256{}) return false;
    auto found = validators.find(validator);
    if (found == validators.end()) return false;
    if (queues[delegator].size() >= params_.max_unbonding_entries) return false;
    ModelValidator& v = found->second;
    ModelDelegation& d = delegations[{validator, delegator}];
    const U256 worth = v.shares == U256{} ? U256{} : d.shares * v.bonded / v.shares;
    if (worth < amount) return false;
    settle(d, v);
    U256 burned = d.shares;
    if (worth != amount) {
        const U256 product = amount * v.shares;
        burned = product / v.bonded;
        if (burned * v.bonded != product) burned = burned + U256{1};
    }
    d.shares = d.shares - burned;
    v.shares = v.shares - burned;
    v.bonded = v.bonded - amount;
    total_bonded = total_bonded - amount;
    total_unbonding = total_unbonding + amount;
    queues[delegator].push_back(
        ModelEntry{validator, amount, now + params_.unbonding_seconds, height});
    return true;
}

bool StakingModel::withdraw(const Address& delegator, std::uint64_t now) {
    auto& queue = queues[delegator];
    U256 total{};
    std::size_t matured = 0;
    for (std::size_t i = queue.size(); i-- > 0;) {
        if (queue[i].completion > now) continue;
        total = total + queue[i].amount;
        ++matured;
        queue[i] = queue.back();  // the contract's swap-remove, so that indices agree
        queue.pop_back();
    }
    if (matured == 0) return false;
    total_unbonding = total_unbonding - total;
    move(staking_address(), delegator, total);
    return true;
}

bool StakingModel::claim(const Address& delegator, const Address& validator) {
    auto found = validators.find(validator);
    if (found == validators.end()) return false;
    auto d = delegations.find({validator, delegator});
    if (d == delegations.end()) return false;
    ModelDelegation settled = d->second;  // a refused claim changes nothing
    settle(settled, found->second);
    const U256 amount = settled.accrued;
    if (amount == U256{}) return false;
    settled.accrued = U256{};
    d->second = settled;
    reward_pool = reward_pool - amount;
    move(staking_address(), delegator, amount);
    return true;
}

bool StakingModel::unjail(const Address& op, std::uint64_t now) {
    auto found = validators.find(op);
    if (found == validators.end()) return false;
    ModelValidator& v = found->second;
    if (v.tombstoned || !v.jailed || now < v.jailed_until) return false;
    v.jailed = false;
    return true;
}

U256 StakingModel::slash(const Address& op, std::uint32_t percent, std::uint64_t height) {
    percent = std::min<std::uint32_t>(percent, 100);
    auto found = validators.find(op);
    if (found == validators.end() || percent == 0) return U256{};
    ModelValidator& v = found->second;
    const U256 from_bonded = cut(v.bonded, percent);
    v.bonded = v.bonded - from_bonded;
    total_bonded = total_bonded - from_bonded;
    U256 from_unbonding{};
    for (auto& [_, queue] : queues) {
        for (auto& entry : queue) {
            if (entry.validator != op || entry.height < height) continue;
            const U256 part = cut(entry.amount, percent);
            entry.amount = entry.amount - part;
            from_unbonding = from_unbonding + part;
        }
    }
    total_unbonding = total_unbonding - from_unbonding;
    const U256 burned = from_bonded + from_unbonding;
    v.slashed = v.slashed + burned;
    total_slashed = total_slashed + burned;
    balances[staking_address()] = balances[staking_address()] - burned;
    return burned;
}

void StakingModel::jail(const Address& op, std::uint64_t until) {
    auto found = validators.find(op);
    if (found == validators.end() || found->second.tombstoned) return;
    found->second.jailed = true;
    found->second.jailed_until = std::max(found->second.jailed_until, until);
}

void StakingModel::tombstone(const Address& op) {
    auto found = validators.find(op);
    if (found == validators.end()) return;
    found->second.jailed = true;
    found->second.tombstoned = true;
    found->second.jailed_until = ~std::uint64_t{0};
}

void StakingModel::reward(const Address& consensus, const U256& amount) {
    minted = minted + amount;
    balances[staking_address()] = balances[staking_address()] + amount;
    ModelValidator* proposer = nullptr;
    for (auto& [_, v] : validators) {
        if (v.consensus == consensus) proposer = &v;
    }
    if (proposer == nullptr) {
        move(staking_address(), consensus, amount);
        return;
    }
    const U256 commission = proposer->shares == U256{}
                                ? amount
                                : amount * U256{proposer->commission_bps} / U256{10'000};
    move(staking_address(), proposer->reward, commission);
    const U256 rest = amount - commission;
    if (rest == U256{}) return;
    proposer->index = proposer->index + rest * scale() / proposer->shares;
    reward_pool = reward_pool + rest;
}

U256 StakingModel::value(const Address& delegator, const Address& validator) const {
    const auto v = validators.find(validator);
    const auto d = delegations.find({validator, delegator});
    if (v == validators.end() || d == delegations.end() || v->second.shares == U256{}) {
        return U256{};
    }
    return d->second.shares * v->second.bonded / v->second.shares;
}

U256 StakingModel::pending(const Address& delegator, const Address& validator) const {
    const auto v = validators.find(validator);
    const auto d = delegations.find({validator, delegator});
    if (v == validators.end() || d == delegations.end()) return U256{};
    ModelDelegation copy = d->second;
    settle(copy, v->second);
    return copy.accrued;
}

std::vector<std::pair<Address, std::uint64_t>> StakingModel::active_set() const {
    const U256 wei_per_qtm = qtm_to_wei(1);
    std::vector<const ModelValidator*> eligible;
    for (const auto& [_, v] : validators) {
        if (v.jailed || v.tombstoned || v.bonded < params_.min_validator_stake) continue;
        if (v.bonded / wei_per_qtm == U256{}) continue;
        eligible.push_back(&v);
    }
    std::sort(eligible.begin(), eligible.end(), [](const auto* a, const auto* b) {
        if (a->bonded != b->bonded) return a->bonded > b->bonded;
        return a->op < b->op;
    });
    if (eligible.size() > params_.max_validators) eligible.resize(params_.max_validators);
    std::vector<std::pair<Address, std::uint64_t>> out;
    for (const auto* v : eligible)
        out.emplace_back(v->consensus, (v->bonded / wei_per_qtm)[0]);
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace qtm::chain::staking::testing
