#include "trace_support.hpp"

#include <stdexcept>

#include "base/hex.hpp"
#include "trie/trie.hpp"

namespace qtm::test {

Address address_of(std::uint16_t low) {
    Address address{};
    address[18] = static_cast<std::uint8_t>(low >> 8);
    address[19] = static_cast<std::uint8_t>(low & 0xff);
    return address;
}

Bytes code(const std::string& listing) {
    std::string hex;
    for (std::size_t i = 0; i < listing.size(); ++i) {
        const char c = listing[i];
        if (c == ' ' || c == '\n') continue;
        if (c == '<') {
            const std::size_t end = listing.find('>', i);
            const std::string tag = listing.substr(i + 1, end - i - 1);  // addr:XXXX
            const auto low = static_cast<std::uint16_t>(std::stoul(tag.substr(5), nullptr, 16));
            hex += "73" + to_hex(address_of(low), false);
            i = end;
            continue;
        }
        hex += c;
    }
    auto bytes = from_hex(hex, HexPrefix::kOptional);
    if (!bytes) throw std::invalid_argument{"bad listing: " + listing};
    return *bytes;
}

TraceWorld::TraceWorld()
    : db_{storage::make_memory_database()},
      world_{std::make_unique<state::WorldState>(*db_, trie::kEmptyRoot)},
      cache_{64},
      sender_{address_of(0x5e5e)} {
    world_->add_balance(sender_, U256{1'000'000'000'000'000'000ull});
    world_->finalize_transaction();
}

void TraceWorld::deploy(const Address& address, Bytes bytecode, std::uint64_t balance) {
    world_->create_contract(address);
    world_->set_nonce(address, 1);
    world_->set_code(address, std::move(bytecode));
    if (balance != 0) world_->add_balance(address, U256{balance});
    world_->finalize_transaction();
}

state::TxOutcome TraceWorld::run(std::optional<Address> to, evm::Tracer* tracer,
                                 std::int64_t gas_limit, Bytes data, std::uint64_t value) {
    state::BlockEnv env;
    env.coinbase = address_of(0xc0c0);
    env.number = 1;
    env.timestamp = 1000;
    env.gas_limit = 30'000'000;
    env.base_fee = U256{1'000'000'000};
    env.chain_id = U256{1};
    state::TxParams tx;
    tx.sender = sender_;
    tx.to = to;
    tx.nonce = nonce_;
    tx.value = U256{value};
    tx.data = std::move(data);
    tx.gas_limit = gas_limit;
    tx.max_fee_per_gas = U256{2'000'000'000};
    tx.max_priority_fee_per_gas = U256{0};
    tx.intrinsic_gas = state::ethereum_intrinsic_gas(tx.data, !to, {});
    auto outcome = state::apply_transaction(*world_, env, tx, env.gas_limit, cache_, tracer);
    if (!outcome) throw std::runtime_error{std::string{state::to_string(outcome.error())}};
    ++nonce_;
    return *outcome;
}

}  // namespace qtm::test
