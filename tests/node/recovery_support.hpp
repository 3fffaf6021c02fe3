// Helpers for the crash and recovery tests of a validator network (test::Cluster): extra
// nodes beside the validators (a full node, a twin of a validator), a background load of
// signed transfers, a record of the finalized hashes seen, and the staking logs and
// validator records read over JSON-RPC.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "cluster_support.hpp"

namespace qtm::test {

// Writes DIR/node.toml for a node beside the cluster's validators (DIR = net()/name, so that
// "../spec.json" is the cluster's spec): node 0's settings, every validator as a persistent
// peer, ports port_base+{0 p2p, 1 http, 2 ws, 3 authrpc, 4 metrics}, its own datadir and a
// fresh node key (`qtm node-key new`). Without `keystore_of` a full node (no validator
// keystore); with it, the validator keystore and password of that validator (a twin).
// Returns the node.toml path; throws std::runtime_error when something fails.
std::filesystem::path write_extra_node(const Cluster& cluster, const std::string& name,
                                       std::uint32_t port_base,
                                       std::optional<int> keystore_of = std::nullopt);

// Starts `qtmd --config <toml>` (waits for its banner), as start_node does.
std::unique_ptr<QtmdProcess> start_extra_node(const std::filesystem::path& toml,
                                              std::uint32_t port_base);

// The fixed ports are in the system's ephemeral range (32768-60999), so a client socket of
// any process can hold one: an RPC call's connection, once closed, stays in TIME_WAIT for
// 60 s on its ephemeral port, and that blocks a listener's bind there (SO_REUSEADDR does
// not help: the client socket did not set it). With thousands of test RPC calls, one of a
// node's five ports is often taken. Waits (up to 75 s) until the five ports from `first`
// can be bound on 127.0.0.1.
void wait_ports_free(std::uint32_t first);
// Cluster::start(i) once node i's ports are free, tried again when qtmd still finds one in
// use.
void start_node(Cluster& cluster, int i);
void start_all_nodes(Cluster& cluster);

// A stream of signed transfers from a dev-funded account (chain::dev_account_seed) sent to
// one running node of the cluster from a background thread, nonces increasing (re-read
// from the node's pool when a send is refused or the account stops moving). The target is
// only touched under the load's lock: retarget() before killing the node it sends to.
class TransferLoad {
public:
    TransferLoad(Cluster& cluster, std::uint64_t chain_id, std::uint32_t dev_index, int target,
                 std::chrono::milliseconds interval = std::chrono::milliseconds{100});
    ~TransferLoad();
    TransferLoad(const TransferLoad&) = delete;
    TransferLoad& operator=(const TransferLoad&) = delete;

    void retarget(int target);
    [[nodiscard]] int target() const;
    void stop();
    [[nodiscard]] std::uint64_t accepted() const noexcept { return accepted_.load(); }
    [[nodiscard]] std::uint64_t refused() const noexcept { return refused_.load(); }
    [[nodiscard]] std::string sender() const;  // 0x-address

private:
    void run();

    Cluster& cluster_;
    std::uint64_t chain_id_;
    chain::AccountKey key_;
    std::chrono::milliseconds interval_;
    mutable std::mutex mutex_;
    int target_;
    std::atomic<bool> stopping_{false};
    std::atomic<std::uint64_t> accepted_{0};
    std::atomic<std::uint64_t> refused_{0};
    std::thread thread_;
};

// The hash of every finalized block seen on any node, by height: a height answered with two
// different hashes (a finalized block changed), or one a node had and lost, is a failure.
class FinalizedRecord {
public:
    // Reads node i's blocks from the last height recorded for it up to its head; false (and
    // a test failure naming the height) when a hash differs from the one recorded.
    bool record(Cluster& cluster, int i);
    bool record_process(const QtmdProcess& node, const std::string& name);
    // Every recorded height on node i, compared with the record.
    bool verify_all(Cluster& cluster, int i);
    [[nodiscard]] std::uint64_t highest() const;
    [[nodiscard]] std::size_t size() const noexcept { return hashes_.size(); }

private:
    std::map<std::uint64_t, std::string> hashes_;
    std::map<std::string, std::uint64_t> next_of_;  // per node: the next height to read
};

// The block hash at `number` on `node` ("" when absent or the node does not answer).
[[nodiscard]] std::string block_hash_at(const QtmdProcess& node, std::uint64_t number);

// The staking address's logs with `event` (e.g. "Slashed(address,uint64,uint256,uint8)") as
// topic 0, over blocks 0..latest, from eth_getLogs on `node`.
[[nodiscard]] Json staking_logs(const QtmdProcess& node, std::string_view event);

// qtm_getValidators' entry for the validator with consensus address `address`
// (case-insensitive), or null when it is not in the active set.
[[nodiscard]] Json validator_entry(const QtmdProcess& node, const std::string& address);

// The consensus address of validator i (from the spec the cluster wrote), 0x-hex.
[[nodiscard]] std::string validator_address(const Cluster& cluster, int i);

// `qtm db check --quiet DATADIR`: a test failure with its output when it is not exit 0.
void expect_db_check_passes(const std::filesystem::path& datadir);

// Whether `output` (a node's log) reports double signing found ("double signing by
// validator"), the driver's EvidenceFound.
[[nodiscard]] bool reports_double_signing(const std::string& output);

// Crash cycles under load on a started cluster: `cycles` times a random validator is killed
// (SIGKILL) while a TransferLoad sends to another one, its data directory is checked
// (`qtm db check`, the state a crash left), and it is restarted (at once, or once the others
// finalized a block without it) and must catch up. Every finalized hash seen is recorded;
// at the end no height changed or went missing on any node, no node reported double
// signing, the chain holds no Slashed or Tombstoned log and no validator is jailed, and
// every node stops cleanly (SIGTERM, exit 0) with a database `qtm db check` passes.
struct CrashCycles {
    int cycles{3};
    std::uint32_t seed{1};
    std::uint64_t chain_id{9922};
};
void run_crash_cycles(Cluster& cluster, const CrashCycles& options);

}  // namespace qtm::test
