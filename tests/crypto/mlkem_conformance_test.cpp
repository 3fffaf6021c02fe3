// NIST ACVP vectors for ML-KEM (FIPS 203): keyGen (75) and encapDecap (165: encapsulation,
// decapsulation with modified ciphertexts, and both key checks), every one counted.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "acvp_support.hpp"
#include "base/hex.hpp"
#include "crypto/mlkem.hpp"

namespace qtm::crypto {
namespace {

using acvp::field;
using acvp::load;

MlKemParameterSet parameter_set_of(const std::string& name) {
    if (name == "ML-KEM-512") return MlKemParameterSet::kMlKem512;
    if (name == "ML-KEM-768") return MlKemParameterSet::kMlKem768;
    EXPECT_EQ(name, "ML-KEM-1024");
    return MlKemParameterSet::kMlKem1024;
}

struct Counts {
    int passed{0};
    int failed{0};
};

void print(const std::map<std::string, Counts>& counts, const std::string& file) {
    for (const auto& [kind, count] : counts) {
        std::cout << "[counts] " << file << " " << kind << ": " << count.passed << " passed, "
                  << count.failed << " failed, 0 skipped\n";
    }
}

TEST(MlKemAcvp, KeyGen) {
    const auto vectors = load("ML-KEM-keyGen-FIPS203/internalProjection.json");
    std::map<std::string, Counts> counts;
    for (const auto& group : vectors["testGroups"]) {
        const auto set_name = group["parameterSet"].get<std::string>();
        for (const auto& test : group["tests"]) {
            const auto pair = mlkem_keygen(parameter_set_of(set_name), acvp::field32(test, "d"),
                                           acvp::field32(test, "z"));
            const bool ok = pair.encapsulation_key == field(test, "ek") &&
                            equal(pair.decapsulation_key.bytes(), field(test, "dk"));
            EXPECT_TRUE(ok) << set_name << " tcId " << test["tcId"];
            ok ? ++counts[set_name].passed : ++counts[set_name].failed;
        }
    }
    print(counts, "ML-KEM-keyGen-FIPS203");
    int total = 0;
    for (const auto& [name, count] : counts)
        total += count.passed;
    EXPECT_EQ(total, 75);
}

TEST(MlKemAcvp, EncapDecap) {
    const auto vectors = load("ML-KEM-encapDecap-FIPS203/internalProjection.json");
    std::map<std::string, Counts> counts;
    for (const auto& group : vectors["testGroups"]) {
        const auto set = parameter_set_of(group["parameterSet"].get<std::string>());
        const auto function = group["function"].get<std::string>();
        const std::string kind = group["parameterSet"].get<std::string>() + " " + function;
        for (const auto& test : group["tests"]) {
            bool ok = false;
            if (function == "encapsulation") {
                const auto result = mlkem_encaps(set, field(test, "ek"), acvp::field32(test, "m"));
                ok = result.has_value() && result->ciphertext == field(test, "c") &&
                     equal(result->shared_secret, field(test, "k"));
            } else if (function == "decapsulation") {
                const auto key = mlkem_decaps(set, field(test, "dk"), field(test, "c"));
                ok = key.has_value() && equal(*key, field(test, "k"));
            } else if (function == "encapsulationKeyCheck") {
                const bool accepted =
                    mlkem_check_encapsulation_key(set, field(test, "ek")).has_value();
                ok = accepted == test["testPassed"].get<bool>();
            } else if (function == "decapsulationKeyCheck") {
                const bool accepted =
                    mlkem_check_decapsulation_key(set, field(test, "dk")).has_value();
                ok = accepted == test["testPassed"].get<bool>();
            } else {
                ADD_FAILURE() << "unknown ACVP function " << function;
            }
            EXPECT_TRUE(ok) << kind << " tcId " << test["tcId"];
            ok ? ++counts[kind].passed : ++counts[kind].failed;
        }
    }
    print(counts, "ML-KEM-encapDecap-FIPS203");
    int total = 0;
    for (const auto& [name, count] : counts)
        total += count.passed;
    EXPECT_EQ(total, 165);
}

}  // namespace
}  // namespace qtm::crypto
