#include "state/transaction.hpp"

#include <algorithm>

#include "evm/gas.hpp"
#include "evm/precompiles.hpp"

namespace qtm::state {

std::string_view to_string(TxError error) noexcept {
    switch (error) {
        case TxError::kNonceTooLow:
            return "nonce too low";
        case TxError::kNonceTooHigh:
            return "nonce too high";
        case TxError::kNonceMax:
            return "nonce has max value";
        case TxError::kSenderNotEoa:
            return "sender not an eoa";
        case TxError::kTipAboveFeeCap:
            return "max priority fee per gas higher than max fee per gas";
        case TxError::kFeeCapBelowBaseFee:
            return "max fee per gas less than block base fee";
        case TxError::kGasLimitReached:
            return "gas limit reached";
        case TxError::kInsufficientFunds:
            return "insufficient funds for gas * price + value";
        case TxError::kIntrinsicGasTooLow:
            return "intrinsic gas too low";
        case TxError::kInitcodeTooLarge:
            return "max initcode size exceeded";
        case TxError::kStateFailure:
            return "state database failure";
    }
    return "invalid transaction";
}

std::int64_t ethereum_intrinsic_gas(ByteView data, bool is_create,
                                    const std::vector<AccessListEntry>& access_list) {
    std::int64_t gas = is_create ? 53000 : 21000;
    const auto zeros = std::count(data.begin(), data.end(), std::uint8_t{0});
    gas += 4 * zeros + 16 * (static_cast<std::int64_t>(data.size()) - zeros);
    for (const auto& entry : access_list) {
        gas += 2400 + 1900 * static_cast<std::int64_t>(entry.storage_keys.size());
    }
    if (is_create) gas += evm::gas::kInitcodeWord * evm::gas::num_words(data.size());
    return gas;
}

namespace {

// a * b, or nullopt on overflow past 256 bits.
std::optional<U256> checked_mul(const U256& a, std::uint64_t b) {
    const U256 product = a * U256{b};
    if (b != 0 && product / U256{b} != a) return std::nullopt;
    return product;
}

Result<void, TxError> validate(WorldState& state, const BlockEnv& env, const TxParams& tx,
                               std::int64_t gas_available, const TxRules& rules) {
    if (tx.max_priority_fee_per_gas > tx.max_fee_per_gas) {
        return unexpected(TxError::kTipAboveFeeCap);
    }
    if (rules.fee_cap_must_cover_base_fee && tx.max_fee_per_gas < env.base_fee) {
        return unexpected(TxError::kFeeCapBelowBaseFee);
    }
    if (tx.gas_limit > gas_available || tx.gas_limit < 0) {
        return unexpected(TxError::kGasLimitReached);
    }
    const std::uint64_t nonce = state.nonce(tx.sender);
    if (tx.nonce < nonce) return unexpected(TxError::kNonceTooLow);
    if (tx.nonce > nonce) return unexpected(TxError::kNonceTooHigh);
    if (nonce == ~std::uint64_t{0}) return unexpected(TxError::kNonceMax);
    // EIP-3607: a sender with code cannot originate transactions.
    if (rules.sender_must_be_eoa && state.code_hash(tx.sender) != kEmptyCodeHash) {
        return unexpected(TxError::kSenderNotEoa);
    }
    const auto max_gas_cost =
        checked_mul(tx.max_fee_per_gas, static_cast<std::uint64_t>(tx.gas_limit));
    if (!max_gas_cost) return unexpected(TxError::kInsufficientFunds);
    const U256 required = *max_gas_cost + tx.value;
    if (required < *max_gas_cost || state.balance(tx.sender) < required) {
        return unexpected(TxError::kInsufficientFunds);
    }
    if (tx.intrinsic_gas > tx.gas_limit) return unexpected(TxError::kIntrinsicGasTooLow);
    if (!tx.to && tx.data.size() > evm::gas::kMaxInitcodeSize) {
        return unexpected(TxError::kInitcodeTooLarge);
    }
    if (state.error()) return unexpected(TxError::kStateFailure);
    return {};
}

}  // namespace

namespace {
constexpr std::uint8_t kLastWarmPrecompile = 0x0a;  // 0x01-0x0a, as Cancun warms them
}  // namespace

bool is_warm_precompile(const Address& address) noexcept {
    if (address == evm::kMldsaVerifyPrecompile) return true;
    for (std::size_t i = 0; i + 1 < address.size(); ++i) {
        if (address[i] != 0) return false;
    }
    return address.back() >= 1 && address.back() <= kLastWarmPrecompile;
}

void warm_transaction_accounts(WorldState& state, const Address& sender,
                               const std::optional<Address>& to, const Address& coinbase,
                               const std::vector<AccessListEntry>& access_list) {
    state.warm_account(sender);
    if (to) state.warm_account(*to);
    state.warm_account(coinbase);
    for (std::uint8_t i = 1; i <= kLastWarmPrecompile; ++i) {
        Address precompile{};
        precompile[19] = i;
        state.warm_account(precompile);
    }
    state.warm_account(evm::kMldsaVerifyPrecompile);
    for (const auto& entry : access_list) {
        state.warm_account(entry.address);
        for (const auto& key : entry.storage_keys) {
            state.warm_storage(entry.address, U256::from_be_bytes(key));
        }
    }
}

Result<TxOutcome, TxError> apply_transaction(WorldState& state, const BlockEnv& env,
                                             const TxParams& tx, std::int64_t gas_available,
                                             evm::AnalysisCache& analysis_cache,
                                             evm::Tracer* tracer, const TxRules& rules) {
    if (auto valid = validate(state, env, tx, gas_available, rules); !valid) {
        return unexpected(valid.error());
    }
    const bool covers_base_fee = tx.max_fee_per_gas >= env.base_fee;
    const U256 tip = covers_base_fee
                         ? std::min(tx.max_priority_fee_per_gas, tx.max_fee_per_gas - env.base_fee)
                         : U256{};
    const U256 gas_price = covers_base_fee ? env.base_fee + tip : tx.max_fee_per_gas;
    const auto gas_limit = static_cast<std::uint64_t>(tx.gas_limit);
    state.sub_balance(tx.sender, gas_price * U256{gas_limit});
    if (tx.to) state.set_nonce(tx.sender, tx.nonce + 1);
    if (tx.register_key && !state.registered_key(tx.sender)) {
        state.register_key(tx.sender, *tx.register_key);
    }

    warm_transaction_accounts(state, tx.sender, tx.to, env.coinbase, tx.access_list);

    evm::TxContext context{.gas_price = gas_price,
                           .origin = tx.sender,
                           .coinbase = env.coinbase,
                           .number = env.number,
                           .timestamp = env.timestamp,
                           .gas_limit = env.gas_limit,
                           .prevrandao = env.prevrandao,
                           .chain_id = env.chain_id,
                           .base_fee = env.base_fee,
                           .blob_base_fee = env.blob_base_fee};
    StateHost host{state, std::move(context), env.block_hash, analysis_cache, env.natives};
    host.set_tracer(tracer);
    evm::Message message{
        .kind = tx.to ? evm::CallKind::kCall : evm::CallKind::kCreate,
        .depth = 0,
        .gas = tx.gas_limit - tx.intrinsic_gas,
        .recipient = tx.to.value_or(Address{}),
        .sender = tx.sender,
        .input = tx.data,
        .value = tx.value,
        .code_address = tx.to.value_or(Address{}),
    };
    evm::ExecutionResult result = host.call(message);

    // EIP-3529: the refund is capped at a fifth of the gas used.
    std::int64_t gas_used = tx.gas_limit - result.gas_left;
    if (result.status == evm::Status::kSuccess) {
        gas_used -= std::min(std::max<std::int64_t>(result.gas_refund, 0), gas_used / 5);
    }
    const auto gas_left = static_cast<std::uint64_t>(tx.gas_limit - gas_used);
    state.add_balance(tx.sender, gas_price * U256{gas_left});
    state.add_balance(env.coinbase, tip * U256{static_cast<std::uint64_t>(gas_used)});

    TxOutcome outcome;
    outcome.status = result.status;
    outcome.gas_used = gas_used;
    outcome.output = std::move(result.output);
    outcome.called_point_evaluation = host.called_point_evaluation();
    if (!tx.to && result.status == evm::Status::kSuccess) {
        outcome.contract_address = result.create_address;
    }
    outcome.logs = state.finalize_transaction();
    if (state.error()) return unexpected(TxError::kStateFailure);
    return outcome;
}

}  // namespace qtm::state
