// The simulated network between the nodes of one run (partial synchrony, Dwork, Lynch and
// Stockmeyer): before the global stabilisation time (GST) a message may be lost, duplicated,
// delayed by a seeded distribution (so messages overtake each other: reordering) or cut by
// a partition; a message sent before GST that is not lost arrives by GST + the post-GST
// bound at the latest. From GST on there is no loss and no partition, and every message
// arrives within `max_delay_after_gst_ms` (duplicates may still occur).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim_rng.hpp"

namespace qtm::sim {

enum class DelayModel : std::uint8_t {
    kUniform,      // uniform in [min, max]
    kExponential,  // min + an exponential-like tail (a sum of halvings), capped at max
    kBimodal,      // mostly fast, one message in eight slow (up to max)
};

// Before `end_ms` (and before GST), nodes in different groups cannot reach each other.
struct Partition {
    std::uint64_t start_ms{0};
    std::uint64_t end_ms{0};
    std::vector<std::uint8_t> group_of_node;
};

struct NetworkConfig {
    DelayModel model{DelayModel::kUniform};
    std::uint64_t min_delay_ms{1};
    std::uint64_t max_delay_ms{100};
    std::uint32_t loss_per_mille{0};
    std::uint32_t duplicate_per_mille{0};
    // An adversarial scheduler's favourite before GST: precommits lost more often than
    // other messages (polkas form, commits do not), so that rounds end with validators
    // locked on different blocks.
    std::uint32_t precommit_loss_per_mille{0};
    std::vector<Partition> partitions;
    std::uint64_t gst_ms{0};
    std::uint64_t max_delay_after_gst_ms{100};
};

[[nodiscard]] std::string describe(const NetworkConfig& config);

class Network {
public:
    Network(NetworkConfig config, Rng rng) : config_{std::move(config)}, rng_{rng} {}

    // The delays after which copies of one message from `from` to `to`, sent at `now_ms`,
    // arrive: none (lost or cut), one, or two (duplicated).
    void route(std::size_t from, std::size_t to, std::uint64_t now_ms, bool precommit,
               std::vector<std::uint64_t>& delays);

    [[nodiscard]] bool partitioned(std::size_t from, std::size_t to, std::uint64_t now_ms) const;
    [[nodiscard]] const NetworkConfig& config() const noexcept { return config_; }

private:
    std::uint64_t draw_delay();

    NetworkConfig config_;
    Rng rng_;
};

}  // namespace qtm::sim
