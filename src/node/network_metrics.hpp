// The validator network's Prometheus metrics (qtm_p2p_*, qtm_consensus_*; names in
// docs/operations.md, "Metrics"), rendered as text from the Host's counters and the
// consensus progress at each scrape. They are appended to the node's own metrics
// (NodeMetrics::add_text_source), so /metrics serves one page.
#pragma once

#include <string>

#include "node/network_service.hpp"
#include "p2p/host_counters.hpp"

namespace qtm::node {

[[nodiscard]] std::string render_network_metrics(const ConsensusProgress& progress,
                                                 const p2p::HostCountersSnapshot& host);

}  // namespace qtm::node
