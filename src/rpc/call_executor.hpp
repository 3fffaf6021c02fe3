// Running a transaction-shaped request against a block's state without committing anything:
// what eth_call, eth_estimateGas and eth_createAccessList share. The state can be overridden
// per account (geth's StateOverride: balance, nonce, code, state, stateDiff) and the block
// context per field (geth's BlockOverrides). Every run is undone afterwards.
//
// Time is bounded by gas: every run gets at most ApiLimits::gas_cap (geth's 50M default),
// so no separate wall-clock timeout is kept.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "crypto/signature_scheme.hpp"
#include "evm/analysis.hpp"
#include "evm/host.hpp"
#include "evm/tracer.hpp"
#include "rpc/backend.hpp"
#include "rpc/eth_api.hpp"
#include "rpc/json_rpc.hpp"
#include "state/native_contract.hpp"
#include "state/transaction.hpp"
#include "state/world_state.hpp"

namespace qtm::rpc {

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
    // QTM: the sender's signature scheme id ("scheme", as transactions are formatted), for
    // estimating a first transaction from a key the node does not hold.
    std::optional<crypto::SignatureScheme> scheme;
};

[[nodiscard]] CallRequest parse_call(const Json& object);

struct CallOutcome {
    evm::Status status{evm::Status::kSuccess};
    std::int64_t gas_used{0};  // execution gas, without the intrinsic part
    Bytes output;
    std::int64_t gas_refund{0};  // EIP-3529 counter at the end (before the cap)
};

// Answers a failed run: code 3 with the revert data (and Solidity's reason in the message)
// for a revert, -32000 naming the failure otherwise.
[[noreturn]] void throw_failure(const CallOutcome& outcome);

// geth's StateOverride applied to `world` (balance, nonce, code, state, stateDiff per
// address), then made the starting values of the next transaction. `argument` opens the
// messages of malformed overrides ("invalid argument 2"). Throws RpcError.
void apply_state_overrides(state::WorldState& world, const Json& overrides,
                           std::string_view argument);

// geth's BlockOverrides.
struct BlockOverrides {
    std::optional<std::uint64_t> number;
    std::optional<std::uint64_t> time;
    std::optional<std::uint64_t> gas_limit;
    std::optional<Address> fee_recipient;
    std::optional<U256> prev_randao;
    std::optional<U256> base_fee;
    std::optional<U256> blob_base_fee;

    void apply_to(evm::TxContext& context) const;
};
[[nodiscard]] BlockOverrides parse_block_overrides(const Json& overrides,
                                                   std::string_view argument);

// The intrinsic gas the sender's transaction will pay: its scheme (the registered key's,
// else the request's "scheme", else the node-held key's, else ML-DSA-44) sets the
// verification charge, and an unregistered sender also pays for registering its key.
[[nodiscard]] std::int64_t request_intrinsic_gas(state::WorldState& world, Backend& backend,
                                                 const CallRequest& call);

class CallExecutor {
public:
    // The state after block `block_ref` (latest when null), with `state_overrides` and
    // `block_overrides` (either may be null) applied. Throws RpcError for an unknown block or
    // a malformed override.
    CallExecutor(Backend& backend, const ApiLimits& limits, const Json* block_ref,
                 const Json* state_overrides = nullptr, const Json* block_overrides = nullptr);

    [[nodiscard]] state::WorldState& world() { return *world_; }

    // Runs the call with `gas` for execution and undoes every change. When `accessed` is
    // given, it receives what the run touched beyond the sender, the recipient, the
    // coinbase and the precompiles (accounts, and slots of any account).
    // A `tracer` (debug_traceCall) sees every message, step, log and selfdestruct;
    // `finished`, when set, sees the state the run left before it is undone.
    CallOutcome run(const CallRequest& call, std::int64_t gas,
                    std::vector<state::AccessListEntry>* accessed = nullptr,
                    evm::Tracer* tracer = nullptr,
                    const std::function<void(state::WorldState&)>& finished = {});

    // The block context runs see (coinbase, number, ...), overrides applied.
    [[nodiscard]] const evm::TxContext& block_context() const { return block_context_; }

    // request_intrinsic_gas on this state.
    [[nodiscard]] std::int64_t intrinsic(const CallRequest& call);

    // The smallest gas limit with which the call succeeds (binary search), capped by the
    // request's gas, the gas cap and the block gas limit.
    [[nodiscard]] std::uint64_t estimate(const CallRequest& call);

    // The gas a run may use at most: the request's gas, never above the gas cap.
    [[nodiscard]] std::int64_t call_gas(const CallRequest& call) const;

private:
    Backend& backend_;
    const ApiLimits& limits_;
    chain::Header header_;
    evm::TxContext block_context_;
    std::unique_ptr<state::WorldState> world_;
    evm::AnalysisCache analysis_cache_{64};
    // The chain's native contracts (the staking contract), as blocks run them.
    std::shared_ptr<const state::NativeContracts> natives_;
};

}  // namespace qtm::rpc
