#include "metrics_text_support.hpp"

#include <limits>
#include <sstream>
#include <stdexcept>

namespace qtm::test {

std::optional<double> MetricsText::value(const std::string& series) const {
    const auto found = samples.find(series);
    if (found == samples.end()) return std::nullopt;
    return found->second;
}

double MetricsText::count(const std::string& series) const {
    return value(series).value_or(0);
}

std::set<std::string> MetricsText::sample_names() const {
    std::set<std::string> names;
    for (const auto& [series, value] : samples)
        names.insert(series.substr(0, series.find('{')));
    return names;
}

MetricsText parse_metrics_text(const std::string& text) {
    MetricsText parsed;
    std::istringstream lines{text};
    for (std::string line; std::getline(lines, line);) {
        if (line.empty()) continue;
        if (line.starts_with("# TYPE ")) {
            std::istringstream fields{line.substr(7)};
            std::string name;
            std::string type;
            if (!(fields >> name >> type)) throw std::runtime_error{"bad TYPE line: " + line};
            parsed.families[name] = type;
            continue;
        }
        if (line.starts_with("#")) continue;
        // The value follows the last space (label values in these tests hold no spaces).
        const auto space = line.rfind(' ');
        if (space == std::string::npos) throw std::runtime_error{"bad sample line: " + line};
        std::string value = line.substr(space + 1);
        std::string series = line.substr(0, space);
        // prometheus-cpp writes a timestamp only when one is set; none is here.
        double number = 0;
        if (value == "+Inf") {
            number = std::numeric_limits<double>::infinity();
        } else {
            std::size_t used = 0;
            number = std::stod(value, &used);
            if (used != value.size()) throw std::runtime_error{"bad sample value: " + line};
        }
        parsed.samples[series] = number;
    }
    return parsed;
}

}  // namespace qtm::test
