// qtm-statetest: runs ethereum/tests GeneralStateTests fixtures. See --help.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <vector>

#include "statetest.hpp"

int main(int argc, char** argv) {
    CLI::App app{
        "Runs ethereum/tests GeneralStateTests fixtures against QTM's EVM: for each test and\n"
        "each post-state of the chosen fork, applies the transaction to the pre-state and\n"
        "compares the state root, the logs hash and the expected exception. Prints every\n"
        "failure and the reason for every skip; the last line is\n"
        "`N passed, N failed, N skipped`. Exits 1 if anything failed, 2 on a usage error."};
    std::vector<std::string> paths;
    qtm::statetest::Options options;
    app.add_option("paths", paths, "fixture files or folders (searched recursively for *.json)")
        ->required();
    app.add_option("--fork", options.fork, "post-state fork to run")->capture_default_str();
    app.add_option("--filter", options.filter, "run only tests whose name contains this text");
    app.add_flag("-v,--verbose", options.verbose, "print every case, not only failures");
    CLI11_PARSE(app, argc, argv);

    std::vector<std::filesystem::path> files;
    for (const auto& path : paths) {
        std::error_code error;
        if (std::filesystem::is_directory(path, error)) {
            for (const auto& item : std::filesystem::recursive_directory_iterator(path)) {
                if (item.is_regular_file() && item.path().extension() == ".json") {
                    files.push_back(item.path());
                }
            }
        } else if (std::filesystem::is_regular_file(path, error)) {
            files.emplace_back(path);
        } else {
            std::cerr << "qtm-statetest: " << path << ": no such file or folder\n";
            return 2;
        }
    }
    std::sort(files.begin(), files.end());
    qtm::statetest::Counts counts;
    for (const auto& file : files)
        qtm::statetest::run_file(file, options, counts, std::cout);
    std::cout << "[counts] GeneralStateTests (" << options.fork << "): " << counts.passed
              << " passed, " << counts.failed << " failed, " << counts.skipped << " skipped\n";
    std::cout << counts.passed << " passed, " << counts.failed << " failed, " << counts.skipped
              << " skipped" << std::endl;
    return counts.failed == 0 ? 0 : 1;
}
