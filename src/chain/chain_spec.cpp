#include "chain/chain_spec.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/endian.hpp"
#include "base/hex.hpp"
#include "chain/block_limits.hpp"
#include "chain/keys.hpp"
#include "chain/staking/active_set.hpp"
#include "chain/staking/genesis.hpp"
#include "codec/rlp_encode.hpp"
#include "crypto/keccak.hpp"
#include "state/world_state.hpp"

namespace qtm::chain {

namespace {

using json = nlohmann::ordered_json;

struct FieldError {
    std::string field;
    std::string problem;
};

[[noreturn]] void reject(const std::string& field, const std::string& problem) {
    throw FieldError{field, problem};
}

const json& require(const json& object, const std::string& key, const std::string& path) {
    const auto it = object.find(key);
    if (it == object.end()) reject(path + key, "missing");
    return *it;
}

// A quantity: a JSON integer, a decimal string, or a 0x-hex string.
U256 quantity(const json& value, const std::string& field) {
    if (value.is_number_unsigned()) return U256{value.get<std::uint64_t>()};
    if (value.is_number_integer()) {
        if (value.get<std::int64_t>() < 0) reject(field, "must not be negative");
        return U256{static_cast<std::uint64_t>(value.get<std::int64_t>())};
    }
    if (!value.is_string()) reject(field, "must be a number or a decimal/0x-hex string");
    const auto text = value.get<std::string>();
    auto parsed = text.rfind("0x", 0) == 0 ? U256::from_hex(text) : U256::from_decimal(text);
    if (!parsed) reject(field, "'" + text + "' is not a 256-bit number");
    return *parsed;
}

std::uint64_t small(const json& value, const std::string& field) {
    const U256 number = quantity(value, field);
    if (!number.fits_uint64()) reject(field, "does not fit in 64 bits");
    return number[0];
}

Bytes hex_bytes(const json& value, const std::string& field) {
    if (!value.is_string()) reject(field, "must be a 0x-hex string");
    auto bytes = from_hex(value.get<std::string>(), HexPrefix::kRequired);
    if (!bytes) reject(field, std::string{to_string(bytes.error())});
    return std::move(*bytes);
}

Address address(const std::string& text, const std::string& field) {
    auto parsed = from_hex_fixed<20>(text, HexPrefix::kRequired);
    if (!parsed) reject(field, "'" + text + "' is not a 20-byte 0x-hex address");
    return *parsed;
}

std::uint32_t small32(const json& value, const std::string& field) {
    const std::uint64_t number = small(value, field);
    if (number > 0xffff'ffffULL) reject(field, "does not fit in 32 bits");
    return static_cast<std::uint32_t>(number);
}

// The optional "staking" section: every field optional, defaults in StakingParams.
void parse_staking(const json& object, StakingParams& params) {
    if (!object.is_object()) reject("staking", "must be an object");
    const auto field = [&object](const char* key) -> const json* {
        const auto it = object.find(key);
        return it == object.end() ? nullptr : &*it;
    };
    const std::string p = "staking.";
    if (const json* v = field("minValidatorStake")) {
        params.min_validator_stake = quantity(*v, p + "minValidatorStake");
    }
    if (const json* v = field("maxValidators")) {
        params.max_validators = small32(*v, p + "maxValidators");
    }
    if (const json* v = field("unbondingSeconds")) {
        params.unbonding_seconds = small(*v, p + "unbondingSeconds");
    }
    if (const json* v = field("maxCommissionBps")) {
        params.max_commission_bps = small32(*v, p + "maxCommissionBps");
    }
    if (const json* v = field("maxCommissionChangeBps")) {
        params.max_commission_change_bps = small32(*v, p + "maxCommissionChangeBps");
    }
    if (const json* v = field("commissionChangeIntervalSeconds")) {
        params.commission_change_interval_seconds =
            small(*v, p + "commissionChangeIntervalSeconds");
    }
    if (const json* v = field("maxUnbondingEntries")) {
        params.max_unbonding_entries = small32(*v, p + "maxUnbondingEntries");
    }
    if (params.min_validator_stake == U256{}) reject(p + "minValidatorStake", "must be positive");
    if (params.max_validators == 0 || params.max_validators > 1000) {
        reject(p + "maxValidators", "must be between 1 and 1000");
    }
    if (params.max_commission_bps > 10'000) {
        reject(p + "maxCommissionBps", "must be at most 10000 (100 %)");
    }
    if (params.max_commission_change_bps > 10'000) {
        reject(p + "maxCommissionChangeBps", "must be at most 10000 (100 %)");
    }
    if (params.max_unbonding_entries == 0 || params.max_unbonding_entries > 256) {
        reject(p + "maxUnbondingEntries", "must be between 1 and 256");
    }
}

ChainSpec parse(const json& root) {
    if (!root.is_object()) reject("(top level)", "must be a JSON object");
    ChainSpec spec;
    const json& name = require(root, "name", "");
    if (!name.is_string() || name.get<std::string>().empty())
        reject("name", "must be a non-empty string");
    spec.name = name.get<std::string>();
    spec.chain_id = small(require(root, "chainId", ""), "chainId");
    if (spec.chain_id == 0) reject("chainId", "must not be 0");
    spec.genesis_time = small(require(root, "genesisTime", ""), "genesisTime");
    spec.block_time_ms = small(require(root, "blockTimeMs", ""), "blockTimeMs");
    if (spec.block_time_ms < 100) reject("blockTimeMs", "must be at least 100");
    spec.gas_limit = small(require(root, "gasLimit", ""), "gasLimit");
    if (spec.gas_limit < 21000) reject("gasLimit", "must be at least 21000");
    spec.max_block_bytes = small(require(root, "maxBlockBytes", ""), "maxBlockBytes");
    if (spec.max_block_bytes < kMaxTransactionSize) {
        reject("maxBlockBytes", "must hold at least one maximal transaction (131072 bytes)");
    }
    if (spec.max_block_bytes > kMaxBlockBytesLimit) {
        reject("maxBlockBytes", "must be at most " + std::to_string(kMaxBlockBytesLimit) +
                                    " (12 MiB): a larger block could not be sent to a peer "
                                    "that is catching up");
    }
    const json& fee = require(root, "baseFee", "");
    spec.base_fee.initial = quantity(require(fee, "initial", "baseFee."), "baseFee.initial");
    spec.base_fee.max_change_denominator =
        small(require(fee, "maxChangeDenominator", "baseFee."), "baseFee.maxChangeDenominator");
    spec.base_fee.elasticity_multiplier =
        small(require(fee, "elasticityMultiplier", "baseFee."), "baseFee.elasticityMultiplier");
    if (spec.base_fee.max_change_denominator == 0)
        reject("baseFee.maxChangeDenominator", "must not be 0");
    if (spec.base_fee.elasticity_multiplier == 0)
        reject("baseFee.elasticityMultiplier", "must not be 0");
    if (fee.contains("minBaseFee")) {
        spec.base_fee.minimum = quantity(fee.at("minBaseFee"), "baseFee.minBaseFee");
    }
    if (spec.base_fee.initial < spec.base_fee.minimum) {
        reject("baseFee.initial", "must not be below baseFee.minBaseFee");
    }
    spec.block_reward = quantity(require(root, "blockReward", ""), "blockReward");
    spec.epoch_length = small(require(root, "epochLength", ""), "epochLength");
    if (spec.epoch_length == 0) reject("epochLength", "must not be 0");
    const json& slashing = require(root, "slashing", "");
    spec.slashing.double_sign_slash_percent =
        static_cast<std::uint32_t>(small(require(slashing, "doubleSignSlashPercent", "slashing."),
                                         "slashing.doubleSignSlashPercent"));
    spec.slashing.downtime_window =
        small(require(slashing, "downtimeWindow", "slashing."), "slashing.downtimeWindow");
    spec.slashing.downtime_min_signed_percent =
        static_cast<std::uint32_t>(small(require(slashing, "downtimeMinSignedPercent", "slashing."),
                                         "slashing.downtimeMinSignedPercent"));
    spec.slashing.jail_seconds =
        small(require(slashing, "jailSeconds", "slashing."), "slashing.jailSeconds");
    if (slashing.contains("evidenceMaxAgeBlocks")) {
        spec.slashing.evidence_max_age_blocks =
            small(slashing.at("evidenceMaxAgeBlocks"), "slashing.evidenceMaxAgeBlocks");
        if (spec.slashing.evidence_max_age_blocks == 0) {
            reject("slashing.evidenceMaxAgeBlocks", "must not be 0");
        }
    }
    if (spec.slashing.downtime_window == 0 || spec.slashing.downtime_window > 1'000'000) {
        reject("slashing.downtimeWindow", "must be between 1 and 1000000 blocks");
    }
    if (spec.slashing.double_sign_slash_percent > 100) {
        reject("slashing.doubleSignSlashPercent", "must be at most 100");
    }
    if (spec.slashing.downtime_min_signed_percent > 100) {
        reject("slashing.downtimeMinSignedPercent", "must be at most 100");
    }

    if (root.contains("staking")) parse_staking(root.at("staking"), spec.staking);

    U256 total{};
    const json& alloc = require(root, "alloc", "");
    if (!alloc.is_object()) reject("alloc", "must be an object of address -> account");
    for (const auto& [key, value] : alloc.items()) {
        const std::string path = "alloc." + key;
        const Address where = address(key, path);
        if (where == staking_address()) {
            reject(path,
                   "is the staking contract's address; its balance is the validators' "
                   "stakes (list them under 'validators')");
        }
        GenesisAccount account;
        account.balance = quantity(require(value, "balance", path + "."), path + ".balance");
        if (value.contains("nonce")) account.nonce = small(value.at("nonce"), path + ".nonce");
        if (value.contains("code")) account.code = hex_bytes(value.at("code"), path + ".code");
        if (value.contains("storage")) {
            for (const auto& [slot, slot_value] : value.at("storage").items()) {
                account.storage[quantity(json(slot), path + ".storage key")] =
                    quantity(slot_value, path + ".storage." + slot);
            }
        }
        const U256 before = total;
        total = total + account.balance;
        if (total < before) reject(path + ".balance", "allocations overflow 256 bits");
        if (!spec.alloc.emplace(where, std::move(account)).second) {
            reject(path, "listed twice");
        }
    }
    const json& validators = require(root, "validators", "");
    if (!validators.is_array() || validators.empty()) {
        reject("validators", "must be a non-empty array");
    }
    for (std::size_t i = 0; i < validators.size(); ++i) {
        const std::string path = "validators[" + std::to_string(i) + "]";
        const json& entry = validators[i];
        GenesisValidator validator;
        const U256 scheme_id = quantity(require(entry, "scheme", path + "."), path + ".scheme");
        auto scheme = crypto::parse_signature_scheme(scheme_id.fits_uint64() && scheme_id[0] < 256
                                                         ? static_cast<std::uint8_t>(scheme_id[0])
                                                         : 0);
        if (!scheme) reject(path + ".scheme", "must be 1, 2 or 3 (ML-DSA-44/65/87)");
        validator.scheme = *scheme;
        validator.public_key =
            hex_bytes(require(entry, "publicKey", path + "."), path + ".publicKey");
        if (validator.public_key.size() != crypto::signature_sizes(validator.scheme).public_key) {
            reject(path + ".publicKey", "has the wrong length for its scheme");
        }
        validator.address = address_of(validator.scheme, validator.public_key);
        if (entry.contains("address") && address(entry.at("address").get<std::string>(),
                                                 path + ".address") != validator.address) {
            reject(path + ".address", "does not derive from publicKey");
        }
        validator.stake = quantity(require(entry, "stake", path + "."), path + ".stake");
        if (validator.stake < spec.staking.min_validator_stake) {
            reject(path + ".stake", "is below staking.minValidatorStake (" +
                                        spec.staking.min_validator_stake.to_decimal() + " wei)");
        }
        if (entry.contains("rewardAddress")) {
            const json& reward = entry.at("rewardAddress");
            if (!reward.is_string()) reject(path + ".rewardAddress", "must be a 0x-hex address");
            validator.reward_address = address(reward.get<std::string>(), path + ".rewardAddress");
        }
        if (entry.contains("commissionBps")) {
            validator.commission_bps = small32(entry.at("commissionBps"), path + ".commissionBps");
            if (validator.commission_bps > spec.staking.max_commission_bps) {
                reject(path + ".commissionBps", "is above staking.maxCommissionBps");
            }
        }
        for (std::size_t j = 0; j < spec.validators.size(); ++j) {
            if (spec.validators[j].address == validator.address) {
                reject(path + ".publicKey",
                       "is the key of validators[" + std::to_string(j) + "] (listed twice)");
            }
        }
        const U256 before = total;
        total = total + validator.stake;
        if (total < before) reject(path + ".stake", "allocations plus stakes overflow 256 bits");
        spec.validators.push_back(std::move(validator));
    }
    if (total != genesis_supply()) {
        reject("alloc", "balances plus validator stakes total " + total.to_decimal() +
                            " wei; every QTM chain allocates exactly 1,000,000,000 QTM (" +
                            genesis_supply().to_decimal() + " wei) at genesis");
    }
    if (root.contains("forks")) {
        for (const auto& [fork, height] : root.at("forks").items()) {
            spec.forks[fork] = small(height, "forks." + fork);
        }
    }
    return spec;
}

}  // namespace

U256 qtm_to_wei(std::uint64_t qtm) {
    return U256{qtm} * U256{1'000'000'000'000'000'000ULL};
}

U256 genesis_supply() {
    return qtm_to_wei(1'000'000'000);
}

Address staking_address() {
    // 0x...5374616b65: "Stake" in ASCII.
    Address where{};
    const char* tag = "Stake";
    for (std::size_t i = 0; i < 5; ++i)
        where[15 + i] = static_cast<std::uint8_t>(tag[i]);
    return where;
}

Result<ChainSpec, SpecError> parse_chain_spec(std::string_view json_text) {
    try {
        const json root = json::parse(json_text);
        return parse(root);
    } catch (const FieldError& error) {
        return unexpected(SpecError{"chain spec field '" + error.field + "': " + error.problem});
    } catch (const json::exception& error) {
        return unexpected(SpecError{std::string{"chain spec is not valid JSON: "} + error.what()});
    }
}

Result<ChainSpec, SpecError> load_chain_spec(const std::string& path) {
    std::ifstream in{path};
    if (!in) return unexpected(SpecError{"cannot read chain spec file " + path});
    std::stringstream text;
    text << in.rdbuf();
    auto spec = parse_chain_spec(text.str());
    if (!spec) return unexpected(SpecError{path + ": " + spec.error().message});
    return spec;
}

std::string chain_spec_to_json(const ChainSpec& spec) {
    json root;
    root["name"] = spec.name;
    root["chainId"] = spec.chain_id;
    root["genesisTime"] = spec.genesis_time;
    root["blockTimeMs"] = spec.block_time_ms;
    root["gasLimit"] = spec.gas_limit;
    root["maxBlockBytes"] = spec.max_block_bytes;
    root["baseFee"] = {{"initial", spec.base_fee.initial.to_decimal()},
                       {"maxChangeDenominator", spec.base_fee.max_change_denominator},
                       {"elasticityMultiplier", spec.base_fee.elasticity_multiplier},
                       {"minBaseFee", spec.base_fee.minimum.to_decimal()}};
    root["blockReward"] = spec.block_reward.to_decimal();
    root["epochLength"] = spec.epoch_length;
    root["slashing"] = {{"doubleSignSlashPercent", spec.slashing.double_sign_slash_percent},
                        {"downtimeWindow", spec.slashing.downtime_window},
                        {"downtimeMinSignedPercent", spec.slashing.downtime_min_signed_percent},
                        {"jailSeconds", spec.slashing.jail_seconds},
                        {"evidenceMaxAgeBlocks", spec.slashing.evidence_max_age_blocks}};
    root["staking"] = {
        {"minValidatorStake", spec.staking.min_validator_stake.to_decimal()},
        {"maxValidators", spec.staking.max_validators},
        {"unbondingSeconds", spec.staking.unbonding_seconds},
        {"maxCommissionBps", spec.staking.max_commission_bps},
        {"maxCommissionChangeBps", spec.staking.max_commission_change_bps},
        {"commissionChangeIntervalSeconds", spec.staking.commission_change_interval_seconds},
        {"maxUnbondingEntries", spec.staking.max_unbonding_entries}};
    json alloc = json::object();
    for (const auto& [where, account] : spec.alloc) {
        json entry;
        entry["balance"] = account.balance.to_decimal();
        if (account.nonce != 0) entry["nonce"] = account.nonce;
        if (!account.code.empty()) entry["code"] = to_hex(account.code);
        if (!account.storage.empty()) {
            json slots = json::object();
            for (const auto& [slot, value] : account.storage)
                slots[slot.to_hex()] = value.to_hex();
            entry["storage"] = slots;
        }
        alloc[to_checksum_address(where)] = entry;
    }
    root["alloc"] = alloc;
    json validators = json::array();
    for (const auto& validator : spec.validators) {
        validators.push_back(
            {{"address", to_checksum_address(validator.address)},
             {"scheme", crypto::to_byte(validator.scheme)},
             {"publicKey", to_hex(validator.public_key)},
             {"stake", validator.stake.to_decimal()},
             {"rewardAddress", to_checksum_address(validator.reward_address == Address{}
                                                       ? validator.address
                                                       : validator.reward_address)},
             {"commissionBps", validator.commission_bps}});
    }
    root["validators"] = validators;
    if (!spec.forks.empty()) root["forks"] = spec.forks;
    return root.dump(2);
}

ByteArray<32> dev_account_seed(std::uint32_t index) {
    // keccak256("qtm dev account" || be32(index))
    ByteArray<19> preimage{};
    const std::string_view tag = "qtm dev account";
    std::copy(tag.begin(), tag.end(), preimage.begin());
    store_be32(preimage.data() + 15, index);
    return crypto::keccak256(preimage);
}

ByteArray<32> dev_validator_seed(std::uint32_t index) {
    // keccak256("qtm dev validator" || be32(index))
    ByteArray<21> preimage{};
    const std::string_view tag = "qtm dev validator";
    std::copy(tag.begin(), tag.end(), preimage.begin());
    store_be32(preimage.data() + 17, index);
    return crypto::keccak256(preimage);
}

namespace {

ChainSpec base_spec(std::string name, std::uint64_t chain_id, std::uint64_t genesis_time) {
    ChainSpec spec;
    spec.name = std::move(name);
    spec.chain_id = chain_id;
    spec.genesis_time = genesis_time;
    spec.block_reward = qtm_to_wei(1);
    return spec;
}

// Validators from public seeds plus accounts from public seeds sharing what is left of the
// genesis supply.
ChainSpec seeded_spec(ChainSpec spec, std::uint32_t validators, std::uint64_t stake_qtm,
                      std::size_t accounts, ByteArray<32> (*account_seed)(std::uint32_t)) {
    for (std::uint32_t i = 0; i < validators; ++i) {
        const AccountKey key{crypto::SignatureScheme::kMlDsa65, dev_validator_seed(i)};
        spec.validators.push_back(
            GenesisValidator{key.address(), key.scheme(), key.public_key(), qtm_to_wei(stake_qtm)});
    }
    const U256 remaining = genesis_supply() - qtm_to_wei(stake_qtm * validators);
    const U256 share = remaining / U256{accounts};
    U256 given{};
    for (std::uint32_t i = 0; i < accounts; ++i) {
        const AccountKey key{crypto::SignatureScheme::kMlDsa44, account_seed(i)};
        GenesisAccount account;
        account.balance = i + 1 == accounts ? remaining - given : share;
        given = given + account.balance;
        spec.alloc.emplace(key.address(), std::move(account));
    }
    return spec;
}

// A public network's blocks carry at least 2,000 ML-DSA-44 transfers a second at 2 s
// blocks: 4,000 transfers of 25,500 gas and ~2,536 bytes (docs/protocol.md, "Capacity").
void set_network_capacity(ChainSpec& spec) {
    spec.gas_limit = 110'000'000;
    spec.max_block_bytes = 10u << 20;
}

}  // namespace

std::optional<ChainSpec> builtin_chain_spec(std::string_view name) {
    if (name == "dev") {
        ChainSpec spec = seeded_spec(base_spec("dev", 7357, 1'767'225'600), 1, 10'000'000,
                                     kDevAccountCount, dev_account_seed);
        // Short enough for a test to wait out an unbonding against `qtmd --dev`.
        spec.staking.unbonding_seconds = 60;
        return spec;
    }
    // Placeholders until a launch: their keys derive from public seeds like the dev chain's.
    if (name == "testnet") {
        ChainSpec spec = seeded_spec(base_spec("testnet", 7358, 1'767'225'600), 4, 10'000'000,
                                     kDevAccountCount, dev_account_seed);
        set_network_capacity(spec);
        spec.base_fee.minimum = U256{100'000'000};  // 0.1 gwei
        return spec;
    }
    if (name == "mainnet") {
        ChainSpec spec = seeded_spec(base_spec("mainnet", 7359, 1'767'225'600), 4, 10'000'000, 1,
                                     dev_account_seed);
        set_network_capacity(spec);
        spec.base_fee.minimum = U256{100'000'000};  // 0.1 gwei
        return spec;
    }
    return std::nullopt;
}

Result<Genesis, SpecError> build_genesis(const ChainSpec& spec, const storage::ReadView& view,
                                         storage::WriteBatch& batch) {
    // Reads through the (empty) tries, not the flat tables: on a restart `view` holds the
    // chain's latest state, which the genesis validators' registration must not see.
    state::WorldState world{view, trie::kEmptyRoot, nullptr, state::WorldState::ReadMode::kTrie};
    for (const auto& [where, account] : spec.alloc) {
        state::Account record;
        record.balance = account.balance;
        record.nonce = account.nonce;
        std::vector<std::pair<U256, U256>> slots;
        for (const auto& [slot, value] : account.storage) {
            if (value != U256{}) slots.emplace_back(slot, value);
        }
        world.put_genesis_account(where, record, account.code, slots);
    }
    U256 stakes{};
    for (const auto& validator : spec.validators)
        stakes = stakes + validator.stake;
    state::Account staking;
    staking.balance = stakes;
    // Nonce 1, as a created contract has: the account holds no EVM code, and without it
    // EIP-161 would delete it, storage and all, the moment its balance reached zero (every
    // stake withdrawn or slashed away).
    staking.nonce = 1;
    world.put_genesis_account(staking_address(), staking, {}, {});
    staking::register_genesis_validators(world, spec);
    (void)world.finalize_transaction();
    // The set that signs the first epoch: the genesis header commits to it.
    auto first_set = staking::select_active_set(world, spec.staking);
    if (!first_set) {
        return unexpected(
            SpecError{"genesis validator set: " + std::string{to_string(first_set.error())}});
    }
    auto root = world.commit(batch);
    if (!root) return unexpected(SpecError{"genesis state: " + root.error().message});

    Genesis genesis;
    Header& header = genesis.block.header;
    header.number = 0;
    header.timestamp = spec.genesis_time;
    header.state_root = *root;
    header.transactions_root = trie::kEmptyRoot;
    header.receipts_root = trie::kEmptyRoot;
    header.gas_limit = spec.gas_limit;
    header.base_fee = spec.base_fee.initial;
    header.evidence_root = trie::kEmptyRoot;
    header.validators_hash = first_set->hash();
    // extra_data = be64(chain_id) || consensus_params_hash || name: chains with equal
    // allocations still differ, and so do chains whose parameters differ.
    // (Built in one allocation: GCC 12 at -O3 misreads a resize-then-insert as out of bounds.)
    const Hash32 params = consensus_params_hash(spec);
    Bytes extra(8 + params.size() + spec.name.size());
    store_be64(extra.data(), spec.chain_id);
    std::copy(params.begin(), params.end(), extra.begin() + 8);
    std::copy(spec.name.begin(), spec.name.end(), extra.begin() + 8 + params.size());
    header.extra_data = std::move(extra);
    genesis.hash = block_hash(header);
    return genesis;
}

Hash32 consensus_params_hash(const ChainSpec& spec) {
    // rlp([chain_id, block_time_ms, gas_limit, max_block_bytes,
    //      [base_fee.initial, max_change_denominator, elasticity_multiplier, minimum],
    //      block_reward,
    //      epoch_length, [slashing...], [staking...], [[fork, height], ...]])
    Bytes payload;
    const auto list = [](Bytes& out, const Bytes& items) { rlp::append_list(out, items); };
    rlp::append_uint(payload, spec.chain_id);
    rlp::append_uint(payload, spec.block_time_ms);
    rlp::append_uint(payload, spec.gas_limit);
    rlp::append_uint(payload, spec.max_block_bytes);
    Bytes fee;
    rlp::append_u256(fee, spec.base_fee.initial);
    rlp::append_uint(fee, spec.base_fee.max_change_denominator);
    rlp::append_uint(fee, spec.base_fee.elasticity_multiplier);
    rlp::append_u256(fee, spec.base_fee.minimum);
    list(payload, fee);
    rlp::append_u256(payload, spec.block_reward);
    rlp::append_uint(payload, spec.epoch_length);
    Bytes slashing;
    rlp::append_uint(slashing, spec.slashing.double_sign_slash_percent);
    rlp::append_uint(slashing, spec.slashing.downtime_window);
    rlp::append_uint(slashing, spec.slashing.downtime_min_signed_percent);
    rlp::append_uint(slashing, spec.slashing.jail_seconds);
    rlp::append_uint(slashing, spec.slashing.evidence_max_age_blocks);
    list(payload, slashing);
    Bytes staking;
    rlp::append_u256(staking, spec.staking.min_validator_stake);
    rlp::append_uint(staking, spec.staking.max_validators);
    rlp::append_uint(staking, spec.staking.unbonding_seconds);
    rlp::append_uint(staking, spec.staking.max_commission_bps);
    rlp::append_uint(staking, spec.staking.max_commission_change_bps);
    rlp::append_uint(staking, spec.staking.commission_change_interval_seconds);
    rlp::append_uint(staking, spec.staking.max_unbonding_entries);
    list(payload, staking);
    Bytes forks;
    for (const auto& [fork, height] : spec.forks) {
        Bytes entry;
        rlp::append_string(
            entry, ByteView{reinterpret_cast<const std::uint8_t*>(fork.data()), fork.size()});
        rlp::append_uint(entry, height);
        list(forks, entry);
    }
    list(payload, forks);
    Bytes encoded;
    rlp::append_list(encoded, payload);
    return crypto::keccak256(encoded);
}

Result<Hash32, SpecError> genesis_hash(const ChainSpec& spec) {
    auto db = storage::make_memory_database();
    storage::WriteBatch batch;
    auto genesis = build_genesis(spec, *db, batch);
    if (!genesis) return unexpected(genesis.error());
    return genesis->hash;
}

namespace {
U256 eip1559_base_fee(const ChainSpec& spec, const Header& parent) {
    const std::uint64_t target = parent.gas_limit / spec.base_fee.elasticity_multiplier;
    if (target == 0 || parent.gas_used == target) return parent.base_fee;
    const U256 denominator{spec.base_fee.max_change_denominator};
    if (parent.gas_used > target) {
        const U256 delta =
            parent.base_fee * U256{parent.gas_used - target} / U256{target} / denominator;
        return parent.base_fee + (delta == U256{} ? U256{1} : delta);
    }
    const U256 delta =
        parent.base_fee * U256{target - parent.gas_used} / U256{target} / denominator;
    return parent.base_fee - delta;
}
}  // namespace

U256 next_base_fee(const ChainSpec& spec, const Header& parent) {
    return std::max(eip1559_base_fee(spec, parent), spec.base_fee.minimum);
}

}  // namespace qtm::chain
