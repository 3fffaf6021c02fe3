// The chain spec (docs/protocol.md, "Chain spec"): one JSON file with everything the genesis
// block and the protocol's parameters depend on. Built-in specs: dev, testnet, mainnet.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/u256.hpp"
#include "chain/block.hpp"
#include "crypto/signature_scheme.hpp"
#include "storage/database.hpp"

namespace qtm::chain {

// 10^18 base units (wei) per QTM.
[[nodiscard]] U256 qtm_to_wei(std::uint64_t qtm);
// 1,000,000,000 QTM: what every chain allocates at genesis (DESIGN.md §4).
[[nodiscard]] U256 genesis_supply();

struct GenesisAccount {
    U256 balance{};
    std::uint64_t nonce{0};
    Bytes code{};
    std::map<U256, U256> storage{};
};

struct GenesisValidator {
    Address address{};  // derived from the key
    crypto::SignatureScheme scheme{crypto::SignatureScheme::kMlDsa65};
    Bytes public_key{};
    U256 stake{};
    Address reward_address{};  // zero: the validator's own address
    std::uint32_t commission_bps{0};
};

struct BaseFeeParams {
    U256 initial{1'000'000'000};              // the genesis block's base fee (1 gwei)
    std::uint64_t max_change_denominator{8};  // EIP-1559
    std::uint64_t elasticity_multiplier{2};   // EIP-1559
    U256 minimum{};                           // the base fee never falls below it (minBaseFee)
};

struct SlashingParams {
    std::uint32_t double_sign_slash_percent{5};
    std::uint64_t downtime_window{10'000};
    std::uint32_t downtime_min_signed_percent{50};
    std::uint64_t jail_seconds{600};
    // Evidence of a height more than this many blocks below the including block is refused
    // (optional in the JSON; docs/staking.md, "Slashing").
    std::uint64_t evidence_max_age_blocks{100'000};
};

// The staking contract's rules (docs/staking.md). Optional in the JSON ("staking"); these
// are the defaults.
struct StakingParams {
    U256 min_validator_stake{U256{10'000} * U256{1'000'000'000'000'000'000ULL}};  // 10,000 QTM
    std::uint32_t max_validators{100};
    std::uint64_t unbonding_seconds{21 * 86'400};
    std::uint32_t max_commission_bps{10'000};                  // 100.00 %
    std::uint32_t max_commission_change_bps{100};              // per edit
    std::uint64_t commission_change_interval_seconds{86'400};  // between commission edits
    std::uint32_t max_unbonding_entries{16};                   // per delegator
    friend bool operator==(const StakingParams&, const StakingParams&) = default;
};

struct ChainSpec {
    std::string name;
    std::uint64_t chain_id{0};
    std::uint64_t genesis_time{0};  // Unix seconds
    std::uint64_t block_time_ms{2000};
    std::uint64_t gas_limit{30'000'000};
    std::uint64_t max_block_bytes{4u << 20};
    BaseFeeParams base_fee{};
    U256 block_reward{};  // minted to the proposer per block
    std::uint64_t epoch_length{3600};
    SlashingParams slashing{};
    StakingParams staking{};
    std::map<Address, GenesisAccount> alloc;
    std::vector<GenesisValidator> validators;
    std::map<std::string, std::uint64_t> forks;  // fork name -> activation height
};

// The account that holds the validators' stakes (docs/protocol.md).
[[nodiscard]] Address staking_address();

struct SpecError {
    std::string message;  // names the field: "chain spec field 'alloc.0x…balance': …"
};

[[nodiscard]] Result<ChainSpec, SpecError> parse_chain_spec(std::string_view json_text);
[[nodiscard]] Result<ChainSpec, SpecError> load_chain_spec(const std::string& path);
[[nodiscard]] std::string chain_spec_to_json(const ChainSpec& spec);

// "dev", "testnet" or "mainnet"; nullopt for any other name.
[[nodiscard]] std::optional<ChainSpec> builtin_chain_spec(std::string_view name);

// The dev chain's keys, derived from public seeds (docs/protocol.md, "Dev chain"); never use
// them for value.
inline constexpr std::size_t kDevAccountCount = 10;
[[nodiscard]] ByteArray<32> dev_account_seed(std::uint32_t index);
[[nodiscard]] ByteArray<32> dev_validator_seed(std::uint32_t index);

// The genesis state written into `batch` (root in the returned header) and the genesis block.
struct Genesis {
    Block block;
    Hash32 hash{};
};
[[nodiscard]] Result<Genesis, SpecError> build_genesis(const ChainSpec& spec,
                                                       const storage::ReadView& view,
                                                       storage::WriteBatch& batch);
// keccak256 of the RLP of every consensus parameter of the spec that the genesis state and
// header do not already hold (docs/protocol.md, "Genesis"): it goes into the genesis
// header's extra data, so two specs that differ in any such field have different genesis
// hashes. (The alloc and the validators are in the genesis state.)
[[nodiscard]] Hash32 consensus_params_hash(const ChainSpec& spec);
// The genesis hash alone (in-memory state).
[[nodiscard]] Result<Hash32, SpecError> genesis_hash(const ChainSpec& spec);

// EIP-1559's base fee of the child of `parent`, never below the spec's minimum (the one
// rule the executor, the pool and RPC all use).
[[nodiscard]] U256 next_base_fee(const ChainSpec& spec, const Header& parent);

// EIP-4844's blob base fee (BLOBBASEFEE, eth_blobBaseFee): QTM has no blob transactions, so
// the excess blob gas is always 0 and the fee is its minimum, MIN_BASE_FEE_PER_BLOB_GAS.
inline constexpr std::uint64_t kBlobBaseFee = 1;

}  // namespace qtm::chain
