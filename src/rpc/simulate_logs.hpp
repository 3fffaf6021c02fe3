// What eth_simulateV1 reports of one simulated call's execution: its logs, with those of
// failed frames dropped (as a receipt keeps them), and with `traceTransfers` every value
// transfer as an ERC-7528 pseudo log (address 0xEeee...EEeE, the ERC-20 Transfer topic, the
// sender and recipient as topics, the amount as data) in execution order among the real
// logs: the transaction's own value, CALL values and SELFDESTRUCT balances (a DELEGATECALL or
// CALLCODE moves nothing). Also the last step of the outermost frame, for the wording of its
// error (geth's messages).
#pragma once

#include <vector>

#include "evm/tracer.hpp"
#include "rpc/trace_errors.hpp"
#include "state/world_state.hpp"

namespace qtm::rpc {

// ERC-7528's address for the native currency.
[[nodiscard]] const Address& native_transfer_address() noexcept;

class SimulateLogs final : public evm::Tracer {
public:
    explicit SimulateLogs(bool trace_transfers) noexcept : trace_transfers_{trace_transfers} {}

    void on_enter(const evm::Message& message, const Address& target) override;
    void on_exit(const evm::ExecutionResult& result, ByteView output,
                 bool code_store_out_of_gas) override;
    void on_step(const evm::ExecutionState& state, std::size_t pc, evm::Opcode op) override;
    void on_frame_end(const evm::ExecutionState&, evm::Status) override {}
    void on_log(const Address& address, ByteView data, std::span<const Hash32> topics) override;
    void on_selfdestruct(const Address& address, const Address& beneficiary,
                         const U256& balance) override;

    // The logs of the finished call (empty if it failed), and its last step.
    [[nodiscard]] const std::vector<state::Log>& logs() const noexcept { return finished_; }
    [[nodiscard]] const FailedStep& last_step() const noexcept { return last_step_; }

private:
    struct Frame {
        std::vector<state::Log> logs;
        FailedStep last_step;
    };
    void add_transfer(const Address& from, const Address& to, const U256& amount);

    bool trace_transfers_;
    std::vector<Frame> frames_;
    std::vector<state::Log> finished_;
    FailedStep last_step_;
};

}  // namespace qtm::rpc
