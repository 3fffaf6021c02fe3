// qtm: the QTM command-line tool. Today it offers hashing helpers for scripts and tests;
// keys, keystores and transactions arrive with the crypto and chain layers.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

#include "base/hex.hpp"
#include "crypto/keccak.hpp"
#include "qtm_version.hpp"

int main(int argc, char** argv) {
    CLI::App app{"qtm - the QTM command-line tool"};
    app.set_version_flag("-V,--version", std::string{"qtm "} + QTM_VERSION);
    app.require_subcommand(1);

    auto* keccak = app.add_subcommand("keccak256", "Print keccak256 of a hex string or of stdin");
    std::string hex_input;
    keccak->add_option("hex", hex_input, "0x-prefixed hex input (reads raw stdin when absent)");

    CLI11_PARSE(app, argc, argv);

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
