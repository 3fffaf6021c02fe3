// The `qtm` tool as a user runs it: keystores (import, inspect, decrypt, wrong password,
// no overwrite), seed -> address, built-in spec genesis hash, transaction decoding, and
// clear errors with a non-zero exit status for bad input.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "base/hex.hpp"
#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"
#include "chain/transaction.hpp"
#include "node_support.hpp"

namespace qtm {
namespace {

// What a run printed, standard output then standard error.
struct CliOutput {
    int status{-1};
    std::string output;
};

CliOutput qtm(const std::string& arguments) {
    const test::CliRun run = test::run_qtm(arguments);
    return {run.status, run.out + run.err};
}

class QtmCli : public ::testing::Test {
protected:
    void SetUp() override {
        write("password", "correct horse\n");
        write("wrong", "battery staple\n");
        write("seed", to_hex(chain::dev_account_seed(0)) + "\n");
    }
    void write(const std::string& name, const std::string& text) {
        std::ofstream{dir_.path() / name} << text;
    }
    std::string path(const std::string& name) const { return (dir_.path() / name).string(); }

    test::TestDir dir_{"qtm-cli"};
};

TEST_F(QtmCli, KeystoreImportInspectAndDecrypt) {
    const std::string address = chain::to_checksum_address(
        chain::AccountKey{crypto::SignatureScheme::kMlDsa44, chain::dev_account_seed(0)}.address());
    const CliOutput imported = qtm("account import --seed-file " + path("seed") + " --keystore " +
                                   path("k.json") + " --password-file " + path("password"));
    ASSERT_EQ(imported.status, 0) << imported.output;
    EXPECT_NE(imported.output.find(address), std::string::npos);
    EXPECT_EQ(
        std::filesystem::status(path("k.json")).permissions() & std::filesystem::perms::others_read,
        std::filesystem::perms::none);

    std::ifstream file{path("k.json")};
    const std::string contents{std::istreambuf_iterator<char>{file}, {}};
    EXPECT_EQ(contents.find(to_hex(chain::dev_account_seed(0), false)), std::string::npos);

    const CliOutput inspected = qtm("account inspect " + path("k.json"));
    EXPECT_EQ(inspected.status, 0);
    EXPECT_NE(inspected.output.find(address), std::string::npos);
    const CliOutput decrypted =
        qtm("account inspect " + path("k.json") + " --decrypt --password-file " + path("password"));
    EXPECT_EQ(decrypted.status, 0) << decrypted.output;
    EXPECT_NE(decrypted.output.find("password  correct"), std::string::npos);
    const CliOutput wrong =
        qtm("account inspect " + path("k.json") + " --decrypt --password-file " + path("wrong"));
    EXPECT_EQ(wrong.status, 1);
    EXPECT_NE(wrong.output.find("wrong password"), std::string::npos);
    EXPECT_EQ(wrong.output.find("battery"), std::string::npos);

    const CliOutput overwrite =
        qtm("account new --keystore " + path("k.json") + " --password-file " + path("password"));
    EXPECT_EQ(overwrite.status, 1);
    EXPECT_NE(overwrite.output.find("refusing to overwrite"), std::string::npos);
}

TEST_F(QtmCli, SeedAddressSpecAndDecoding) {
    const CliOutput key = qtm("key address --seed-file " + path("seed"));
    EXPECT_EQ(key.status, 0);
    EXPECT_NE(key.output.find("0x46E135d91C93B0E6e45dFA5cd8C0Ac4667A60DdF"), std::string::npos);

    const CliOutput hash = qtm("spec genesis-hash dev");
    EXPECT_EQ(hash.status, 0);
    EXPECT_EQ(hash.output, to_hex(*chain::genesis_hash(*chain::builtin_chain_spec("dev"))) + "\n");
    EXPECT_EQ(qtm("spec genesis-hash " + path("missing.json")).status, 1);

    chain::Transaction tx;
    tx.chain_id = 7357;
    tx.nonce = 3;
    tx.max_fee_per_gas = U256{7};
    tx.gas_limit = 50'000;
    tx.to = Address{};
    sign_transaction(
        tx, chain::AccountKey{crypto::SignatureScheme::kMlDsa44, chain::dev_account_seed(0)}, true);
    const CliOutput decoded = qtm("decode tx " + to_hex(chain::encode(tx)));
    EXPECT_EQ(decoded.status, 0) << decoded.output;
    EXPECT_NE(decoded.output.find(to_hex(chain::transaction_hash(tx))), std::string::npos);
    EXPECT_NE(decoded.output.find("valid for the carried key"), std::string::npos);

    const CliOutput garbage = qtm("decode tx 0x51c0");
    EXPECT_EQ(garbage.status, 1);
    EXPECT_NE(garbage.output.find("not a QTM transaction"), std::string::npos);
    EXPECT_EQ(qtm("decode tx zz").status, 1);
    EXPECT_NE(qtm("account").status, 0);  // a subcommand is required
}

}  // namespace
}  // namespace qtm
