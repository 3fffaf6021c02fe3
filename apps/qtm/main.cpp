// qtm: the QTM command-line tool. Keys and encrypted keystores, chain specs and genesis
// hashes, decoding of transactions and blocks, hashing helpers, and over JSON-RPC: sending
// transactions, calling contracts and raw calls. Every subcommand has --help; secrets are
// read from files or typed without echo, never taken as arguments. Exit status: 0 success,
// 1 a failure (explained on stderr), 2 bad usage.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

#include "base/hex.hpp"
#include "commands.hpp"
#include "crypto/keccak.hpp"
#include "network_commands.hpp"
#include "qtm_version.hpp"
#include "validator_commands.hpp"

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

    const std::string default_rpc = "http://127.0.0.1:8545";
    const std::string rpc_help = "The node's JSON-RPC endpoint (http:// only)";
    const std::string amount_help =
        "AMOUNT: wei as an integer (21000, 0x5208, 21000wei), or a decimal with a unit: "
        "1.5qtm (18 decimals), 30gwei (9 decimals). A decimal without a unit is refused.";

    SendOptions send_options;
    send_options.rpc = default_rpc;
    auto* send_cmd = app.add_subcommand(
        "send", "Sign a transaction here and send it to a node (eth_sendRawTransaction)");
    send_cmd->footer(
        amount_help +
        "\nWhat is not given is asked from the node: the chain id, the pending nonce, the gas "
        "(eth_estimateGas), the tip (eth_maxPriorityFeePerGas) and the fee cap (2 * latest "
        "base fee + tip). The sender's public key is carried on its first transaction only. "
        "Without --to, --data is contract initcode and the new contract's address is printed.\n");
    send_cmd->add_option("--rpc", send_options.rpc, rpc_help)->capture_default_str();
    auto* send_keystore = send_cmd->add_option("--keystore", send_options.keystore,
                                               "Sign with the key of this keystore file");
    send_cmd
        ->add_option("--password-file", send_options.password.file,
                     "Read the keystore password from this file (else prompt)")
        ->needs(send_keystore);
    send_cmd
        ->add_option("--dev-account", send_options.dev_account,
                     "Sign with dev account N (0-9; public test keys, dev chains only)")
        ->excludes(send_keystore);
    send_cmd->add_option("--to", send_options.to,
                         "Recipient address (0x + 40 hex); leave out to create a contract");
    send_cmd->add_option("--value", send_options.value, "Value to send, an AMOUNT (default 0)");
    send_cmd->add_option("--data", send_options.data,
                         "Calldata, or initcode without --to, as hex (0x optional)");
    send_cmd->add_option("--gas", send_options.gas, "Gas limit (default: eth_estimateGas)");
    send_cmd->add_option("--max-fee", send_options.max_fee,
                         "Fee cap per gas, an AMOUNT (default: 2 * base fee + tip)");
    send_cmd->add_option("--tip", send_options.tip,
                         "Priority fee per gas, an AMOUNT (default: eth_maxPriorityFeePerGas)");
    send_cmd->add_option("--nonce", send_options.nonce,
                         "Nonce (default: eth_getTransactionCount of the sender, pending)");
    send_cmd->add_flag("--no-wait", send_options.no_wait,
                       "Print the hash and return without waiting for the receipt");

    CallOptions call_options;
    call_options.rpc = default_rpc;
    auto* call_cmd = app.add_subcommand("call", "Call a contract without a transaction (eth_call)");
    call_cmd->footer(
        "Prints the returned data as hex. A revert prints the node's message and revert data "
        "on stderr and exits with status 1.\n");
    call_cmd->add_option("--rpc", call_options.rpc, rpc_help)->capture_default_str();
    call_cmd->add_option("--to", call_options.to, "Contract address")->required();
    call_cmd->add_option("--data", call_options.data, "Calldata as hex (0x optional)");
    call_cmd->add_option("--from", call_options.from, "Caller address (default: zero address)");
    call_cmd
        ->add_option("--block", call_options.block,
                     "latest, earliest, pending, safe, finalized, a number or a block hash")
        ->capture_default_str();

    std::string rpc_url = default_rpc;
    std::string method;
    std::string params_json;
    auto* rpc_cmd = app.add_subcommand("rpc", "Make one raw JSON-RPC call and print the result");
    rpc_cmd->footer(
        "Example: qtm rpc eth_getBlockByNumber '[\"latest\", false]'. The result is printed "
        "as JSON; a node error goes to stderr with exit status 1.\n");
    rpc_cmd->add_option("--rpc", rpc_url, rpc_help)->capture_default_str();
    rpc_cmd->add_option("method", method, "The method, e.g. eth_chainId")->required();
    rpc_cmd->add_option("params", params_json, "Parameters as a JSON array or object (default [])");

    DbCheckOptions db_check_options;
    auto* db = app.add_subcommand("db", "Check, repair, back up and restore a data directory");
    db->require_subcommand(1);
    auto* db_check_cmd = db->add_subcommand(
        "check", "Check a data directory's consistency (read-only; the node may be running)");
    db_check_cmd->footer(
        "Checks the schema version, the head and finalized pointers, the canonical index, "
        "every block's header, body, receipts and transaction lookups, and the head state "
        "(tries walked from the state root and compared with the flat tables; code and keys "
        "present). Exit status 0: consistent; 1: problems found (listed) or unreadable.\n");
    db_check_cmd->add_option("datadir", db_check_options.datadir, "The node's --datadir")
        ->required();
    db_check_cmd
        ->add_option("--max-issues", db_check_options.max_issues,
                     "List at most this many problems (the rest are counted)")
        ->capture_default_str();
    bool db_quiet = false;
    db_check_cmd->add_flag("--quiet", db_quiet, "No progress display");
    std::string repair_datadir;
    std::string repair_spec = "dev";
    auto* db_repair_cmd = db->add_subcommand(
        "repair", "Repair a stopped node's data directory by replaying from the last good block");
    db_repair_cmd->footer(
        "Rebuilds the flat state from a verified state trie, moves the head back to the last "
        "block whose state is complete, and re-executes every block above it with full "
        "validation; lost receipts and lookups are re-derived. Nothing is guessed: when no "
        "verifiable base exists, nothing is written and the reason is printed (exit 1).\n");
    db_repair_cmd->add_option("datadir", repair_datadir, "The node's --datadir")->required();
    db_repair_cmd
        ->add_option("--spec", repair_spec, "The chain spec: dev, testnet, mainnet or a JSON file")
        ->capture_default_str();

    DbBackupOptions backup_options;
    backup_options.rpc = "http://127.0.0.1:8551";
    auto* db_backup_cmd = db->add_subcommand(
        "backup", "Back up a running node: a consistent checkpoint through admin_backup (JWT)");
    db_backup_cmd->footer(
        "The node writes the checkpoint itself, into DEST on its own host (a new directory; "
        "on the same filesystem as its data directory the table files are hard links). "
        "Blocks go on being produced meanwhile; the copy holds whole blocks only.\n");
    db_backup_cmd->add_option("--rpc", backup_options.rpc, "The node's --authrpc endpoint")
        ->capture_default_str();
    db_backup_cmd
        ->add_option("--jwt-secret", backup_options.jwt_secret,
                     "The node's --authrpc-jwtsecret file (64 hex digits)")
        ->required();
    db_backup_cmd
        ->add_option("dest", backup_options.destination,
                     "New directory for the backup (with --incremental: the backup directory)")
        ->required();
    db_backup_cmd->add_flag(
        "--incremental", backup_options.incremental,
        "Add a backup to DEST (RocksDB BackupEngine; created if absent): only the table files "
        "earlier backups there lack are copied. List them with qtm db backups DEST");
    std::string restore_source;
    std::string restore_datadir;
    std::optional<std::uint32_t> restore_backup_id;
    auto* db_restore_cmd = db->add_subcommand(
        "restore", "Restore a backup into a new data directory, checking it before use");
    db_restore_cmd
        ->add_option("src", restore_source,
                     "The backup: a checkpoint directory, or a directory of "
                     "incremental backups")
        ->required();
    db_restore_cmd->add_option("datadir", restore_datadir, "The new --datadir (absent or empty)")
        ->required();
    db_restore_cmd->add_option("--backup-id", restore_backup_id,
                               "Of incremental backups, which one (default the latest; see qtm "
                               "db backups)");
    std::string backups_dir;
    auto* db_backups_cmd =
        db->add_subcommand("backups", "List the incremental backups in a backup directory");
    db_backups_cmd->add_option("dir", backups_dir, "The backup directory")->required();
    std::optional<std::size_t> backups_keep;
    db_backups_cmd->add_option("--keep", backups_keep,
                               "First delete all but the newest N backups (and the files only "
                               "they hold); run it where the backup directory is");

    std::string prune_datadir;
    std::uint64_t prune_history = 128;
    bool prune_quiet = false;
    auto* db_prune_cmd = db->add_subcommand(
        "prune-state", "Delete the trie nodes of states older than the last N blocks");
    db_prune_cmd->footer(
        "The node must be stopped. Every retained state is walked from its root and every "
        "node it reaches is kept (nodes are shared between states); all other stored trie "
        "nodes are deleted and the column compacted. Nothing is deleted if a retained state "
        "is incomplete. RPC reads of a pruned block's state answer \"state not available\".\n");
    db_prune_cmd->add_option("datadir", prune_datadir, "The node's --datadir")->required();
    db_prune_cmd
        ->add_option("--state-history", prune_history,
                     "States kept: the head's and the N-1 before it (at least 1)")
        ->capture_default_str();
    db_prune_cmd->add_flag("--quiet", prune_quiet, "No progress display");

    auto* chain_cmd =
        app.add_subcommand("chain", "Blocks to and from a file (RLP, one after another)");
    chain_cmd->require_subcommand(1);
    ChainExportOptions export_options;
    auto* chain_export_cmd =
        chain_cmd->add_subcommand("export", "Write canonical blocks of a data directory to a file");
    chain_export_cmd->add_option("datadir", export_options.datadir, "The node's --datadir")
        ->required();
    chain_export_cmd->add_option("file", export_options.file, "The block file to write")
        ->required();
    chain_export_cmd->add_option("--from", export_options.from, "First block (default 0)");
    chain_export_cmd->add_option("--to", export_options.to, "Last block (default the head)");
    std::string import_file;
    std::string import_datadir;
    std::string import_spec = "dev";
    auto* chain_import_cmd = chain_cmd->add_subcommand(
        "import", "Re-execute and verify the blocks of a file into a data directory");
    chain_import_cmd->footer(
        "Every block is validated in full against its parent (signatures, state, transactions "
        "and receipts roots) before it is written; the first invalid block stops the import "
        "with the reason, and the blocks before it stay. Blocks already present are skipped.\n");
    chain_import_cmd->add_option("file", import_file, "The block file")->required();
    chain_import_cmd->add_option("datadir", import_datadir, "The --datadir (created if absent)")
        ->required();
    chain_import_cmd
        ->add_option("--spec", import_spec, "The chain spec: dev, testnet, mainnet or a JSON file")
        ->capture_default_str();

    const ValidatorCli validator_cli{app, default_rpc, amount_help};
    const NetworkCli network_cli{app};
    auto* snapshot_cmd = app.add_subcommand(
        "snapshot", "The state at one block to and from a file, in verifiable chunks");
    snapshot_cmd->require_subcommand(1);
    SnapshotExportOptions snapshot_export_options;
    bool snapshot_quiet = false;
    auto* snapshot_export_cmd = snapshot_cmd->add_subcommand(
        "export", "Write the state at a canonical block (accounts, storage, code, keys)");
    snapshot_export_cmd->footer(
        "Opens the data directory read-only (also beside a running node). The state is read "
        "from the block's tries, so an older block needs its trie nodes (not pruned). The file "
        "holds the block's header, the 255 before it, its body, receipts and commit "
        "certificate, and the state in chunks, each listed by hash in the manifest.\n");
    snapshot_export_cmd
        ->add_option("datadir", snapshot_export_options.datadir, "The node's --datadir")
        ->required();
    snapshot_export_cmd->add_option("--height", snapshot_export_options.height,
                                    "The block (default the head)");
    snapshot_export_cmd->add_option("file", snapshot_export_options.file, "The snapshot to write")
        ->required();
    snapshot_export_cmd->add_option("--chunk-bytes", snapshot_export_options.chunk_bytes,
                                    "Chunk size target (default 4194304)");
    snapshot_export_cmd->add_flag("--quiet", snapshot_quiet, "No progress display");
    std::string snapshot_file;
    std::string snapshot_datadir;
    std::string snapshot_spec = "dev";
    auto* snapshot_import_cmd = snapshot_cmd->add_subcommand(
        "import", "Build a new data directory from a snapshot, checking its state root");
    snapshot_import_cmd->footer(
        "Every chunk is checked against its hash in the manifest and its entries' order; the "
        "tries are rebuilt and their root must be the block's state root, else nothing is "
        "kept. qtmd then starts from that block.\n");
    snapshot_import_cmd->add_option("file", snapshot_file, "The snapshot file")->required();
    snapshot_import_cmd->add_option("datadir", snapshot_datadir, "The new --datadir")->required();
    snapshot_import_cmd
        ->add_option("--spec", snapshot_spec,
                     "The chain spec: dev, testnet, mainnet or a JSON file")
        ->capture_default_str();
    snapshot_import_cmd->add_flag("--quiet", snapshot_quiet, "No progress display");
    std::string snapshot_block_hash;
    snapshot_import_cmd->add_option(
        "--block-hash", snapshot_block_hash,
        "The hash the snapshot's block must have, from a source you trust (another node, an "
        "explorer); without it the snapshot's header is trusted as it is");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        // CLI11 prints the message (or the help); bad usage is exit status 2.
        return app.exit(error) == 0 ? 0 : 2;
    }

    if (*account_new_cmd) return account_new(scheme, keystore_path, password);
    if (*account_import_cmd) return account_import(scheme, seed_file, keystore_path, password);
    if (*account_inspect_cmd) return account_inspect(keystore_path, decrypt, password);
    if (*key_address_cmd) return key_address(scheme, seed_file);
    if (*spec_show_cmd) return spec_show(argument);
    if (*spec_hash_cmd) return spec_genesis_hash(argument);
    if (*decode_tx_cmd) return decode_transaction(argument);
    if (*decode_block_cmd) return decode_block(argument);
    if (*send_cmd) return send(send_options);
    if (*call_cmd) return call(call_options);
    if (*rpc_cmd) return raw_rpc(rpc_url, method, params_json);
    if (*db_repair_cmd) return db_repair(repair_datadir, repair_spec);
    if (*db_prune_cmd) return db_prune_state(prune_datadir, prune_history, !prune_quiet);
    if (*db_backup_cmd) return db_backup(backup_options);
    if (*chain_export_cmd) return chain_export(export_options);
    if (*chain_import_cmd) return chain_import(import_file, import_datadir, import_spec);
    if (*db_restore_cmd) return db_restore(restore_source, restore_datadir, restore_backup_id);
    if (*db_backups_cmd) return db_backups(backups_dir, backups_keep);
    if (const auto status = network_cli.run()) return *status;
    if (const auto status = validator_cli.run()) return *status;
    if (*snapshot_export_cmd) {
        snapshot_export_options.progress = !snapshot_quiet;
        return snapshot_export(snapshot_export_options);
    }
    if (*snapshot_import_cmd) {
        return snapshot_import(snapshot_file, snapshot_datadir, snapshot_spec, !snapshot_quiet,
                               snapshot_block_hash);
    }
    if (*db_check_cmd) {
        db_check_options.progress = !db_quiet;
        return db_check(db_check_options);
    }
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
