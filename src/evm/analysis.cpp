#include "evm/analysis.hpp"

#include <cstring>

#include "evm/opcodes.hpp"

namespace qtm::evm {

namespace {
constexpr std::size_t kPadding = 33;
}  // namespace

CodeAnalysis::CodeAnalysis(ByteView code)
    : padded_(code.size() + kPadding, 0),
      jumpdests_((code.size() + 63) / 64, 0),
      code_size_{code.size()} {
    if (!code.empty()) {
        std::memcpy(padded_.data(), code.data(), code.size());
    }
    for (std::size_t i = 0; i < code.size(); ++i) {
        const std::uint8_t op = code[i];
        if (op == OP_JUMPDEST) {
            jumpdests_[i / 64] |= std::uint64_t{1} << (i % 64);
        } else if (op >= OP_PUSH1 && op <= OP_PUSH32) {
            i += static_cast<std::size_t>(op - OP_PUSH1 + 1);  // skip the immediate
        }
    }
}

std::size_t AnalysisCache::HashOfHash::operator()(const Hash32& hash) const noexcept {
    // The key is already a uniformly distributed hash.
    std::size_t value = 0;
    std::memcpy(&value, hash.data(), sizeof(value));
    return value;
}

std::shared_ptr<const CodeAnalysis> AnalysisCache::get(const Hash32& code_hash, ByteView code) {
    {
        const std::lock_guard lock{mutex_};
        if (const auto it = entries_.find(code_hash); it != entries_.end()) {
            return it->second;
        }
    }
    // Analyse outside the lock; a concurrent miss on the same code computes it twice,
    // which is harmless.
    auto analysis = std::make_shared<const CodeAnalysis>(code);
    const std::lock_guard lock{mutex_};
    if (entries_.size() >= max_entries_) {
        entries_.clear();  // crude but bounded; contracts in use are re-analysed on demand
    }
    entries_.emplace(code_hash, analysis);
    return analysis;
}

std::size_t AnalysisCache::size() const {
    const std::lock_guard lock{mutex_};
    return entries_.size();
}

}  // namespace qtm::evm
