// Runs ethereum/tests GeneralStateTests fixtures (Cancun post-states) against QTM's EVM and
// world state: for each test and each post entry, the transaction picked by the entry's
// indexes is applied to the pre-state and the resulting state root and logs hash are
// compared with the fixture's, as are expected transaction exceptions.
#pragma once

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <string>

namespace qtm::statetest {

struct Options {
    std::string fork{"Cancun"};
    std::string filter{};  // run only tests whose name contains this
    bool verbose{false};   // print every case, not only failures and skips
};

struct Counts {
    std::size_t passed{0};
    std::size_t failed{0};
    std::size_t skipped{0};
};

// Runs every test of one fixture file, printing failures and skips to `out`.
void run_file(const std::filesystem::path& path, const Options& options, Counts& counts,
              std::ostream& out);

}  // namespace qtm::statetest
