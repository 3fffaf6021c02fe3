// Reading the Prometheus text format in tests: every sample by its series as written
// (`name{label="value",...}`, labels in the order the exposition has them) and the declared
// metric families (`# TYPE name type`).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

namespace qtm::test {

struct MetricsText {
    std::map<std::string, double> samples;        // series -> value
    std::map<std::string, std::string> families;  // name -> counter, gauge, histogram, ...

    [[nodiscard]] std::optional<double> value(const std::string& series) const;
    // 0 when the series is absent (a labelled counter that has not counted yet).
    [[nodiscard]] double count(const std::string& series) const;
    // Every sample name, including a histogram's _bucket/_sum/_count series.
    [[nodiscard]] std::set<std::string> sample_names() const;
};

// Throws std::runtime_error on a line that is not valid exposition text.
[[nodiscard]] MetricsText parse_metrics_text(const std::string& text);

}  // namespace qtm::test
