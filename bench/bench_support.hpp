// Small helpers shared by the bench/ programs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <thread>
#include <vector>

namespace qtm::bench {

// The bytes of every regular file below `path` (a database's size on disk).
inline std::uintmax_t directory_bytes(const std::filesystem::path& path) {
    std::uintmax_t total = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator{path}) {
        if (entry.is_regular_file()) total += entry.file_size();
    }
    return total;
}

// Runs f(i) for every i in [0, n) on `threads` threads (i strided by thread).
template <typename F>
void parallel_for(std::size_t n, unsigned threads, F f) {
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            for (std::size_t i = t; i < n; i += threads)
                f(i);
        });
    }
    for (auto& worker : workers)
        worker.join();
}

}  // namespace qtm::bench
