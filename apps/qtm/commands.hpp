// The subcommands of `qtm`: each returns the process exit status (0 success, 1 a failure
// the message explains, 2 bad usage) and prints its result on stdout, errors on stderr.
#pragma once

#include <optional>
#include <string>

namespace qtm::cli {

struct PasswordSource {
    std::string file;  // --password-file; empty: prompt on a terminal, else read stdin
};

int account_new(const std::string& scheme, const std::string& keystore_path,
                const PasswordSource& password);
int account_import(const std::string& scheme, const std::string& seed_file,
                   const std::string& keystore_path, const PasswordSource& password);
int account_inspect(const std::string& keystore_path, bool decrypt, const PasswordSource& password);
int key_address(const std::string& scheme, const std::string& seed_file);
int spec_show(const std::string& name_or_path);
int spec_genesis_hash(const std::string& name_or_path);
int decode_transaction(const std::string& hex);
int decode_block(const std::string& hex);

}  // namespace qtm::cli
