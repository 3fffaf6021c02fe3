#include "rpc/trace_struct_logger.hpp"

#include "base/hex.hpp"
#include "evm/execution_state.hpp"
#include "evm/opcode_names.hpp"
#include "rpc/params.hpp"
#include "rpc/trace_errors.hpp"

namespace qtm::rpc {

namespace {

bool fails_before_running(evm::Status status) {
    // geth logs these with the step's error: its checks run before the opcode's tracing
    // hook. Every other failure happens while the opcode runs and shows on the result only.
    return status == evm::Status::kOutOfGas || status == evm::Status::kStackUnderflow ||
           status == evm::Status::kStackOverflow;
}

std::string word_hex(const U256& value) {
    return to_hex(value.to_be_bytes(), false);
}

}  // namespace

void StructLogger::on_enter(const evm::Message&, const Address&) {
    frames_.emplace_back();
}

void StructLogger::on_exit(const evm::ExecutionResult& result, ByteView, bool) {
    if (frames_.empty()) return;
    frames_.pop_back();
    // The caller's CALL/CREATE step: what the callee gave back is not part of its cost.
    if (!frames_.empty()) frames_.back().returned += result.gas_left;
}

void StructLogger::close_pending(Frame& frame, std::int64_t gas_left) {
    if (!frame.pending) return;
    Step& step = steps_[*frame.pending];
    step.cost = step.gas - gas_left + frame.returned;
    frame.pending.reset();
    frame.returned = 0;
}

void StructLogger::on_step(const evm::ExecutionState& state, std::size_t pc, evm::Opcode op) {
    if (frames_.empty()) frames_.emplace_back();  // a frame run without the host's hooks
    Frame& frame = frames_.back();
    close_pending(frame, state.gas_left);
    frame.stack_size = state.stack.size();
    if (too_large_ || (options_.limit != 0 && steps_.size() >= options_.limit)) return;

    Step step;
    step.pc = pc;
    step.op = op;
    step.gas = state.gas_left;
    step.depth = state.msg.depth + 1;
    const int size = state.stack.size();
    if (!options_.disable_stack) {
        step.stack.reserve(static_cast<std::size_t>(size));
        for (int i = 0; i < size; ++i)
            step.stack.push_back(state.stack.item(i));
    }
    if (options_.enable_memory) {
        const ByteView memory = state.memory.view();
        step.memory.assign(memory.begin(), memory.end());
    }
    if (options_.enable_return_data) {
        step.return_data.assign(state.return_data.begin(), state.return_data.end());
    }
    if (!options_.disable_storage && (op == evm::OP_SLOAD || op == evm::OP_SSTORE)) {
        auto& slots = storage_[state.msg.recipient];
        if (op == evm::OP_SLOAD && size >= 1) {
            const U256& key = state.stack.item(size - 1);
            slots[key] = state.host.get_storage(state.msg.recipient, key);
            step.storage = slots;
        } else if (op == evm::OP_SSTORE && size >= 2) {
            slots[state.stack.item(size - 1)] = state.stack.item(size - 2);
            step.storage = slots;
        }
    }
    bytes_ += 96 + step.stack.size() * 70 + step.memory.size() * 2 + step.return_data.size() * 2 +
              (step.storage ? step.storage->size() * 140 : 0);
    if (bytes_ > options_.max_bytes) {
        too_large_ = true;
        return;
    }
    frame.pending = steps_.size();
    steps_.push_back(std::move(step));
}

void StructLogger::on_frame_end(const evm::ExecutionState& state, evm::Status status) {
    if (frames_.empty()) return;
    Frame& frame = frames_.back();
    const std::optional<std::size_t> last = frame.pending;
    close_pending(frame, state.gas_left);
    if (last && fails_before_running(status)) {
        Step& step = steps_[*last];
        step.error = geth_error(status, FailedStep{step.op, frame.stack_size, false});
    }
}

Json StructLogger::result(std::uint64_t gas_used, evm::Status status, ByteView output) const {
    const bool failed = status != evm::Status::kSuccess;
    Json logs = Json::array();
    for (const Step& step : steps_) {
        Json entry{{"pc", step.pc},
                   {"op", std::string{evm::opcode_name(step.op)}},
                   {"gas", step.gas < 0 ? 0 : step.gas},
                   {"gasCost", step.cost < 0 ? 0 : step.cost},
                   {"depth", step.depth}};
        if (!step.error.empty()) entry["error"] = step.error;
        if (!options_.disable_stack) {
            Json stack = Json::array();
            for (const U256& item : step.stack)
                stack.push_back(quantity(item));
            entry["stack"] = std::move(stack);
        }
        if (!step.return_data.empty()) entry["returnData"] = hex_data(step.return_data);
        if (options_.enable_memory) {
            Json memory = Json::array();
            for (std::size_t i = 0; i + 32 <= step.memory.size(); i += 32) {
                memory.push_back(to_hex(ByteView{step.memory.data() + i, 32}, false));
            }
            entry["memory"] = std::move(memory);
        }
        if (step.storage) {
            Json storage = Json::object();
            for (const auto& [key, value] : *step.storage)
                storage[word_hex(key)] = word_hex(value);
            entry["storage"] = std::move(storage);
        }
        logs.push_back(std::move(entry));
    }
    const bool keeps_output = status == evm::Status::kSuccess || status == evm::Status::kRevert;
    return Json{{"gas", gas_used},
                {"failed", failed},
                {"returnValue", hex_data(keeps_output ? output : ByteView{})},
                {"structLogs", std::move(logs)}};
}

}  // namespace qtm::rpc
