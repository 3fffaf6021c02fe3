// geth's trace `timeout` (default 5 s): a tracer that forwards every hook to the trace's own
// tracer and, once the transaction has run past its deadline, interrupts it
// (evm::Tracer::interrupted), so that a trace of a long loop answers "execution timeout"
// instead of holding an RPC thread. The clock is read every 1,024 steps and at each message.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "evm/tracer.hpp"

namespace qtm::rpc {

inline constexpr std::chrono::nanoseconds kDefaultTraceTimeout = std::chrono::seconds{5};

// A Go duration ("5s", "300ms", "1m30s", "1.5h"; units ns, us, µs, ms, s, m, h), as geth
// parses `timeout`; nullopt when malformed or negative.
[[nodiscard]] std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view text);

class DeadlineTracer final : public evm::Tracer {
public:
    DeadlineTracer(evm::Tracer& inner, std::chrono::steady_clock::time_point deadline) noexcept
        : inner_{inner}, deadline_{deadline} {}

    void on_enter(const evm::Message& message, const Address& target) override {
        check();
        inner_.on_enter(message, target);
    }
    void on_exit(const evm::ExecutionResult& result, ByteView output,
                 bool code_store_out_of_gas) override {
        inner_.on_exit(result, output, code_store_out_of_gas);
    }
    void on_step(const evm::ExecutionState& state, std::size_t pc, evm::Opcode op) override {
        if (steps_++ % kStepsPerCheck == 0) check();
        inner_.on_step(state, pc, op);
    }
    void on_frame_end(const evm::ExecutionState& state, evm::Status status) override {
        inner_.on_frame_end(state, status);
    }
    void on_log(const Address& address, ByteView data, std::span<const Hash32> topics) override {
        inner_.on_log(address, data, topics);
    }
    void on_selfdestruct(const Address& address, const Address& beneficiary,
                         const U256& balance) override {
        inner_.on_selfdestruct(address, beneficiary, balance);
    }
    [[nodiscard]] bool interrupted() const noexcept override { return expired_; }

    [[nodiscard]] bool expired() const noexcept { return expired_; }

private:
    static constexpr std::uint64_t kStepsPerCheck = 1024;
    void check() noexcept {
        if (!expired_ && std::chrono::steady_clock::now() >= deadline_) expired_ = true;
    }

    evm::Tracer& inner_;
    std::chrono::steady_clock::time_point deadline_;
    std::uint64_t steps_{0};
    bool expired_{false};
};

}  // namespace qtm::rpc
