#include "rpc/simulate.hpp"

#include <algorithm>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/hex.hpp"
#include "chain/chain_spec.hpp"
#include "chain/staking/contract.hpp"
#include "chain/transaction.hpp"
#include "evm/revert_reason.hpp"
#include "rpc/call_executor.hpp"
#include "rpc/chain_reader.hpp"
#include "rpc/format.hpp"
#include "rpc/params.hpp"
#include "rpc/simulate_logs.hpp"
#include "rpc/state_access.hpp"
#include "state/transaction.hpp"
#include "storage/chain_store.hpp"
#include "storage/overlay_view.hpp"

namespace qtm::rpc {

namespace {

struct SimBlock {
    BlockOverrides overrides;
    const Json* state_overrides{nullptr};
    std::vector<CallRequest> calls;
};

struct Options {
    std::vector<SimBlock> blocks;
    bool trace_transfers{false};
    bool validation{false};
    bool full_transactions{false};
};

bool boolean_field(const Json& object, const char* name) {
    const auto it = object.find(name);
    if (it == object.end() || it->is_null()) return false;
    if (!it->is_boolean()) {
        throw RpcError{code::kInvalidParams,
                       std::string{"invalid argument 0: "} + name + " must be true or false"};
    }
    return it->get<bool>();
}

void refuse_unknown_fields(const Json& object, std::initializer_list<const char*> known,
                           const std::string& where) {
    for (const auto& item : object.items()) {
        const std::string& name = item.key();
        if (std::none_of(known.begin(), known.end(), [&](const char* k) { return name == k; })) {
            std::string list;
            for (const char* k : known)
                list += (list.empty() ? "" : ", ") + std::string{k};
            throw RpcError{code::kInvalidParams,
                           where + ": unknown field \"" + name + "\" (known: " + list + ")"};
        }
    }
}

Options parse_options(const Json& payload) {
    if (!payload.is_object()) {
        throw RpcError{code::kInvalidParams,
                       "invalid argument 0: expected an object with blockStateCalls"};
    }
    refuse_unknown_fields(
        payload, {"blockStateCalls", "traceTransfers", "validation", "returnFullTransactions"},
        "invalid argument 0");
    Options options;
    options.trace_transfers = boolean_field(payload, "traceTransfers");
    options.validation = boolean_field(payload, "validation");
    options.full_transactions = boolean_field(payload, "returnFullTransactions");
    const auto calls = payload.find("blockStateCalls");
    if (calls == payload.end() || !calls->is_array()) {
        throw RpcError{code::kInvalidParams,
                       "invalid argument 0: blockStateCalls must be an array of blocks"};
    }
    if (calls->empty()) throw RpcError{code::kInvalidParams, "empty input"};
    if (calls->size() > kMaxSimulatedBlocks) {
        throw RpcError{simulate_code::kClientLimitExceeded, "too many blocks"};
    }
    for (std::size_t i = 0; i < calls->size(); ++i) {
        const Json& block = (*calls)[i];
        const std::string where = "blockStateCalls[" + std::to_string(i) + "]";
        if (!block.is_object()) {
            throw RpcError{code::kInvalidParams, where + " must be an object"};
        }
        refuse_unknown_fields(block, {"blockOverrides", "stateOverrides", "calls"}, where);
        SimBlock parsed;
        if (const auto it = block.find("blockOverrides"); it != block.end() && !it->is_null()) {
            parsed.overrides = parse_block_overrides(*it, where + ".blockOverrides");
        }
        if (const auto it = block.find("stateOverrides"); it != block.end() && !it->is_null()) {
            parsed.state_overrides = &*it;
        }
        if (const auto it = block.find("calls"); it != block.end() && !it->is_null()) {
            if (!it->is_array()) {
                throw RpcError{code::kInvalidParams, where + ".calls must be an array"};
            }
            for (const auto& call : *it)
                parsed.calls.push_back(parse_call(call));
        }
        options.blocks.push_back(std::move(parsed));
    }
    return options;
}

// geth's sanitizeChain: numbers and timestamps filled in and strictly increasing, gaps in the
// numbers filled with empty blocks.
std::vector<SimBlock> sanitize_chain(std::vector<SimBlock> blocks, const chain::Header& base,
                                     std::uint64_t time_step) {
    std::vector<SimBlock> out;
    std::uint64_t previous_number = base.number;
    std::uint64_t previous_time = base.timestamp;
    for (SimBlock& block : blocks) {
        BlockOverrides& overrides = block.overrides;
        if (!overrides.number) overrides.number = previous_number + 1;
        if (*overrides.number <= previous_number) {
            throw RpcError{simulate_code::kBlockNumberInvalid,
                           "block numbers must be in order: " + std::to_string(*overrides.number) +
                               " <= " + std::to_string(previous_number)};
        }
        if (*overrides.number - base.number > kMaxSimulatedBlocks) {
            throw RpcError{simulate_code::kClientLimitExceeded, "too many blocks"};
        }
        for (std::uint64_t gap = previous_number + 1; gap < *overrides.number; ++gap) {
            SimBlock empty;
            empty.overrides.number = gap;
            previous_time += time_step;
            empty.overrides.time = previous_time;
            out.push_back(std::move(empty));
        }
        previous_number = *overrides.number;
        if (!overrides.time) {
            overrides.time = previous_time + time_step;
        } else if (*overrides.time <= previous_time) {
            throw RpcError{simulate_code::kBlockTimestampInvalid,
                           "block timestamps must be in order: " + std::to_string(*overrides.time) +
                               " <= " + std::to_string(previous_time)};
        }
        previous_time = *overrides.time;
        out.push_back(std::move(block));
    }
    return out;
}

[[noreturn]] void throw_invalid_call(state::TxError error, const std::string& detail) {
    using state::TxError;
    int error_code = code::kInvalidParams;
    switch (error) {
        case TxError::kNonceTooLow:
            error_code = simulate_code::kNonceTooLow;
            break;
        case TxError::kNonceTooHigh:
        case TxError::kNonceMax:
            error_code = simulate_code::kNonceTooHigh;
            break;
        case TxError::kSenderNotEoa:
            error_code = simulate_code::kSenderIsNotEoa;
            break;
        case TxError::kFeeCapBelowBaseFee:
            error_code = simulate_code::kBaseFeeTooLow;
            break;
        case TxError::kGasLimitReached:
            error_code = simulate_code::kBlockGasLimitReached;
            break;
        case TxError::kInsufficientFunds:
            error_code = simulate_code::kInsufficientFunds;
            break;
        case TxError::kIntrinsicGasTooLow:
            error_code = simulate_code::kIntrinsicGas;
            break;
        case TxError::kInitcodeTooLarge:
            error_code = simulate_code::kMaxInitCodeSizeExceeded;
            break;
        case TxError::kTipAboveFeeCap:
            error_code = code::kInvalidParams;
            break;
        case TxError::kStateFailure:
            error_code = code::kInternal;
            break;
    }
    throw RpcError{error_code, std::string{state::to_string(error)} + ": " + detail};
}

// A call's result before its block's hash is known.
struct CallResult {
    Bytes return_data;
    std::vector<state::Log> logs;  // with traceTransfers, the pseudo transfer logs among them
    std::uint64_t gas_used{0};
    evm::Status status{evm::Status::kSuccess};
    std::string vm_error;  // geth's message for a failed run
};

class Simulator {
public:
    Simulator(Backend& backend, const ApiLimits& limits, const chain::Header& base,
              const Options& options)
        : backend_{backend},
          options_{options},
          overlay_{backend.database()},
          world_{overlay_, base.state_root, nullptr, state::WorldState::ReadMode::kTrie},
          natives_{chain::staking::native_contracts(backend.spec())},
          base_{base},
          parent_{base},
          parent_hash_{chain::block_hash(base)},
          gas_budget_{limits.gas_cap} {}

    Json run(const std::vector<SimBlock>& blocks) {
        Json out = Json::array();
        for (std::size_t i = 0; i < blocks.size(); ++i) {
            out.push_back(process(blocks[i], i));
        }
        return out;
    }

private:
    Json process(const SimBlock& block, std::size_t index) {
        const BlockOverrides& overrides = block.overrides;
        const chain::ChainSpec& spec = backend_.spec();
        chain::Header header;
        header.parent_hash = parent_hash_;
        header.number = *overrides.number;
        header.timestamp = *overrides.time;
        header.proposer = overrides.fee_recipient.value_or(Address{});
        header.gas_limit = overrides.gas_limit.value_or(base_.gas_limit);
        header.base_fee = overrides.base_fee    ? *overrides.base_fee
                          : options_.validation ? chain::next_base_fee(spec, parent_)
                                                : U256{};
        header.evidence_root = chain::evidence_root({});
        header.validators_hash = base_.validators_hash;

        if (block.state_overrides != nullptr) {
            apply_state_overrides(world_, *block.state_overrides,
                                  "blockStateCalls[" + std::to_string(index) + "].stateOverrides");
        }
        state::BlockEnv env;
        env.natives = natives_.get();
        env.coinbase = header.proposer;
        env.number = static_cast<std::int64_t>(std::min<std::uint64_t>(header.number, INT64_MAX));
        env.timestamp =
            static_cast<std::int64_t>(std::min<std::uint64_t>(header.timestamp, INT64_MAX));
        env.gas_limit =
            static_cast<std::int64_t>(std::min<std::uint64_t>(header.gas_limit, INT64_MAX));
        env.prevrandao = overrides.prev_randao.value_or(U256{});
        env.base_fee = header.base_fee;
        env.chain_id = U256{spec.chain_id};
        env.blob_base_fee = overrides.blob_base_fee.value_or(
            options_.validation ? U256{chain::kBlobBaseFee} : U256{});
        env.block_hash = [this](std::int64_t number) { return block_hash(number); };

        FullBlock result;
        std::vector<CallResult> calls;
        std::uint64_t gas_used = 0;
        for (const CallRequest& call : block.calls) {
            calls.push_back(run_call(call, env, header, gas_used, result));
        }

        storage::WriteBatch batch;
        auto root = world_.commit(batch);
        if (!root) throw RpcError{code::kInternal, "state failure: " + root.error().message};
        overlay_.apply(batch);

        std::vector<state::Log> all_logs;
        for (const auto& receipt : result.receipts)
            all_logs.insert(all_logs.end(), receipt.logs.begin(), receipt.logs.end());
        header.state_root = *root;
        header.gas_used = gas_used;
        header.transactions_root = chain::transactions_root(result.transactions);
        header.receipts_root = chain::receipts_root(result.receipts);
        header.logs_bloom = chain::logs_bloom(all_logs);
        result.header = header;
        result.hash = chain::block_hash(header);
        result.size =
            chain::encode_header(header).size() + chain::encode_body(result.transactions).size();
        simulated_hashes_[header.number] = result.hash;
        parent_ = header;
        parent_hash_ = result.hash;

        Json formatted = format_block(result, options_.full_transactions);
        Json results = Json::array();
        std::size_t log_index = 0;
        for (std::uint32_t i = 0; i < calls.size(); ++i) {
            results.push_back(format_call(calls[i], result, i, log_index));
        }
        formatted["calls"] = std::move(results);
        return formatted;
    }

    CallResult run_call(const CallRequest& call, const state::BlockEnv& env,
                        const chain::Header& header, std::uint64_t& gas_used, FullBlock& block) {
        const Address from = call.from.value_or(Address{});
        const std::uint64_t state_nonce = world_.nonce(from);
        const std::uint64_t remaining = header.gas_limit - gas_used;
        std::uint64_t gas = call.gas.value_or(std::min(remaining, gas_budget_));
        if (gas > remaining) {
            throw RpcError{simulate_code::kBlockGasLimitReached,
                           "block gas limit reached: " + std::to_string(gas_used) + " + " +
                               std::to_string(gas) + " > " + std::to_string(header.gas_limit)};
        }
        gas = std::min(gas, gas_budget_);  // as geth, the gas cap bounds the request silently

        chain::Transaction tx;
        tx.chain_id = backend_.spec().chain_id;
        tx.nonce = call.nonce.value_or(state_nonce);
        tx.max_priority_fee_per_gas = call.max_priority_fee_per_gas.value_or(U256{});
        tx.max_fee_per_gas = call.max_fee_per_gas.value_or(tx.max_priority_fee_per_gas);
        tx.gas_limit = gas;
        tx.from = from;
        tx.to = call.to;
        tx.value = call.value;
        tx.data = call.input;
        tx.access_list = call.access_list;
        if (const auto key = world_.registered_key(from)) {
            if (auto scheme = crypto::parse_signature_scheme(key->scheme)) tx.scheme = *scheme;
        } else if (call.scheme) {
            tx.scheme = *call.scheme;
        }

        state::TxParams params = chain::to_tx_params(tx);
        params.intrinsic_gas = request_intrinsic_gas(world_, backend_, call);
        params.register_key.reset();
        if (!options_.validation) params.nonce = state_nonce;
        const state::TxRules rules{.sender_must_be_eoa = false,
                                   .fee_cap_must_cover_base_fee = options_.validation};
        SimulateLogs tracer{options_.trace_transfers};
        auto outcome =
            state::apply_transaction(world_, env, params, static_cast<std::int64_t>(remaining),
                                     analysis_cache_, &tracer, rules);
        if (!outcome) {
            throw_invalid_call(outcome.error(), "address " + to_hex(from) + ", nonce " +
                                                    std::to_string(tx.nonce) + " (state " +
                                                    std::to_string(state_nonce) + "), gas " +
                                                    std::to_string(gas) + " (intrinsic " +
                                                    std::to_string(params.intrinsic_gas) + ")");
        }
        const auto used = static_cast<std::uint64_t>(outcome->gas_used);
        gas_used += used;
        gas_budget_ -= std::min(gas_budget_, used);

        chain::Receipt receipt;
        receipt.success = outcome->status == evm::Status::kSuccess;
        receipt.cumulative_gas_used = gas_used;
        receipt.logs = std::move(outcome->logs);
        receipt.logs_bloom = chain::logs_bloom(receipt.logs);
        block.receipts.push_back(std::move(receipt));
        block.transaction_hashes.push_back(chain::transaction_hash(tx));
        block.transactions.push_back(std::move(tx));

        CallResult result;
        result.return_data = std::move(outcome->output);
        result.logs = tracer.logs();
        result.gas_used = used;
        result.status = outcome->status;
        if (outcome->status != evm::Status::kSuccess) {
            result.vm_error = geth_error(outcome->status, tracer.last_step());
        }
        return result;
    }

    static Json format_call(const CallResult& call, const FullBlock& block, std::uint32_t index,
                            std::size_t& log_index) {
        const auto where = TxContextInBlock::of(block, index);
        Json logs = Json::array();
        for (const auto& log : call.logs) {
            logs.push_back(format_log(log, where, block.transaction_hashes[index], log_index++));
        }
        Json out{{"returnData", hex_data(call.return_data)},
                 {"logs", std::move(logs)},
                 {"gasUsed", quantity(call.gas_used)},
                 {"status", call.status == evm::Status::kSuccess ? "0x1" : "0x0"}};
        if (call.status == evm::Status::kRevert) {
            const auto reason = evm::decode_revert_reason(call.return_data);
            out["error"] = {
                {"code", simulate_code::kReverted},
                {"message", reason ? "execution reverted: " + *reason : "execution reverted"},
                {"data", hex_data(call.return_data)}};
        } else if (call.status != evm::Status::kSuccess) {
            out["error"] = {{"code", simulate_code::kVmError}, {"message", call.vm_error}};
        }
        return out;
    }

    Hash32 block_hash(std::int64_t number) const {
        if (number < 0) return {};
        const auto wanted = static_cast<std::uint64_t>(number);
        if (wanted > base_.number) {
            const auto it = simulated_hashes_.find(wanted);
            return it == simulated_hashes_.end() ? Hash32{} : it->second;
        }
        const storage::ChainStore store{backend_.database()};
        auto hash = store.canonical_hash(wanted);
        return hash && *hash ? **hash : Hash32{};
    }

    Backend& backend_;
    const Options& options_;
    storage::OverlayView overlay_;  // before world_, which reads through it
    state::WorldState world_;
    std::shared_ptr<const state::NativeContracts> natives_;
    evm::AnalysisCache analysis_cache_{64};
    chain::Header base_;
    chain::Header parent_;
    Hash32 parent_hash_;
    std::uint64_t gas_budget_;
    std::map<std::uint64_t, Hash32> simulated_hashes_;
};

}  // namespace

Json simulate_v1(Backend& backend, const ApiLimits& limits, const Json& params) {
    expect_at_most(params, 2);
    Options options = parse_options(*param(params, 0, "payload"));
    const ChainReader reader{backend};
    const chain::Header base = header_with_state(backend, reader, param(params, 1, "block", false));
    const std::uint64_t time_step = std::max<std::uint64_t>(1, backend.spec().block_time_ms / 1000);
    const std::vector<SimBlock> blocks = sanitize_chain(std::move(options.blocks), base, time_step);
    Simulator simulator{backend, limits, base, options};
    return simulator.run(blocks);
}

}  // namespace qtm::rpc
