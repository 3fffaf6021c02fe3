#include "chain/stored_block.hpp"

namespace qtm::chain {

storage::StoredBlock stored_empty_block(const Header& header) {
    storage::StoredBlock block;
    block.number = header.number;
    block.header = encode_header(header);
    block.hash = block_hash(header);
    block.body = encode_body({});
    block.receipts = encode_receipts({});
    return block;
}

}  // namespace qtm::chain
