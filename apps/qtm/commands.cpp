// `qtm` subcommands: keys and keystores, chain specs, decoding (commands.hpp).
#include "commands.hpp"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/hex.hpp"
#include "chain/block.hpp"
#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"
#include "chain/keystore.hpp"
#include "chain/transaction.hpp"
#include "crypto/random.hpp"
#include "rpc/format.hpp"

namespace qtm::cli {

namespace {

using Json = nlohmann::ordered_json;

int fail(const std::string& message) {
    std::fprintf(stderr, "qtm: %s\n", message.c_str());
    return 1;
}

std::optional<crypto::SignatureScheme> scheme_named(const std::string& name) {
    const auto scheme = crypto::signature_scheme_from_name(name);
    if (!scheme) fail("unknown scheme " + name + " (ML-DSA-44, ML-DSA-65, ML-DSA-87)");
    return scheme;
}

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in{path, std::ios::binary};
    if (!in) return std::nullopt;
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::string trim(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
        text.pop_back();
    }
    return text;
}

// Reads a password without echo on a terminal.
std::optional<std::string> prompt(const char* label) {
    std::fprintf(stderr, "%s", label);
    termios saved{};
    const bool terminal = isatty(STDIN_FILENO) != 0 && tcgetattr(STDIN_FILENO, &saved) == 0;
    if (terminal) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string line;
    const bool read = static_cast<bool>(std::getline(std::cin, line));
    if (terminal) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        std::fprintf(stderr, "\n");
    }
    if (!read) return std::nullopt;
    return trim(line);
}

}  // namespace

std::optional<ByteArray<32>> read_seed(const std::string& seed_file) {
    auto text = read_file(seed_file);
    if (!text) {
        fail("cannot read the seed file " + seed_file);
        return std::nullopt;
    }
    auto seed = from_hex_fixed<32>(trim(*text));
    secure_wipe(text->data(), text->size());
    if (!seed) {
        fail("the seed file must hold 32 bytes of hex (64 hex digits, 0x optional)");
        return std::nullopt;
    }
    return *seed;
}

namespace {

int write_keystore(crypto::SignatureScheme scheme, const ByteArray<32>& seed,
                   const std::string& keystore_path, const PasswordSource& source) {
    if (std::filesystem::exists(keystore_path)) {
        return fail(keystore_path + " already exists; refusing to overwrite a keystore");
    }
    auto password = read_password(source, true);
    if (!password) return 1;
    std::fprintf(stderr, "encrypting (scrypt, about a second)...\n");
    auto file = chain::encrypt_keystore(scheme, seed, *password);
    secure_wipe(password->data(), password->size());
    if (!file) return fail(file.error().message);
    // Owner-only permissions before any byte is written.
    const std::string temporary = keystore_path + ".tmp";
    {
        std::ofstream out{temporary, std::ios::binary | std::ios::trunc};
        if (!out) return fail("cannot write " + temporary);
        std::filesystem::permissions(
            temporary, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
        out << *file;
        if (!out.flush()) return fail("cannot write " + temporary);
    }
    std::filesystem::rename(temporary, keystore_path);
    const chain::AccountKey key{scheme, seed};
    std::printf("address   %s\nscheme    %s\nkeystore  %s\n",
                chain::to_checksum_address(key.address()).c_str(),
                std::string{crypto::to_string(scheme)}.c_str(), keystore_path.c_str());
    return 0;
}

}  // namespace

std::optional<chain::ChainSpec> load_spec(const std::string& name_or_path) {
    if (auto builtin = chain::builtin_chain_spec(name_or_path)) return builtin;
    auto loaded = chain::load_chain_spec(name_or_path);
    if (!loaded) {
        fail(loaded.error().message + " (not a built-in spec either: dev, testnet, mainnet)");
        return std::nullopt;
    }
    return *loaded;
}

namespace {

std::optional<Bytes> parse_hex_argument(const std::string& hex) {
    auto bytes = from_hex(trim(hex), HexPrefix::kOptional);
    if (!bytes) {
        fail("the argument is not hex: " + std::string{to_string(bytes.error())});
        return std::nullopt;
    }
    return *bytes;
}

Json transaction_json(const chain::Transaction& tx) {
    Json json;
    json["type"] = "0x51";
    json["hash"] = to_hex(chain::transaction_hash(tx));
    json["chainId"] = tx.chain_id;
    json["nonce"] = tx.nonce;
    json["maxPriorityFeePerGas"] = tx.max_priority_fee_per_gas.to_decimal();
    json["maxFeePerGas"] = tx.max_fee_per_gas.to_decimal();
    json["gas"] = tx.gas_limit;
    json["from"] = chain::to_checksum_address(tx.from);
    json["to"] = tx.to ? Json(chain::to_checksum_address(*tx.to)) : Json(nullptr);
    json["value"] = tx.value.to_decimal();
    json["input"] = to_hex(tx.data);
    json["accessList"] = rpc::format_access_list(tx.access_list);
    json["scheme"] = std::string{crypto::to_string(tx.scheme)};
    json["publicKey"] = tx.public_key.empty() ? Json(nullptr) : Json(to_hex(tx.public_key));
    json["signatureBytes"] = tx.signature.size();
    json["signingDigest"] = to_hex(chain::signing_digest(tx));
    json["intrinsicGas"] = chain::intrinsic_gas(tx);
    if (!tx.public_key.empty()) {
        const auto verified = chain::verify_signature(tx, std::nullopt);
        json["signature"] = verified ? "valid for the carried key"
                                     : std::string{chain::to_string(verified.error())};
    } else {
        json["signature"] = "not checked (no key carried; it is registered on chain)";
    }
    return json;
}

}  // namespace

std::optional<std::string> read_password(const PasswordSource& source, bool confirm) {
    if (!source.file.empty()) {
        auto text = read_file(source.file);
        if (!text) {
            fail("cannot read the password file " + source.file);
            return std::nullopt;
        }
        const auto newline = text->find('\n');
        return trim(text->substr(0, newline));
    }
    auto password = prompt("Password: ");
    if (!password) {
        fail("no password given (use --password-file, or type it on a terminal)");
        return std::nullopt;
    }
    if (confirm && isatty(STDIN_FILENO) != 0) {
        const auto again = prompt("Repeat password: ");
        if (!again || *again != *password) {
            fail("the passwords do not match");
            return std::nullopt;
        }
    }
    return password;
}

int account_new(const std::string& scheme_name, const std::string& keystore_path,
                const PasswordSource& password) {
    const auto scheme = scheme_named(scheme_name);
    if (!scheme) return 1;
    auto seed = crypto::random_array<32>();
    const int status = write_keystore(*scheme, seed, keystore_path, password);
    secure_wipe(seed.data(), seed.size());
    return status;
}

int account_import(const std::string& scheme_name, const std::string& seed_file,
                   const std::string& keystore_path, const PasswordSource& password) {
    const auto scheme = scheme_named(scheme_name);
    if (!scheme) return 1;
    auto seed = read_seed(seed_file);
    if (!seed) return 1;
    const int status = write_keystore(*scheme, *seed, keystore_path, password);
    secure_wipe(seed->data(), seed->size());
    return status;
}

int account_inspect(const std::string& keystore_path, bool decrypt, const PasswordSource& source) {
    const auto file = read_file(keystore_path);
    if (!file) return fail("cannot read " + keystore_path);
    const auto info = chain::inspect_keystore(*file);
    if (!info) return fail(keystore_path + ": " + info.error().message);
    std::printf("address   %s\nscheme    %s\n", chain::to_checksum_address(info->address).c_str(),
                std::string{crypto::to_string(info->scheme)}.c_str());
    if (!decrypt) return 0;
    auto password = read_password(source, false);
    if (!password) return 1;
    const auto secret = chain::decrypt_keystore(*file, *password);
    secure_wipe(password->data(), password->size());
    if (!secret) return fail(keystore_path + ": " + secret.error().message);
    std::printf("password  correct (the key decrypts and derives the address)\n");
    return 0;
}

int key_address(const std::string& scheme_name, const std::string& seed_file) {
    const auto scheme = scheme_named(scheme_name);
    if (!scheme) return 1;
    auto seed = read_seed(seed_file);
    if (!seed) return 1;
    const chain::AccountKey key{*scheme, *seed};
    secure_wipe(seed->data(), seed->size());
    std::printf("address     %s\nscheme      %s\npublic key  %s\n",
                chain::to_checksum_address(key.address()).c_str(),
                std::string{crypto::to_string(*scheme)}.c_str(), to_hex(key.public_key()).c_str());
    return 0;
}

int spec_show(const std::string& name_or_path) {
    const auto spec = load_spec(name_or_path);
    if (!spec) return 1;
    std::printf("%s\n", chain::chain_spec_to_json(*spec).c_str());
    return 0;
}

int spec_genesis_hash(const std::string& name_or_path) {
    const auto spec = load_spec(name_or_path);
    if (!spec) return 1;
    const auto hash = chain::genesis_hash(*spec);
    if (!hash) return fail(hash.error().message);
    std::printf("%s\n", to_hex(*hash).c_str());
    return 0;
}

int decode_transaction(const std::string& hex) {
    const auto bytes = parse_hex_argument(hex);
    if (!bytes) return 1;
    const auto tx = chain::decode_transaction(*bytes);
    if (!tx) return fail("not a QTM transaction: " + std::string{chain::to_string(tx.error())});
    std::printf("%s\n", transaction_json(*tx).dump(2).c_str());
    return 0;
}

int decode_block(const std::string& hex) {
    const auto bytes = parse_hex_argument(hex);
    if (!bytes) return 1;
    const auto block = chain::decode_block(*bytes);
    if (!block) return fail("not a QTM block: " + std::string{chain::to_string(block.error())});
    const chain::Header& h = block->header;
    Json json;
    json["hash"] = to_hex(chain::block_hash(h));
    json["parentHash"] = to_hex(h.parent_hash);
    json["number"] = h.number;
    json["timestamp"] = h.timestamp;
    json["proposer"] = chain::to_checksum_address(h.proposer);
    json["stateRoot"] = to_hex(h.state_root);
    json["transactionsRoot"] = to_hex(h.transactions_root);
    json["receiptsRoot"] = to_hex(h.receipts_root);
    json["logsBloom"] = to_hex(h.logs_bloom);
    json["gasLimit"] = h.gas_limit;
    json["gasUsed"] = h.gas_used;
    json["baseFeePerGas"] = h.base_fee.to_decimal();
    json["extraData"] = to_hex(h.extra_data);
    json["evidenceRoot"] = to_hex(h.evidence_root);
    json["validatorsHash"] = to_hex(h.validators_hash);
    json["parentCommit"] = to_hex(h.parent_commit);
    json["evidence"] = block->evidence.size();
    Json transactions = Json::array();
    for (const auto& tx : block->transactions)
        transactions.push_back(transaction_json(tx));
    json["transactions"] = transactions;
    std::printf("%s\n", json.dump(2).c_str());
    return 0;
}

}  // namespace qtm::cli
