// geth's 4byteTracer (eth/tracers/native/4byte.go): how often each function selector was
// called, keyed "0x<selector>-<calldata size after the selector>", over the transaction's
// own message and every CALL, CALLCODE, DELEGATECALL and STATICCALL with at least 4 bytes
// of input, precompiles and creations left out.
#pragma once

#include <map>
#include <string>

#include "evm/tracer.hpp"
#include "rpc/json_rpc.hpp"

namespace qtm::rpc {

class FourByteTracer final : public evm::Tracer {
public:
    void on_enter(const evm::Message& message, const Address& target) override;
    void on_exit(const evm::ExecutionResult&, ByteView, bool) override {}
    void on_step(const evm::ExecutionState&, std::size_t, evm::Opcode) override {}
    void on_frame_end(const evm::ExecutionState&, evm::Status) override {}
    void on_log(const Address&, ByteView, std::span<const Hash32>) override {}
    void on_selfdestruct(const Address&, const Address&, const U256&) override {}

    [[nodiscard]] Json result() const;

private:
    std::map<std::string, std::uint64_t> counts_;
};

}  // namespace qtm::rpc
