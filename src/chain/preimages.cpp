#include "chain/preimages.hpp"

#include <algorithm>

#include "codec/rlp.hpp"
#include "crypto/keccak.hpp"

namespace qtm::chain {

void Preimages::add_address(const Address& address) {
    addresses.emplace(crypto::keccak256(address), address);
}

void Preimages::add_slot(const Hash32& slot) {
    slots.emplace(crypto::keccak256(slot), slot);
}

void Preimages::add_flat_tables(const storage::ReadView& view) {
    (void)view.for_each(storage::Column::kFlatAccounts, {}, {}, [&](ByteView key, ByteView) {
        if (key.size() == 20) {
            Address address;
            std::copy(key.begin(), key.end(), address.begin());
            add_address(address);
        }
        return true;
    });
    (void)view.for_each(storage::Column::kFlatStorage, {}, {}, [&](ByteView key, ByteView) {
        if (key.size() == 52) {
            Address address;
            std::copy(key.begin(), key.begin() + 20, address.begin());
            add_address(address);
            Hash32 slot;
            std::copy(key.begin() + 20, key.end(), slot.begin());
            add_slot(slot);
        }
        return true;
    });
}

void Preimages::add_spec(const ChainSpec& spec) {
    for (const auto& [address, account] : spec.alloc)
        add_address(address);
    add_address(staking_address());
}

void Preimages::add_block(const Header& header, const std::vector<Transaction>& transactions) {
    add_address(header.proposer);
    for (const auto& txn : transactions) {
        add_address(txn.from);
        if (txn.to) {
            add_address(*txn.to);
        } else {
            add_address(created_address(txn.from, txn.nonce));
        }
    }
}

Address created_address(const Address& sender, std::uint64_t nonce) {
    Bytes payload;
    rlp::append_string(payload, sender);
    rlp::append_uint(payload, nonce);
    const Hash32 hash = crypto::keccak256(rlp::encode_list(payload));
    Address address;
    std::copy(hash.begin() + 12, hash.end(), address.begin());
    return address;
}

}  // namespace qtm::chain
