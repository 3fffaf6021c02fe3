// Every vector of shared/testdata/hash, counted: Botan's keccak.vec (Keccak-224/256/384/512
// with the original 0x01 padding; the 256 section is Ethereum's keccak256) and NIST CAVP
// SHA3-256/512 and SHAKE128/256 byte-oriented response files.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <map>
#include <string>

#include "base/hex.hpp"
#include "crypto/keccak.hpp"

namespace qtm::crypto {
namespace {

const std::string kHashDir = std::string{QTM_TESTDATA_DIR} + "/hash/";

std::string trim(std::string line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
        line.pop_back();
    return line;
}

struct Counts {
    int passed{0};
    int failed{0};
    void record(bool ok) { ok ? ++passed : ++failed; }
    void print(const std::string& name) const {
        std::cout << "[counts] hash/" << name << ": " << passed << " passed, " << failed
                  << " failed, 0 skipped\n";
    }
};

Bytes unhex(const std::string& text) {
    auto bytes = from_hex(text, HexPrefix::kForbidden);
    EXPECT_TRUE(bytes.has_value()) << "bad hex in vector file: " << text;
    return bytes ? *bytes : Bytes{};
}

TEST(KeccakVectors, BotanKeccakAllWidths) {
    std::ifstream in{kHashDir + "keccak/keccak.vec"};
    ASSERT_TRUE(in.good());
    std::map<int, Counts> per_width;
    int width = 0;
    Bytes message;
    for (std::string line; std::getline(in, line);) {
        line = trim(line);
        if (line.rfind("[Keccak-1600(", 0) == 0) {
            width = std::stoi(line.substr(13));
        } else if (line.rfind("In = ", 0) == 0 || line == "In =") {
            message = unhex(line.size() > 5 ? line.substr(5) : "");
        } else if (line.rfind("Out = ", 0) == 0) {
            const Bytes expected = unhex(line.substr(6));
            Bytes actual(static_cast<std::size_t>(width / 8));
            if (width == 256) {
                const Hash32 digest = keccak256(message);
                actual.assign(digest.begin(), digest.end());
            } else {
                KeccakSponge sponge{200 - 2 * static_cast<std::size_t>(width) / 8, 0x01};
                sponge.absorb(message);
                sponge.squeeze(actual);
            }
            EXPECT_EQ(actual, expected)
                << "Keccak-" << width << " of " << message.size() << " bytes";
            per_width[width].record(actual == expected);
        }
    }
    int total = 0;
    for (const auto& [bits, counts] : per_width) {
        counts.print("keccak/keccak.vec Keccak-1600(" + std::to_string(bits) + ")");
        EXPECT_EQ(counts.failed, 0);
        total += counts.passed;
    }
    EXPECT_EQ(per_width.size(), 4U);
    EXPECT_EQ(total, 1072);
}

// Runs one NIST .rsp file; `hash` maps (message, output length in bytes) to a digest.
template <class Hash>
Counts run_rsp(const std::string& file, Hash hash) {
    std::ifstream in{kHashDir + "nist-cavp/" + file};
    EXPECT_TRUE(in.good()) << file;
    Counts counts;
    std::map<std::string, std::string> record;
    std::size_t default_output_bits = 0;
    const auto flush = [&] {
        if (record.count("Msg") == 0 || (record.count("MD") == 0 && record.count("Output") == 0)) {
            record.clear();
            return;
        }
        // "Len = 0" comes with "Msg = 00", which means the empty message.
        Bytes message = unhex(record["Msg"]);
        if (record.count("Len") != 0 && std::stoul(record["Len"]) == 0) message.clear();
        const Bytes expected = unhex(record.count("MD") != 0 ? record["MD"] : record["Output"]);
        std::size_t output_bytes = expected.size();
        if (record.count("Outputlen") != 0) output_bytes = std::stoul(record["Outputlen"]) / 8;
        if (default_output_bits != 0 && record.count("Outputlen") == 0) {
            output_bytes = default_output_bits / 8;
        }
        const Bytes actual = hash(message, output_bytes);
        EXPECT_EQ(actual, expected) << file << " message of " << message.size() << " bytes";
        counts.record(actual == expected);
        record.clear();
    };
    for (std::string line; std::getline(in, line);) {
        line = trim(line);
        if (line.empty()) {
            flush();
            continue;
        }
        if (line[0] == '#') continue;
        if (line.rfind("[Outputlen = ", 0) == 0) default_output_bits = std::stoul(line.substr(13));
        if (line[0] == '[') continue;
        const auto equals = line.find(" = ");
        if (equals == std::string::npos) {
            if (line.back() == '=') record[line.substr(0, line.find(' '))] = "";
            continue;
        }
        record[line.substr(0, equals)] = line.substr(equals + 3);
    }
    flush();
    counts.print("nist-cavp/" + file);
    EXPECT_GT(counts.passed, 0) << file << " yielded no vectors";
    return counts;
}

Bytes sha3_256_bytes(const Bytes& message, std::size_t) {
    const Hash32 digest = sha3_256(message);
    return Bytes(digest.begin(), digest.end());
}
Bytes sha3_512_bytes(const Bytes& message, std::size_t) {
    const auto digest = sha3_512(message);
    return Bytes(digest.begin(), digest.end());
}
Bytes shake128_bytes(const Bytes& message, std::size_t length) {
    Bytes out(length);
    shake128(message, out);
    return out;
}
Bytes shake256_bytes(const Bytes& message, std::size_t length) {
    Bytes out(length);
    shake256(message, out);
    return out;
}

TEST(NistCavp, Sha3_256) {
    EXPECT_EQ(run_rsp("SHA3_256ShortMsg.rsp", sha3_256_bytes).failed, 0);
    EXPECT_EQ(run_rsp("SHA3_256LongMsg.rsp", sha3_256_bytes).failed, 0);
}
TEST(NistCavp, Sha3_512) {
    EXPECT_EQ(run_rsp("SHA3_512ShortMsg.rsp", sha3_512_bytes).failed, 0);
    EXPECT_EQ(run_rsp("SHA3_512LongMsg.rsp", sha3_512_bytes).failed, 0);
}
TEST(NistCavp, Shake128) {
    EXPECT_EQ(run_rsp("SHAKE128ShortMsg.rsp", shake128_bytes).failed, 0);
    EXPECT_EQ(run_rsp("SHAKE128VariableOut.rsp", shake128_bytes).failed, 0);
}
TEST(NistCavp, Shake256) {
    EXPECT_EQ(run_rsp("SHAKE256ShortMsg.rsp", shake256_bytes).failed, 0);
    EXPECT_EQ(run_rsp("SHAKE256VariableOut.rsp", shake256_bytes).failed, 0);
}

}  // namespace
}  // namespace qtm::crypto
