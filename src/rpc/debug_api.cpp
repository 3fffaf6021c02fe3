// debug_getRaw*: the consensus encodings of what the chain stores, as geth serves them
// (execution-apis "debug" namespace): a block, a header, a block's receipts, a transaction.
// Each takes what geth takes (a block number, tag or hash; a transaction hash) and answers
// null for something the chain does not hold, as geth does.
#include "base/hex.hpp"
#include "chain/block.hpp"
#include "rpc/chain_reader.hpp"
#include "rpc/eth_api.hpp"
#include "rpc/format.hpp"
#include "rpc/params.hpp"
#include "storage/chain_store.hpp"

namespace qtm::rpc {

void register_debug_api(Dispatcher& dispatcher, Backend& backend) {
    auto reader = std::make_shared<ChainReader>(backend);
    const auto block_of = [reader](const Json& params) -> std::shared_ptr<const FullBlock> {
        expect_at_most(params, 1);
        const auto number = reader->resolve(to_block_ref(param(params, 0, "block"), "block"));
        if (!number) return nullptr;
        return reader->block(*number);
    };
    dispatcher.add("debug_getRawHeader", [block_of](const Json& params) -> Json {
        const auto block = block_of(params);
        if (!block) return nullptr;
        return to_hex(chain::encode_header(block->header));
    });
    // rlp([header, [transactions], [evidence]]): the stored body holds the evidence too.
    dispatcher.add("debug_getRawBlock", [block_of, &backend](const Json& params) -> Json {
        const auto block = block_of(params);
        if (!block) return nullptr;
        const storage::ChainStore store{backend.database()};
        auto body_bytes = store.load_body(block->hash);
        if (!body_bytes || !*body_bytes) {
            throw RpcError{code::kInternal, "block body missing from the database"};
        }
        auto body = chain::decode_body(**body_bytes);
        if (!body) throw RpcError{code::kInternal, "stored block body does not decode"};
        return to_hex(chain::encode_block(
            chain::Block{block->header, std::move(body->transactions), std::move(body->evidence)}));
    });
    // Each receipt as it is in the receipts trie (typed: type byte, then its RLP).
    dispatcher.add("debug_getRawReceipts", [block_of](const Json& params) -> Json {
        const auto block = block_of(params);
        if (!block) return nullptr;
        Json out = Json::array();
        for (const auto& receipt : block->receipts)
            out.push_back(to_hex(chain::encode_receipt(receipt)));
        return out;
    });
    // geth's fields (hash, block as eth_getBlockByHash with full transactions, rlp) and the
    // reason the node refused it.
    dispatcher.add("debug_getBadBlocks", [&backend](const Json& params) -> Json {
        expect_at_most(params, 0);
        Json out = Json::array();
        for (const auto& bad : backend.bad_blocks()) {
            FullBlock view;
            view.header = bad.block.header;
            view.hash = bad.hash;
            view.transactions = bad.block.transactions;
            for (const auto& tx : bad.block.transactions) {
                view.transaction_hashes.push_back(chain::transaction_hash(tx));
            }
            const Bytes encoded = chain::encode_block(bad.block);
            view.size = encoded.size();
            out.push_back(Json{{"hash", to_hex(bad.hash)},
                               {"block", format_block(view, true)},
                               {"rlp", to_hex(encoded)},
                               {"reason", bad.reason}});
        }
        return out;
    });
    // What eth_sendRawTransaction took.
    dispatcher.add("debug_getRawTransaction", [reader, &backend](const Json& params) -> Json {
        expect_at_most(params, 1);
        const Hash32 hash = to_hash(*param(params, 0, "hash"), "hash");
        if (const auto location = reader->locate_transaction(hash)) {
            const auto block = reader->block(location->number);
            if (block && location->index < block->transactions.size()) {
                return to_hex(chain::encode(block->transactions[location->index]));
            }
        }
        if (const auto pooled = backend.pool().get(hash)) return to_hex(chain::encode(pooled->tx));
        return nullptr;
    });
}

}  // namespace qtm::rpc
