#include "node/process_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace qtm::node {

namespace {

prometheus::MetricFamily family(std::string name, std::string help, prometheus::MetricType type,
                                double value) {
    prometheus::ClientMetric metric;
    if (type == prometheus::MetricType::Counter) {
        metric.counter.value = value;
    } else {
        metric.gauge.value = value;
    }
    return prometheus::MetricFamily{std::move(name), std::move(help), type, {metric}};
}

// Seconds since the epoch at which the system booted (/proc/stat "btime").
std::optional<double> boot_time() {
    std::ifstream stat{"/proc/stat"};
    std::string key;
    double value = 0;
    while (stat >> key) {
        if (key == "btime" && stat >> value) return value;
        stat.ignore(1 << 16, '\n');
    }
    return std::nullopt;
}

}  // namespace

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
    using prometheus::MetricType;
    std::vector<prometheus::MetricFamily> out;
    std::ifstream stat_file{"/proc/self/stat"};
    std::string stat;
    if (!stat_file || !std::getline(stat_file, stat)) return out;
    // The command name (field 2) is in parentheses and may hold spaces: parse after it.
    const auto close = stat.rfind(')');
    if (close == std::string::npos) return out;
    std::istringstream fields{stat.substr(close + 2)};
    std::vector<std::string> values;  // values[0] is field 3 (state)
    for (std::string field; fields >> field;)
        values.push_back(field);
    if (values.size() < 22) return out;
    const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
    const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
    const double utime = std::stod(values[11]);        // field 14
    const double stime = std::stod(values[12]);        // field 15
    const double start_ticks = std::stod(values[19]);  // field 22
    const double vsize = std::stod(values[20]);        // field 23
    const double rss_pages = std::stod(values[21]);    // field 24
    out.push_back(family("process_cpu_seconds_total",
                         "Total user and system CPU time spent in seconds.", MetricType::Counter,
                         (utime + stime) / ticks));
    out.push_back(family("process_resident_memory_bytes", "Resident memory size in bytes.",
                         MetricType::Gauge, rss_pages * page));
    out.push_back(family("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                         MetricType::Gauge, vsize));
    if (const auto boot = boot_time()) {
        out.push_back(family("process_start_time_seconds",
                             "Start time of the process since unix epoch in seconds.",
                             MetricType::Gauge, *boot + start_ticks / ticks));
    }
    std::error_code error;
    double open_fds = 0;
    for (auto it = std::filesystem::directory_iterator{"/proc/self/fd", error};
         !error && it != std::filesystem::directory_iterator{}; it.increment(error)) {
        ++open_fds;
    }
    if (!error) {
        out.push_back(family("process_open_fds", "Number of open file descriptors.",
                             MetricType::Gauge, open_fds));
    }
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        out.push_back(family("process_max_fds", "Maximum number of open file descriptors.",
                             MetricType::Gauge, static_cast<double>(limit.rlim_cur)));
    }
    return out;
}

}  // namespace qtm::node
