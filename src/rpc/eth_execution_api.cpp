// Methods that run the EVM or submit transactions: eth_call, eth_estimateGas,
// eth_sendRawTransaction, eth_sendTransaction, eth_signTransaction.
#include <algorithm>

#include "base/hex.hpp"
#include "chain/transaction.hpp"
#include "evm/precompiles.hpp"
#include "rpc/chain_reader.hpp"
#include "rpc/eth_api.hpp"
#include "rpc/params.hpp"
#include "state/state_host.hpp"
#include "state/transaction.hpp"
#include "storage/chain_store.hpp"

namespace qtm::rpc {

namespace {

// The fields of an execution-apis TransactionObject (GenericTransaction).
struct CallRequest {
    std::optional<Address> from;
    std::optional<Address> to;
    std::optional<std::uint64_t> gas;
    std::optional<U256> max_fee_per_gas;
    std::optional<U256> max_priority_fee_per_gas;
    U256 value{};
    Bytes input{};
    std::vector<state::AccessListEntry> access_list;
    std::optional<std::uint64_t> nonce;
};

CallRequest parse_call(const Json& object) {
    if (!object.is_object()) {
        throw RpcError{code::kInvalidParams, "invalid argument 0: expected a transaction object"};
    }
    CallRequest call;
    const auto field = [&object](const char* name) -> const Json* {
        const auto it = object.find(name);
        return it == object.end() || it->is_null() ? nullptr : &*it;
    };
    if (const Json* v = field("from")) call.from = to_address(*v, "from");
    if (const Json* v = field("to")) call.to = to_address(*v, "to");
    if (const Json* v = field("gas")) call.gas = to_u64(*v, "gas");
    if (const Json* v = field("gasPrice")) {
        call.max_fee_per_gas = to_u256(*v, "gasPrice");
        call.max_priority_fee_per_gas = call.max_fee_per_gas;
    }
    if (const Json* v = field("maxFeePerGas")) call.max_fee_per_gas = to_u256(*v, "maxFeePerGas");
    if (const Json* v = field("maxPriorityFeePerGas")) {
        call.max_priority_fee_per_gas = to_u256(*v, "maxPriorityFeePerGas");
    }
    if (const Json* v = field("value")) call.value = to_u256(*v, "value");
    const Json* input = field("input");
    const Json* data_field = field("data");
    if (input != nullptr && data_field != nullptr && *input != *data_field) {
        throw RpcError{code::kInvalidParams,
                       "both \"data\" and \"input\" are set and not equal. Please use \"input\" "
                       "to pass transaction call data"};
    }
    if (input != nullptr)
        call.input = to_data(*input, "input");
    else if (data_field != nullptr)
        call.input = to_data(*data_field, "data");
    if (const Json* v = field("nonce")) call.nonce = to_u64(*v, "nonce");
    if (const Json* v = field("accessList")) {
        for (const auto& item : *v) {
            state::AccessListEntry entry;
            entry.address = to_address(item.at("address"), "accessList.address");
            for (const auto& key : item.at("storageKeys")) {
                entry.storage_keys.push_back(to_hash(key, "accessList.storageKeys"));
            }
            call.access_list.push_back(std::move(entry));
        }
    }
    return call;
}

struct CallOutcome {
    evm::Status status{evm::Status::kSuccess};
    std::int64_t gas_used{0};
    Bytes output;
};

// Solidity's Error(string) revert reason, if the output is one.
std::optional<std::string> revert_reason(ByteView output) {
    static constexpr std::uint8_t kSelector[4] = {0x08, 0xc3, 0x79, 0xa0};
    if (output.size() < 68 || !std::equal(kSelector, kSelector + 4, output.begin())) {
        return std::nullopt;
    }
    const U256 length = U256::from_be_bytes(output.subspan(36, 32));
    if (!length.fits_uint64() || 68 + length[0] > output.size()) return std::nullopt;
    return std::string(output.begin() + 68,
                       output.begin() + 68 + static_cast<std::ptrdiff_t>(length[0]));
}

[[noreturn]] void throw_failure(const CallOutcome& outcome) {
    if (outcome.status == evm::Status::kRevert) {
        const auto reason = revert_reason(outcome.output);
        throw RpcError{code::kReverted,
                       reason ? "execution reverted: " + *reason : "execution reverted",
                       Json(hex_data(outcome.output))};
    }
    throw RpcError{code::kServer,
                   "execution failed: " + std::string{evm::to_string(outcome.status)}};
}

class Executor {
public:
    Executor(Backend& backend, const ApiLimits& limits, const Json* block_ref)
        : backend_{backend}, limits_{limits}, reader_{backend} {
        const auto number = reader_.resolve(to_block_ref(block_ref, "block"));
        if (!number) throw RpcError{code::kServer, "header not found"};
        const auto header = reader_.header(*number);
        if (!header) throw RpcError{code::kServer, "header not found"};
        header_ = *header;
        world_ = std::make_unique<state::WorldState>(backend.database(), header_.state_root,
                                                     backend.node_cache(),
                                                     state::WorldState::ReadMode::kTrie);
    }

    state::WorldState& world() { return *world_; }
    const chain::Header& header() const { return header_; }

    // Runs the call with `gas` and undoes every change.
    CallOutcome run(const CallRequest& call, std::int64_t gas) {
        const std::size_t snapshot = world_->snapshot();
        const Address from = call.from.value_or(Address{});
        world_->warm_account(from);
        if (call.to) world_->warm_account(*call.to);
        world_->warm_account(header_.proposer);
        for (std::uint8_t i = 1; i <= 0x0a; ++i) {
            Address precompile{};
            precompile[19] = i;
            world_->warm_account(precompile);
        }
        world_->warm_account(evm::kMldsaVerifyPrecompile);
        for (const auto& entry : call.access_list) {
            world_->warm_account(entry.address);
            for (const auto& key : entry.storage_keys) {
                world_->warm_storage(entry.address, U256::from_be_bytes(key));
            }
        }
        evm::TxContext context;
        context.gas_price = call.max_fee_per_gas.value_or(U256{});
        context.origin = from;
        context.coinbase = header_.proposer;
        context.number = static_cast<std::int64_t>(header_.number);
        context.timestamp = static_cast<std::int64_t>(header_.timestamp);
        context.gas_limit = static_cast<std::int64_t>(header_.gas_limit);
        context.prevrandao = U256::from_be_bytes(header_.parent_hash);
        context.chain_id = U256{backend_.spec().chain_id};
        context.base_fee = header_.base_fee;
        storage::Database& database = backend_.database();
        state::StateHost host{*world_, context,
                              [&database](std::int64_t number) -> Hash32 {
                                  const storage::ChainStore store{database};
                                  auto hash =
                                      store.canonical_hash(static_cast<std::uint64_t>(number));
                                  return hash && *hash ? **hash : Hash32{};
                              },
                              analysis_cache_};
        evm::Message message;
        message.kind = call.to ? evm::CallKind::kCall : evm::CallKind::kCreate;
        message.gas = gas;
        message.sender = from;
        message.recipient = call.to.value_or(Address{});
        message.code_address = message.recipient;
        message.input = call.input;
        message.value = call.value;
        evm::ExecutionResult result = host.call(message);
        world_->revert(snapshot);
        if (world_->error()) {
            throw RpcError{code::kServer, "missing trie node: " + world_->error()->message};
        }
        return CallOutcome{result.status, gas - result.gas_left, std::move(result.output)};
    }

    // The intrinsic gas a QTM transaction with these fields pays: Ethereum's, the ML-DSA-44
    // verification, and key registration when the sender has no registered key yet.
    // The intrinsic gas the sender's transaction will pay: its scheme (the registered key's,
    // else the node-held key's, else ML-DSA-44) sets the verification charge, and an
    // unregistered sender also pays for registering its key.
    std::int64_t intrinsic(const CallRequest& call) {
        auto scheme = crypto::SignatureScheme::kMlDsa44;
        const auto registered = call.from ? world_->registered_key(*call.from) : std::nullopt;
        if (registered) {
            if (auto parsed = crypto::parse_signature_scheme(registered->scheme)) scheme = *parsed;
        } else if (call.from) {
            if (const chain::AccountKey* key = backend_.signer(*call.from)) scheme = key->scheme();
        }
        const std::size_t carried_key_bytes =
            call.from && !registered ? crypto::signature_sizes(scheme).public_key : 0;
        return chain::intrinsic_gas(call.input, !call.to, call.access_list, scheme,
                                    carried_key_bytes);
    }

    std::uint64_t estimate(const CallRequest& call) {
        const std::int64_t floor = intrinsic(call);
        auto cap = static_cast<std::int64_t>(std::min<std::uint64_t>(
            {call.gas.value_or(limits_.gas_cap), limits_.gas_cap, header_.gas_limit}));
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
        if (run(call, low + 1 - floor).status == evm::Status::kSuccess)
            return static_cast<std::uint64_t>(low + 1);
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

private:
    Backend& backend_;
    const ApiLimits& limits_;
    ChainReader reader_;
    chain::Header header_;
    std::unique_ptr<state::WorldState> world_;
    evm::AnalysisCache analysis_cache_{64};
};

Json submit(Backend& backend, const chain::Transaction& tx) {
    auto added = backend.submit_transaction(tx);
    if (!added) throw RpcError{code::kServer, added.error()};
    return Json(hex_data(*added));
}

// Fills and signs a transaction for a node-held account.
chain::Transaction prepare(Backend& backend, const ApiLimits& limits, const CallRequest& call) {
    if (!call.from)
        throw RpcError{code::kInvalidParams, "missing value for required argument from"};
    const chain::AccountKey* key = backend.signer(*call.from);
    if (key == nullptr) {
        throw RpcError{code::kServer, "unknown account " + to_hex(*call.from) +
                                          ": the node holds no key for it (see eth_accounts)"};
    }
    chain::Transaction tx;
    tx.chain_id = backend.spec().chain_id;
    tx.from = *call.from;
    tx.to = call.to;
    tx.value = call.value;
    tx.data = call.input;
    tx.access_list = call.access_list;
    tx.nonce = call.nonce.value_or(backend.pool().pending_nonce(*call.from));
    const U256 tip = call.max_priority_fee_per_gas.value_or(U256{1'000'000'000});
    tx.max_priority_fee_per_gas = tip;
    tx.max_fee_per_gas = call.max_fee_per_gas.value_or(backend.next_base_fee() * U256{2} + tip);
    if (call.gas) {
        tx.gas_limit = *call.gas;
    } else {
        Executor executor{backend, limits, nullptr};
        tx.gas_limit = executor.estimate(call);
    }
    // The key travels until it is registered (a second transaction sent before the first is
    // mined carries it too; registering the same key twice is allowed).
    const bool registered =
        Executor{backend, limits, nullptr}.world().registered_key(*call.from).has_value();
    chain::sign_transaction(tx, *key, !registered);
    return tx;
}

}  // namespace

void register_execution_api(Dispatcher& dispatcher, Backend& backend, const ApiLimits& limits) {
    dispatcher.add("eth_call", [&backend, &limits](const Json& params) {
        expect_at_most(params, 3);
        const CallRequest call = parse_call(*param(params, 0, "transaction"));
        if (param(params, 2, "stateOverrides", false) != nullptr) {
            throw RpcError{code::kInvalidParams, "state overrides are not supported yet"};
        }
        Executor executor{backend, limits, param(params, 1, "block", false)};
        const auto gas = static_cast<std::int64_t>(
            std::min<std::uint64_t>(call.gas.value_or(limits.gas_cap), limits.gas_cap));
        const CallOutcome outcome = executor.run(call, gas);
        if (outcome.status != evm::Status::kSuccess) throw_failure(outcome);
        return Json(hex_data(outcome.output));
    });
    dispatcher.add("eth_estimateGas", [&backend, &limits](const Json& params) {
        expect_at_most(params, 3);
        const CallRequest call = parse_call(*param(params, 0, "transaction"));
        Executor executor{backend, limits, param(params, 1, "block", false)};
        return Json(quantity(executor.estimate(call)));
    });
    dispatcher.add("eth_sendRawTransaction", [&backend](const Json& params) {
        expect_at_most(params, 1);
        const Bytes raw = to_data(*param(params, 0, "transaction"), "transaction");
        auto tx = chain::decode_transaction(raw);
        if (!tx) throw RpcError{code::kServer, std::string{chain::to_string(tx.error())}};
        return submit(backend, *tx);
    });
    dispatcher.add("eth_sendTransaction", [&backend, &limits](const Json& params) {
        expect_at_most(params, 1);
        return submit(backend,
                      prepare(backend, limits, parse_call(*param(params, 0, "transaction"))));
    });
    dispatcher.add("eth_signTransaction", [&backend, &limits](const Json& params) {
        expect_at_most(params, 1);
        const chain::Transaction tx =
            prepare(backend, limits, parse_call(*param(params, 0, "transaction")));
        return Json{{"raw", hex_data(chain::encode(tx))},
                    {"hash", hex_data(chain::transaction_hash(tx))}};
    });
}

}  // namespace qtm::rpc
