// The downtime window (docs/staking.md, "Downtime"): per validator, a ring of the last
// `downtimeWindow` commit certificates it was expected to sign, one bit per certificate
// (1 = its precommit is missing), kept in the staking contract's storage so the state root
// commits to it. Recording one certificate costs a validator at most two slot reads and two
// slot writes, so a block costs O(validators).
//
// Layout: W(op) = keccak256(pad32(op) ‖ pad32(33)); W+0 = next position (bits 0-63) |
// positions filled (bits 64-127) | misses in the window (bits 128-191); W+1+k = bits
// 256k … 256k+255 of the ring (bit i of position p at word p / 256, bit p % 256).
#pragma once

#include <cstdint>

#include "base/bytes.hpp"
#include "chain/chain_spec.hpp"
#include "chain/staking/store.hpp"

namespace qtm::chain::staking {

inline constexpr std::uint64_t kDowntimeSlot = 33;

struct DowntimeWindow {
    std::uint64_t next{0};    // the position the next certificate is written at
    std::uint64_t filled{0};  // positions written since the last reset (at most the window)
    std::uint64_t missed{0};  // bits set among them
    friend bool operator==(const DowntimeWindow&, const DowntimeWindow&) = default;
};

[[nodiscard]] DowntimeWindow downtime_window(Meter& meter, const Address& operator_address);
// Whether the bit at `position` of the ring says missed.
[[nodiscard]] bool downtime_missed_at(Meter& meter, const Address& operator_address,
                                      std::uint64_t position);

// Records one certificate for the validator (signed or missed) and returns the window after
// it. The oldest bit is overwritten once the window is full.
DowntimeWindow record_signing(Meter& meter, const Address& operator_address, bool signed_it,
                              std::uint64_t window_size);

// The window is full and more than (100 - downtimeMinSignedPercent)% of it is missed.
[[nodiscard]] bool exceeds_downtime(const DowntimeWindow& window, const SlashingParams& params);

// Clears the ring (every non-zero word) and the counters: a jailed validator starts over.
void reset_downtime(Meter& meter, const Address& operator_address, std::uint64_t window_size);

}  // namespace qtm::chain::staking
