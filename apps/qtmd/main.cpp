// qtmd: the QTM node. Today it reports its version and what it is built from; the dev
// node (`qtmd --dev`) arrives with the chain, storage and RPC layers (see README status).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>

#include "base/hex.hpp"
#include "crypto/keccak.hpp"
#include "qtm_version.hpp"

int main(int argc, char** argv) {
    CLI::App app{"qtmd - the QTM post-quantum proof-of-stake node"};
    app.set_version_flag("-V,--version", std::string{"qtmd "} + QTM_VERSION);
    bool dev = false;
    app.add_flag("--dev", dev,
                 "Run a one-validator development chain (not available yet: the chain, "
                 "storage and RPC layers are still being built)");
    CLI11_PARSE(app, argc, argv);

    if (dev) {
        std::fprintf(stderr,
                     "qtmd: --dev is not available in this build yet; the layers it needs "
                     "(storage, EVM, chain, RPC) are listed as not done in README.md\n");
        return 2;
    }
    std::printf("qtmd %s (keccak256(\"\") = %s)\n", QTM_VERSION,
                qtm::to_hex(qtm::crypto::keccak256({})).c_str());
    std::printf("Run `qtmd --help` for options.\n");
    return 0;
}
