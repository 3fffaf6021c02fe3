#include "network.hpp"

#include <algorithm>
#include <sstream>

namespace qtm::sim {

std::string describe(const NetworkConfig& config) {
    std::ostringstream out;
    static constexpr const char* kModels[] = {"uniform", "exponential", "bimodal"};
    out << "delay " << kModels[static_cast<int>(config.model)] << " " << config.min_delay_ms << ".."
        << config.max_delay_ms << " ms, loss " << config.loss_per_mille / 10.0 << "%, duplication "
        << config.duplicate_per_mille / 10.0 << "%, precommit loss "
        << config.precommit_loss_per_mille / 10.0 << "%, " << config.partitions.size()
        << " partition(s), GST " << config.gst_ms
        << " ms, then delay <= " << config.max_delay_after_gst_ms << " ms";
    return out.str();
}

bool Network::partitioned(std::size_t from, std::size_t to, std::uint64_t now_ms) const {
    if (now_ms >= config_.gst_ms) return false;
    for (const Partition& partition : config_.partitions) {
        if (now_ms < partition.start_ms || now_ms >= partition.end_ms) continue;
        if (partition.group_of_node.at(from) != partition.group_of_node.at(to)) return true;
    }
    return false;
}

std::uint64_t Network::draw_delay() {
    const std::uint64_t lo = config_.min_delay_ms;
    const std::uint64_t hi = std::max(config_.max_delay_ms, lo);
    switch (config_.model) {
        case DelayModel::kUniform:
            return rng_.between(lo, hi);
        case DelayModel::kExponential: {
            std::uint64_t delay = lo;
            std::uint64_t step = (hi - lo) / 8 + 1;
            while (delay < hi && rng_.chance(500))
                delay += rng_.between(0, step);
            return std::min(delay, hi);
        }
        case DelayModel::kBimodal:
            if (rng_.chance(125)) return rng_.between((lo + hi) / 2, hi);
            return rng_.between(lo, lo + (hi - lo) / 10);
    }
    return lo;
}

void Network::route(std::size_t from, std::size_t to, std::uint64_t now_ms, bool precommit,
                    std::vector<std::uint64_t>& delays) {
    delays.clear();
    const bool stable = now_ms >= config_.gst_ms;
    if (!stable) {
        if (partitioned(from, to, now_ms)) return;
        if (config_.loss_per_mille != 0 && rng_.chance(config_.loss_per_mille)) return;
        if (precommit && config_.precommit_loss_per_mille != 0 &&
            rng_.chance(config_.precommit_loss_per_mille)) {
            return;
        }
    }
    const int copies =
        config_.duplicate_per_mille != 0 && rng_.chance(config_.duplicate_per_mille) ? 2 : 1;
    for (int copy = 0; copy < copies; ++copy) {
        std::uint64_t delay =
            stable ? rng_.between(1, config_.max_delay_after_gst_ms) : draw_delay();
        // Partial synchrony: what was sent before GST arrives by GST + the bound.
        const std::uint64_t latest =
            std::max(now_ms, config_.gst_ms) + config_.max_delay_after_gst_ms - now_ms;
        delays.push_back(std::min(delay, latest));
    }
}

}  // namespace qtm::sim
