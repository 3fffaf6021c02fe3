// Methods that run the EVM or submit transactions: eth_call, eth_estimateGas,
// eth_createAccessList, eth_sendRawTransaction, eth_sendTransaction, eth_signTransaction,
// eth_sign, eth_simulateV1.
#include <algorithm>

#include "base/hex.hpp"
#include "chain/message.hpp"
#include "chain/transaction.hpp"
#include "rpc/call_executor.hpp"
#include "rpc/eth_api.hpp"
#include "rpc/format.hpp"
#include "rpc/params.hpp"
#include "rpc/simulate.hpp"
#include "rpc/typed_data.hpp"

namespace qtm::rpc {

namespace {

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
        CallExecutor executor{backend, limits, nullptr};
        tx.gas_limit = executor.estimate(call);
    }
    // The key travels until it is registered (a second transaction sent before the first is
    // mined carries it too; registering the same key twice is allowed).
    const bool registered =
        CallExecutor{backend, limits, nullptr}.world().registered_key(*call.from).has_value();
    chain::sign_transaction(tx, *key, !registered);
    return tx;
}

// geth's eth_createAccessList: run with the request's list, collect what the run touched,
// and repeat with that list until it no longer changes (a new slot can change the path).
Json create_access_list(Backend& backend, const ApiLimits& limits, CallRequest call,
                        const Json* block_ref) {
    CallExecutor executor{backend, limits, block_ref};
    const auto same = [](const std::vector<state::AccessListEntry>& a,
                         const std::vector<state::AccessListEntry>& b) {
        return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
            return x.address == y.address && x.storage_keys == y.storage_keys;
        });
    };
    constexpr int kMaxRounds = 8;
    std::vector<state::AccessListEntry> accessed;
    CallOutcome outcome;
    for (int round = 0; round < kMaxRounds; ++round) {
        const std::int64_t floor = executor.intrinsic(call);
        if (executor.call_gas(call) < floor) {
            throw RpcError{code::kServer, "intrinsic gas too low: gas " +
                                              std::to_string(executor.call_gas(call)) +
                                              ", minimum needed " + std::to_string(floor)};
        }
        outcome = executor.run(call, executor.call_gas(call) - floor, &accessed);
        if (same(accessed, call.access_list)) break;
        call.access_list = accessed;
    }
    Json answer{{"accessList", format_access_list(call.access_list)},
                {"gasUsed", quantity(static_cast<std::uint64_t>(executor.intrinsic(call) +
                                                                outcome.gas_used))}};
    if (outcome.status != evm::Status::kSuccess) {
        answer["error"] = outcome.status == evm::Status::kRevert
                              ? std::string{"execution reverted"}
                              : "execution failed: " + std::string{evm::to_string(outcome.status)};
    }
    return answer;
}

}  // namespace

void register_execution_api(Dispatcher& dispatcher, Backend& backend, const ApiLimits& limits) {
    dispatcher.add("eth_call", [&backend, &limits](const Json& params) {
        expect_at_most(params, 4);
        const CallRequest call = parse_call(*param(params, 0, "transaction"));
        CallExecutor executor{backend, limits, param(params, 1, "block", false),
                              param(params, 2, "stateOverrides", false),
                              param(params, 3, "blockOverrides", false)};
        const CallOutcome outcome = executor.run(call, executor.call_gas(call));
        if (outcome.status != evm::Status::kSuccess) throw_failure(outcome);
        return Json(hex_data(outcome.output));
    });
    dispatcher.add("eth_simulateV1", [&backend, &limits](const Json& params) {
        return simulate_v1(backend, limits, params);
    });
    dispatcher.add("eth_estimateGas", [&backend, &limits](const Json& params) {
        expect_at_most(params, 3);
        const CallRequest call = parse_call(*param(params, 0, "transaction"));
        CallExecutor executor{backend, limits, param(params, 1, "block", false),
                              param(params, 2, "stateOverrides", false)};
        return Json(quantity(executor.estimate(call)));
    });
    dispatcher.add("eth_createAccessList", [&backend, &limits](const Json& params) {
        expect_at_most(params, 2);
        return create_access_list(backend, limits, parse_call(*param(params, 0, "transaction")),
                                  param(params, 1, "block", false));
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
    // eth_sign(address, message) and geth's personal_sign(message, address[, password]): one
    // message format (docs/protocol.md, "Signed messages"). The password is accepted for
    // geth's parameter order and not used: only accounts the node already holds unlocked sign.
    const auto sign_message = [&backend](const Json& address_json, const Json& message_json) {
        const Address address = to_address(address_json, "address");
        const Bytes message = to_data(message_json, "message");
        const chain::AccountKey* key = backend.signer(address);
        if (key == nullptr) {
            throw RpcError{code::kServer, "unknown account " + to_hex(address) +
                                              ": the node holds no key for it (see eth_accounts)"};
        }
        return Json(hex_data(chain::sign_personal_message(*key, message)));
    };
    dispatcher.add("eth_sign", [sign_message](const Json& params) {
        expect_at_most(params, 2);
        return sign_message(*param(params, 0, "address"), *param(params, 1, "message"));
    });
    dispatcher.add("personal_sign", [sign_message](const Json& params) {
        expect_at_most(params, 3);
        return sign_message(*param(params, 1, "address"), *param(params, 0, "message"));
    });
    // EIP-712 (rpc/typed_data.hpp): the ML-DSA signature of the typed-data digest, in the
    // same scheme_id || signature form as eth_sign (docs/protocol.md, "Signed messages").
    const auto sign_typed_data = [&backend](const Json& params) {
        expect_at_most(params, 2);
        const Address address = to_address(*param(params, 0, "address"), "address");
        const TypedDataDigest digest =
            typed_data_param_digest(*param(params, 1, "typedData"), backend.spec().chain_id);
        const chain::AccountKey* key = backend.signer(address);
        if (key == nullptr) {
            throw RpcError{code::kServer, "unknown account " + to_hex(address) +
                                              ": the node holds no key for it (see eth_accounts)"};
        }
        return Json(hex_data(chain::sign_message_digest(*key, digest.digest)));
    };
    dispatcher.add("eth_signTypedData_v4", sign_typed_data);
    dispatcher.add("eth_signTypedData", sign_typed_data);
    dispatcher.add("eth_signTransaction", [&backend, &limits](const Json& params) {
        expect_at_most(params, 1);
        const chain::Transaction tx =
            prepare(backend, limits, parse_call(*param(params, 0, "transaction")));
        // geth's { raw, tx }; hash (of the raw bytes) kept for the callers that read it.
        const Hash32 hash = chain::transaction_hash(tx);
        return Json{{"raw", hex_data(chain::encode(tx))},
                    {"tx", format_transaction(tx, hash, std::nullopt)},
                    {"hash", hex_data(hash)}};
    });
}

}  // namespace qtm::rpc
