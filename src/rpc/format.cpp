#include "rpc/format.hpp"

#include "chain/chain_spec.hpp"
#include "codec/rlp.hpp"
#include "crypto/keccak.hpp"
#include "rpc/params.hpp"

namespace qtm::rpc {

namespace {

const std::string kZeroWord = "0x" + std::string(64, '0');

// keccak256(rlp("")): the root of an empty trie, here of the empty withdrawals list.
constexpr const char* kEmptyTrieRoot =
    "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421";

// The `type` of receipts: QTM transactions are type 0x51 (and their objects say so), but
// receipts report 0x2, the EIP-1559 receipt whose fields (effectiveGasPrice, ...) they have,
// because clients typed for Ethereum refuse any other value: `cast send` and `forge create`
// fail with "unknown variant `0x51`" while waiting for the receipt.
constexpr std::uint64_t kReceiptTypeForClients = 2;

// keccak256(rlp([])): Ethereum's empty-ommers hash.
constexpr const char* kEmptyUnclesHash =
    "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347";

U256 effective_price(const chain::Transaction& tx, const U256& base_fee) {
    if (tx.max_fee_per_gas < base_fee) return tx.max_fee_per_gas;
    return base_fee + std::min(tx.max_priority_fee_per_gas, tx.max_fee_per_gas - base_fee);
}

}  // namespace

Address creation_address(const Address& from, std::uint64_t nonce) {
    const std::size_t payload = rlp::string_size(from) + rlp::uint_size(nonce);
    Bytes encoded;
    rlp::append_list_header(encoded, payload);
    rlp::append_string(encoded, from);
    rlp::append_uint(encoded, nonce);
    const Hash32 hash = crypto::keccak256(encoded);
    Address address{};
    std::copy(hash.begin() + 12, hash.end(), address.begin());
    return address;
}

Json format_access_list(const std::vector<state::AccessListEntry>& access_list) {
    Json out = Json::array();
    for (const auto& entry : access_list) {
        Json keys = Json::array();
        for (const auto& key : entry.storage_keys)
            keys.push_back(hex_data(key));
        out.push_back({{"address", hex_data(entry.address)}, {"storageKeys", keys}});
    }
    return out;
}

Json format_transaction(const chain::Transaction& tx, const Hash32& hash,
                        const std::optional<TxContextInBlock>& where) {
    Json out = {
        {"hash", hex_data(hash)},
        {"type", quantity(chain::kTransactionType)},
        {"chainId", quantity(tx.chain_id)},
        {"nonce", quantity(tx.nonce)},
        {"from", hex_data(tx.from)},
        {"to", tx.to ? Json(hex_data(*tx.to)) : Json(nullptr)},
        {"value", quantity(tx.value)},
        {"gas", quantity(tx.gas_limit)},
        {"maxFeePerGas", quantity(tx.max_fee_per_gas)},
        {"maxPriorityFeePerGas", quantity(tx.max_priority_fee_per_gas)},
        {"input", hex_data(tx.data)},
        {"accessList", format_access_list(tx.access_list)},
        {"scheme", quantity(crypto::to_byte(tx.scheme))},
        // What the signature costs in bytes, and whether this transaction registers the
        // sender's key (publicKeySize > 0): explorers show both (docs/rpc.md).
        {"signatureSize", quantity(tx.signature.size())},
        {"publicKeySize", quantity(tx.public_key.size())},
        // QTM signatures are ML-DSA: there is no ECDSA (v, r, s). The fields stay, as the
        // quantity zero, because clients typed for Ethereum require them (docs/rpc.md).
        {"v", "0x0"},
        {"yParity", "0x0"},
        {"r", "0x0"},
        {"s", "0x0"},
    };
    if (where) {
        out["blockHash"] = hex_data(where->block_hash);
        out["blockNumber"] = quantity(where->block_number);
        out["blockTimestamp"] = quantity(where->block_timestamp);
        out["transactionIndex"] = quantity(where->index);
        out["gasPrice"] = quantity(effective_price(tx, where->base_fee));
    } else {
        out["blockHash"] = nullptr;
        out["blockNumber"] = nullptr;
        out["blockTimestamp"] = nullptr;
        out["transactionIndex"] = nullptr;
        out["gasPrice"] = quantity(tx.max_fee_per_gas);
    }
    return out;
}

Json format_log(const state::Log& log, const TxContextInBlock& where, const Hash32& tx_hash,
                std::size_t log_index) {
    Json topics = Json::array();
    for (const auto& topic : log.topics)
        topics.push_back(hex_data(topic));
    return {{"address", hex_data(log.address)},
            {"topics", topics},
            {"data", hex_data(log.data)},
            {"blockNumber", quantity(where.block_number)},
            {"blockHash", hex_data(where.block_hash)},
            {"blockTimestamp", quantity(where.block_timestamp)},
            {"transactionHash", hex_data(tx_hash)},
            {"transactionIndex", quantity(where.index)},
            {"logIndex", quantity(log_index)},
            {"removed", false}};
}

Json format_receipt(const FullBlock& block, std::uint32_t index) {
    const chain::Transaction& tx = block.transactions.at(index);
    const chain::Receipt& receipt = block.receipts.at(index);
    const std::uint64_t previous = index == 0 ? 0 : block.receipts[index - 1].cumulative_gas_used;
    const auto where = TxContextInBlock::of(block, index);
    std::size_t first_log = 0;
    for (std::uint32_t i = 0; i < index; ++i)
        first_log += block.receipts[i].logs.size();
    Json logs = Json::array();
    for (std::size_t i = 0; i < receipt.logs.size(); ++i) {
        logs.push_back(
            format_log(receipt.logs[i], where, block.transaction_hashes[index], first_log + i));
    }
    return {{"transactionHash", hex_data(block.transaction_hashes[index])},
            {"transactionIndex", quantity(index)},
            {"blockHash", hex_data(block.hash)},
            {"blockNumber", quantity(block.header.number)},
            {"from", hex_data(tx.from)},
            {"to", tx.to ? Json(hex_data(*tx.to)) : Json(nullptr)},
            {"cumulativeGasUsed", quantity(receipt.cumulative_gas_used)},
            {"gasUsed", quantity(receipt.cumulative_gas_used - previous)},
            {"effectiveGasPrice", quantity(effective_price(tx, block.header.base_fee))},
            {"contractAddress",
             tx.to ? Json(nullptr) : Json(hex_data(creation_address(tx.from, tx.nonce)))},
            {"logs", logs},
            {"logsBloom", hex_data(receipt.logs_bloom)},
            {"type", quantity(kReceiptTypeForClients)},
            // Cancun's blob fields: QTM has no blob transactions.
            {"blobGasUsed", "0x0"},
            {"blobGasPrice", "0x0"},
            {"status", receipt.success ? "0x1" : "0x0"}};
}

Json format_block_logs_receipt(const FullBlock& block) {
    const auto index = static_cast<std::uint32_t>(block.transactions.size());
    const auto where = TxContextInBlock::of(block, index);
    std::size_t first_log = 0;
    for (const auto& receipt : block.receipts)
        first_log += receipt.logs.size();
    Json logs = Json::array();
    for (std::size_t i = 0; i < block.block_logs.size(); ++i) {
        logs.push_back(
            format_log(block.block_logs[i], where, block.block_logs_hash, first_log + i));
    }
    const std::string system = hex_data(chain::staking_address());
    return {{"transactionHash", hex_data(block.block_logs_hash)},
            {"transactionIndex", quantity(index)},
            {"blockHash", hex_data(block.hash)},
            {"blockNumber", quantity(block.header.number)},
            {"from", system},
            {"to", system},
            {"cumulativeGasUsed", quantity(block.header.gas_used)},
            {"gasUsed", "0x0"},
            {"effectiveGasPrice", "0x0"},
            {"contractAddress", nullptr},
            {"logs", logs},
            {"logsBloom", hex_data(chain::logs_bloom(block.block_logs))},
            {"type", quantity(kReceiptTypeForClients)},
            {"blobGasUsed", "0x0"},
            {"blobGasPrice", "0x0"},
            {"status", "0x1"}};
}

Json format_block(const FullBlock& block, bool full_transactions) {
    const chain::Header& header = block.header;
    Json transactions = Json::array();
    for (std::uint32_t i = 0; i < block.transactions.size(); ++i) {
        if (full_transactions) {
            transactions.push_back(format_transaction(block.transactions[i],
                                                      block.transaction_hashes[i],
                                                      TxContextInBlock::of(block, i)));
        } else {
            transactions.push_back(hex_data(block.transaction_hashes[i]));
        }
    }
    return {{"number", quantity(header.number)},
            {"hash", hex_data(block.hash)},
            {"parentHash", hex_data(header.parent_hash)},
            {"nonce", "0x0000000000000000"},
            {"sha3Uncles", kEmptyUnclesHash},
            {"logsBloom", hex_data(header.logs_bloom)},
            {"transactionsRoot", hex_data(header.transactions_root)},
            {"stateRoot", hex_data(header.state_root)},
            {"receiptsRoot", hex_data(header.receipts_root)},
            {"miner", hex_data(header.proposer)},
            {"difficulty", "0x0"},
            {"extraData", hex_data(header.extra_data)},
            {"size", quantity(block.size)},
            {"gasLimit", quantity(header.gas_limit)},
            {"gasUsed", quantity(header.gas_used)},
            {"timestamp", quantity(header.timestamp)},
            {"baseFeePerGas", quantity(header.base_fee)},
            {"mixHash", hex_data(header.parent_hash)},
            // QTM's own header fields (Ethereum clients ignore unknown ones).
            {"evidenceRoot", hex_data(header.evidence_root)},
            {"validatorsHash", hex_data(header.validators_hash)},
            {"transactions", transactions},
            {"uncles", Json::array()},
            // The Cancun fields with their values on a chain without withdrawals, blobs or
            // a beacon chain (post-merge geth has no totalDifficulty either).
            {"withdrawals", Json::array()},
            {"withdrawalsRoot", kEmptyTrieRoot},
            {"blobGasUsed", "0x0"},
            {"excessBlobGas", "0x0"},
            {"parentBeaconBlockRoot", kZeroWord}};
}

}  // namespace qtm::rpc
