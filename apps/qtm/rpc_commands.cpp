// `qtm send`, `qtm call` and `qtm rpc`: the subcommands that talk to a node over JSON-RPC
// (rpc_client.hpp). `send` builds a QTM transaction (docs/protocol.md, "Transactions"), fills
// what the user left out from the node, signs it here and submits it with
// eth_sendRawTransaction; keys never leave this process.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <sstream>
#include <thread>

#include "base/hex.hpp"
#include "base/u256.hpp"
#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"
#include "chain/keystore.hpp"
#include "chain/transaction.hpp"
#include "commands.hpp"
#include "rpc_client.hpp"

namespace qtm::cli {

namespace {

// Exit statuses (commands.hpp): 1 a failure, 2 bad usage.
constexpr int kFailure = 1;
constexpr int kUsage = 2;

// Thrown inside this file only; each command turns it into a line on stderr and a status.
struct CliError {
    int status;
    std::string message;
};

[[noreturn]] void usage_error(const std::string& message) {
    throw CliError{kUsage, message};
}
[[noreturn]] void failure(const std::string& message) {
    throw CliError{kFailure, message};
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string trimmed(const std::string& text) {
    const auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos) return {};
    const auto end = text.find_last_not_of(" \t\r\n");
    return text.substr(begin, end - begin + 1);
}

// A 0x-prefixed 20-byte address; a mixed-case one must carry a valid EIP-55 checksum.
Address parse_address(const std::string& text, const std::string& option) {
    const auto bytes = from_hex_fixed<20>(text, HexPrefix::kRequired);
    if (!bytes) {
        usage_error("bad address for " + option + " \"" + text +
                    "\": expected 0x and 40 hex digits");
    }
    const std::string digits = text.substr(2);
    const bool has_upper = std::any_of(digits.begin(), digits.end(),
                                       [](unsigned char c) { return std::isupper(c) != 0; });
    const bool has_lower = std::any_of(digits.begin(), digits.end(),
                                       [](unsigned char c) { return std::islower(c) != 0; });
    if (has_upper && has_lower && chain::to_checksum_address(*bytes) != "0x" + digits) {
        usage_error("bad address for " + option + " \"" + text +
                    "\": the EIP-55 checksum (upper/lower case) does not match; check for a typo");
    }
    return *bytes;
}

Bytes parse_data(const std::string& text, const std::string& option) {
    auto bytes = from_hex(trimmed(text), HexPrefix::kOptional);
    if (!bytes) {
        usage_error("bad hex for " + option + ": " + std::string{to_string(bytes.error())});
    }
    return std::move(*bytes);
}

// AMOUNT: wei as an integer (decimal or 0x hex, optionally followed by "wei"), or a decimal
// number with the unit "qtm" (18 decimals) or "gwei" (9), e.g. 1.5qtm, 30gwei, 21000.
U256 parse_amount(const std::string& given, const std::string& option) {
    const std::string bad = "bad amount for " + option + " \"" + given + "\": ";
    const std::string text = lower(trimmed(given));
    if (text.rfind("0x", 0) == 0) {
        const auto value = U256::from_hex(text);
        if (!value) usage_error(bad + std::string{to_string(value.error())});
        return *value;
    }
    std::size_t unit_start = text.size();
    while (unit_start > 0 && std::isalpha(static_cast<unsigned char>(text[unit_start - 1])) != 0) {
        --unit_start;
    }
    const std::string number = trimmed(text.substr(0, unit_start));
    const std::string unit = text.substr(unit_start);
    unsigned decimals = 0;
    if (unit == "qtm") {
        decimals = 18;
    } else if (unit == "gwei") {
        decimals = 9;
    } else if (!unit.empty() && unit != "wei") {
        usage_error(bad + "unknown unit \"" + unit + "\" (use qtm, gwei or wei)");
    }
    const auto point = number.find('.');
    std::string whole = number.substr(0, point);
    std::string fraction = point == std::string::npos ? "" : number.substr(point + 1);
    const auto all_digits = [](const std::string& s) {
        return std::all_of(s.begin(), s.end(),
                           [](unsigned char c) { return std::isdigit(c) != 0; });
    };
    if ((whole.empty() && fraction.empty()) || !all_digits(whole) || !all_digits(fraction)) {
        usage_error(bad + "expected a number such as 1000000000000000000, 1.5qtm or 30gwei");
    }
    if (point != std::string::npos && decimals == 0) {
        usage_error(bad +
                    "a plain number is wei and cannot have decimals; add a unit (1.5qtm or "
                    "1.5gwei)");
    }
    if (fraction.size() > decimals) {
        usage_error(bad + "more than " + std::to_string(decimals) + " decimals for " + unit);
    }
    fraction.append(decimals - fraction.size(), '0');
    const auto value = U256::from_decimal(whole + fraction);
    if (!value) usage_error(bad + std::string{to_string(value.error())});
    return *value;
}

// A block for eth_call: a tag, a number (decimal or 0x hex) or a 32-byte block hash.
Json parse_block(const std::string& text) {
    const std::string tag = lower(trimmed(text));
    for (const char* name : {"latest", "earliest", "pending", "safe", "finalized"}) {
        if (tag == name) return tag;
    }
    if (tag.rfind("0x", 0) == 0 && tag.size() == 66) {
        if (from_hex_fixed<32>(tag)) return Json{{"blockHash", tag}};
    }
    const auto number = tag.rfind("0x", 0) == 0 ? U256::from_hex(tag) : U256::from_decimal(tag);
    if (!number || !number->fits_uint64()) {
        usage_error("bad --block \"" + text +
                    "\": expected latest, earliest, pending, safe, finalized, a block number or "
                    "a block hash");
    }
    return number->to_hex();
}

RpcClient make_client(const std::string& url_text) {
    auto url = parse_rpc_url(url_text);
    if (!url) usage_error(url.error());
    return RpcClient{std::move(*url)};
}

std::string describe(const RpcFailure& error) {
    std::string text = error.message;
    if (error.kind == RpcFailure::Kind::kRemote) {
        if (error.data && !(error.data->is_string() && error.data->get<std::string>() == "0x")) {
            text +=
                " (data " +
                (error.data->is_string() ? error.data->get<std::string>() : error.data->dump()) +
                ")";
        }
    }
    return text;
}

// A call whose failure ends the command; `what` says what was being done, for node errors.
Json request(RpcClient& client, const std::string& method, const Json& params,
             const std::string& what) {
    auto result = client.call(method, params);
    if (!result) {
        const RpcFailure& error = result.error();
        if (error.kind == RpcFailure::Kind::kRemote) {
            failure(what + ": " + describe(error));
        }
        failure(error.message);
    }
    return std::move(*result);
}

U256 to_u256(const Json& value, const std::string& what) {
    if (value.is_string()) {
        const auto parsed = U256::from_hex(value.get<std::string>());
        if (parsed && value.get<std::string>().rfind("0x", 0) == 0) return *parsed;
    }
    failure("the node's answer for " + what + " is not a quantity: " + value.dump());
}

std::uint64_t to_u64(const Json& value, const std::string& what) {
    const U256 parsed = to_u256(value, what);
    if (!parsed.fits_uint64()) failure("the node's answer for " + what + " is too large");
    return parsed[0];
}

std::optional<std::string> read_text_file(const std::string& path) {
    std::ifstream in{path, std::ios::binary};
    if (!in) return std::nullopt;
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

chain::AccountKey load_key(const SendOptions& options) {
    if (options.dev_account) {
        std::fprintf(stderr,
                     "qtm: warning: dev account %u uses a publicly known test key; never use it "
                     "on a network with real value\n",
                     *options.dev_account);
        auto seed = chain::dev_account_seed(*options.dev_account);
        chain::AccountKey key{crypto::SignatureScheme::kMlDsa44, seed};
        secure_wipe(seed.data(), seed.size());
        return key;
    }
    auto file = read_text_file(options.keystore);
    if (!file) failure("cannot read the keystore " + options.keystore);
    const auto info = chain::inspect_keystore(*file);
    if (!info) failure(options.keystore + ": " + info.error().message);
    auto password = read_password(options.password, false);
    if (!password) throw CliError{kFailure, ""};  // read_password printed why
    auto secret = chain::decrypt_keystore(*file, *password);
    secure_wipe(password->data(), password->size());
    if (!secret) failure(options.keystore + ": " + secret.error().message);
    return chain::AccountKey{secret->scheme(), secret->seed()};
}

// Runs `body`, turning every failure into one line on stderr and an exit status.
template <class Body>
int guarded(const Body& body) {
    try {
        return body();
    } catch (const CliError& error) {
        if (!error.message.empty()) std::fprintf(stderr, "qtm: %s\n", error.message.c_str());
        return error.status;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "qtm: %s\n", error.what());
        return kFailure;
    }
}

// Waits for the receipt of `hash`, polling; nullopt after `timeout`.
std::optional<Json> wait_for_receipt(RpcClient& client, const std::string& hash,
                                     std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        Json receipt = request(client, "eth_getTransactionReceipt", Json::array({hash}),
                               "reading the receipt");
        if (!receipt.is_null()) return receipt;
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
}

}  // namespace

int send(const SendOptions& options) {
    return guarded([&] {
        // Everything the user typed is checked before the key is decrypted or the node asked.
        if (options.dev_account.has_value() == !options.keystore.empty()) {
            usage_error("give the sender with either --keystore FILE or --dev-account N");
        }
        if (options.dev_account && *options.dev_account >= chain::kDevAccountCount) {
            usage_error("--dev-account must be 0.." + std::to_string(chain::kDevAccountCount - 1));
        }
        chain::Transaction tx;
        if (!options.to.empty()) tx.to = parse_address(options.to, "--to");
        if (!options.value.empty()) tx.value = parse_amount(options.value, "--value");
        if (!options.data.empty()) tx.data = parse_data(options.data, "--data");
        if (!tx.to && tx.data.empty()) {
            usage_error("--to is required (leave it out only to create a contract with --data)");
        }
        std::optional<U256> max_fee;
        std::optional<U256> tip;
        if (!options.max_fee.empty()) max_fee = parse_amount(options.max_fee, "--max-fee");
        if (!options.tip.empty()) tip = parse_amount(options.tip, "--tip");
        if (max_fee && tip && *tip > *max_fee) {
            usage_error("--tip is larger than --max-fee");
        }
        RpcClient client = make_client(options.rpc);

        const chain::AccountKey key = load_key(options);
        tx.from = key.address();
        tx.scheme = key.scheme();
        const std::string from = chain::to_checksum_address(tx.from);

        tx.chain_id =
            to_u64(request(client, "eth_chainId", Json::array(), "eth_chainId"), "eth_chainId");
        tx.nonce =
            options.nonce
                ? *options.nonce
                : to_u64(request(client, "eth_getTransactionCount", Json::array({from, "pending"}),
                                 "reading the sender's nonce"),
                         "the nonce");
        // The key travels with the account's first transaction only (docs/protocol.md).
        const Json registered = request(client, "qtm_getPublicKey", Json::array({from, "latest"}),
                                        "reading the sender's registered key");
        const bool include_key = registered.is_null();
        if (!include_key) {
            const Json* public_key = registered.is_object() && registered.contains("publicKey")
                                         ? &registered["publicKey"]
                                         : nullptr;
            if (public_key == nullptr || !public_key->is_string() ||
                lower(public_key->get<std::string>()) != to_hex(key.public_key())) {
                failure("the key registered for " + from +
                        " on the node is not this key; refusing to sign");
            }
        }

        if (options.gas) {
            tx.gas_limit = *options.gas;
        } else {
            Json call_object = {{"from", from},
                                {"value", tx.value.to_hex()},
                                {"input", to_hex(tx.data)},
                                {"scheme", U256{crypto::to_byte(tx.scheme)}.to_hex()}};
            if (tx.to) call_object["to"] = chain::to_checksum_address(*tx.to);
            tx.gas_limit = to_u64(
                request(client, "eth_estimateGas", Json::array({call_object}), "estimating gas"),
                "eth_estimateGas");
        }

        if (!tip) {
            tip = to_u256(request(client, "eth_maxPriorityFeePerGas", Json::array(),
                                  "reading the suggested tip"),
                          "eth_maxPriorityFeePerGas");
            if (max_fee && *tip > *max_fee) tip = *max_fee;
        }
        if (!max_fee) {
            const Json block = request(client, "eth_getBlockByNumber",
                                       Json::array({"latest", false}), "reading the base fee");
            if (!block.is_object() || !block.contains("baseFeePerGas")) {
                failure("the node's latest block has no baseFeePerGas");
            }
            const U256 base_fee = to_u256(block["baseFeePerGas"], "baseFeePerGas");
            max_fee = base_fee * U256{2} + *tip;
        }
        tx.max_priority_fee_per_gas = *tip;
        tx.max_fee_per_gas = *max_fee;

        chain::sign_transaction(tx, key, include_key);
        const std::string raw = to_hex(chain::encode(tx));
        const Json hash_json = request(client, "eth_sendRawTransaction", Json::array({raw}),
                                       "the node refused the transaction");
        const std::string hash = hash_json.is_string() ? hash_json.get<std::string>()
                                                       : to_hex(chain::transaction_hash(tx));
        std::printf("from         %s\nnonce        %llu\ntransaction  %s\n", from.c_str(),
                    static_cast<unsigned long long>(tx.nonce), hash.c_str());
        std::fflush(stdout);
        if (options.no_wait) return 0;

        constexpr std::chrono::seconds kReceiptTimeout{120};
        const auto receipt = wait_for_receipt(client, hash, kReceiptTimeout);
        if (!receipt) {
            failure("no receipt for " + hash + " after " + std::to_string(kReceiptTimeout.count()) +
                    " s; it may still be included (look it up with qtm rpc "
                    "eth_getTransactionReceipt)");
        }
        const Json& r = *receipt;
        const std::uint64_t status = to_u64(r.value("status", Json{}), "status");
        std::printf(
            "block        %llu\nstatus       %s\ngas used     %llu\n",
            static_cast<unsigned long long>(to_u64(r.value("blockNumber", Json{}), "blockNumber")),
            status == 1 ? "1 (success)" : "0 (failed)",
            static_cast<unsigned long long>(to_u64(r.value("gasUsed", Json{}), "gasUsed")));
        if (!tx.to) {
            const Json contract = r.value("contractAddress", Json{});
            if (contract.is_string()) {
                std::printf("contract     %s\n", contract.get<std::string>().c_str());
            }
        }
        std::fflush(stdout);
        if (status != 1) failure("the transaction " + hash + " failed (status 0)");
        return 0;
    });
}

int call(const CallOptions& options) {
    return guarded([&] {
        const Address to = parse_address(options.to, "--to");
        const Bytes data = parse_data(options.data, "--data");
        Json call_object = {{"to", chain::to_checksum_address(to)}, {"input", to_hex(data)}};
        if (!options.from.empty()) {
            call_object["from"] = chain::to_checksum_address(parse_address(options.from, "--from"));
        }
        const Json block = parse_block(options.block);
        RpcClient client = make_client(options.rpc);
        auto result = client.call("eth_call", Json::array({call_object, block}));
        if (!result) failure(describe(result.error()));
        if (!result->is_string())
            failure("the node's eth_call answer is not hex: " + result->dump());
        std::printf("%s\n", result->get<std::string>().c_str());
        return 0;
    });
}

int raw_rpc(const std::string& rpc, const std::string& method, const std::string& params_json) {
    return guarded([&] {
        Json params = Json::array();
        if (!trimmed(params_json).empty()) {
            params = Json::parse(params_json, nullptr, false);
            if (params.is_discarded() || !(params.is_array() || params.is_object())) {
                usage_error(
                    "PARAMS_JSON must be a JSON array or object, e.g. '[\"latest\", false]'");
            }
        }
        RpcClient client = make_client(rpc);
        auto result = client.call(method, params);
        if (!result) {
            const RpcFailure& error = result.error();
            if (error.kind == RpcFailure::Kind::kRemote) {
                failure("node error " + std::to_string(error.code) + ": " + describe(error));
            }
            failure(error.message);
        }
        std::printf("%s\n", result->dump(2).c_str());
        return 0;
    });
}

Result<U256, std::string> parse_amount_option(const std::string& text, const std::string& option) {
    try {
        return parse_amount(text, option);
    } catch (const CliError& error) {
        return unexpected(error.message);
    }
}

Result<Address, std::string> parse_address_option(const std::string& text,
                                                  const std::string& option) {
    try {
        return parse_address(text, option);
    } catch (const CliError& error) {
        return unexpected(error.message);
    }
}

}  // namespace qtm::cli
