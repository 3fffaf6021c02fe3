#include "p2p/node_key_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "base/hex.hpp"
#include "crypto/random.hpp"
#include "crypto/secret.hpp"

namespace qtm::p2p {
namespace {

constexpr std::size_t kFileSize = 65;  // 64 hex digits and '\n'

Result<NodeKey, NodeKeyFileError> load(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return unexpected(NodeKeyFileError::kUnreadable);
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
        ::close(fd);
        return unexpected(NodeKeyFileError::kUnreadable);
    }
    if ((info.st_mode & 077) != 0) {
        ::close(fd);
        return unexpected(NodeKeyFileError::kInsecurePermissions);
    }
    std::string text(kFileSize + 1, '\0');
    const ssize_t got = ::read(fd, text.data(), text.size());
    ::close(fd);
    if (got < 0) return unexpected(NodeKeyFileError::kUnreadable);
    text.resize(static_cast<std::size_t>(got));
    const bool well_formed = text.size() == kFileSize && text.back() == '\n';
    auto seed = well_formed ? from_hex_fixed<32>(std::string_view{text}.substr(0, 64),
                                                 HexPrefix::kForbidden)
                            : from_hex_fixed<32>("", HexPrefix::kForbidden);
    secure_wipe(text.data(), text.size());
    if (!seed) return unexpected(NodeKeyFileError::kMalformed);
    const crypto::Secret<32> secret{*seed};
    secure_wipe(seed->data(), seed->size());
    return NodeKey::from_seed(secret.array());
}

Result<NodeKey, NodeKeyFileError> create(const std::filesystem::path& path) {
    const crypto::Secret<32> seed{crypto::random_array<32>()};
    std::string text = to_hex(seed.bytes(), /*with_prefix=*/false) + "\n";
    // O_EXCL: never overwrite a key that appeared meanwhile.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    bool ok = fd >= 0;
    if (ok) {
        ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
             ::fsync(fd) == 0;
        ok = (::close(fd) == 0) && ok;
    }
    secure_wipe(text.data(), text.size());
    if (!ok) {
        if (fd >= 0) std::filesystem::remove(path);
        return unexpected(NodeKeyFileError::kCreateFailed);
    }
    return NodeKey::from_seed(seed.array());
}

}  // namespace

std::string_view to_string(NodeKeyFileError error) noexcept {
    switch (error) {
        case NodeKeyFileError::kUnreadable:
            return "node key file cannot be read";
        case NodeKeyFileError::kMalformed:
            return "node key file is not 64 hex digits and a newline";
        case NodeKeyFileError::kInsecurePermissions:
            return "node key file is accessible by group or others (chmod 600 it)";
        case NodeKeyFileError::kCreateFailed:
            return "node key file could not be created";
    }
    return "unknown node key file error";
}

Result<NodeKey, NodeKeyFileError> load_or_create_node_key(const std::filesystem::path& path) {
    std::error_code error;
    if (std::filesystem::exists(std::filesystem::symlink_status(path, error))) return load(path);
    return create(path);
}

}  // namespace qtm::p2p
