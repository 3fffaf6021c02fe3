// qtm: the QTM command-line tool. Keys and encrypted keystores, chain specs and genesis
// hashes, decoding of transactions and blocks, and hashing helpers. Every subcommand has
// --help; secrets are read from files or typed without echo, never taken as arguments.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

#include "base/hex.hpp"
#include "commands.hpp"
#include "crypto/keccak.hpp"
#include "qtm_version.hpp"

int main(int argc, char** argv) {
    using namespace qtm::cli;
    CLI::App app{"qtm - the QTM command-line tool"};
    app.set_version_flag("-V,--version", std::string{"qtm "} + QTM_VERSION);
    app.require_subcommand(1);

    std::string scheme = "ML-DSA-44";
    std::string keystore_path;
    std::string seed_file;
    PasswordSource password;
    bool decrypt = false;
    std::string argument;

    auto* account =
        app.add_subcommand("account", "Encrypted keystore files (scrypt + AES-256-GCM)");
    account->require_subcommand(1);
    auto* account_new_cmd =
        account->add_subcommand("new", "Make a new random key and its keystore");
    account_new_cmd->add_option("--keystore", keystore_path, "Keystore file to write")->required();
    account_new_cmd->add_option("--scheme", scheme, "ML-DSA-44, ML-DSA-65 or ML-DSA-87")
        ->capture_default_str();
    account_new_cmd->add_option("--password-file", password.file,
                                "Read the password from this file (else prompt)");
    auto* account_import_cmd =
        account->add_subcommand("import", "Encrypt an existing 32-byte seed into a keystore");
    account_import_cmd->add_option("--seed-file", seed_file, "File holding the seed as hex")
        ->required();
    account_import_cmd->add_option("--keystore", keystore_path, "Keystore file to write")
        ->required();
    account_import_cmd->add_option("--scheme", scheme, "ML-DSA-44, ML-DSA-65 or ML-DSA-87")
        ->capture_default_str();
    account_import_cmd->add_option("--password-file", password.file,
                                   "Read the password from this file (else prompt)");
    auto* account_inspect_cmd =
        account->add_subcommand("inspect", "Show a keystore's address and scheme");
    account_inspect_cmd->add_option("keystore", keystore_path, "Keystore file")->required();
    account_inspect_cmd->add_flag("--decrypt", decrypt, "Also check the password decrypts it");
    account_inspect_cmd->add_option("--password-file", password.file,
                                    "Read the password from this file (else prompt)");

    auto* key = app.add_subcommand("key", "Keys from seeds");
    key->require_subcommand(1);
    auto* key_address_cmd = key->add_subcommand("address", "Address and public key of a seed");
    key_address_cmd->add_option("--seed-file", seed_file, "File holding the seed as hex")
        ->required();
    key_address_cmd->add_option("--scheme", scheme, "ML-DSA-44, ML-DSA-65 or ML-DSA-87")
        ->capture_default_str();

    auto* spec =
        app.add_subcommand("spec", "Chain specs: built-in (dev, testnet, mainnet) or a file");
    spec->require_subcommand(1);
    auto* spec_show_cmd = spec->add_subcommand("show", "Print a chain spec as JSON");
    spec_show_cmd->add_option("spec", argument, "dev, testnet, mainnet or a JSON file")->required();
    auto* spec_hash_cmd =
        spec->add_subcommand("genesis-hash", "Compute a chain spec's genesis hash");
    spec_hash_cmd->add_option("spec", argument, "dev, testnet, mainnet or a JSON file")->required();

    auto* decode = app.add_subcommand("decode", "Decode encoded QTM data to JSON");
    decode->require_subcommand(1);
    auto* decode_tx_cmd = decode->add_subcommand("tx", "Decode a transaction (hex)");
    decode_tx_cmd->add_option("hex", argument, "The encoded transaction")->required();
    auto* decode_block_cmd = decode->add_subcommand("block", "Decode a block (hex)");
    decode_block_cmd->add_option("hex", argument, "The encoded block")->required();

    auto* keccak = app.add_subcommand("keccak256", "Print keccak256 of a hex string or of stdin");
    std::string hex_input;
    keccak->add_option("hex", hex_input, "0x-prefixed hex input (reads raw stdin when absent)");

    CLI11_PARSE(app, argc, argv);

    if (*account_new_cmd) return account_new(scheme, keystore_path, password);
    if (*account_import_cmd) return account_import(scheme, seed_file, keystore_path, password);
    if (*account_inspect_cmd) return account_inspect(keystore_path, decrypt, password);
    if (*key_address_cmd) return key_address(scheme, seed_file);
    if (*spec_show_cmd) return spec_show(argument);
    if (*spec_hash_cmd) return spec_genesis_hash(argument);
    if (*decode_tx_cmd) return decode_transaction(argument);
    if (*decode_block_cmd) return decode_block(argument);
    if (*keccak) {
        qtm::Bytes input;
        if (!hex_input.empty()) {
            auto decoded = qtm::from_hex(hex_input, qtm::HexPrefix::kRequired);
            if (!decoded) {
                std::fprintf(stderr, "qtm keccak256: %s\n",
                             std::string{qtm::to_string(decoded.error())}.c_str());
                return 1;
            }
            input = std::move(*decoded);
        } else {
            input.assign(std::istreambuf_iterator<char>{std::cin},
                         std::istreambuf_iterator<char>{});
        }
        std::printf("%s\n", qtm::to_hex(qtm::crypto::keccak256(input)).c_str());
    }
    return 0;
}
