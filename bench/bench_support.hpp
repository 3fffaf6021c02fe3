// Small helpers shared by the bench/ programs.
#pragma once

#include <cstdint>
#include <filesystem>

namespace qtm::bench {

// The bytes of every regular file below `path` (a database's size on disk).
inline std::uintmax_t directory_bytes(const std::filesystem::path& path) {
    std::uintmax_t total = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator{path}) {
        if (entry.is_regular_file()) total += entry.file_size();
    }
    return total;
}

}  // namespace qtm::bench
