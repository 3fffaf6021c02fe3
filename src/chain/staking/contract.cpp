// The staking contract's dispatch and its state-changing functions.
#include "chain/staking/contract.hpp"

#include <algorithm>
#include <array>

#include "base/endian.hpp"
#include "chain/keys.hpp"
#include "chain/staking/call.hpp"
#include "chain/staking/pool.hpp"
#include "crypto/mldsa.hpp"
#include "evm/precompiles.hpp"
#include "evm/revert_reason.hpp"

namespace qtm::chain::staking {

Bytes pop_message(const Address& operator_address, std::uint64_t chain_id) {
    Bytes message(operator_address.begin(), operator_address.end());
    message.resize(20 + 8);
    store_be64(message.data() + 20, chain_id);
    return message;
}

ContractParams contract_params(const ChainSpec& spec) {
    return ContractParams{spec.chain_id, spec.epoch_length, spec.staking};
}

std::shared_ptr<const state::NativeContracts> native_contracts(const ChainSpec& spec) {
    auto contracts = std::make_shared<state::NativeContracts>();
    contracts->add(staking_address(), std::make_shared<StakingContract>(contract_params(spec)));
    return contracts;
}

namespace {

const Outcome kMalformed = unexpected(std::string{"staking: malformed arguments"});

std::uint64_t now(const Call& call) {
    return call.context.timestamp < 0 ? 0 : static_cast<std::uint64_t>(call.context.timestamp);
}

Hash32 topic(const Address& address) {
    return abi::word_topic(abi::address_word(address));
}

std::string commission_bound(const Call& call) {
    return "commission above the maximum of " +
           std::to_string(call.params.staking.max_commission_bps) + " basis points";
}

}  // namespace

Outcome create_validator(Call& call) {
    const auto scheme_id = call.args.uint(0, 8);
    const auto key = call.args.bytes(1);
    const auto pop = call.args.bytes(2);
    const auto reward = call.args.address(3);
    const auto commission = call.args.uint(4, 16);
    if (!scheme_id || !key || !pop || !reward || !commission) return kMalformed;
    if (*scheme_id != crypto::to_byte(crypto::SignatureScheme::kMlDsa65)) {
        return revert("consensus keys are ML-DSA-65 (scheme 2)");
    }
    constexpr auto kScheme = crypto::SignatureScheme::kMlDsa65;
    const auto sizes = crypto::signature_sizes(kScheme);
    if (key->size() != sizes.public_key) return revert("consensus key has the wrong length");
    if (pop->size() != sizes.signature) return revert("bad proof of possession");
    const Address& operator_address = call.message.sender;
    const StakingParams& params = call.params.staking;
    if (call.store.validator_exists(operator_address)) return revert("already a validator");
    const Address consensus = address_of(kScheme, *key);
    if (call.store.operator_of(consensus)) return revert("consensus key already registered");
    if (call.message.value < params.min_validator_stake) {
        return revert("self-stake below the minimum of " + params.min_validator_stake.to_decimal() +
                      " wei");
    }
    if (*commission > params.max_commission_bps) return revert(commission_bound(call));
    if (*reward == Address{}) return revert("reward address is zero");

    const Bytes message = pop_message(operator_address, call.params.chain_id);
    const std::size_t bytes = key->size() + pop->size() + message.size() + kPopContext.size();
    if (!call.meter.charge(evm::kMldsaVerifyGas65 +
                           evm::kMldsaVerifyWordGas * static_cast<std::int64_t>((bytes + 31) / 32)))
        return Bytes{};
    const ByteView context{reinterpret_cast<const std::uint8_t*>(kPopContext.data()),
                           kPopContext.size()};
    if (!crypto::verify(kScheme, *key, message, context, *pop)) {
        return revert("bad proof of possession");
    }

    ValidatorRecord record;
    record.operator_address = operator_address;
    record.scheme = kScheme;
    record.public_key = *key;
    record.consensus_address = consensus;
    record.reward_address = *reward;
    record.commission_bps = static_cast<std::uint32_t>(*commission);
    record.last_commission_change = now(call);
    call.store.add_validator(record);
    if (auto bonded = bond(call.store, record, operator_address, call.message.value); !bonded) {
        return revert(bonded.error());
    }
    call.meter.log(
        {abi::event_topic(signature::kValidatorCreated), topic(operator_address), topic(consensus)},
        abi::Writer{}.address(*reward).uint(*commission).word(call.message.value).finish());
    return Bytes{};
}

Outcome edit_validator(Call& call) {
    const auto reward = call.args.address(0);
    const auto commission = call.args.uint(1, 16);
    if (!reward || !commission) return kMalformed;
    auto record = call.store.validator_summary(call.message.sender);
    if (!record) return revert("not a validator");
    const StakingParams& params = call.params.staking;
    if (*reward == Address{}) return revert("reward address is zero");
    if (*commission > params.max_commission_bps) return revert(commission_bound(call));
    if (*commission != record->commission_bps) {
        const std::uint64_t change = *commission > record->commission_bps
                                         ? *commission - record->commission_bps
                                         : record->commission_bps - *commission;
        if (change > params.max_commission_change_bps) {
            return revert("commission change above the maximum of " +
                          std::to_string(params.max_commission_change_bps) + " basis points");
        }
        if (now(call) <
            record->last_commission_change + params.commission_change_interval_seconds) {
            return revert("commission changed less than " +
                          std::to_string(params.commission_change_interval_seconds) +
                          " seconds ago");
        }
        record->commission_bps = static_cast<std::uint32_t>(*commission);
        record->last_commission_change = now(call);
        call.store.write_meta(*record);
    }
    call.store.set_reward_address(call.message.sender, *reward);
    call.meter.log({abi::event_topic(signature::kValidatorEdited), topic(call.message.sender)},
                   abi::Writer{}.address(*reward).uint(*commission).finish());
    return Bytes{};
}

Outcome delegate(Call& call) {
    const auto validator = call.args.address(0);
    if (!validator) return kMalformed;
    const auto record = call.store.validator_summary(*validator);
    if (!record) return revert("no such validator");
    if (record->tombstoned) return revert("validator is tombstoned");
    if (call.message.value == U256{}) return revert("nothing to delegate (value is 0)");
    if (auto bonded = bond(call.store, *record, call.message.sender, call.message.value); !bonded) {
        return revert(bonded.error());
    }
    call.meter.log(
        {abi::event_topic(signature::kDelegated), topic(call.message.sender), topic(*validator)},
        abi::Writer{}.word(call.message.value).finish());
    return Bytes{};
}

Outcome undelegate(Call& call) {
    const auto validator = call.args.address(0);
    const auto amount = call.args.word(1);
    if (!validator || !amount) return kMalformed;
    if (*amount == U256{}) return revert("nothing to undelegate (amount is 0)");
    const Address& delegator = call.message.sender;
    const auto record = call.store.validator_summary(*validator);
    if (!record) return revert("amount above the delegation");
    const std::uint64_t entries = call.store.unbonding_count(delegator);
    if (entries >= call.params.staking.max_unbonding_entries) {
        return revert("too many unbonding entries (at most " +
                      std::to_string(call.params.staking.max_unbonding_entries) +
                      "); withdraw matured ones first");
    }
    if (auto unbonded = unbond(call.store, *record, delegator, *amount); !unbonded) {
        return revert(unbonded.error());
    }
    call.store.set_total_unbonding(call.store.total_unbonding() + *amount);
    const std::uint64_t completion = now(call) + call.params.staking.unbonding_seconds;
    const auto height = static_cast<std::uint64_t>(std::max<std::int64_t>(call.context.number, 0));
    call.store.push_unbonding(delegator, UnbondingEntry{*validator, *amount, completion, height});
    call.meter.log({abi::event_topic(signature::kUndelegated), topic(delegator), topic(*validator)},
                   abi::Writer{}.word(*amount).uint(completion).finish());
    return abi::Writer{}.uint(completion).finish();
}

Outcome withdraw(Call& call) {
    const Address& delegator = call.message.sender;
    const std::uint64_t count = call.store.unbonding_count(delegator);
    U256 total{};
    std::uint64_t matured = 0;
    // Downwards, so that the entry moved into a removed one's place was already looked at.
    for (std::uint64_t i = count; i-- > 0;) {
        const UnbondingEntry entry = call.store.unbonding(delegator, i);
        if (entry.completion_time > now(call)) continue;
        total = total + entry.amount;
        ++matured;
        call.store.remove_unbonding(delegator, i);
    }
    if (call.meter.out_of_gas()) return Bytes{};
    // An entry slashed to nothing still matures (and is removed), paying 0.
    if (matured == 0) return revert("no unbonding entry has matured");
    state::WorldState& state = call.meter.state();
    if (state.balance(call.meter.self()) < total) {
        return revert("contract balance below its obligations");  // cannot happen: invariant
    }
    if (!call.meter.charge(gas::kTransfer)) return Bytes{};
    call.store.set_total_unbonding(call.store.total_unbonding() - total);
    state.sub_balance(call.meter.self(), total);
    state.add_balance(delegator, total);
    call.meter.log({abi::event_topic(signature::kWithdrawn), topic(delegator)},
                   abi::Writer{}.word(total).finish());
    return abi::Writer{}.word(total).finish();
}

Outcome claim_rewards(Call& call) {
    const auto validator = call.args.address(0);
    if (!validator) return kMalformed;
    const Address& delegator = call.message.sender;
    const U256 amount = take_rewards(call.store, *validator, delegator);
    if (call.meter.out_of_gas()) return Bytes{};
    if (amount == U256{}) return revert("no rewards to claim");
    if (!call.meter.charge(gas::kTransfer)) return Bytes{};
    state::WorldState& state = call.meter.state();
    state.sub_balance(call.meter.self(), amount);
    state.add_balance(delegator, amount);
    call.meter.log(
        {abi::event_topic(signature::kRewardsClaimed), topic(delegator), topic(*validator)},
        abi::Writer{}.word(amount).finish());
    return abi::Writer{}.word(amount).finish();
}

Outcome unjail(Call& call) {
    auto record = call.store.validator_summary(call.message.sender);
    if (!record) return revert("not a validator");
    if (record->tombstoned) return revert("validator is tombstoned and can never unjail");
    if (!record->jailed) return revert("not jailed");
    const std::uint64_t until = call.store.jailed_until(call.message.sender);
    if (now(call) < until) return revert("jailed until " + std::to_string(until));
    record->jailed = false;
    call.store.write_meta(*record);
    call.meter.log({abi::event_topic(signature::kUnjailed), topic(call.message.sender)}, {});
    return Bytes{};
}

namespace {

using Handler = Outcome (*)(Call&);

struct Function {
    std::string_view signature;
    Handler handler;
    bool payable;
    bool mutating;
};

constexpr std::array kFunctions = {
    Function{signature::kCreateValidator, create_validator, true, true},
    Function{signature::kEditValidator, edit_validator, false, true},
    Function{signature::kDelegate, delegate, true, true},
    Function{signature::kUndelegate, undelegate, false, true},
    Function{signature::kWithdraw, withdraw, false, true},
    Function{signature::kClaimRewards, claim_rewards, false, true},
    Function{signature::kUnjail, unjail, false, true},
    Function{signature::kPendingRewards, pending_rewards_view, false, false},
    Function{signature::kGetValidator, get_validator, false, false},
    Function{signature::kValidatorCount, validator_count, false, false},
    Function{signature::kValidatorAt, validator_at, false, false},
    Function{signature::kGetDelegation, get_delegation, false, false},
    Function{signature::kUnbondingCount, unbonding_count, false, false},
    Function{signature::kGetUnbonding, get_unbonding, false, false},
    Function{signature::kGetTotals, get_totals, false, false},
    Function{signature::kGetParams, get_params, false, false},
};

const Function* find_function(ByteView input) {
    static const auto selectors = [] {
        std::array<abi::Selector, kFunctions.size()> out{};
        for (std::size_t i = 0; i < kFunctions.size(); ++i)
            out[i] = abi::selector(kFunctions[i].signature);
        return out;
    }();
    if (input.size() < 4) return nullptr;
    for (std::size_t i = 0; i < selectors.size(); ++i) {
        if (std::equal(selectors[i].begin(), selectors[i].end(), input.begin())) {
            return &kFunctions[i];
        }
    }
    return nullptr;
}

Outcome dispatch(Call& call, const Function* function) {
    const evm::Message& message = call.message;
    if (message.recipient != call.meter.self()) {
        return revert("must be called directly (not through DELEGATECALL or CALLCODE)");
    }
    if (function == nullptr) {
        if (message.input.empty()) {
            return revert("plain transfers are refused; call delegate(address) to stake");
        }
        return revert("unknown function");
    }
    if (!function->payable && message.value != U256{}) return revert("function is not payable");
    if (function->mutating && message.is_static) return revert("state change in a static call");
    return function->handler(call);
}

}  // namespace

evm::ExecutionResult StakingContract::run(state::WorldState& state, const evm::TxContext& context,
                                          const evm::Message& message) const {
    Meter meter{state, staking_address(), message.gas};
    Store store{meter};
    const Function* function = find_function(message.input);
    Call call{
        meter,   store,
        params_, context,
        message, abi::Reader{message.input.size() >= 4 ? message.input.subspan(4) : ByteView{}}};
    Outcome outcome = meter.charge(gas::kCall) ? dispatch(call, function) : Outcome{Bytes{}};
    if (meter.out_of_gas()) return {.status = evm::Status::kOutOfGas, .gas_left = 0};
    if (!outcome) {
        return {.status = evm::Status::kRevert,
                .gas_left = meter.gas_left(),
                .output = evm::encode_error_string(outcome.error())};
    }
    return {.status = evm::Status::kSuccess,
            .gas_left = meter.gas_left(),
            .output = std::move(*outcome)};
}

std::vector<std::string_view> function_signatures() {
    std::vector<std::string_view> out;
    for (const Function& function : kFunctions)
        out.push_back(function.signature);
    return out;
}

std::vector<std::string_view> event_signatures() {
    return {signature::kValidatorCreated, signature::kValidatorEdited, signature::kDelegated,
            signature::kUndelegated,      signature::kWithdrawn,       signature::kRewardsClaimed,
            signature::kSlashed,          signature::kJailed,          signature::kUnjailed,
            signature::kTombstoned};
}

}  // namespace qtm::chain::staking
