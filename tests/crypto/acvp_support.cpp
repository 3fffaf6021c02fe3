#include "acvp_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "base/hex.hpp"

namespace qtm::crypto::acvp {

nlohmann::json load(const std::string& path) {
    const std::string full_path = std::string{QTM_TESTDATA_DIR} + "/acvp/" + path;
    std::ifstream in{full_path};
    if (!in.good()) {
        ADD_FAILURE() << "cannot open " << full_path;
        return nlohmann::json::object();
    }
    return nlohmann::json::parse(in);
}

Bytes field(const nlohmann::json& test, const char* name) {
    auto bytes = from_hex(test.at(name).get<std::string>(), HexPrefix::kForbidden);
    EXPECT_TRUE(bytes.has_value()) << "bad hex in ACVP field " << name;
    return bytes ? *bytes : Bytes{};
}

ByteArray<32> field32(const nlohmann::json& test, const char* name) {
    const Bytes bytes = field(test, name);
    ByteArray<32> out{};
    EXPECT_EQ(bytes.size(), 32U) << name;
    std::copy_n(bytes.begin(), std::min<std::size_t>(32, bytes.size()), out.begin());
    return out;
}

}  // namespace qtm::crypto::acvp
