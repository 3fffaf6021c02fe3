#include "rpc/trace_call_tracer.hpp"

#include "base/hex.hpp"
#include "evm/execution_state.hpp"
#include "evm/revert_reason.hpp"
#include "rpc/params.hpp"

namespace qtm::rpc {

namespace {

// `opcode`: the caller's opcode that made the message (a CALL inside a static frame is
// static too, but still a CALL).
std::string type_of(const evm::Message& message, std::uint8_t opcode) {
    using evm::CallKind;
    switch (message.kind) {
        case CallKind::kCall:
            return message.depth > 0 && opcode == evm::OP_STATICCALL ? "STATICCALL" : "CALL";
        case CallKind::kDelegateCall:
            return "DELEGATECALL";
        case CallKind::kCallCode:
            return "CALLCODE";
        case CallKind::kCreate:
            return "CREATE";
        case CallKind::kCreate2:
            return "CREATE2";
    }
    return "CALL";
}

}  // namespace

void CallTracer::on_enter(const evm::Message& message, const Address& target) {
    depth_ = message.depth;
    if (options_.only_top_call && message.depth > 0) return;
    Frame frame;
    frame.type = type_of(message, stack_.empty() ? std::uint8_t{0} : stack_.back().last_step.op);
    // geth's "from" is the account that sent the message: for DELEGATECALL and CALLCODE
    // the running contract (QTM's message carries the apparent sender for DELEGATECALL).
    frame.from = message.kind == evm::CallKind::kDelegateCall ? message.recipient : message.sender;
    frame.to = target;
    frame.input.assign(message.input.begin(), message.input.end());
    frame.gas = static_cast<std::uint64_t>(message.gas);
    // STATICCALL carries no value; DELEGATECALL shows the value it inherits.
    if (frame.type != "STATICCALL") frame.value = message.value;
    stack_.push_back(std::move(frame));
}

void CallTracer::on_exit(const evm::ExecutionResult& result, ByteView output,
                         bool code_store_out_of_gas) {
    const int depth = depth_;
    if (depth_ > 0) --depth_;
    if (options_.only_top_call && depth > 0) return;
    if (stack_.empty()) return;
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    frame.gas_used = static_cast<std::uint64_t>(
        std::max<std::int64_t>(0, static_cast<std::int64_t>(frame.gas) - result.gas_left));
    if (result.status == evm::Status::kSuccess) {
        frame.output.assign(output.begin(), output.end());
        frame.has_output = true;
    } else {
        FailedStep step = frame.last_step;
        step.code_store_out_of_gas = code_store_out_of_gas;
        frame.error = geth_error(result.status, step);
        if (frame.type == "CREATE" || frame.type == "CREATE2") frame.to.reset();
        if (result.status == evm::Status::kRevert && !output.empty()) {
            frame.output.assign(output.begin(), output.end());
            frame.has_output = true;
            if (output.size() >= 4) {
                if (auto reason = evm::decode_revert_reason(output)) frame.revert_reason = *reason;
            }
        }
    }
    if (stack_.empty()) {
        top_ = std::move(frame);
    } else {
        stack_.back().calls.push_back(std::move(frame));
    }
}

void CallTracer::on_step(const evm::ExecutionState& state, std::size_t, evm::Opcode op) {
    if (stack_.empty() || (options_.only_top_call && state.msg.depth > 0)) return;
    stack_.back().last_step = FailedStep{op, state.stack.size(), false};
}

void CallTracer::on_log(const Address& address, ByteView data, std::span<const Hash32> topics) {
    if (!options_.with_log || stack_.empty()) return;
    if (options_.only_top_call && depth_ > 0) return;
    Frame& frame = stack_.back();
    frame.logs.push_back(Log{address, std::vector<Hash32>(topics.begin(), topics.end()),
                             Bytes(data.begin(), data.end()), frame.calls.size()});
}

void CallTracer::on_selfdestruct(const Address& address, const Address& beneficiary,
                                 const U256& balance) {
    if (stack_.empty() || (options_.only_top_call && depth_ > 0)) return;
    Frame frame;
    frame.type = "SELFDESTRUCT";
    frame.from = address;
    frame.to = beneficiary;
    frame.value = balance;
    frame.has_output = false;
    stack_.back().calls.push_back(std::move(frame));
}

Json CallTracer::format(const Frame& frame, bool parent_failed) {
    const bool failed = !frame.error.empty() || parent_failed;
    Json out{{"type", frame.type},
             {"from", to_hex(frame.from)},
             {"gas", quantity(frame.gas)},
             {"gasUsed", quantity(frame.gas_used)}};
    if (frame.to) out["to"] = to_hex(*frame.to);
    out["input"] = hex_data(frame.input);
    if (frame.has_output && !frame.output.empty()) out["output"] = hex_data(frame.output);
    if (!frame.error.empty()) out["error"] = frame.error;
    if (!frame.revert_reason.empty()) out["revertReason"] = frame.revert_reason;
    if (!frame.calls.empty()) {
        Json calls = Json::array();
        for (const Frame& call : frame.calls)
            calls.push_back(format(call, failed));
        out["calls"] = std::move(calls);
    }
    if (!frame.logs.empty() && !failed) {
        Json logs = Json::array();
        for (const Log& log : frame.logs) {
            Json topics = Json::array();
            for (const Hash32& topic : log.topics)
                topics.push_back(to_hex(topic));
            logs.push_back(Json{{"address", to_hex(log.address)},
                                {"topics", std::move(topics)},
                                {"data", hex_data(log.data)},
                                {"position", quantity(log.position)}});
        }
        out["logs"] = std::move(logs);
    }
    if (frame.value) out["value"] = quantity(*frame.value);
    return out;
}

Json CallTracer::result(std::uint64_t gas_limit, std::uint64_t gas_used) const {
    if (!top_) return nullptr;
    Frame top = *top_;
    top.gas = gas_limit;
    top.gas_used = gas_used;
    return format(top, false);
}

}  // namespace qtm::rpc
