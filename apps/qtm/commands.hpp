// The subcommands of `qtm`: each returns the process exit status (0 success, 1 a failure
// the message explains, 2 bad usage) and prints its result on stdout, errors on stderr.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/result.hpp"
#include "base/u256.hpp"
#include "chain/chain_spec.hpp"

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

// A built-in spec (dev, testnet, mainnet) or a spec file; prints the failure.
std::optional<chain::ChainSpec> load_spec(const std::string& name_or_path);

// The 32-byte seed (hex) in a file; prints the failure.
std::optional<ByteArray<32>> read_seed(const std::string& seed_file);

// Reads a password from source.file, else from a no-echo prompt (printing the failure).
std::optional<std::string> read_password(const PasswordSource& source, bool confirm);

// Over JSON-RPC (rpc_commands.cpp). Amounts are strings so that the messages can quote them.
struct SendOptions {
    std::string rpc;
    std::string keystore;                      // --keystore FILE, or
    PasswordSource password;                   //   with --password-file
    std::optional<std::uint32_t> dev_account;  // --dev-account N
    std::string to;                            // empty: contract creation (needs data)
    std::string value;                         // AMOUNT
    std::string data;                          // hex
    std::optional<std::uint64_t> gas;
    std::string max_fee;  // AMOUNT per gas; empty: 2 * base fee + tip
    std::string tip;      // AMOUNT per gas; empty: eth_maxPriorityFeePerGas
    std::optional<std::uint64_t> nonce;
    bool no_wait{false};
};
int send(const SendOptions& options);

struct CallOptions {
    std::string rpc;
    std::string to;
    std::string data;
    std::string from;
    std::string block{"latest"};
};
int call(const CallOptions& options);

int raw_rpc(const std::string& rpc, const std::string& method, const std::string& params_json);

// `send`'s parsing of an AMOUNT and of an address (EIP-55 checked) for other commands; the
// error is the message for the user.
Result<U256, std::string> parse_amount_option(const std::string& text, const std::string& option);
Result<Address, std::string> parse_address_option(const std::string& text,
                                                  const std::string& option);

// The data-directory tools (db_commands.cpp).
struct DbCheckOptions {
    std::string datadir;
    std::size_t max_issues{100};
    bool progress{true};  // on stderr, at most once a second
};
int db_check(const DbCheckOptions& options);
// Repairs by replaying (chain::repair_database); the node must be stopped.
int db_repair(const std::string& datadir, const std::string& spec);
// Deletes the trie nodes of states older than the last `state_history` (chain/prune_state.hpp).
int db_prune_state(const std::string& datadir, std::uint64_t state_history, bool progress);
// db_backup_commands.cpp: admin_backup over the JWT endpoint; a checked copy.
struct DbBackupOptions {
    std::string rpc;          // the node's --authrpc endpoint
    std::string jwt_secret;   // the node's --authrpc-jwtsecret file
    std::string destination;  // a new directory on the node's host (incremental: the backups)
    bool incremental{false};
};
int db_backup(const DbBackupOptions& options);
// `source` is a checkpoint directory or a directory of incremental backups (`backup_id`:
// which one, default the latest).
int db_restore(const std::string& source, const std::string& datadir,
               std::optional<std::uint32_t> backup_id);
// Lists the backups; with `keep`, first deletes all but the newest `keep`.
int db_backups(const std::string& backup_dir, std::optional<std::size_t> keep);

// chain_commands.cpp: blocks to and from a block file (chain/block_file.hpp).
struct ChainExportOptions {
    std::string datadir;
    std::string file;
    std::optional<std::uint64_t> from;  // default 0
    std::optional<std::uint64_t> to;    // default the head
};
int chain_export(const ChainExportOptions& options);
// Re-executes and verifies every block; stops at the first invalid one saying why.
int chain_import(const std::string& file, const std::string& datadir, const std::string& spec);

// snapshot_commands.cpp: state snapshots (chain/snapshot/snapshot.hpp).
struct SnapshotExportOptions {
    std::string datadir;
    std::string file;
    std::optional<std::uint64_t> height;     // default the head
    std::optional<std::size_t> chunk_bytes;  // default 4 MiB
    bool progress{true};
};
int snapshot_export(const SnapshotExportOptions& options);
// `trusted_block_hash`: empty, or the 0x-hex hash the snapshot's block must have.
int snapshot_import(const std::string& file, const std::string& datadir, const std::string& spec,
                    bool progress, const std::string& trusted_block_hash);

}  // namespace qtm::cli
