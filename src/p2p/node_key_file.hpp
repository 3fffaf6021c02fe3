// The node key file in the data directory: the 32-byte ML-DSA-65 seed as 64 hex digits and
// a newline, owner-only (0600), created on first start and never overwritten. The seed is
// never logged; errors name the path, never the content.
#pragma once

#include <filesystem>
#include <string_view>

#include "base/result.hpp"
#include "p2p/node_key.hpp"

namespace qtm::p2p {

enum class NodeKeyFileError {
    kUnreadable,           // exists but cannot be opened or read
    kMalformed,            // not 64 hex digits and a newline
    kInsecurePermissions,  // readable or writable by group or others
    kCreateFailed,         // could not be created, written or synced
};
[[nodiscard]] std::string_view to_string(NodeKeyFileError error) noexcept;

// Loads the key at `path`, or creates one from the OS RNG if no file is there.
[[nodiscard]] Result<NodeKey, NodeKeyFileError> load_or_create_node_key(
    const std::filesystem::path& path);

}  // namespace qtm::p2p
