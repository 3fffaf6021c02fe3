#include "rpc/call_executor.hpp"

#include <algorithm>
#include <map>
#include <string>

#include "base/hex.hpp"
#include "chain/staking/block_reward.hpp"
#include "chain/staking/contract.hpp"
#include "chain/transaction.hpp"
#include "evm/revert_reason.hpp"
#include "rpc/chain_reader.hpp"
#include "rpc/params.hpp"
#include "rpc/state_access.hpp"
#include "state/state_host.hpp"
#include "storage/chain_store.hpp"

namespace qtm::rpc {

namespace {

const Json* field(const Json& object, const char* name) {
    const auto it = object.find(name);
    return it == object.end() || it->is_null() ? nullptr : &*it;
}

std::vector<state::AccessListEntry> parse_access_list(const Json& list) {
    if (!list.is_array()) {
        throw RpcError{code::kInvalidParams, "invalid argument: accessList must be an array"};
    }
    std::vector<state::AccessListEntry> entries;
    for (const auto& item : list) {
        const Json* address = item.is_object() ? field(item, "address") : nullptr;
        if (address == nullptr) {
            throw RpcError{code::kInvalidParams,
                           "invalid argument: accessList entries need an \"address\""};
        }
        state::AccessListEntry entry;
        entry.address = to_address(*address, "accessList.address");
        if (const Json* keys = field(item, "storageKeys")) {
            if (!keys->is_array()) {
                throw RpcError{code::kInvalidParams,
                               "invalid argument: accessList.storageKeys must be an array"};
            }
            for (const auto& key : *keys) {
                entry.storage_keys.push_back(to_hash(key, "accessList.storageKeys"));
            }
        }
        entries.push_back(std::move(entry));
    }
    return entries;
}

void set_balance(state::WorldState& world, const Address& address, const U256& balance) {
    const U256 current = world.balance(address);
    if (current > balance) {
        world.sub_balance(address, current - balance);
    } else {
        world.add_balance(address, balance - current);
    }
}

std::map<U256, U256> parse_slots(const Json& slots, const char* name, const std::string& where) {
    if (!slots.is_object()) {
        throw RpcError{code::kInvalidParams, where + ": " + name + " must be an object"};
    }
    std::map<U256, U256> parsed;
    for (const auto& [key, value] : slots.items()) {
        parsed[U256::from_be_bytes(to_hash(Json(key), name))] =
            U256::from_be_bytes(to_hash(value, name));
    }
    return parsed;
}

}  // namespace

CallRequest parse_call(const Json& object) {
    if (!object.is_object()) {
        throw RpcError{code::kInvalidParams, "invalid argument 0: expected a transaction object"};
    }
    CallRequest call;
    if (const Json* v = field(object, "from")) call.from = to_address(*v, "from");
    if (const Json* v = field(object, "to")) call.to = to_address(*v, "to");
    if (const Json* v = field(object, "gas")) call.gas = to_u64(*v, "gas");
    if (const Json* v = field(object, "gasPrice")) {
        call.max_fee_per_gas = to_u256(*v, "gasPrice");
        call.max_priority_fee_per_gas = call.max_fee_per_gas;
    }
    if (const Json* v = field(object, "maxFeePerGas")) {
        call.max_fee_per_gas = to_u256(*v, "maxFeePerGas");
    }
    if (const Json* v = field(object, "maxPriorityFeePerGas")) {
        call.max_priority_fee_per_gas = to_u256(*v, "maxPriorityFeePerGas");
    }
    if (const Json* v = field(object, "value")) call.value = to_u256(*v, "value");
    const Json* input = field(object, "input");
    const Json* data_field = field(object, "data");
    if (input != nullptr && data_field != nullptr && *input != *data_field) {
        throw RpcError{code::kInvalidParams,
                       "both \"data\" and \"input\" are set and not equal. Please use \"input\" "
                       "to pass transaction call data"};
    }
    if (input != nullptr) {
        call.input = to_data(*input, "input");
    } else if (data_field != nullptr) {
        call.input = to_data(*data_field, "data");
    }
    if (const Json* v = field(object, "nonce")) call.nonce = to_u64(*v, "nonce");
    if (const Json* v = field(object, "accessList")) call.access_list = parse_access_list(*v);
    if (const Json* v = field(object, "scheme")) {
        const std::uint64_t id = to_u64(*v, "scheme");
        const auto scheme = crypto::parse_signature_scheme(static_cast<std::uint8_t>(id & 0xff));
        if (id > 0xff || !scheme) {
            throw RpcError{code::kInvalidParams,
                           "invalid argument 0: scheme must be 0x1 (ML-DSA-44), 0x2 (ML-DSA-65) "
                           "or 0x3 (ML-DSA-87)"};
        }
        call.scheme = *scheme;
    }
    return call;
}

void throw_failure(const CallOutcome& outcome) {
    if (outcome.status == evm::Status::kRevert) {
        const auto reason = evm::decode_revert_reason(outcome.output);
        throw RpcError{code::kReverted,
                       reason ? "execution reverted: " + *reason : "execution reverted",
                       Json(hex_data(outcome.output))};
    }
    throw RpcError{code::kServer,
                   "execution failed: " + std::string{evm::to_string(outcome.status)}};
}

CallExecutor::CallExecutor(Backend& backend, const ApiLimits& limits, const Json* block_ref,
                           const Json* state_overrides, const Json* block_overrides)
    : backend_{backend},
      limits_{limits},
      natives_{chain::staking::native_contracts(backend.spec())} {
    const ChainReader reader{backend};
    header_ = header_with_state(backend, reader, block_ref);
    block_context_.number = static_cast<std::int64_t>(header_.number);
    block_context_.timestamp = static_cast<std::int64_t>(header_.timestamp);
    block_context_.gas_limit = static_cast<std::int64_t>(header_.gas_limit);
    block_context_.prevrandao = U256::from_be_bytes(header_.parent_hash);
    block_context_.chain_id = U256{backend.spec().chain_id};
    block_context_.base_fee = header_.base_fee;
    block_context_.blob_base_fee = U256{chain::kBlobBaseFee};
    world_ = std::make_unique<state::WorldState>(backend.database(), header_.state_root,
                                                 backend.node_cache(),
                                                 state::WorldState::ReadMode::kTrie);
    // COINBASE as the block's transactions saw it: the staking address when the proposer is a
    // registered validator (decided here from the block's end state, which differs from its
    // start only in the block that registered the proposer).
    block_context_.coinbase = chain::staking::fee_recipient(*world_, header_.proposer);
    if (state_overrides != nullptr && !state_overrides->is_null()) {
        apply_state_overrides(*world_, *state_overrides, "invalid argument 2");
    }
    if (block_overrides != nullptr && !block_overrides->is_null()) {
        parse_block_overrides(*block_overrides, "invalid argument 3").apply_to(block_context_);
    }
}

void apply_state_overrides(state::WorldState& world, const Json& overrides,
                           std::string_view argument) {
    const std::string where{argument};
    if (!overrides.is_object()) {
        throw RpcError{code::kInvalidParams,
                       where + ": state overrides must be an object keyed by address"};
    }
    for (const auto& [key, account] : overrides.items()) {
        const Address address = to_address(Json(key), "state override address");
        if (!account.is_object()) {
            throw RpcError{code::kInvalidParams,
                           where + ": the override of " + key + " must be an object"};
        }
        for (const auto& [name, value] : account.items()) {
            if (name != "balance" && name != "nonce" && name != "code" && name != "state" &&
                name != "stateDiff") {
                throw RpcError{code::kInvalidParams, where + ": unsupported override \"" + name +
                                                         "\" for " + key +
                                                         " (balance, nonce, code, state, "
                                                         "stateDiff are supported)"};
            }
        }
        const Json* full_state = field(account, "state");
        const Json* state_diff = field(account, "stateDiff");
        if (full_state != nullptr && state_diff != nullptr) {
            throw RpcError{code::kInvalidParams,
                           "account " + key + " has both 'state' and 'stateDiff'"};
        }
        if (full_state != nullptr) {
            const auto slots = parse_slots(*full_state, "state", where);
            // Replacing the whole storage: delete the account (its storage goes with it),
            // then put back what the override does not change.
            const auto before = world.account(address);
            const auto code = world.code(address);
            const auto key_of = world.registered_key(address);
            world.create_contract(address);
            world.selfdestruct(address, address);
            world.finalize_transaction();
            if (before) {
                world.add_balance(address, before->balance);
                world.set_nonce(address, before->nonce);
                if (code && !code->empty()) world.set_code(address, *code);
                if (key_of) world.register_key(address, *key_of);
            }
            for (const auto& [slot, value] : slots)
                world.set_storage(address, slot, value);
        }
        if (state_diff != nullptr) {
            for (const auto& [slot, value] : parse_slots(*state_diff, "stateDiff", where)) {
                world.set_storage(address, slot, value);
            }
        }
        if (const Json* v = field(account, "balance")) {
            set_balance(world, address, to_u256(*v, "balance"));
        }
        if (const Json* v = field(account, "nonce")) world.set_nonce(address, to_u64(*v, "nonce"));
        if (const Json* v = field(account, "code")) world.set_code(address, to_data(*v, "code"));
    }
    // The overridden values become the transaction's starting ("original") values.
    world.finalize_transaction();
    if (world.error()) {
        throw RpcError{code::kServer, "missing trie node: " + world.error()->message};
    }
}

BlockOverrides parse_block_overrides(const Json& overrides, std::string_view argument) {
    const std::string where{argument};
    if (!overrides.is_object()) {
        throw RpcError{code::kInvalidParams, where + ": block overrides must be an object"};
    }
    BlockOverrides parsed;
    for (const auto& [name, value] : overrides.items()) {
        if (value.is_null()) continue;
        if (name == "number") {
            parsed.number = to_u64(value, "number");
        } else if (name == "time") {
            parsed.time = to_u64(value, "time");
        } else if (name == "gasLimit") {
            parsed.gas_limit = to_u64(value, "gasLimit");
        } else if (name == "feeRecipient" || name == "coinbase") {
            parsed.fee_recipient = to_address(value, name.c_str());
        } else if (name == "prevRandao" || name == "random") {
            parsed.prev_randao = U256::from_be_bytes(to_hash(value, name.c_str()));
        } else if (name == "baseFeePerGas" || name == "baseFee") {
            parsed.base_fee = to_u256(value, name.c_str());
        } else if (name == "blobBaseFee") {
            parsed.blob_base_fee = to_u256(value, "blobBaseFee");
        } else if (name == "withdrawals" && value.is_array() && value.empty()) {
            // QTM has no beacon-chain withdrawals: only the empty list means something.
        } else if (name == "withdrawals") {
            throw RpcError{code::kInvalidParams,
                           where +
                               ": withdrawals cannot be overridden: QTM has no beacon-chain "
                               "withdrawals (only [] is accepted)"};
        } else {
            throw RpcError{code::kInvalidParams,
                           where + ": unsupported block override \"" + name +
                               "\" (number, time, gasLimit, feeRecipient, prevRandao, "
                               "baseFeePerGas, blobBaseFee are supported)"};
        }
    }
    return parsed;
}

namespace {
std::int64_t clamp_to_int64(std::uint64_t value) {
    return static_cast<std::int64_t>(std::min<std::uint64_t>(value, INT64_MAX));
}
}  // namespace

void BlockOverrides::apply_to(evm::TxContext& context) const {
    if (number) context.number = clamp_to_int64(*number);
    if (time) context.timestamp = clamp_to_int64(*time);
    if (gas_limit) context.gas_limit = clamp_to_int64(*gas_limit);
    if (fee_recipient) context.coinbase = *fee_recipient;
    if (prev_randao) context.prevrandao = *prev_randao;
    if (base_fee) context.base_fee = *base_fee;
    if (blob_base_fee) context.blob_base_fee = *blob_base_fee;
}

std::int64_t CallExecutor::call_gas(const CallRequest& call) const {
    return static_cast<std::int64_t>(
        std::min<std::uint64_t>(call.gas.value_or(limits_.gas_cap), limits_.gas_cap));
}

CallOutcome CallExecutor::run(const CallRequest& call, std::int64_t gas,
                              std::vector<state::AccessListEntry>* accessed, evm::Tracer* tracer,
                              const std::function<void(state::WorldState&)>& finished) {
    state::WorldState& world = *world_;
    const std::size_t snapshot = world.snapshot();
    const Address from = call.from.value_or(Address{});
    state::warm_transaction_accounts(world, from, call.to, block_context_.coinbase,
                                     call.access_list);
    evm::TxContext context = block_context_;
    context.gas_price = call.max_fee_per_gas.value_or(U256{});
    context.origin = from;
    storage::Database& database = backend_.database();
    state::StateHost host{world, context,
                          [&database](std::int64_t number) -> Hash32 {
                              const storage::ChainStore store{database};
                              auto hash = store.canonical_hash(static_cast<std::uint64_t>(number));
                              return hash && *hash ? **hash : Hash32{};
                          },
                          analysis_cache_, natives_.get()};
    host.set_tracer(tracer);
    evm::Message message;
    message.kind = call.to ? evm::CallKind::kCall : evm::CallKind::kCreate;
    message.gas = gas;
    message.sender = from;
    message.recipient = call.to.value_or(Address{});
    message.code_address = message.recipient;
    message.input = call.input;
    message.value = call.value;
    evm::ExecutionResult result = host.call(message);
    if (finished) finished(world);
    if (accessed != nullptr) {
        // geth's access-list tracer: every touched account except the sender, the recipient
        // and the precompiles (and here the coinbase, warm by EIP-3651), with the slots read
        // or written of any account.
        std::map<Address, std::vector<Hash32>> touched;
        for (const Address& address : world.warm_accounts()) {
            if (address == from || (call.to && address == *call.to) ||
                address == block_context_.coinbase || state::is_warm_precompile(address)) {
                continue;
            }
            touched[address];
        }
        for (const auto& [address, key] : world.warm_slots()) {
            touched[address].push_back(key.to_be_bytes());
        }
        accessed->clear();
        for (auto& [address, keys] : touched) {
            std::sort(keys.begin(), keys.end());
            accessed->push_back({address, std::move(keys)});
        }
    }
    world.revert(snapshot);
    if (world.error()) {
        throw RpcError{code::kServer, "missing trie node: " + world.error()->message};
    }
    return CallOutcome{result.status, gas - result.gas_left, std::move(result.output),
                       result.gas_refund};
}

std::int64_t request_intrinsic_gas(state::WorldState& world, Backend& backend,
                                   const CallRequest& call) {
    auto scheme = crypto::SignatureScheme::kMlDsa44;
    const auto registered = call.from ? world.registered_key(*call.from) : std::nullopt;
    if (registered) {
        if (auto parsed = crypto::parse_signature_scheme(registered->scheme)) scheme = *parsed;
    } else if (call.scheme) {
        scheme = *call.scheme;
    } else if (call.from) {
        if (const chain::AccountKey* key = backend.signer(*call.from)) scheme = key->scheme();
    }
    const std::size_t carried_key_bytes =
        call.from && !registered ? crypto::signature_sizes(scheme).public_key : 0;
    return chain::intrinsic_gas(call.input, !call.to, call.access_list, scheme, carried_key_bytes);
}

std::int64_t CallExecutor::intrinsic(const CallRequest& call) {
    return request_intrinsic_gas(*world_, backend_, call);
}

std::uint64_t CallExecutor::estimate(const CallRequest& call) {
    const std::int64_t floor = intrinsic(call);
    const auto cap = static_cast<std::int64_t>(
        std::min<std::uint64_t>({call.gas.value_or(limits_.gas_cap), limits_.gas_cap,
                                 static_cast<std::uint64_t>(block_context_.gas_limit)}));
    if (cap < floor) {
        throw RpcError{code::kServer, "intrinsic gas too low: gas " + std::to_string(cap) +
                                          ", minimum needed " + std::to_string(floor)};
    }
    // Without enough balance for the value, no gas limit helps.
    if (call.value != U256{} && world_->balance(call.from.value_or(Address{})) < call.value) {
        throw RpcError{code::kServer, "insufficient funds for transfer"};
    }
    const CallOutcome at_cap = run(call, cap - floor);
    if (at_cap.status != evm::Status::kSuccess) throw_failure(at_cap);
    // Binary search the smallest limit that succeeds, starting from what was used.
    std::int64_t low = floor + at_cap.gas_used - 1;
    std::int64_t high = cap;
    if (run(call, low + 1 - floor).status == evm::Status::kSuccess) {
        return static_cast<std::uint64_t>(low + 1);
    }
    while (high - low > 1) {
        const std::int64_t middle = low + (high - low) / 2;
        if (run(call, middle - floor).status == evm::Status::kSuccess) {
            high = middle;
        } else {
            low = middle;
        }
    }
    return static_cast<std::uint64_t>(high);
}

}  // namespace qtm::rpc
