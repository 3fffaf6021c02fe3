#include "state/state_host.hpp"

#include <algorithm>

#include "codec/rlp.hpp"
#include "crypto/keccak.hpp"
#include "evm/gas.hpp"
#include "evm/interpreter.hpp"
#include "evm/precompiles.hpp"

namespace qtm::state {

namespace {

Address tail_address(const Hash32& hash) {
    Address address{};
    std::copy(hash.begin() + 12, hash.end(), address.begin());
    return address;
}

}  // namespace

StateHost::StateHost(WorldState& state, evm::TxContext context, BlockHashFunction block_hash,
                     evm::AnalysisCache& analysis_cache, const NativeContracts* natives)
    : state_{state},
      context_{std::move(context)},
      block_hash_{std::move(block_hash)},
      analysis_cache_{analysis_cache},
      natives_{natives} {}

bool StateHost::account_exists(const Address& address) {
    return state_.exists_and_not_empty(address);
}

U256 StateHost::get_storage(const Address& address, const U256& key) {
    return state_.storage(address, key);
}

evm::StorageStatus StateHost::set_storage(const Address& address, const U256& key,
                                          const U256& value) {
    const U256 current = state_.storage(address, key);
    const U256 original = state_.original_storage(address, key);
    if (current != value) state_.set_storage(address, key, value);
    return evm::storage_status(original, current, value);
}

U256 StateHost::get_transient_storage(const Address& address, const U256& key) {
    return state_.transient_storage(address, key);
}

void StateHost::set_transient_storage(const Address& address, const U256& key, const U256& value) {
    state_.set_transient_storage(address, key, value);
}

U256 StateHost::get_balance(const Address& address) {
    return state_.balance(address);
}

std::size_t StateHost::get_code_size(const Address& address) {
    return state_.code(address)->size();
}

Hash32 StateHost::get_code_hash(const Address& address) {
    // EIP-1052 with EIP-161: zero for an absent or empty account.
    if (!state_.exists_and_not_empty(address)) return Hash32{};
    return state_.code_hash(address);
}

std::size_t StateHost::copy_code(const Address& address, std::size_t offset, MutableByteView out) {
    const auto code = state_.code(address);
    if (offset >= code->size()) return 0;
    const std::size_t count = std::min(out.size(), code->size() - offset);
    std::copy_n(code->begin() + static_cast<std::ptrdiff_t>(offset), count, out.begin());
    return count;
}

bool StateHost::selfdestruct(const Address& address, const Address& beneficiary) {
    if (tracer_ != nullptr) tracer_->on_selfdestruct(address, beneficiary, state_.balance(address));
    return state_.selfdestruct(address, beneficiary);
}

evm::TxContext StateHost::get_tx_context() {
    return context_;
}

Hash32 StateHost::get_block_hash(std::int64_t number) {
    return block_hash_ ? block_hash_(number) : Hash32{};
}

void StateHost::emit_log(const Address& address, ByteView data, std::span<const Hash32> topics) {
    if (tracer_ != nullptr) tracer_->on_log(address, data, topics);
    state_.add_log(Log{address, std::vector<Hash32>(topics.begin(), topics.end()),
                       Bytes(data.begin(), data.end())});
}

evm::AccessStatus StateHost::access_account(const Address& address) {
    return state_.warm_account(address) ? evm::AccessStatus::kCold : evm::AccessStatus::kWarm;
}

evm::AccessStatus StateHost::access_storage(const Address& address, const U256& key) {
    return state_.warm_storage(address, key) ? evm::AccessStatus::kCold : evm::AccessStatus::kWarm;
}

Address StateHost::create_address(const Address& sender, std::uint64_t nonce) {
    const std::size_t payload = rlp::string_size(sender) + rlp::uint_size(nonce);
    Bytes encoded;
    encoded.reserve(rlp::header_size(payload) + payload);
    rlp::append_list_header(encoded, payload);
    rlp::append_string(encoded, sender);
    rlp::append_uint(encoded, nonce);
    return tail_address(crypto::keccak256(encoded));
}

Address StateHost::create2_address(const Address& sender, const U256& salt, ByteView initcode) {
    ByteArray<1 + 20 + 32 + 32> preimage{};
    preimage[0] = 0xff;
    std::copy(sender.begin(), sender.end(), preimage.begin() + 1);
    salt.to_be_bytes(preimage.data() + 21);
    const Hash32 code_hash = crypto::keccak256(initcode);
    std::copy(code_hash.begin(), code_hash.end(), preimage.begin() + 53);
    return tail_address(crypto::keccak256(preimage));
}

evm::ExecutionResult StateHost::run_code(const evm::Message& message) {
    if (evm::is_precompile(message.code_address)) {
        return evm::run_precompile(message.code_address, message.input, message.gas);
    }
    if (natives_ != nullptr) {
        if (const NativeContract* native = natives_->find(message.code_address)) {
            return native->run(state_, context_, message);
        }
    }
    const auto code = state_.code(message.code_address);
    if (code->empty()) return evm::ExecutionResult{.gas_left = message.gas};
    const auto analysis = analysis_cache_.get(state_.code_hash(message.code_address), *code);
    return evm::execute(*this, evm::Revision::kCancun, message, *analysis, tracer_);
}

evm::ExecutionResult StateHost::call(const evm::Message& message) {
    return tracer_ == nullptr ? call_untraced(message) : call_traced(message);
}

evm::ExecutionResult StateHost::call_traced(const evm::Message& message) {
    using evm::CallKind;
    Address target = message.code_address;
    if (message.kind == CallKind::kCreate) {
        target = create_address(message.sender, state_.nonce(message.sender));
    } else if (message.kind == CallKind::kCreate2) {
        target = create2_address(message.sender, message.create2_salt, message.input);
    }
    tracer_->on_enter(message, target);
    code_store_out_of_gas_ = false;
    evm::ExecutionResult result = call_untraced(message);
    const bool code_store_out_of_gas = code_store_out_of_gas_;
    code_store_out_of_gas_ = false;
    const bool created =
        (message.kind == CallKind::kCreate || message.kind == CallKind::kCreate2) &&
        result.status == evm::Status::kSuccess;
    if (created) {
        const auto code = state_.code(result.create_address);
        tracer_->on_exit(result, *code, false);
    } else {
        tracer_->on_exit(result, result.output, code_store_out_of_gas);
    }
    return result;
}

evm::ExecutionResult StateHost::call_untraced(const evm::Message& message) {
    using evm::CallKind;
    using evm::Status;
    if (message.depth > evm::kMaxCallDepth) {
        return {.status = Status::kCallDepthExceeded, .gas_left = message.gas};
    }
    if (message.kind == CallKind::kCreate || message.kind == CallKind::kCreate2) {
        return create(message);
    }
    if (message.code_address == evm::kPointEvaluationAddress) called_point_evaluation_ = true;
    const bool transfers = message.kind == CallKind::kCall;
    if ((transfers || message.kind == CallKind::kCallCode) && message.value != U256{} &&
        state_.balance(message.sender) < message.value) {
        return {.status = Status::kInsufficientBalance, .gas_left = message.gas};
    }
    const std::size_t snapshot = state_.snapshot();
    if (transfers) {
        // A zero-value call to an absent account that is not a precompile changes nothing
        // (it does not even touch the account).
        if (message.value == U256{} && !state_.exists(message.recipient) &&
            !evm::is_precompile(message.recipient) &&
            (natives_ == nullptr || natives_->find(message.recipient) == nullptr)) {
            return {.gas_left = message.gas};
        }
        state_.sub_balance(message.sender, message.value);
        state_.add_balance(message.recipient, message.value);
    }
    evm::ExecutionResult result = run_code(message);
    if (result.status != Status::kSuccess) {
        state_.revert(snapshot);
        if (result.status != Status::kRevert) result.gas_left = 0;
        result.gas_refund = 0;
    }
    return result;
}

evm::ExecutionResult StateHost::create(const evm::Message& message) {
    using evm::Status;
    if (state_.balance(message.sender) < message.value) {
        return {.status = Status::kInsufficientBalance, .gas_left = message.gas};
    }
    const std::uint64_t nonce = state_.nonce(message.sender);
    if (nonce == ~std::uint64_t{0}) {
        return {.status = Status::kNonceOverflow, .gas_left = message.gas};
    }
    const Address address =
        message.kind == evm::CallKind::kCreate
            ? create_address(message.sender, nonce)
            : create2_address(message.sender, message.create2_salt, message.input);
    // The creator's nonce bump and the new address's warmth survive a failed creation.
    state_.set_nonce(message.sender, nonce + 1);
    state_.warm_account(address);
    if (state_.code_hash(address) != kEmptyCodeHash || state_.nonce(address) != 0 ||
        state_.has_storage(address)) {
        return {.status = Status::kContractAddressCollision, .gas_left = 0};
    }
    const std::size_t snapshot = state_.snapshot();
    state_.create_contract(address);
    state_.sub_balance(message.sender, message.value);
    state_.add_balance(address, message.value);

    evm::Message frame = message;
    frame.recipient = address;
    frame.code_address = address;
    frame.input = {};  // initcode runs with empty call data
    evm::ExecutionResult result =
        evm::execute(*this, evm::Revision::kCancun, frame, message.input, tracer_);
    if (result.status == Status::kSuccess) {
        const auto deposit =
            static_cast<std::int64_t>(result.output.size()) * 200;  // G_codedeposit per byte
        if (result.output.size() > evm::gas::kMaxCodeSize) {
            result = {.status = Status::kCodeSizeExceeded};
        } else if (!result.output.empty() && result.output[0] == 0xef) {
            result = {.status = Status::kInvalidCodePrefix};
        } else if (result.gas_left < deposit) {
            result = {.status = Status::kOutOfGas};
            code_store_out_of_gas_ = true;
        } else {
            result.gas_left -= deposit;
            if (!result.output.empty()) state_.set_code(address, std::move(result.output));
            result.output.clear();
            result.create_address = address;
        }
    }
    if (result.status != Status::kSuccess) {
        state_.revert(snapshot);
        if (result.status != Status::kRevert) result.gas_left = 0;
        result.gas_refund = 0;
    }
    return result;
}

}  // namespace qtm::state
