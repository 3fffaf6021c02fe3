// NIST ACVP vectors for ML-DSA (FIPS 204): keyGen (75), sigGen (360: prompt joined with
// expectedResults on tgId + tcId) and sigVer (180), every one counted per file and group kind.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "acvp_support.hpp"
#include "base/hex.hpp"
#include "crypto/mldsa.hpp"
#include "crypto/mldsa/internal.hpp"

namespace qtm::crypto {
namespace {

using acvp::field;
using acvp::field32;
using acvp::load;

SignatureScheme scheme_of(const std::string& name) {
    if (name == "ML-DSA-44") return SignatureScheme::kMlDsa44;
    if (name == "ML-DSA-65") return SignatureScheme::kMlDsa65;
    EXPECT_EQ(name, "ML-DSA-87");
    return SignatureScheme::kMlDsa87;
}

struct Counts {
    int passed{0};
    int failed{0};
    int skipped{0};
    void record(bool ok) { ok ? ++passed : ++failed; }
};

// Prints one [counts] line per group kind and checks the file's total.
void report(const std::string& file, const std::map<std::string, Counts>& kinds, int expected) {
    int total = 0;
    for (const auto& [kind, c] : kinds) {
        std::cout << "[counts] acvp/" << file << " " << kind << ": " << c.passed << " passed, "
                  << c.failed << " failed, " << c.skipped << " skipped\n";
        EXPECT_EQ(c.failed, 0) << kind;
        total += c.passed + c.failed + c.skipped;
    }
    EXPECT_EQ(total, expected) << file;
}

TEST(MlDsaAcvp, KeyGen) {
    const auto doc = load("ML-DSA-keyGen-FIPS204/internalProjection.json");
    std::map<std::string, Counts> kinds;
    for (const auto& group : doc.at("testGroups")) {
        const std::string set = group.at("parameterSet");
        const SignatureScheme scheme = scheme_of(set);
        const auto sizes = signature_sizes(scheme);
        for (const auto& test : group.at("tests")) {
            Bytes pk(sizes.public_key);
            Bytes sk(sizes.secret_key);
            mldsa::keygen_internal(scheme, field32(test, "seed"), pk, sk);
            const bool ok = pk == field(test, "pk") && sk == field(test, "sk");
            EXPECT_TRUE(ok) << set << " tcId " << test.at("tcId");
            kinds[set].record(ok);
        }
    }
    report("ML-DSA-keyGen-FIPS204", kinds, 75);
}

TEST(MlDsaAcvp, SigGen) {
    const auto prompt = load("ML-DSA-sigGen-FIPS204/prompt.json");
    const auto results = load("ML-DSA-sigGen-FIPS204/expectedResults.json");
    std::map<std::pair<int, int>, std::string> expected;
    for (const auto& group : results.at("testGroups")) {
        for (const auto& test : group.at("tests"))
            expected[{group.at("tgId").get<int>(), test.at("tcId").get<int>()}] =
                test.at("signature").get<std::string>();
    }
    std::map<std::string, Counts> kinds;
    for (const auto& group : prompt.at("testGroups")) {
        const std::string set = group.at("parameterSet");
        const SignatureScheme scheme = scheme_of(set);
        const bool deterministic = group.at("deterministic").get<bool>();
        const bool external = group.at("signatureInterface") == "external";
        const bool pre_hash = external && group.at("preHash") == "preHash";
        const bool external_mu = !external && group.at("externalMu").get<bool>();
        const std::string kind = set + (deterministic ? " deterministic" : " hedged") +
                                 (external ? (pre_hash ? " external/preHash" : " external/pure")
                                           : (external_mu ? " internal/mu" : " internal/M'"));
        const int tg_id = group.at("tgId").get<int>();
        for (const auto& test : group.at("tests")) {
            const int tc_id = test.at("tcId").get<int>();
            const auto found = expected.find({tg_id, tc_id});
            ASSERT_NE(found, expected.end()) << "no expected result for tg " << tg_id;
            const auto want = from_hex(found->second, HexPrefix::kForbidden);
            ASSERT_TRUE(want.has_value());
            const ByteArray<32> rnd = deterministic ? ByteArray<32>{} : field32(test, "rnd");
            const Bytes sk = field(test, "sk");
            Result<Bytes, MlDsaError> got = unexpected(MlDsaError::kSecretKeyLength);
            if (external && pre_hash) {
                const auto hash = mldsa::parse_pre_hash(test.at("hashAlg").get<std::string>());
                ASSERT_TRUE(hash.has_value()) << test.at("hashAlg");
                got = mldsa::hash_sign(scheme, sk, field(test, "message"), field(test, "context"),
                                       *hash, rnd);
            } else if (external) {
                auto formatted =
                    mldsa::format_message(field(test, "message"), field(test, "context"));
                ASSERT_TRUE(formatted.has_value());
                got = mldsa::sign_internal(scheme, sk, *formatted, rnd);
            } else if (external_mu) {
                got = mldsa::sign_mu(scheme, sk, field(test, "mu"), rnd);
            } else {
                got = mldsa::sign_internal(scheme, sk, field(test, "message"), rnd);
            }
            const bool ok = got.has_value() && *got == *want;
            EXPECT_TRUE(ok) << kind << " tcId " << tc_id;
            kinds[kind].record(ok);
        }
    }
    report("ML-DSA-sigGen-FIPS204", kinds, 360);
}

TEST(MlDsaAcvp, SigVer) {
    const auto doc = load("ML-DSA-sigVer-FIPS204/internalProjection.json");
    std::map<std::string, Counts> kinds;
    std::map<std::string, int> reasons;
    for (const auto& group : doc.at("testGroups")) {
        const std::string set = group.at("parameterSet");
        const SignatureScheme scheme = scheme_of(set);
        const bool external = group.at("signatureInterface") == "external";
        const bool pre_hash = external && group.at("preHash") == "preHash";
        const bool external_mu = !external && group.at("externalMu").get<bool>();
        const std::string kind =
            set + (external ? (pre_hash ? " external/preHash" : " external/pure")
                            : (external_mu ? " internal/mu" : " internal/M'"));
        for (const auto& test : group.at("tests")) {
            const Bytes pk = field(test, "pk");
            const Bytes signature = field(test, "signature");
            bool verified = false;
            if (external && pre_hash) {
                const auto hash = mldsa::parse_pre_hash(test.at("hashAlg").get<std::string>());
                ASSERT_TRUE(hash.has_value()) << test.at("hashAlg");
                verified = mldsa::hash_verify(scheme, pk, field(test, "message"),
                                              field(test, "context"), *hash, signature);
            } else if (external) {
                verified =
                    verify(scheme, pk, field(test, "message"), field(test, "context"), signature);
            } else if (external_mu) {
                verified = mldsa::verify_mu(scheme, pk, field(test, "mu"), signature);
            } else {
                verified = mldsa::verify_internal(scheme, pk, field(test, "message"), signature);
            }
            const bool ok = verified == test.at("testPassed").get<bool>();
            EXPECT_TRUE(ok) << kind << " tcId " << test.at("tcId") << " (" << test.at("reason")
                            << ")";
            kinds[kind].record(ok);
            ++reasons[test.at("reason").get<std::string>()];
        }
    }
    for (const auto& [reason, count] : reasons)
        std::cout << "[counts] acvp/ML-DSA-sigVer-FIPS204 reason \"" << reason << "\": " << count
                  << "\n";
    report("ML-DSA-sigVer-FIPS204", kinds, 180);
}

}  // namespace
}  // namespace qtm::crypto
