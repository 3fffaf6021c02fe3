// A temporary directory for a database, removed at the end of the test.
#pragma once

#include <filesystem>
#include <string>

namespace qtm::storage {

class TemporaryDirectory {
public:
    TemporaryDirectory();
    ~TemporaryDirectory();
    TemporaryDirectory(const TemporaryDirectory&) = delete;
    TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
    [[nodiscard]] std::string db() const { return (path_ / "db").string(); }

private:
    std::filesystem::path path_;
};

}  // namespace qtm::storage
