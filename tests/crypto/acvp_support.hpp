// Reading NIST ACVP vector files (shared/testdata/acvp): JSON loading and hex fields.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "base/bytes.hpp"

namespace qtm::crypto::acvp {

// Parses <testdata>/acvp/<path>; a missing file is a test failure (and an empty object).
[[nodiscard]] nlohmann::json load(const std::string& path);

// The hex string `name` of a test case as bytes (ACVP hex has no 0x prefix).
[[nodiscard]] Bytes field(const nlohmann::json& test, const char* name);

// The same for a field that must have exactly 32 bytes (seeds, messages).
[[nodiscard]] ByteArray<32> field32(const nlohmann::json& test, const char* name);

}  // namespace qtm::crypto::acvp
