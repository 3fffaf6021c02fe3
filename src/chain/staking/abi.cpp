#include "chain/staking/abi.hpp"

#include <algorithm>

#include "crypto/keccak.hpp"

namespace qtm::chain::abi {

namespace {

constexpr std::size_t kWord = 32;

std::size_t padded(std::size_t size) {
    return (size + kWord - 1) / kWord * kWord;
}

}  // namespace

Selector selector(std::string_view signature) {
    const Hash32 hash = crypto::keccak256(
        ByteView{reinterpret_cast<const std::uint8_t*>(signature.data()), signature.size()});
    return Selector{hash[0], hash[1], hash[2], hash[3]};
}

Hash32 event_topic(std::string_view signature) {
    return crypto::keccak256(
        ByteView{reinterpret_cast<const std::uint8_t*>(signature.data()), signature.size()});
}

Hash32 word_topic(const U256& value) {
    return value.to_be_bytes();
}

U256 address_word(const Address& address) {
    return U256::from_be_bytes(address);
}

std::optional<U256> Reader::word(std::size_t index) const {
    if (index >= args_.size() / kWord) return std::nullopt;
    return U256::from_be_bytes(args_.subspan(index * kWord, kWord));
}

std::optional<std::uint64_t> Reader::uint(std::size_t index, unsigned bits) const {
    const auto value = word(index);
    if (!value || value->bit_length() > bits || !value->fits_uint64()) return std::nullopt;
    return (*value)[0];
}

std::optional<Address> Reader::address(std::size_t index) const {
    const auto value = word(index);
    if (!value || value->bit_length() > 160) return std::nullopt;
    const auto bytes = value->to_be_bytes();
    Address out{};
    std::copy(bytes.begin() + 12, bytes.end(), out.begin());
    return out;
}

std::optional<bool> Reader::boolean(std::size_t index) const {
    const auto value = uint(index, 1);
    if (!value) return std::nullopt;
    return *value == 1;
}

std::optional<Bytes> Reader::bytes(std::size_t index) const {
    const auto offset = uint(index, 32);
    if (!offset || *offset % kWord != 0 || *offset > args_.size() ||
        args_.size() - *offset < kWord) {
        return std::nullopt;
    }
    const auto length = Reader{args_.subspan(*offset)}.uint(0, 32);
    const std::size_t start = *offset + kWord;
    if (!length || *length > args_.size() - start) return std::nullopt;
    // solc's decoder also wants the padding present (its calldata bounds check).
    if (padded(*length) > args_.size() - start) return std::nullopt;
    const auto view = args_.subspan(start, *length);
    return Bytes(view.begin(), view.end());
}

Writer& Writer::word(const U256& value) {
    items_.push_back(Item{value, false, {}});
    return *this;
}

Writer& Writer::bytes(ByteView value) {
    items_.push_back(Item{{}, true, Bytes(value.begin(), value.end())});
    return *this;
}

Bytes Writer::finish() const {
    Bytes head;
    Bytes tail;
    const std::size_t head_size = items_.size() * kWord;
    for (const auto& item : items_) {
        ByteArray<32> encoded{};
        if (item.dynamic) {
            encoded = U256{head_size + tail.size()}.to_be_bytes();
            const auto length = U256{item.data.size()}.to_be_bytes();
            tail.insert(tail.end(), length.begin(), length.end());
            tail.insert(tail.end(), item.data.begin(), item.data.end());
            tail.resize(tail.size() + padded(item.data.size()) - item.data.size(), 0);
        } else {
            encoded = item.word.to_be_bytes();
        }
        head.insert(head.end(), encoded.begin(), encoded.end());
    }
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
}

}  // namespace qtm::chain::abi
