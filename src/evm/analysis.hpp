// Code analysis: the code padded so that PUSH never reads past its end, and the bitmap of
// valid jump destinations (JUMPDEST bytes that are not PUSH data). Computed once per code
// and shared through AnalysisCache, keyed by code hash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "base/bytes.hpp"

namespace qtm::evm {

class CodeAnalysis {
public:
    explicit CodeAnalysis(ByteView code);

    // The original code followed by 33 zero bytes (a STOP and room for a truncated PUSH32).
    [[nodiscard]] const std::uint8_t* padded_code() const noexcept { return padded_.data(); }
    [[nodiscard]] std::size_t code_size() const noexcept { return code_size_; }
    [[nodiscard]] ByteView code() const noexcept { return {padded_.data(), code_size_}; }

    [[nodiscard]] bool is_jumpdest(std::uint64_t position) const noexcept {
        return position < code_size_ && ((jumpdests_[position / 64] >> (position % 64)) & 1u) != 0;
    }

private:
    Bytes padded_;
    std::vector<std::uint64_t> jumpdests_;
    std::size_t code_size_;
};

// A bounded, thread-safe map from code hash to analysis. Callers (the state layer, the
// block executor) keep one and pass analyses to execute(); entries are immutable and shared.
class AnalysisCache {
public:
    explicit AnalysisCache(std::size_t max_entries = 4096) : max_entries_{max_entries} {}

    // Returns the cached analysis of `code`, whose keccak256 is `code_hash`, computing it on
    // a miss. The caller vouches that the hash matches the code.
    std::shared_ptr<const CodeAnalysis> get(const Hash32& code_hash, ByteView code);

    [[nodiscard]] std::size_t size() const;

private:
    struct HashOfHash {
        std::size_t operator()(const Hash32& hash) const noexcept;
    };

    mutable std::mutex mutex_;
    std::unordered_map<Hash32, std::shared_ptr<const CodeAnalysis>, HashOfHash> entries_;
    std::size_t max_entries_;
};

}  // namespace qtm::evm
