// Tracing hooks (debug_trace*): what a tracer is told about a transaction's execution.
//
// The interpreter is a template over its tracer type (interpreter.cpp): the untraced path is
// instantiated with NullTracer, whose hooks are empty and guarded by `if constexpr`, so an
// untraced run has no call, branch or allocation per opcode for tracing. A traced run is the
// same loop instantiated with a forwarder to the virtual Tracer below; the choice between
// the two is made once per frame (execute()'s `tracer` argument).
//
// Two levels of hooks:
//   host level (StateHost): every message as it starts and ends, precompiles and refused
//     messages (depth, balance) included; logs; selfdestructs (geth's OnEnter/OnExit/OnLog).
//   interpreter level: each step before it runs (stack and memory as they are before the
//     opcode), and the end of each frame (its final gas and status).
#pragma once

#include <cstddef>
#include <span>

#include "base/bytes.hpp"
#include "base/u256.hpp"
#include "evm/message.hpp"
#include "evm/opcodes.hpp"
#include "evm/status.hpp"

namespace qtm::evm {

struct ExecutionState;

class Tracer {
public:
    virtual ~Tracer() = default;

    // A message starts. `target` is the account the message is addressed to: the created
    // address for CREATE/CREATE2 (derived before any check, as geth), else code_address.
    virtual void on_enter(const Message& message, const Address& target) = 0;
    // The message of the last unmatched on_enter ended. `output` is the return or revert
    // data, the deployed code for a successful creation. `code_store_out_of_gas`: a creation
    // failed because the code deposit did not fit in the gas left.
    virtual void on_exit(const ExecutionResult& result, ByteView output,
                         bool code_store_out_of_gas) = 0;
    // The opcode at `pc` is about to run in `state` (gas not yet charged).
    virtual void on_step(const ExecutionState& state, std::size_t pc, Opcode op) = 0;
    // The interpreter frame of `state` halted with `status`; state.gas_left is what it had
    // left (negative when the last charge failed).
    virtual void on_frame_end(const ExecutionState& state, Status status) = 0;
    virtual void on_log(const Address& address, ByteView data, std::span<const Hash32> topics) = 0;
    // SELFDESTRUCT of `address` moving `balance` to `beneficiary`.
    virtual void on_selfdestruct(const Address& address, const Address& beneficiary,
                                 const U256& balance) = 0;
    // Asked after each on_step: true stops the run (a trace past its timeout). Every frame
    // then halts at its next step as out of gas, so the transaction unwinds at once; its
    // outcome is meaningless and the caller discards it.
    [[nodiscard]] virtual bool interrupted() const noexcept { return false; }
};

// The interpreter's static tracer: disabled, every hook compiles to nothing.
struct NullTracer {
    static constexpr bool kEnabled = false;
    bool on_step(const ExecutionState&, std::size_t, Opcode) noexcept { return true; }
    void on_frame_end(const ExecutionState&, Status) noexcept {}
};

// The interpreter's static tracer for traced runs: forwards to a Tracer.
struct ForwardingTracer {
    static constexpr bool kEnabled = true;
    Tracer& tracer;
    // False: the tracer interrupted the run.
    bool on_step(const ExecutionState& state, std::size_t pc, Opcode op) {
        tracer.on_step(state, pc, op);
        return !tracer.interrupted();
    }
    void on_frame_end(const ExecutionState& state, Status status) {
        tracer.on_frame_end(state, status);
    }
};

}  // namespace qtm::evm
