#include "cluster_support.hpp"

#include <signal.h>

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <stdexcept>

#include "base/hex.hpp"
#include "rpc/jwt.hpp"

namespace qtm::test {

Cluster::Cluster(ClusterOptions options)
    : options_{std::move(options)},
      dir_{options_.prefix},
      nodes_(static_cast<std::size_t>(options_.validators)) {
    const CliRun init =
        run_qtm("testnet init --validators " + std::to_string(options_.validators) +
                " --chain-id " + std::to_string(options_.chain_id) + " --block-time " +
                std::to_string(options_.block_time_ms) + " --base-port " +
                std::to_string(options_.base_port) + " --out " + net().string());
    if (init.status != 0) {
        throw std::runtime_error("qtm testnet init failed: " + init.out + init.err);
    }
}

std::filesystem::path Cluster::node_dir(int i) const {
    return net() / ("node" + std::to_string(i));
}

void Cluster::start(int i, const std::vector<std::string>& extra) {
    std::vector<std::string> arguments{"--config", (node_dir(i) / "node.toml").string()};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    nodes_.at(static_cast<std::size_t>(i)).reset();
    nodes_.at(static_cast<std::size_t>(i)) =
        std::make_unique<QtmdProcess>(QtmdProcess::Arguments{}, node_dir(i), arguments);
}

void Cluster::start_all() {
    for (int i = 0; i < size(); ++i)
        start(i);
}

bool Cluster::running(int i) const {
    return nodes_.at(static_cast<std::size_t>(i)) != nullptr;
}

QtmdProcess& Cluster::node(int i) {
    auto& process = nodes_.at(static_cast<std::size_t>(i));
    if (!process) throw std::logic_error("node " + std::to_string(i) + " is not running");
    return *process;
}

void Cluster::kill(int i) {
    node(i).kill_hard();
    nodes_.at(static_cast<std::size_t>(i)).reset();
}

int Cluster::stop(int i, int signal_number) {
    const int status = node(i).terminate(signal_number);
    nodes_.at(static_cast<std::size_t>(i)).reset();
    return status;
}

std::string Cluster::hash_at(int i, std::uint64_t number) {
    const Json block =
        node(i).call("eth_getBlockByNumber", Json::array({hex_quantity(number), false}));
    if (!block.contains("result") || block.at("result").is_null()) return "";
    return block.at("result").at("hash").get<std::string>();
}

bool Cluster::all_reach(const std::vector<int>& which, std::uint64_t height,
                        std::chrono::seconds timeout) {
    return wait_until(
        [&] {
            for (int i : which) {
                if (block_number(node(i)) < height) return false;
            }
            return true;
        },
        timeout);
}

void Cluster::expect_same_block(const std::vector<int>& which, std::uint64_t number) {
    ASSERT_FALSE(which.empty());
    const std::string expected = hash_at(which.front(), number);
    EXPECT_FALSE(expected.empty()) << "node " << which.front() << " has no block " << number;
    for (std::size_t k = 1; k < which.size(); ++k) {
        EXPECT_EQ(hash_at(which[k], number), expected)
            << "block " << number << " on node " << which[k];
    }
}

Json Cluster::admin_call(int i, const std::string& method, const Json& params) {
    std::ifstream in{node_dir(i) / "data" / "jwtsecret"};
    std::string hex;
    in >> hex;
    const auto secret = from_hex_fixed<32>(hex);
    if (!secret) throw std::runtime_error("node " + std::to_string(i) + " has no jwtsecret");
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const Json request{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
    const auto [status, body] =
        node(i).post_to(node(i).admin_port(), request.dump(),
                        {{"Authorization", "Bearer " + rpc::make_jwt(*secret, now)}});
    if (status != 200) {
        throw std::runtime_error(method + " on node " + std::to_string(i) + ": HTTP " +
                                 std::to_string(status) + " " + body);
    }
    return Json::parse(body);
}

std::string Cluster::logs(std::size_t bytes) {
    std::string text;
    for (int i = 0; i < size(); ++i) {
        if (!running(i)) continue;
        const std::string out = node(i).current_output();
        text += "---- node " + std::to_string(i) + " (last " + std::to_string(bytes) + " bytes)\n" +
                out.substr(out.size() > bytes ? out.size() - bytes : 0);
    }
    return text;
}

chain::Transaction signed_transfer(const chain::AccountKey& key, std::uint64_t chain_id,
                                   std::uint64_t nonce, const Address& to, std::uint64_t value) {
    chain::Transaction tx;
    tx.chain_id = chain_id;
    tx.nonce = nonce;
    tx.max_priority_fee_per_gas = U256{1'000'000'000};
    tx.max_fee_per_gas = U256{100'000'000'000};
    tx.gas_limit = 100'000;
    tx.to = to;
    tx.value = U256{value};
    chain::sign_transaction(tx, key, /*include_key=*/true);
    return tx;
}

}  // namespace qtm::test
