// The staking system contract (docs/staking.md): native code at the staking address
// (0x…5374616b65) with a Solidity ABI (contracts/IStaking.sol's functions, ABI events as
// logs, Error(string) reverts), metered in gas. It holds the validators, the delegations
// and the unbonding queue in its storage (store.hpp); the bonded and unbonding value is the
// staking address's balance.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "chain/chain_spec.hpp"
#include "state/native_contract.hpp"

namespace qtm::chain::staking {

// The ML-DSA context of a proof of possession: a signature by the consensus key over
// pop_message(operator, chain id), so that nobody registers a key they do not hold.
inline constexpr std::string_view kPopContext = "qtm/pop/v1";
// operator address (20 bytes) || chain id (8 bytes, big-endian).
[[nodiscard]] Bytes pop_message(const Address& operator_address, std::uint64_t chain_id);

// The ABI signatures of the functions and events (also in contracts/IStaking.sol).
namespace signature {
inline constexpr std::string_view kCreateValidator =
    "createValidator(uint8,bytes,bytes,address,uint16)";
inline constexpr std::string_view kEditValidator = "editValidator(address,uint16)";
inline constexpr std::string_view kDelegate = "delegate(address)";
inline constexpr std::string_view kUndelegate = "undelegate(address,uint256)";
inline constexpr std::string_view kWithdraw = "withdraw()";
inline constexpr std::string_view kGetValidator = "getValidator(address)";
inline constexpr std::string_view kValidatorCount = "validatorCount()";
inline constexpr std::string_view kValidatorAt = "validatorAt(uint256)";
inline constexpr std::string_view kGetDelegation = "getDelegation(address,address)";
inline constexpr std::string_view kUnbondingCount = "unbondingCount(address)";
inline constexpr std::string_view kGetUnbonding = "getUnbonding(address,uint256)";
inline constexpr std::string_view kGetTotals = "getTotals()";
inline constexpr std::string_view kGetParams = "getParams()";
inline constexpr std::string_view kClaimRewards = "claimRewards(address)";
inline constexpr std::string_view kPendingRewards = "pendingRewards(address,address)";
inline constexpr std::string_view kUnjail = "unjail()";

inline constexpr std::string_view kValidatorCreated =
    "ValidatorCreated(address,address,address,uint16,uint256)";
inline constexpr std::string_view kValidatorEdited = "ValidatorEdited(address,address,uint16)";
inline constexpr std::string_view kDelegated = "Delegated(address,address,uint256)";
inline constexpr std::string_view kUndelegated = "Undelegated(address,address,uint256,uint256)";
inline constexpr std::string_view kWithdrawn = "Withdrawn(address,uint256)";
inline constexpr std::string_view kRewardsClaimed = "RewardsClaimed(address,address,uint256)";
inline constexpr std::string_view kSlashed = "Slashed(address,uint64,uint256,uint8)";
inline constexpr std::string_view kJailed = "Jailed(address,uint64,uint8)";
inline constexpr std::string_view kUnjailed = "Unjailed(address)";
inline constexpr std::string_view kTombstoned = "Tombstoned(address)";
}  // namespace signature

// What the contract needs of the chain spec.
struct ContractParams {
    std::uint64_t chain_id{0};
    std::uint64_t epoch_length{0};
    StakingParams staking{};
};

class StakingContract final : public state::NativeContract {
public:
    explicit StakingContract(ContractParams params) : params_{std::move(params)} {}

    [[nodiscard]] evm::ExecutionResult run(state::WorldState& state, const evm::TxContext& context,
                                           const evm::Message& message) const override;

    [[nodiscard]] const ContractParams& params() const noexcept { return params_; }

private:
    ContractParams params_;
};

[[nodiscard]] ContractParams contract_params(const ChainSpec& spec);

// The signatures of every function the contract dispatches, in its table's order (the
// check of contracts/IStaking.sol compares them with solc's ABI: `qtm validator abi`).
[[nodiscard]] std::vector<std::string_view> function_signatures();
// The signatures of every event of its ABI (Slashed, Jailed and Tombstoned are emitted at
// block level by penalties.hpp; docs/protocol.md, "Block-level logs").
[[nodiscard]] std::vector<std::string_view> event_signatures();

// The chain's native contracts: the staking contract at staking_address().
[[nodiscard]] std::shared_ptr<const state::NativeContracts> native_contracts(const ChainSpec& spec);

}  // namespace qtm::chain::staking
