// geth's callTracer (eth/tracers/native/call.go): the tree of call frames of a transaction,
// each {type, from, to, value, gas, gasUsed, input, output, error, revertReason, calls},
// with geth's options onlyTopCall (the transaction's own frame only) and withLog (each
// frame's logs with their position among its calls; dropped for frames that failed or whose
// caller failed). SELFDESTRUCT is a frame of its own (gas 0, the balance as value), as geth.
//
// The top frame's gas is the transaction's gas limit and its gasUsed the receipt's, set by
// finish(); a nested frame's gas is what its message carried (the 2300 stipend included)
// and gasUsed what it consumed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "evm/tracer.hpp"
#include "rpc/json_rpc.hpp"
#include "rpc/trace_errors.hpp"

namespace qtm::rpc {

struct CallTracerOptions {
    bool only_top_call{false};
    bool with_log{false};
};

class CallTracer final : public evm::Tracer {
public:
    explicit CallTracer(CallTracerOptions options) : options_{options} {}

    void on_enter(const evm::Message& message, const Address& target) override;
    void on_exit(const evm::ExecutionResult& result, ByteView output,
                 bool code_store_out_of_gas) override;
    void on_step(const evm::ExecutionState& state, std::size_t pc, evm::Opcode op) override;
    void on_frame_end(const evm::ExecutionState&, evm::Status) override {}
    void on_log(const Address& address, ByteView data, std::span<const Hash32> topics) override;
    void on_selfdestruct(const Address& address, const Address& beneficiary,
                         const U256& balance) override;

    // The top frame: `gas_limit` of the transaction, `gas_used` of its receipt. Null when no
    // message ran.
    [[nodiscard]] Json result(std::uint64_t gas_limit, std::uint64_t gas_used) const;

private:
    struct Log {
        Address address{};
        std::vector<Hash32> topics;
        Bytes data;
        std::size_t position{0};
    };
    struct Frame {
        std::string type;
        Address from{};
        std::optional<Address> to;
        std::optional<U256> value;
        std::uint64_t gas{0};
        std::uint64_t gas_used{0};
        Bytes input;
        Bytes output;
        bool has_output{false};
        std::string error;
        std::string revert_reason;
        std::vector<Frame> calls;
        std::vector<Log> logs;
        FailedStep last_step;  // for the wording of an error
    };
    static Json format(const Frame& frame, bool parent_failed);

    CallTracerOptions options_;
    std::vector<Frame> stack_;  // open frames, the top frame first
    std::optional<Frame> top_;  // once the top frame closed
    int depth_{0};              // of the message now running (0: the transaction's)
};

}  // namespace qtm::rpc
