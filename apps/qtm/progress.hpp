// The progress line of the long data-directory tools (db check, repair, snapshots).
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>

namespace qtm::cli {

// Progress on stderr, at most once a second, overwriting one line on a terminal.
class ProgressPrinter {
public:
    // Nothing is printed in the first second: short checks stay quiet.
    ProgressPrinter(bool enabled, std::string verb)
        : enabled_{enabled},
          verb_{std::move(verb)},
          terminal_{isatty(STDERR_FILENO) != 0},
          last_{std::chrono::steady_clock::now()} {}
    // Ends the progress line before the summary is printed.
    void finish() {
        if (printed_ && terminal_) std::fprintf(stderr, "\n");
        printed_ = false;
    }

    void operator()(std::string_view stage, std::uint64_t done, std::uint64_t total) {
        if (!enabled_) return;
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::seconds{1}) return;
        last_ = now;
        printed_ = true;
        std::string line = verb_ + " " + std::string{stage} + ": " + std::to_string(done);
        if (total != 0) {
            line +=
                " / " + std::to_string(total) + " (" + std::to_string(done * 100 / total) + "%)";
        }
        std::fprintf(stderr, terminal_ ? "\r%-70s" : "%s\n", line.c_str());
        std::fflush(stderr);
    }

private:
    bool enabled_;
    std::string verb_;
    bool terminal_;
    bool printed_{false};
    std::chrono::steady_clock::time_point last_;
};

}  // namespace qtm::cli
