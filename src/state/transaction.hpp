// The state transition of one transaction, whatever its wire format: validity checks against
// the state (nonce, balance, fee caps, gas limits), buying gas, EIP-2929 warming, the
// top-level message, refunds (EIP-3529), the base fee burned and the tip to the coinbase,
// and the end-of-transaction rules (EIP-6780 deletions, EIP-161 empty-account removal).
// The caller computes the intrinsic gas, because it depends on the transaction format: QTM
// transactions price signature verification, Ethereum's (state tests) do not.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/u256.hpp"
#include "evm/analysis.hpp"
#include "evm/status.hpp"
#include "state/state_host.hpp"
#include "state/world_state.hpp"

namespace qtm::state {

struct BlockEnv {
    Address coinbase{};
    std::int64_t number{0};
    std::int64_t timestamp{0};
    std::int64_t gas_limit{0};
    U256 prevrandao{};
    U256 base_fee{};
    U256 chain_id{};
    U256 blob_base_fee{};
    BlockHashFunction block_hash{};
    // The chain's native contracts (the staking contract); null: none (state tests).
    const NativeContracts* natives{nullptr};
};

struct AccessListEntry {
    Address address{};
    std::vector<Hash32> storage_keys{};
};

struct TxParams {
    Address sender{};
    std::optional<Address> to{};  // nullopt: contract creation
    std::uint64_t nonce{0};
    U256 value{};
    Bytes data{};
    std::int64_t gas_limit{0};
    U256 max_fee_per_gas{};           // legacy transactions: the gas price
    U256 max_priority_fee_per_gas{};  // legacy transactions: the gas price
    std::vector<AccessListEntry> access_list{};
    std::int64_t intrinsic_gas{0};
    // A QTM transaction that carries its sender's public key registers it (once valid, even
    // if execution then fails, like the nonce bump).
    std::optional<RegisteredKey> register_key{};
};

// Why a transaction cannot be included; the state is unchanged. Worded as geth's errors.
enum class TxError {
    kNonceTooLow,
    kNonceTooHigh,
    kNonceMax,
    kSenderNotEoa,
    kTipAboveFeeCap,
    kFeeCapBelowBaseFee,
    kGasLimitReached,  // more gas than the block has left
    kInsufficientFunds,
    kIntrinsicGasTooLow,
    kInitcodeTooLarge,
    kStateFailure,  // the database failed; see WorldState::error()
};
std::string_view to_string(TxError error) noexcept;

struct TxOutcome {
    evm::Status status{evm::Status::kSuccess};
    std::int64_t gas_used{0};  // after refunds
    Bytes output{};
    std::vector<Log> logs{};
    std::optional<Address> contract_address{};
    bool called_point_evaluation{false};  // see StateHost::called_point_evaluation
};

// Ethereum's intrinsic gas (Cancun): 21000, 32000 more for a creation, 4 per zero and 16 per
// non-zero data byte, 2400 per access-list address and 1900 per key, 2 per initcode word.
[[nodiscard]] std::int64_t ethereum_intrinsic_gas(ByteView data, bool is_create,
                                                  const std::vector<AccessListEntry>& access_list);

// EIP-2929 (with EIP-3651's warm coinbase): what a transaction starts with warm — the sender,
// the recipient, the coinbase, the precompile addresses (0x01-0x0a and QTM's ML-DSA
// verifier) and its access list. apply_transaction and RPC simulations share it.
void warm_transaction_accounts(WorldState& state, const Address& sender,
                               const std::optional<Address>& to, const Address& coinbase,
                               const std::vector<AccessListEntry>& access_list);
// Whether `address` is one of the precompile addresses warm_transaction_accounts warms.
[[nodiscard]] bool is_warm_precompile(const Address& address) noexcept;

// Checks a simulation (eth_simulateV1) may relax; blocks apply them all.
struct TxRules {
    // EIP-3607: a sender with code cannot originate transactions.
    bool sender_must_be_eoa{true};
    // The fee cap covers the base fee. Off (geth's NoBaseFee, for a simulation without
    // validation), a fee cap below the base fee is the gas price and no tip is paid.
    bool fee_cap_must_cover_base_fee{true};
};

// Applies `tx` to `state`. `gas_available` is what the block has left. On an error the state
// is as before; on success the transaction is finalized (WorldState::finalize_transaction).
// A `tracer` (debug_trace*) sees every message, step, log and selfdestruct of the run.
[[nodiscard]] Result<TxOutcome, TxError> apply_transaction(
    WorldState& state, const BlockEnv& env, const TxParams& tx, std::int64_t gas_available,
    evm::AnalysisCache& analysis_cache, evm::Tracer* tracer = nullptr, const TxRules& rules = {});

}  // namespace qtm::state
