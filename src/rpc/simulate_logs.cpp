#include "rpc/simulate_logs.hpp"

#include "evm/execution_state.hpp"

namespace qtm::rpc {

namespace {

// keccak256("Transfer(address,address,uint256)")
constexpr Hash32 kTransferTopic{0xdd, 0xf2, 0x52, 0xad, 0x1b, 0xe2, 0xc8, 0x9b, 0x69, 0xc2, 0xb0,
                                0x68, 0xfc, 0x37, 0x8d, 0xaa, 0x95, 0x2b, 0xa7, 0xf1, 0x63, 0xc4,
                                0xa1, 0x16, 0x28, 0xf5, 0x5a, 0x4d, 0xf5, 0x23, 0xb3, 0xef};

Hash32 word_of(const Address& address) {
    Hash32 word{};
    std::copy(address.begin(), address.end(), word.begin() + 12);
    return word;
}

}  // namespace

const Address& native_transfer_address() noexcept {
    static const Address address = [] {
        Address a;
        a.fill(0xee);
        return a;
    }();
    return address;
}

void SimulateLogs::on_enter(const evm::Message& message, const Address& target) {
    frames_.emplace_back();
    if (message.kind != evm::CallKind::kDelegateCall && message.kind != evm::CallKind::kCallCode &&
        message.value != U256{}) {
        add_transfer(message.sender, target, message.value);
    }
}

void SimulateLogs::on_exit(const evm::ExecutionResult& result, ByteView, bool) {
    if (frames_.empty()) return;
    Frame frame = std::move(frames_.back());
    frames_.pop_back();
    const bool failed = result.status != evm::Status::kSuccess;
    if (frames_.empty()) {
        finished_ = failed ? std::vector<state::Log>{} : std::move(frame.logs);
        last_step_ = frame.last_step;
        return;
    }
    if (failed) return;
    auto& parent = frames_.back().logs;
    parent.insert(parent.end(), std::make_move_iterator(frame.logs.begin()),
                  std::make_move_iterator(frame.logs.end()));
}

void SimulateLogs::on_step(const evm::ExecutionState& state, std::size_t, evm::Opcode op) {
    if (frames_.empty()) return;
    frames_.back().last_step =
        FailedStep{static_cast<std::uint8_t>(op), static_cast<int>(state.stack.size()), false};
}

void SimulateLogs::on_log(const Address& address, ByteView data, std::span<const Hash32> topics) {
    if (frames_.empty()) return;
    frames_.back().logs.push_back(state::Log{address,
                                             std::vector<Hash32>(topics.begin(), topics.end()),
                                             Bytes(data.begin(), data.end())});
}

void SimulateLogs::on_selfdestruct(const Address& address, const Address& beneficiary,
                                   const U256& balance) {
    if (balance != U256{}) add_transfer(address, beneficiary, balance);
}

void SimulateLogs::add_transfer(const Address& from, const Address& to, const U256& amount) {
    if (!trace_transfers_ || frames_.empty()) return;
    const Hash32 value = amount.to_be_bytes();
    frames_.back().logs.push_back(state::Log{native_transfer_address(),
                                             {kTransferTopic, word_of(from), word_of(to)},
                                             Bytes(value.begin(), value.end())});
}

}  // namespace qtm::rpc
