#include "statetest.hpp"

#include <secp256k1.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/hex.hpp"
#include "base/u256.hpp"
#include "codec/rlp.hpp"
#include "crypto/keccak.hpp"
#include "evm/analysis.hpp"
#include "state/transaction.hpp"
#include "state/world_state.hpp"
#include "storage/database.hpp"

namespace qtm::statetest {

namespace {

using json = nlohmann::json;

// A malformed fixture: reported as a failure of the test, with the field named.
struct FixtureError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::string text_of(const json& value, const std::string& field) {
    if (!value.is_string()) throw FixtureError{field + " is not a string"};
    return value.get<std::string>();
}

Bytes parse_bytes(const json& value, const std::string& field) {
    const std::string text = text_of(value, field);
    auto bytes = from_hex(text);
    if (!bytes) throw FixtureError{field + ": " + std::string{to_string(bytes.error())}};
    return std::move(*bytes);
}

U256 parse_u256(const json& value, const std::string& field) {
    const std::string text = text_of(value, field);
    if (text == "0x" || text.empty()) return U256{};
    auto number = U256::from_hex(text);
    if (!number) throw FixtureError{field + " is not a 256-bit hex number: " + text};
    return *number;
}

// Gas limits and block numbers beyond int64 are clamped: the transaction is then invalid.
std::int64_t parse_int64(const json& value, const std::string& field) {
    const U256 number = parse_u256(value, field);
    if (!number.fits_uint64() || number[0] > static_cast<std::uint64_t>(INT64_MAX)) {
        return INT64_MAX;
    }
    return static_cast<std::int64_t>(number[0]);
}

template <std::size_t N>
ByteArray<N> parse_fixed(const json& value, const std::string& field) {
    const Bytes bytes = parse_bytes(value, field);
    // Storage keys and hashes may be written without leading zeros.
    if (bytes.size() > N) throw FixtureError{field + " is longer than " + std::to_string(N)};
    ByteArray<N> out{};
    std::copy(bytes.begin(), bytes.end(),
              out.begin() + static_cast<std::ptrdiff_t>(N - bytes.size()));
    return out;
}

Address sender_of(const Hash32& secret_key) {
    static secp256k1_context* const context = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    secp256k1_pubkey public_key;
    if (secp256k1_ec_pubkey_create(context, &public_key, secret_key.data()) != 1) {
        throw FixtureError{"secretKey is not a valid secp256k1 secret key"};
    }
    ByteArray<65> serialized{};
    std::size_t length = serialized.size();
    secp256k1_ec_pubkey_serialize(context, serialized.data(), &length, &public_key,
                                  SECP256K1_EC_UNCOMPRESSED);
    const Hash32 hash = crypto::keccak256(ByteView{serialized}.subspan(1));
    Address address{};
    std::copy(hash.begin() + 12, hash.end(), address.begin());
    return address;
}

// EIP-4844's fake_exponential(MIN_BASE_FEE_PER_BLOB_GAS, excess, UPDATE_FRACTION).
U256 blob_base_fee(const U256& excess_blob_gas) {
    const U256 denominator{3338477};
    U256 output{};
    U256 accumulator = U256{1} * denominator;
    for (std::uint64_t i = 1; accumulator != U256{}; ++i) {
        output = output + accumulator;
        accumulator = accumulator * excess_blob_gas / (denominator * U256{i});
    }
    return output / denominator;
}

Hash32 logs_hash(const std::vector<state::Log>& logs) {
    Bytes payload;
    for (const auto& log : logs) {
        Bytes topics;
        for (const auto& topic : log.topics)
            rlp::append_string(topics, topic);
        Bytes entry;
        rlp::append_string(entry, log.address);
        rlp::append_list(entry, topics);
        rlp::append_string(entry, log.data);
        rlp::append_list(payload, entry);
    }
    return crypto::keccak256(rlp::encode_list(payload));
}

// The fixture's exception names (ethereum/execution-spec-tests TransactionException) that
// each of our errors stands for.
bool error_matches(state::TxError error, const std::string& expected) {
    static const std::multimap<state::TxError, std::string> names = {
        {state::TxError::kNonceTooLow, "NONCE_MISMATCH_TOO_LOW"},
        {state::TxError::kNonceTooHigh, "NONCE_MISMATCH_TOO_HIGH"},
        {state::TxError::kNonceMax, "NONCE_IS_MAX"},
        {state::TxError::kSenderNotEoa, "SENDER_NOT_EOA"},
        {state::TxError::kTipAboveFeeCap, "PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS"},
        {state::TxError::kFeeCapBelowBaseFee, "INSUFFICIENT_MAX_FEE_PER_GAS"},
        {state::TxError::kGasLimitReached, "GAS_ALLOWANCE_EXCEEDED"},
        {state::TxError::kInsufficientFunds, "INSUFFICIENT_ACCOUNT_FUNDS"},
        {state::TxError::kInsufficientFunds, "GASLIMIT_PRICE_PRODUCT_OVERFLOW"},
        {state::TxError::kIntrinsicGasTooLow, "INTRINSIC_GAS_TOO_LOW"},
        {state::TxError::kInitcodeTooLarge, "INITCODE_SIZE_EXCEEDED"},
    };
    const auto [first, last] = names.equal_range(error);
    for (auto it = first; it != last; ++it) {
        if (expected.find(it->second) != std::string::npos) return true;
    }
    return false;
}

struct Environment {
    state::BlockEnv block;
};

Environment parse_env(const json& env) {
    Environment parsed;
    parsed.block.coinbase = parse_fixed<20>(env.at("currentCoinbase"), "env.currentCoinbase");
    parsed.block.number = parse_int64(env.at("currentNumber"), "env.currentNumber");
    parsed.block.timestamp = parse_int64(env.at("currentTimestamp"), "env.currentTimestamp");
    parsed.block.gas_limit = parse_int64(env.at("currentGasLimit"), "env.currentGasLimit");
    if (env.contains("currentRandom")) {
        parsed.block.prevrandao = parse_u256(env.at("currentRandom"), "env.currentRandom");
    }
    if (env.contains("currentBaseFee")) {
        parsed.block.base_fee = parse_u256(env.at("currentBaseFee"), "env.currentBaseFee");
    }
    if (env.contains("currentExcessBlobGas")) {
        parsed.block.blob_base_fee =
            blob_base_fee(parse_u256(env.at("currentExcessBlobGas"), "env.currentExcessBlobGas"));
    }
    parsed.block.chain_id = U256{1};
    // The filler's BLOCKHASH: keccak256 of the block number's decimal text.
    parsed.block.block_hash = [](std::int64_t number) {
        return crypto::keccak256(as_bytes(std::to_string(number)));
    };
    return parsed;
}

// Writes the pre-state into `db` and returns its root.
Hash32 load_pre_state(storage::Database& db, const json& pre) {
    state::WorldState world{db, trie::kEmptyRoot};
    for (const auto& [address_text, account_json] : pre.items()) {
        const Address address = parse_fixed<20>(json(address_text), "pre address");
        state::Account account;
        account.balance = parse_u256(account_json.at("balance"), "pre.balance");
        const U256 nonce = parse_u256(account_json.at("nonce"), "pre.nonce");
        if (!nonce.fits_uint64()) throw FixtureError{"pre.nonce does not fit 64 bits"};
        account.nonce = nonce[0];
        Bytes code = parse_bytes(account_json.at("code"), "pre.code");
        std::vector<std::pair<U256, U256>> slots;
        for (const auto& [key, value] : account_json.at("storage").items()) {
            const U256 slot_value = parse_u256(value, "pre.storage value");
            if (slot_value != U256{}) {
                slots.emplace_back(parse_u256(json(key), "pre.storage key"), slot_value);
            }
        }
        world.put_genesis_account(address, account, std::move(code), slots);
    }
    storage::WriteBatch batch;
    auto root = world.commit(batch);
    if (!root) throw FixtureError{"pre-state: " + root.error().message};
    if (auto written = db.write(batch, false); !written) {
        throw FixtureError{"pre-state: " + written.error().message};
    }
    return *root;
}

std::size_t index_of(const json& indexes, const char* name, const json& array) {
    const auto index = indexes.at(name).get<std::size_t>();
    if (index >= array.size())
        throw FixtureError{std::string{"post index "} + name + " out of range"};
    return index;
}

struct Case {
    state::TxParams tx;
    std::optional<std::string> skip_reason;
    // Rejected before reaching the state (the transaction cannot even be encoded), with the
    // fixture exception name that stands for it.
    std::optional<std::string> encoding_error;
};

// "0x:bigint 0x..." marks a number the filler wrote past 256 bits on purpose.
bool is_oversized(const json& value) {
    return value.is_string() && value.get<std::string>().rfind("0x:bigint", 0) == 0;
}

Case build_case(const json& transaction, const json& indexes) {
    Case result;
    if (transaction.contains("blobVersionedHashes")) {
        result.skip_reason =
            "blob transaction (EIP-4844 type 3): QTM carries no blobs (docs/evm.md)";
        return result;
    }
    state::TxParams& tx = result.tx;
    const Hash32 secret = parse_fixed<32>(transaction.at("secretKey"), "transaction.secretKey");
    tx.sender = sender_of(secret);
    if (transaction.contains("sender")) {
        const Address declared = parse_fixed<20>(transaction.at("sender"), "transaction.sender");
        if (declared != tx.sender) {
            throw FixtureError{"transaction.sender does not match the secretKey's address"};
        }
    }
    const std::string to = text_of(transaction.at("to"), "transaction.to");
    if (!to.empty() && to != "0x") tx.to = parse_fixed<20>(transaction.at("to"), "transaction.to");
    const U256 nonce = parse_u256(transaction.at("nonce"), "transaction.nonce");
    if (!nonce.fits_uint64()) throw FixtureError{"transaction.nonce does not fit 64 bits"};
    tx.nonce = nonce[0];

    const json& data = transaction.at("data");
    const json& gas = transaction.at("gasLimit");
    const json& value = transaction.at("value");
    const std::size_t data_index = index_of(indexes, "data", data);
    tx.data = parse_bytes(data[data_index], "transaction.data");
    tx.gas_limit = parse_int64(gas[index_of(indexes, "gas", gas)], "transaction.gasLimit");
    const json& chosen_value = value[index_of(indexes, "value", value)];
    if (is_oversized(chosen_value)) {
        result.encoding_error = "RLP_INVALID_VALUE";
        return result;
    }
    tx.value = parse_u256(chosen_value, "transaction.value");
    if (transaction.contains("gasPrice")) {
        tx.max_fee_per_gas = parse_u256(transaction.at("gasPrice"), "transaction.gasPrice");
        tx.max_priority_fee_per_gas = tx.max_fee_per_gas;
    } else {
        tx.max_fee_per_gas = parse_u256(transaction.at("maxFeePerGas"), "transaction.maxFeePerGas");
        tx.max_priority_fee_per_gas =
            parse_u256(transaction.at("maxPriorityFeePerGas"), "transaction.maxPriorityFeePerGas");
    }
    if (transaction.contains("accessLists") && transaction.at("accessLists").is_array() &&
        data_index < transaction.at("accessLists").size()) {
        const json& list = transaction.at("accessLists")[data_index];
        if (list.is_array()) {
            for (const auto& item : list) {
                state::AccessListEntry entry;
                entry.address = parse_fixed<20>(item.at("address"), "accessList.address");
                for (const auto& key : item.at("storageKeys")) {
                    entry.storage_keys.push_back(parse_fixed<32>(key, "accessList.storageKey"));
                }
                tx.access_list.push_back(std::move(entry));
            }
        }
    }
    tx.intrinsic_gas = state::ethereum_intrinsic_gas(tx.data, !tx.to, tx.access_list);
    return result;
}

void run_test(const std::string& name, const json& test, const Options& options, Counts& counts,
              std::ostream& out) {
    const auto post_it = test.find("post");
    if (post_it == test.end() || !post_it->contains(options.fork)) return;
    const json& entries = post_it->at(options.fork);

    if (name.find("point_evaluation_precompile") != std::string::npos) {
        counts.skipped += entries.size();
        out << "SKIP " << name << " (" << entries.size()
            << " cases): QTM leaves out the KZG point-evaluation precompile (0x0a) because "
               "it carries no blobs (docs/evm.md)\n";
        return;
    }
    auto db = storage::make_memory_database();
    const Environment env = parse_env(test.at("env"));
    const Hash32 pre_root = load_pre_state(*db, test.at("pre"));
    evm::AnalysisCache analysis_cache;

    for (std::size_t i = 0; i < entries.size(); ++i) {
        const json& entry = entries[i];
        const json& indexes = entry.at("indexes");
        std::ostringstream label;
        label << name << " [" << options.fork << " #" << i << " d" << indexes.at("data") << " g"
              << indexes.at("gas") << " v" << indexes.at("value") << "]";
        try {
            Case built = build_case(test.at("transaction"), indexes);
            if (built.skip_reason) {
                ++counts.skipped;
                out << "SKIP " << label.str() << ": " << *built.skip_reason << '\n';
                continue;
            }
            const Hash32 expected_root = parse_fixed<32>(entry.at("hash"), "post.hash");
            const Hash32 expected_logs = parse_fixed<32>(entry.at("logs"), "post.logs");
            const std::optional<std::string> expected_exception =
                entry.contains("expectException")
                    ? std::optional{entry.at("expectException").get<std::string>()}
                    : std::nullopt;
            if (built.encoding_error) {
                if (expected_exception &&
                    expected_exception->find(*built.encoding_error) != std::string::npos) {
                    ++counts.passed;
                    if (options.verbose) out << "PASS " << label.str() << '\n';
                } else {
                    ++counts.failed;
                    out << "FAIL " << label.str() << "\n     not encodable ("
                        << *built.encoding_error << ") but the fixture expects no exception\n";
                }
                continue;
            }

            state::WorldState world{*db, pre_root};
            auto outcome = state::apply_transaction(world, env.block, built.tx, env.block.gas_limit,
                                                    analysis_cache);
            std::vector<std::string> problems;
            std::vector<state::Log> logs;
            if (!outcome) {
                if (outcome.error() == state::TxError::kStateFailure) {
                    problems.push_back("state failure: " + world.error()->message);
                } else if (!expected_exception) {
                    problems.push_back("transaction rejected (" +
                                       std::string{state::to_string(outcome.error())} +
                                       ") but the fixture expects it to be valid");
                } else if (!error_matches(outcome.error(), *expected_exception)) {
                    problems.push_back("rejected with \"" +
                                       std::string{state::to_string(outcome.error())} +
                                       "\" but the fixture expects " + *expected_exception);
                }
            } else {
                if (expected_exception) {
                    problems.push_back("transaction accepted but the fixture expects " +
                                       *expected_exception);
                }
                logs = outcome->logs;
            }
            storage::WriteBatch batch;
            auto root = world.commit(batch);
            if (!root) {
                problems.push_back("commit failed: " + root.error().message);
            } else if (*root != expected_root) {
                problems.push_back("state root " + to_hex(*root) + ", expected " +
                                   to_hex(expected_root));
            }
            if (const Hash32 got = logs_hash(logs); got != expected_logs) {
                problems.push_back("logs hash " + to_hex(got) + ", expected " +
                                   to_hex(expected_logs) + " (" + std::to_string(logs.size()) +
                                   " logs)");
            }
            if (outcome && outcome->called_point_evaluation) {
                ++counts.skipped;
                out << "SKIP " << label.str()
                    << ": calls 0x0a, Ethereum's KZG point-evaluation precompile, which QTM "
                       "leaves out (docs/evm.md)\n";
            } else if (problems.empty()) {
                ++counts.passed;
                if (options.verbose) out << "PASS " << label.str() << '\n';
            } else {
                ++counts.failed;
                out << "FAIL " << label.str() << '\n';
                for (const auto& problem : problems)
                    out << "     " << problem << '\n';
            }
        } catch (const std::exception& error) {
            ++counts.failed;
            out << "FAIL " << label.str() << ": malformed fixture: " << error.what() << '\n';
        }
    }
}

}  // namespace

void run_file(const std::filesystem::path& path, const Options& options, Counts& counts,
              std::ostream& out) {
    json fixture;
    try {
        std::ifstream in{path};
        if (!in) throw FixtureError{"cannot open the file"};
        fixture = json::parse(in);
    } catch (const std::exception& error) {
        ++counts.failed;
        out << "FAIL " << path.string() << ": " << error.what() << '\n';
        return;
    }
    for (const auto& [name, test] : fixture.items()) {
        if (!options.filter.empty() && name.find(options.filter) == std::string::npos) continue;
        try {
            run_test(name, test, options, counts, out);
        } catch (const std::exception& error) {
            ++counts.failed;
            out << "FAIL " << name << " (" << path.filename().string()
                << "): malformed fixture: " << error.what() << '\n';
        }
    }
}

}  // namespace qtm::statetest
