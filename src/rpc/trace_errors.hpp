// The error strings geth's tracers print for a failed frame or step (core/vm/errors.go),
// from QTM's evm::Status and what the tracer saw of the failing step.
#pragma once

#include <cstdint>
#include <string>

#include "evm/status.hpp"

namespace qtm::rpc {

// What a tracer knows of the last step of a frame, for the wording of its error.
struct FailedStep {
    std::uint8_t op{0};
    int stack_size{0};
    bool code_store_out_of_gas{false};  // a creation whose code deposit did not fit
};

// geth's message: "execution reverted", "out of gas", "invalid opcode: INVALID",
// "stack underflow (0 <=> 2)", "write protection", "max call depth exceeded", ...
[[nodiscard]] std::string geth_error(evm::Status status, const FailedStep& step);

}  // namespace qtm::rpc
