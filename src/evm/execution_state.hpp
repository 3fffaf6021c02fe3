// The state of one call frame: stack, memory, gas, return data and the message it runs.
// Stack and memory are allocated once per frame; nothing is allocated per opcode except
// memory growth, which is geometric.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>

#include "base/bytes.hpp"
#include "base/u256.hpp"
#include "evm/analysis.hpp"
#include "evm/gas.hpp"
#include "evm/host.hpp"
#include "evm/message.hpp"
#include "evm/status.hpp"
#include "evm/word.hpp"

namespace qtm::evm {

inline constexpr int kStackLimit = 1024;

// A fixed 1024-entry stack; the interpreter checks bounds before each instruction, using
// the instruction table, so push/pop here are unchecked.
class Stack {
public:
    Stack() : items_{std::make_unique<U256[]>(kStackLimit)} {}

    [[nodiscard]] int size() const noexcept { return size_; }
    // top(0) is the top of the stack.
    U256& top(int depth = 0) noexcept {
        return items_[static_cast<std::size_t>(size_ - 1 - depth)];
    }
    // item(0) is the bottom of the stack (for tracers).
    [[nodiscard]] const U256& item(int index) const noexcept {
        return items_[static_cast<std::size_t>(index)];
    }
    void push(const U256& value) noexcept { items_[static_cast<std::size_t>(size_++)] = value; }
    U256 pop() noexcept { return items_[static_cast<std::size_t>(--size_)]; }
    void drop(int count) noexcept { size_ -= count; }

private:
    std::unique_ptr<U256[]> items_;
    int size_{0};
};

// Byte-addressed memory in 32-byte words. Capacity grows geometrically (std::vector).
class Memory {
public:
    [[nodiscard]] std::size_t size() const noexcept { return bytes_.size(); }
    std::uint8_t* data() noexcept { return bytes_.data(); }
    [[nodiscard]] ByteView view() const noexcept { return bytes_; }
    void grow_to(std::size_t new_size) { bytes_.resize(new_size); }

private:
    Bytes bytes_;
};

// Memory offsets and sizes beyond 2^32 cost more gas than any block carries; treating them
// as out of gas up front keeps every later size computation within 64 bits.
inline constexpr std::uint64_t kMaxMemorySize = std::uint64_t{1} << 32;

struct ExecutionState {
    ExecutionState(Host& host_ref, const Message& message_ref, const CodeAnalysis& analysis_ref)
        : host{host_ref}, msg{message_ref}, analysis{analysis_ref}, gas_left{message_ref.gas} {}

    Host& host;
    const Message& msg;
    const CodeAnalysis& analysis;
    std::int64_t gas_left;
    std::int64_t gas_refund{0};
    Stack stack;
    Memory memory;
    Bytes return_data;  // from the last nested call
    Bytes output;       // RETURN / REVERT data of this frame
    Status status{Status::kSuccess};

    const TxContext& tx_context() {
        if (!tx_context_) {
            tx_context_ = host.get_tx_context();
        }
        return *tx_context_;
    }

private:
    std::optional<TxContext> tx_context_;
};

// Charges gas; false means out of gas (the caller then halts).
[[nodiscard]] inline bool charge(ExecutionState& state, std::int64_t cost) noexcept {
    state.gas_left -= cost;
    return state.gas_left >= 0;
}

// Expands memory to cover [offset, offset + size) and charges for the expansion. A zero
// size touches nothing, whatever the offset. On success `offset` fits in 32 bits.
[[nodiscard]] inline bool expand_memory(ExecutionState& state, const U256& offset_word,
                                        const U256& size_word) noexcept {
    if (size_word == U256{}) {
        return true;
    }
    if (!fits_u64(offset_word) || !fits_u64(size_word)) {
        return false;
    }
    const std::uint64_t offset = offset_word[0];
    const std::uint64_t size = size_word[0];
    if (offset >= kMaxMemorySize || size >= kMaxMemorySize) {
        return false;
    }
    const std::uint64_t end = offset + size;
    const std::uint64_t current = state.memory.size();
    if (end <= current) {
        return true;
    }
    const std::int64_t new_words = gas::num_words(end);
    const std::int64_t old_words = static_cast<std::int64_t>(current / 32);
    if (!charge(state, gas::memory_cost(new_words) - gas::memory_cost(old_words))) {
        return false;
    }
    state.memory.grow_to(static_cast<std::size_t>(new_words) * 32);
    return true;
}

}  // namespace qtm::evm
