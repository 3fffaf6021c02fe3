#include "staking_support.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "chain/chain_spec.hpp"
#include "evm/revert_reason.hpp"
#include "trie/trie.hpp"

namespace qtm::chain::staking::testing {

Bytes call_data(std::string_view signature, const abi::Writer& args) {
    const auto selector = abi::selector(signature);
    Bytes data(selector.begin(), selector.end());
    const Bytes encoded = args.finish();
    data.insert(data.end(), encoded.begin(), encoded.end());
    return data;
}

const AccountKey& consensus_key(std::uint32_t index) {
    static const std::vector<AccountKey> keys = [] {
        std::vector<AccountKey> out;
        for (std::uint32_t i = 0; i < 4; ++i) {
            ByteArray<32> seed{};
            seed.fill(static_cast<std::uint8_t>(0xc0 + i));
            out.emplace_back(crypto::SignatureScheme::kMlDsa65, seed);
        }
        return out;
    }();
    return keys.at(index);
}

Bytes proof_of_possession(const AccountKey& key, const Address& operator_address,
                          std::uint64_t chain_id) {
    return key.sign(pop_message(operator_address, chain_id), kPopContext);
}

Bytes create_validator_data(const AccountKey& key, const Bytes& pop, const Address& reward,
                            std::uint64_t commission_bps) {
    return call_data(signature::kCreateValidator, abi::Writer{}
                                                      .uint(crypto::to_byte(key.scheme()))
                                                      .bytes(key.public_key())
                                                      .bytes(pop)
                                                      .address(reward)
                                                      .uint(commission_bps));
}

GenesisChain make_genesis_chain(const ChainSpec& spec) {
    GenesisChain chain{spec, storage::make_memory_database(), {}};
    storage::WriteBatch batch;
    auto genesis = build_genesis(chain.spec, *chain.db, batch);
    EXPECT_TRUE(genesis.has_value());
    EXPECT_TRUE(chain.db->write(batch, false).has_value());
    if (genesis) chain.header = genesis->block.header;
    return chain;
}

Address test_address(std::uint8_t fill) {
    Address address{};
    address.fill(fill);
    return address;
}

StakingHarness::StakingHarness(ContractParams params)
    : params_{std::move(params)},
      db_{storage::make_memory_database()},
      world_{*db_, trie::kEmptyRoot} {
    natives_.add(staking_address(), std::make_shared<StakingContract>(params_));
    world_.set_nonce(staking_address(), 1);  // as the genesis leaves it (build_genesis)
    (void)world_.finalize_transaction();
}

CallResult StakingHarness::call(const Address& sender, const Bytes& data, const Options& options) {
    evm::TxContext context;
    context.timestamp = static_cast<std::int64_t>(options.timestamp);
    context.number = options.number;
    context.chain_id = U256{params_.chain_id};
    context.origin = sender;
    state::StateHost host{world_, context, {}, cache_, &natives_};
    evm::Message message;
    message.kind = options.kind;
    message.is_static = options.is_static;
    message.gas = options.gas;
    message.sender = sender;
    message.recipient = options.kind == evm::CallKind::kCall ? staking_address() : sender;
    message.code_address = staking_address();
    message.input = data;
    message.value = options.value;
    evm::ExecutionResult result = host.call(message);
    CallResult out;
    out.status = result.status;
    out.gas_used = options.gas - result.gas_left;
    out.output = std::move(result.output);
    if (out.status == evm::Status::kRevert) {
        out.reason = evm::decode_error_string(out.output).value_or("(not an Error(string))");
    }
    out.logs = world_.finalize_transaction();
    return out;
}

}  // namespace qtm::chain::staking::testing
