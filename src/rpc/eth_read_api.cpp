// Read-only methods: chain identity, blocks, transactions, receipts, state, logs, pool.
#include <algorithm>

#include "base/hex.hpp"
#include "chain/keys.hpp"
#include "chain/message.hpp"
#include "crypto/keccak.hpp"
#include "rpc/chain_reader.hpp"
#include "rpc/eth_api.hpp"
#include "rpc/format.hpp"
#include "rpc/log_query.hpp"
#include "rpc/params.hpp"
#include "rpc/state_access.hpp"
#include "rpc/typed_data.hpp"
#include "state/world_state.hpp"

namespace qtm::rpc {

namespace {

// The state as of block `ref`, read through its tries (consistent with that block's root).
std::unique_ptr<state::WorldState> state_at(Backend& backend, const ChainReader& reader,
                                            const Json* ref_json) {
    const chain::Header header = header_with_state(backend, reader, ref_json);
    return std::make_unique<state::WorldState>(backend.database(), header.state_root,
                                               backend.node_cache(),
                                               state::WorldState::ReadMode::kTrie);
}

void check_state(const state::WorldState& world) {
    if (world.error()) {
        throw RpcError{code::kServer, "missing trie node: " + world.error()->message};
    }
}

}  // namespace

void register_read_api(Dispatcher& dispatcher, Backend& backend, const ApiLimits& limits) {
    auto reader = std::make_shared<ChainReader>(backend);

    dispatcher.add("web3_clientVersion",
                   [version = limits.client_version](const Json&) { return Json(version); });
    dispatcher.add("web3_sha3", [](const Json& params) {
        return Json(hex_data(crypto::keccak256(to_data(*param(params, 0, "data"), "data"))));
    });
    dispatcher.add("net_version", [&backend](const Json&) {
        return Json(std::to_string(backend.spec().chain_id));
    });
    dispatcher.add("net_listening", [](const Json&) { return Json(true); });
    dispatcher.add("net_peerCount", [](const Json&) { return Json("0x0"); });
    dispatcher.add("eth_chainId",
                   [&backend](const Json&) { return Json(quantity(backend.spec().chain_id)); });
    dispatcher.add("eth_syncing", [](const Json&) { return Json(false); });
    dispatcher.add("eth_mining", [](const Json&) { return Json(false); });
    dispatcher.add("eth_hashrate", [](const Json&) { return Json("0x0"); });
    dispatcher.add("eth_blockNumber",
                   [&backend](const Json&) { return Json(quantity(backend.head().number)); });
    dispatcher.add("eth_accounts", [&backend](const Json&) {
        Json out = Json::array();
        for (const auto& address : backend.accounts())
            out.push_back(hex_data(address));
        return out;
    });
    dispatcher.add("eth_gasPrice", [&backend](const Json&) {
        // Base fee of the next block plus the default tip (1 gwei).
        return Json(quantity(backend.next_base_fee() + U256{1'000'000'000}));
    });
    dispatcher.add("eth_maxPriorityFeePerGas",
                   [](const Json&) { return Json(quantity(U256{1'000'000'000})); });
    dispatcher.add("eth_blobBaseFee",
                   [](const Json&) { return Json(quantity(U256{chain::kBlobBaseFee})); });

    dispatcher.add("eth_feeHistory", [&backend, reader](const Json& params) {
        expect_at_most(params, 3);
        const std::uint64_t count = std::min<std::uint64_t>(
            1024, params.at(0).is_number() ? params.at(0).get<std::uint64_t>()
                                           : to_u64(params.at(0), "blockCount"));
        const auto newest =
            reader->resolve(to_block_ref(param(params, 1, "newestBlock"), "newestBlock"));
        if (!newest) throw RpcError{code::kServer, "header not found"};
        const Json* percentiles = param(params, 2, "rewardPercentiles", false);
        const std::uint64_t oldest = *newest + 1 >= count ? *newest + 1 - count : 0;
        Json base_fees = Json::array();
        Json ratios = Json::array();
        Json blob_base_fees = Json::array();
        Json blob_ratios = Json::array();
        Json rewards = Json::array();
        for (std::uint64_t n = oldest; n <= *newest; ++n) {
            const auto block = reader->block(n);
            if (!block) break;
            base_fees.push_back(quantity(block->header.base_fee));
            blob_base_fees.push_back(quantity(U256{chain::kBlobBaseFee}));
            blob_ratios.push_back(0.0);
            ratios.push_back(
                static_cast<double>(block->header.gas_used) /
                static_cast<double>(std::max<std::uint64_t>(1, block->header.gas_limit)));
            if (percentiles != nullptr) {
                std::vector<U256> tips;
                for (const auto& tx : block->transactions) {
                    const U256& base = block->header.base_fee;
                    tips.push_back(tx.max_fee_per_gas < base ? U256{}
                                                             : std::min(tx.max_priority_fee_per_gas,
                                                                        tx.max_fee_per_gas - base));
                }
                std::sort(tips.begin(), tips.end());
                Json row = Json::array();
                for (const auto& percentile : *percentiles) {
                    const double p = percentile.get<double>();
                    if (tips.empty()) {
                        row.push_back("0x0");
                    } else {
                        const auto at = static_cast<std::size_t>(
                            p / 100.0 * static_cast<double>(tips.size() - 1));
                        row.push_back(quantity(tips[std::min(at, tips.size() - 1)]));
                    }
                }
                rewards.push_back(row);
            }
        }
        const auto next = reader->header(*newest);
        base_fees.push_back(quantity(next ? chain::next_base_fee(backend.spec(), *next) : U256{}));
        blob_base_fees.push_back(quantity(U256{chain::kBlobBaseFee}));
        Json out = {{"oldestBlock", quantity(oldest)},
                    {"baseFeePerGas", base_fees},
                    {"gasUsedRatio", ratios},
                    {"baseFeePerBlobGas", blob_base_fees},
                    {"blobGasUsedRatio", blob_ratios}};
        if (percentiles != nullptr) out["reward"] = rewards;
        return out;
    });

    // ---- blocks
    // Block answers are serialized once per block and shape and then shared: a block of a
    // thousand transactions is ~0.7 MB of JSON, and the same recent blocks are asked for
    // again and again.
    const auto block_json = [reader](std::optional<std::uint64_t> number,
                                     bool full) -> Dispatcher::SerializedResult {
        if (!number) return nullptr;
        const auto block = reader->block(*number);
        if (!block) return nullptr;
        const std::lock_guard lock{block->serialized_mutex};
        auto& text = block->serialized[full ? 1 : 0];
        if (!text) text = std::make_shared<const std::string>(to_wire(format_block(*block, full)));
        return text;
    };
    dispatcher.add_serialized("eth_getBlockByNumber", [reader, block_json](const Json& params) {
        expect_at_most(params, 2);
        const bool full = optional_bool(params, 1, "fullTransactions");
        return block_json(reader->resolve(to_block_ref(param(params, 0, "block"), "block")), full);
    });
    dispatcher.add_serialized("eth_getBlockByHash", [reader, block_json](const Json& params) {
        expect_at_most(params, 2);
        const bool full = optional_bool(params, 1, "fullTransactions");
        return block_json(reader->resolve(to_hash(*param(params, 0, "blockHash"), "blockHash")),
                          full);
    });
    const auto count_json = [reader](std::optional<std::uint64_t> number) -> Json {
        if (!number) return nullptr;
        const auto block = reader->block(*number);
        return block ? Json(quantity(block->transactions.size())) : Json(nullptr);
    };
    dispatcher.add(
        "eth_getBlockTransactionCountByNumber", [reader, count_json](const Json& params) {
            return count_json(reader->resolve(to_block_ref(param(params, 0, "block"), "block")));
        });
    dispatcher.add("eth_getBlockTransactionCountByHash", [reader, count_json](const Json& params) {
        return count_json(reader->resolve(to_hash(*param(params, 0, "blockHash"), "blockHash")));
    });
    dispatcher.add("eth_getUncleCountByBlockNumber", [](const Json&) { return Json("0x0"); });
    dispatcher.add("eth_getUncleCountByBlockHash", [](const Json&) { return Json("0x0"); });
    // As a post-merge geth: no block has uncles, so there is none at any index.
    dispatcher.add("eth_getUncleByBlockNumberAndIndex", [](const Json& params) -> Json {
        (void)to_block_ref(param(params, 0, "block"), "block");
        (void)to_u64(*param(params, 1, "index"), "index");
        return nullptr;
    });
    dispatcher.add("eth_getUncleByBlockHashAndIndex", [](const Json& params) -> Json {
        (void)to_hash(*param(params, 0, "blockHash"), "blockHash");
        (void)to_u64(*param(params, 1, "index"), "index");
        return nullptr;
    });
    dispatcher.add("eth_getBlockReceipts", [reader](const Json& params) -> Json {
        const auto number = reader->resolve(to_block_ref(param(params, 0, "block"), "block"));
        if (!number) return nullptr;
        const auto block = reader->block(*number);
        if (!block) return nullptr;
        Json out = Json::array();
        for (std::uint32_t i = 0; i < block->transactions.size(); ++i) {
            out.push_back(format_receipt(*block, i));
        }
        return out;
    });

    // ---- transactions
    dispatcher.add("eth_getTransactionByHash", [&backend, reader](const Json& params) -> Json {
        expect_at_most(params, 1);
        const Hash32 hash = to_hash(*param(params, 0, "hash"), "hash");
        if (const auto location = reader->locate_transaction(hash)) {
            const auto block = reader->block(location->number);
            if (block && location->index < block->transactions.size()) {
                return format_transaction(block->transactions[location->index], hash,
                                          TxContextInBlock::of(*block, location->index));
            }
        }
        if (const auto pooled = backend.pool().get(hash)) {
            return format_transaction(pooled->tx, hash, std::nullopt);
        }
        return nullptr;
    });
    const auto by_index = [reader](std::optional<std::uint64_t> number,
                                   const Json& index_json) -> Json {
        if (!number) return nullptr;
        const auto block = reader->block(*number);
        const std::uint64_t index = to_u64(index_json, "index");
        if (!block || index >= block->transactions.size()) return nullptr;
        const auto i = static_cast<std::uint32_t>(index);
        return format_transaction(block->transactions[i], block->transaction_hashes[i],
                                  TxContextInBlock::of(*block, i));
    };
    dispatcher.add(
        "eth_getTransactionByBlockNumberAndIndex", [reader, by_index](const Json& params) {
            return by_index(reader->resolve(to_block_ref(param(params, 0, "block"), "block")),
                            *param(params, 1, "index"));
        });
    dispatcher.add("eth_getTransactionByBlockHashAndIndex", [reader, by_index](const Json& params) {
        return by_index(reader->resolve(to_hash(*param(params, 0, "blockHash"), "blockHash")),
                        *param(params, 1, "index"));
    });
    dispatcher.add("eth_getTransactionReceipt", [reader](const Json& params) -> Json {
        expect_at_most(params, 1);
        const Hash32 hash = to_hash(*param(params, 0, "hash"), "hash");
        const auto location = reader->locate_transaction(hash);
        if (!location) {
            // A block's pseudo receipt of its block-level logs (docs/protocol.md).
            const auto block = reader->block_of_block_logs(hash);
            return block ? format_block_logs_receipt(*block) : Json(nullptr);
        }
        const auto block = reader->block(location->number);
        if (!block || location->index >= block->transactions.size()) return nullptr;
        return format_receipt(*block, location->index);
    });

    // ---- state
    dispatcher.add("eth_getBalance", [&backend, reader](const Json& params) {
        expect_at_most(params, 2);
        const Address address = to_address(*param(params, 0, "address"), "address");
        auto world = state_at(backend, *reader, param(params, 1, "block", false));
        const U256 balance = world->balance(address);
        check_state(*world);
        return Json(quantity(balance));
    });
    dispatcher.add("eth_getTransactionCount", [&backend, reader](const Json& params) {
        expect_at_most(params, 2);
        const Address address = to_address(*param(params, 0, "address"), "address");
        const Json* ref = param(params, 1, "block", false);
        if (ref != nullptr && ref->is_string() && *ref == "pending") {
            return Json(quantity(backend.pool().pending_nonce(address)));
        }
        auto world = state_at(backend, *reader, ref);
        const std::uint64_t nonce = world->nonce(address);
        check_state(*world);
        return Json(quantity(nonce));
    });
    dispatcher.add("eth_getCode", [&backend, reader](const Json& params) {
        expect_at_most(params, 2);
        const Address address = to_address(*param(params, 0, "address"), "address");
        auto world = state_at(backend, *reader, param(params, 1, "block", false));
        const auto code = world->code(address);
        check_state(*world);
        return Json(hex_data(*code));
    });
    // reth's (and anvil's) eth_getAccountInfo, which forge asks before it simulates a script:
    // balance, nonce and code in one answer.
    dispatcher.add("eth_getAccountInfo", [&backend, reader](const Json& params) {
        expect_at_most(params, 2);
        const Address address = to_address(*param(params, 0, "address"), "address");
        auto world = state_at(backend, *reader, param(params, 1, "block", false));
        const U256 balance = world->balance(address);
        const std::uint64_t nonce = world->nonce(address);
        const auto code = world->code(address);
        check_state(*world);
        return Json{
            {"balance", quantity(balance)}, {"nonce", quantity(nonce)}, {"code", hex_data(*code)}};
    });
    dispatcher.add("eth_getStorageAt", [&backend, reader](const Json& params) {
        expect_at_most(params, 3);
        const Address address = to_address(*param(params, 0, "address"), "address");
        const U256 slot =
            to_storage_key(*param(params, 1, "slot"), "slot", "unable to decode storage key: ");
        auto world = state_at(backend, *reader, param(params, 2, "block", false));
        const U256 value = world->storage(address, slot);
        check_state(*world);
        return Json(hex_data(value.to_be_bytes()));
    });

    // ---- logs
    dispatcher.add("eth_getLogs", [&backend, reader, limits](const Json& params) {
        expect_at_most(params, 1);
        const Json& filter_json = *param(params, 0, "filter");
        const LogFilter filter = parse_log_filter(filter_json);
        const auto range = resolve_log_range(backend, *reader, filter_json, limits);
        if (!range) return Json::array();
        return collect_logs(*reader, filter, range->first, range->second, limits);
    });

    // ---- pool
    dispatcher.add("txpool_status", [&backend](const Json&) {
        const auto status = backend.pool().status();
        return Json{{"pending", quantity(status.pending)}, {"queued", quantity(status.queued)}};
    });
    const auto pool_content = [](const std::vector<chain::PoolTransaction>& txs, bool inspect) {
        Json out = Json::object();
        for (const auto& pooled : txs) {
            const std::string sender = chain::to_checksum_address(pooled.tx.from);
            if (inspect) {
                out[sender][std::to_string(pooled.tx.nonce)] =
                    (pooled.tx.to ? hex_data(*pooled.tx.to) : std::string{"contract creation"}) +
                    ": " + pooled.tx.value.to_decimal() + " wei + " +
                    std::to_string(pooled.tx.gas_limit) + " gas × " +
                    pooled.tx.max_fee_per_gas.to_decimal() + " wei";
            } else {
                out[sender][std::to_string(pooled.tx.nonce)] =
                    format_transaction(pooled.tx, pooled.hash, std::nullopt);
            }
        }
        return out;
    };
    dispatcher.add("txpool_content", [&backend, pool_content](const Json&) {
        return Json{{"pending", pool_content(backend.pool().pending(), false)},
                    {"queued", pool_content(backend.pool().queued(), false)}};
    });
    dispatcher.add("txpool_inspect", [&backend, pool_content](const Json&) {
        return Json{{"pending", pool_content(backend.pool().pending(), true)},
                    {"queued", pool_content(backend.pool().queued(), true)}};
    });

    // ---- qtm_*
    dispatcher.add("qtm_genesisHash",
                   [&backend](const Json&) { return Json(hex_data(backend.genesis_hash())); });
    dispatcher.add("qtm_chainSpec", [&backend](const Json&) {
        return Json::parse(chain::chain_spec_to_json(backend.spec()));
    });
    dispatcher.add("qtm_getPublicKey", [&backend, reader](const Json& params) -> Json {
        expect_at_most(params, 2);
        const Address address = to_address(*param(params, 0, "address"), "address");
        auto world = state_at(backend, *reader, param(params, 1, "block", false));
        const auto key = world->registered_key(address);
        check_state(*world);
        if (!key) return nullptr;
        const auto scheme = crypto::parse_signature_scheme(key->scheme);
        return Json{{"scheme", quantity(key->scheme)},
                    {"schemeName", scheme ? std::string{crypto::to_string(*scheme)} : "unknown"},
                    {"publicKey", hex_data(key->public_key)}};
    });
    // Whether `signature` (scheme id || ML-DSA signature, as eth_sign returns) signs
    // `message` under the key `address` has registered at `block`: what ecrecover-based
    // message checks (Sign-In with Ethereum) do on Ethereum.
    // Whether `signature` (scheme id || ML-DSA signature, as eth_sign returns) signs
    // `message` (qtm_verifyMessage) or EIP-712 `typedData` (qtm_verifyTypedData) under the
    // key `address` has registered at `block`: what ecrecover-based checks (Sign-In with
    // Ethereum, permits) do on Ethereum.
    const auto verify_digest = [&backend, reader](const Json& params,
                                                  const Hash32& digest) -> Json {
        const Address address = to_address(*param(params, 0, "address"), "address");
        const Bytes signature = to_data(*param(params, 2, "signature"), "signature");
        auto world = state_at(backend, *reader, param(params, 3, "block", false));
        const auto key = world->registered_key(address);
        check_state(*world);
        if (!key) {
            throw RpcError{code::kServer,
                           "account " + to_hex(address) +
                               " has no registered public key at that block: it registers one "
                               "with its first transaction"};
        }
        if (signature.empty() || signature[0] != key->scheme) return false;
        return chain::verify_message_digest(key->public_key, digest, signature).has_value();
    };
    dispatcher.add("qtm_verifyMessage", [verify_digest](const Json& params) -> Json {
        expect_at_most(params, 4);
        const Bytes message = to_data(*param(params, 1, "message"), "message");
        return verify_digest(params, chain::personal_message_digest(message));
    });
    dispatcher.add("qtm_verifyTypedData", [&backend, verify_digest](const Json& params) -> Json {
        expect_at_most(params, 4);
        const TypedDataDigest digest =
            typed_data_param_digest(*param(params, 1, "typedData"), backend.spec().chain_id);
        return verify_digest(params, digest.digest);
    });
    dispatcher.add("qtm_validators", [&backend](const Json&) {
        Json out = Json::array();
        for (const auto& validator : backend.spec().validators) {
            out.push_back({{"address", chain::to_checksum_address(validator.address)},
                           {"scheme", quantity(crypto::to_byte(validator.scheme))},
                           {"publicKey", hex_data(validator.public_key)},
                           {"stake", quantity(validator.stake)}});
        }
        return out;
    });
}

}  // namespace qtm::rpc
