// eth_simulateV1 (execution-apis, eth/execute.yaml; geth's internal/ethapi/simulate.go):
// a sequence of simulated blocks on top of a stored one, each with its block overrides, its
// state overrides (applied before its calls) and its calls run as transactions (gas bought
// and refunded, nonces bumped, fees paid), the state carried from block to block. Nothing is
// written: every simulated block's state is folded into tries held in memory (an
// OverlayView over the database), so each block gets its real state root and hash.
//
// As the spec (and its notes, docs/ethsimulatev1-notes.md) and geth: block numbers default to
// the previous one plus one and must increase (a gap is filled with empty blocks), at most 256
// blocks past the base; timestamps default to the previous one plus the chain's block time
// and must increase; feeRecipient and prevRandao default to zero, the gas limit to the
// base's; a call's gas defaults to what the block has left, and the whole request may use the
// RPC gas cap (50M) in all. Without `validation`, nonces are not checked, the base fee and
// blob base fee are 0 unless overridden, and a fee cap below the base fee is allowed; a sender
// with code may send (EIP-3607 is not applied, as the spec says). An invalid call fails the
// whole request with the spec's code (-38010 nonce too low, ..., -38015 block gas limit
// reached); a call that reverts or fails in the EVM is a result with status 0x0 and its error
// (-32000 with the revert data, -32015), the later calls still run.
//
// QTM: simulated blocks run only their calls (no issuance or penalties, as post-merge geth
// simulates no rewards); their transactions are unsigned type-0x51 objects (hashed as such).
#pragma once

#include "rpc/backend.hpp"
#include "rpc/eth_api.hpp"
#include "rpc/json_rpc.hpp"

namespace qtm::rpc {

// The execution-apis error codes of eth_simulateV1.
namespace simulate_code {
inline constexpr int kNonceTooLow = -38010;
inline constexpr int kNonceTooHigh = -38011;
inline constexpr int kBaseFeeTooLow = -38012;
inline constexpr int kIntrinsicGas = -38013;
inline constexpr int kInsufficientFunds = -38014;
inline constexpr int kBlockGasLimitReached = -38015;
inline constexpr int kBlockNumberInvalid = -38020;
inline constexpr int kBlockTimestampInvalid = -38021;
inline constexpr int kSenderIsNotEoa = -38024;
inline constexpr int kMaxInitCodeSizeExceeded = -38025;
inline constexpr int kClientLimitExceeded = -38026;
inline constexpr int kReverted = -32000;  // a call result's error, not the request's
inline constexpr int kVmError = -32015;
}  // namespace simulate_code

inline constexpr std::size_t kMaxSimulatedBlocks = 256;

// params: [payload, blockTag?]. Throws RpcError.
[[nodiscard]] Json simulate_v1(Backend& backend, const ApiLimits& limits, const Json& params);

}  // namespace qtm::rpc
