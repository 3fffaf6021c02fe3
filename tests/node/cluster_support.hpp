// A local validator network for tests: `qtm testnet init --validators N` into a scratch
// directory, then one real qtmd per node from its node.toml. Tests start, kill and restart
// nodes and read them over JSON-RPC. Each test picks its own base port (ports base..base+10N)
// so that tests running in parallel never share one, below Linux's ephemeral range
// (32768-60999): there a test's own RPC client sockets, in TIME_WAIT after each call, would
// take a node's port from it now and then.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "chain/keys.hpp"
#include "chain/transaction.hpp"
#include "node_support.hpp"

namespace qtm::test {

struct ClusterOptions {
    int validators{4};
    std::uint64_t chain_id{9922};
    std::uint64_t block_time_ms{1000};
    std::uint32_t base_port{23100};
    std::string prefix{"qtm-cluster"};  // the scratch directory's name
};

class Cluster {
public:
    // Runs `qtm testnet init`; throws std::runtime_error when it fails.
    explicit Cluster(ClusterOptions options);

    [[nodiscard]] int size() const noexcept { return options_.validators; }
    [[nodiscard]] const ClusterOptions& options() const noexcept { return options_; }
    [[nodiscard]] std::filesystem::path net() const { return dir_.path() / "net"; }
    [[nodiscard]] std::filesystem::path node_dir(int i) const;
    [[nodiscard]] std::filesystem::path scratch() const { return dir_.path(); }

    // Starts node i (`qtmd --config nodeI/node.toml <extra...>`); waits for its banner.
    void start(int i, const std::vector<std::string>& extra = {});
    void start_all();
    [[nodiscard]] bool running(int i) const;
    QtmdProcess& node(int i);
    void kill(int i);                    // SIGKILL
    int stop(int i, int signal_number);  // a signal, then the exit status

    // The hash of block `number` on node i ("" when it does not have it).
    [[nodiscard]] std::string hash_at(int i, std::uint64_t number);
    // Whether every node in `which` reaches `height` within `timeout`.
    [[nodiscard]] bool all_reach(const std::vector<int>& which, std::uint64_t height,
                                 std::chrono::seconds timeout = std::chrono::seconds{60});
    // A test failure for every node in `which` whose block `number` differs from node
    // which[0]'s (or is missing).
    void expect_same_block(const std::vector<int>& which, std::uint64_t number);
    // One JSON-RPC call to node i's JWT-authenticated admin endpoint (admin_*), signed with
    // the secret the node created in its data directory.
    [[nodiscard]] Json admin_call(int i, const std::string& method,
                                  const Json& params = Json::array());
    // The last `bytes` of every running node's log, for failure messages.
    [[nodiscard]] std::string logs(std::size_t bytes = 3000);

private:
    ClusterOptions options_;
    TestDir dir_;
    std::vector<std::unique_ptr<QtmdProcess>> nodes_;
};

// A signed EIP-1559 transfer of `value` wei from `key` with `nonce` on chain `chain_id`.
[[nodiscard]] chain::Transaction signed_transfer(const chain::AccountKey& key,
                                                 std::uint64_t chain_id, std::uint64_t nonce,
                                                 const Address& to, std::uint64_t value);

}  // namespace qtm::test
