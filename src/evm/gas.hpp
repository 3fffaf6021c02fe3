// Cancun gas schedule: the constants the Yellow Paper and EIPs 150, 2200, 2929, 3529, 3860,
// 1153 and 5656 define, and the memory/copy cost formulas.
#pragma once

#include <cstdint>

namespace qtm::evm::gas {

inline constexpr std::int64_t kWarmAccess = 100;          // EIP-2929 WARM_STORAGE_READ_COST
inline constexpr std::int64_t kColdAccountAccess = 2600;  // EIP-2929
inline constexpr std::int64_t kColdSload = 2100;          // EIP-2929
// Table prices include the warm cost; a cold access adds the difference.
inline constexpr std::int64_t kColdAccountSurcharge = kColdAccountAccess - kWarmAccess;
inline constexpr std::int64_t kColdSloadSurcharge = kColdSload - kWarmAccess;

inline constexpr std::int64_t kSstoreSet = 20000;
inline constexpr std::int64_t kSstoreReset = 5000 - kColdSload;  // 2900 (EIP-2929)
inline constexpr std::int64_t kSstoreClearRefund = 4800;         // EIP-3529
inline constexpr std::int64_t kCallStipend = 2300;               // also SSTORE's sentry

inline constexpr std::int64_t kCallValue = 9000;
inline constexpr std::int64_t kNewAccount = 25000;
inline constexpr std::int64_t kSelfdestructNewAccount = 25000;

inline constexpr std::int64_t kMemoryWord = 3;
inline constexpr std::int64_t kCopyWord = 3;
inline constexpr std::int64_t kKeccakWord = 6;
inline constexpr std::int64_t kLogData = 8;  // per byte
inline constexpr std::int64_t kLogTopic = 375;
inline constexpr std::int64_t kExpByte = 50;
inline constexpr std::int64_t kInitcodeWord = 2;  // EIP-3860
inline constexpr std::int64_t kCreate2Word = 6;   // hashing the initcode

inline constexpr std::size_t kMaxCodeSize = 24576;                 // EIP-170 (host checks)
inline constexpr std::size_t kMaxInitcodeSize = 2 * kMaxCodeSize;  // EIP-3860

[[nodiscard]] constexpr std::int64_t num_words(std::uint64_t size) noexcept {
    return static_cast<std::int64_t>((size + 31) / 32);
}

// Total cost of a memory of `words` 32-byte words: 3 per word plus words^2 / 512.
[[nodiscard]] constexpr std::int64_t memory_cost(std::int64_t words) noexcept {
    return kMemoryWord * words + words * words / 512;
}

}  // namespace qtm::evm::gas
