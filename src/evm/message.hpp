// Message and ExecutionResult: what goes into a call frame and what comes out of it, in the
// shape of EVMC's evmc_message / evmc_result.
#pragma once

#include <cstdint>

#include "base/bytes.hpp"
#include "base/u256.hpp"
#include "evm/status.hpp"

namespace qtm::evm {

// The fork the interpreter follows. QTM's EVM implements Cancun only; the enum exists so
// that a later fork is an added case, not a signature change.
enum class Revision : std::uint8_t { kCancun };

// STATICCALL is kCall with the static flag set (as EVMC).
enum class CallKind : std::uint8_t { kCall, kDelegateCall, kCallCode, kCreate, kCreate2 };

inline constexpr int kMaxCallDepth = 1024;  // a message at depth 1025 is refused

struct Message {
    CallKind kind{CallKind::kCall};
    bool is_static{false};
    std::int32_t depth{0};  // 0 for the transaction's own message
    std::int64_t gas{0};
    Address recipient{};     // the account whose storage and balance the frame uses
    Address sender{};        // CALLER
    ByteView input{};        // call data, or initcode for CREATE/CREATE2
    U256 value{};            // CALLVALUE (the apparent value for DELEGATECALL)
    Address code_address{};  // whose code runs (differs from recipient for DELEGATECALL/CALLCODE)
    U256 create2_salt{};     // CREATE2 only
};

struct ExecutionResult {
    Status status{Status::kSuccess};
    std::int64_t gas_left{0};
    std::int64_t gas_refund{0};  // EIP-3529 refund counter; may be negative inside a tx
    Bytes output{};              // RETURN / REVERT data (empty on exceptional halt)
    Address create_address{};    // CREATE/CREATE2 only, on success
};

}  // namespace qtm::evm
