// The process_* metrics every official Prometheus client library exports (CPU seconds,
// resident and virtual memory, open and maximum file descriptors, start time), read from
// /proc/self on each scrape. prometheus-cpp does not provide them; the names and meanings
// are the Go and Python clients' so dashboards written for those work unchanged.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <vector>

namespace qtm::node {

class ProcessCollector final : public prometheus::Collectable {
public:
    // On a system without /proc the families are simply absent.
    [[nodiscard]] std::vector<prometheus::MetricFamily> Collect() const override;
};

}  // namespace qtm::node
