// Internal to the database check (db_check.cpp, db_check_state.cpp): adding an issue to a
// report with the listing cap, and naming blocks and accounts the same way everywhere.
#pragma once

#include <string>

#include "base/hex.hpp"
#include "chain/db_check.hpp"

namespace qtm::chain::check_detail {

inline void add_issue(CheckReport& report, const CheckOptions& options, std::string where,
                      std::string what) {
    if (report.issues.size() < options.max_issues) {
        report.issues.push_back(CheckIssue{std::move(where), std::move(what)});
    } else {
        ++report.issues_not_listed;
    }
}

inline std::string block_name(std::uint64_t number) {
    return "block " + std::to_string(number);
}
inline std::string block_name(std::uint64_t number, const Hash32& hash) {
    return "block " + std::to_string(number) + " (" + to_hex(hash) + ")";
}

inline void report_progress(const CheckOptions& options, std::string_view stage, std::uint64_t done,
                            std::uint64_t total, bool force = false) {
    if (!options.progress) return;
    if (force || (options.progress_every != 0 && done % options.progress_every == 0)) {
        options.progress(CheckProgress{stage, done, total});
    }
}

}  // namespace qtm::chain::check_detail
