// geth's default tracer, the struct logger (eth/tracers/logger): one entry per executed
// opcode with pc, op, gas (before the step), gasCost, depth (1 for the transaction's own
// frame), the stack (bottom first, as quantities), and on demand memory (32-byte words),
// storage (at SLOAD/SSTORE only: every slot of the running contract seen so far, as geth)
// and return data; the result is {gas, failed, returnValue, structLogs}.
//
// gasCost is what the step charged, dynamic costs included; for CALL* and CREATE* it also
// holds the gas given to the callee (without the 2300 stipend), as geth reports it. A step
// carries "error" when it failed before running (out of gas, stack under- or overflow).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "evm/tracer.hpp"
#include "rpc/json_rpc.hpp"

namespace qtm::rpc {

struct StructLoggerOptions {
    bool disable_stack{false};
    bool disable_storage{false};
    bool enable_memory{false};
    bool enable_return_data{false};
    std::size_t limit{0};  // most entries kept (0: no limit), geth's "limit"
    // Past this many bytes of recorded steps the trace fails (result too large).
    std::size_t max_bytes{256u << 20};
};

class StructLogger final : public evm::Tracer {
public:
    explicit StructLogger(StructLoggerOptions options) : options_{options} {}

    void on_enter(const evm::Message& message, const Address& target) override;
    void on_exit(const evm::ExecutionResult& result, ByteView output,
                 bool code_store_out_of_gas) override;
    void on_step(const evm::ExecutionState& state, std::size_t pc, evm::Opcode op) override;
    void on_frame_end(const evm::ExecutionState& state, evm::Status status) override;
    void on_log(const Address&, ByteView, std::span<const Hash32>) override {}
    void on_selfdestruct(const Address&, const Address&, const U256&) override {}

    // Whether the recorded steps outgrew options.max_bytes (the result is then refused).
    [[nodiscard]] bool too_large() const noexcept { return too_large_; }

    // geth's ExecutionResult: `gas_used` is the transaction's (the receipt's), `output` its
    // return data (kept for a revert, empty for another failure).
    [[nodiscard]] Json result(std::uint64_t gas_used, evm::Status status, ByteView output) const;

private:
    struct Step {
        std::uint64_t pc{0};
        std::uint8_t op{0};
        std::int64_t gas{0};
        std::int64_t cost{0};
        int depth{0};
        std::string error;
        std::vector<U256> stack;
        Bytes memory;
        Bytes return_data;
        std::optional<std::map<U256, U256>> storage;
    };
    struct Frame {
        std::optional<std::size_t> pending;  // index in steps_ of the step whose cost is open
        std::int64_t returned{0};            // gas callees gave back during that step
        int stack_size{0};                   // before the pending step
    };
    void close_pending(Frame& frame, std::int64_t gas_left);

    StructLoggerOptions options_;
    std::vector<Step> steps_;
    std::vector<Frame> frames_;
    std::map<Address, std::map<U256, U256>> storage_;
    std::size_t bytes_{0};
    bool too_large_{false};
};

}  // namespace qtm::rpc
