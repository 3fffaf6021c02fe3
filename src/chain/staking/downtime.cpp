#include "chain/staking/downtime.hpp"

namespace qtm::chain::staking {
namespace {

U256 base(const Address& operator_address) {
    return slot::mapping(U256::from_be_bytes(operator_address), U256{kDowntimeSlot});
}

U256 ring_word(const Address& operator_address, std::uint64_t position) {
    return base(operator_address) + U256{1 + position / 256};
}

constexpr std::uint64_t kMask64 = ~std::uint64_t{0};

std::uint64_t limb(const U256& word, unsigned shift) {
    return (word >> shift)[0] & kMask64;
}

}  // namespace

DowntimeWindow downtime_window(Meter& meter, const Address& operator_address) {
    const U256 word = meter.load(base(operator_address));
    return DowntimeWindow{limb(word, 0), limb(word, 64), limb(word, 128)};
}

bool downtime_missed_at(Meter& meter, const Address& operator_address, std::uint64_t position) {
    const U256 word = meter.load(ring_word(operator_address, position));
    return ((word >> static_cast<unsigned>(position % 256)) & U256{1}) != U256{};
}

DowntimeWindow record_signing(Meter& meter, const Address& operator_address, bool signed_it,
                              std::uint64_t window_size) {
    DowntimeWindow window = downtime_window(meter, operator_address);
    const U256 where = ring_word(operator_address, window.next);
    const U256 bit = U256{1} << static_cast<unsigned>(window.next % 256);
    U256 bits = meter.load(where);
    const bool was_missed = (bits & bit) != U256{};
    const bool missed = !signed_it;
    if (was_missed != missed) {
        bits = bits ^ bit;
        meter.store(where, bits);
        if (missed) {
            ++window.missed;
        } else {
            --window.missed;
        }
    }
    window.next = (window.next + 1) % window_size;
    if (window.filled < window_size) ++window.filled;
    meter.store(base(operator_address),
                U256{window.next} | (U256{window.filled} << 64U) | (U256{window.missed} << 128U));
    return window;
}

bool exceeds_downtime(const DowntimeWindow& window, const SlashingParams& params) {
    if (window.filled < params.downtime_window) return false;
    const std::uint64_t allowed =
        params.downtime_window * (100 - params.downtime_min_signed_percent) / 100;
    return window.missed > allowed;
}

void reset_downtime(Meter& meter, const Address& operator_address, std::uint64_t window_size) {
    const std::uint64_t words = (window_size + 255) / 256;
    for (std::uint64_t k = 0; k < words; ++k) {
        const U256 where = ring_word(operator_address, k * 256);
        if (meter.load(where) != U256{}) meter.store(where, U256{});
    }
    meter.store(base(operator_address), U256{});
}

}  // namespace qtm::chain::staking
