// The state of the Tendermint algorithm at one height (the paper's h_p, round_p, step_p,
// lockedValue/lockedRound, validValue/validRound), readable by drivers and tests.
#pragma once

#include <cstdint>
#include <optional>

#include "base/bytes.hpp"

namespace qtm::consensus {

enum class Step : std::uint8_t { kPropose, kPrevote, kPrecommit, kCommitted };

struct RoundState {
    std::uint64_t height{0};
    std::uint32_t round{0};
    Step step{Step::kPropose};
    std::optional<Hash32> locked_value{};
    std::optional<std::uint32_t> locked_round{};
    std::optional<Hash32> valid_value{};
    std::optional<std::uint32_t> valid_round{};
    std::optional<Hash32> decision{};  // set when the height committed
};

}  // namespace qtm::consensus
