#include "rpc/trace_four_byte.hpp"

#include "base/hex.hpp"
#include "evm/precompiles.hpp"

namespace qtm::rpc {

void FourByteTracer::on_enter(const evm::Message& message, const Address& target) {
    if (message.kind == evm::CallKind::kCreate || message.kind == evm::CallKind::kCreate2) return;
    if (message.input.size() < 4 || evm::is_precompile(target)) return;
    const std::string key =
        to_hex(message.input.first(4)) + "-" + std::to_string(message.input.size() - 4);
    ++counts_[key];
}

Json FourByteTracer::result() const {
    Json out = Json::object();
    for (const auto& [key, count] : counts_)
        out[key] = count;
    return out;
}

}  // namespace qtm::rpc
