#include "recovery_support.hpp"

#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "base/hex.hpp"
#include "chain/chain_spec.hpp"
#include "chain/staking/abi.hpp"
#include "chain/staking/contract.hpp"
#include "chain/transaction.hpp"

namespace qtm::test {

namespace {

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in{path};
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in{text};
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

std::string key_of(const std::string& line) {
    const auto equals = line.find(" = ");
    return equals == std::string::npos ? std::string{} : line.substr(0, equals);
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// Every peer URL listed in the validators' node.toml files (each lists the others).
std::set<std::string> all_peers(const Cluster& cluster) {
    std::set<std::string> peers;
    for (int i = 0; i < cluster.size(); ++i) {
        for (const std::string& line : lines_of(read_text(cluster.node_dir(i) / "node.toml"))) {
            const auto start = line.find("\"qtm://");
            if (start == std::string::npos) continue;
            const auto end = line.find('"', start + 1);
            peers.insert(line.substr(start, end - start + 1));
        }
    }
    return peers;
}

}  // namespace

std::filesystem::path write_extra_node(const Cluster& cluster, const std::string& name,
                                       std::uint32_t port_base, std::optional<int> keystore_of) {
    const std::filesystem::path dir = cluster.net() / name;
    std::filesystem::create_directories(dir);
    const int model = keystore_of.value_or(0);
    const std::string source = read_text(cluster.node_dir(model) / "node.toml");
    const std::string model_dir = "../node" + std::to_string(model) + "/";
    const std::map<std::string, std::uint32_t> ports{{"p2p-port", 0},
                                                     {"http-port", 1},
                                                     {"ws-port", 2},
                                                     {"authrpc-port", 3},
                                                     {"metrics-port", 4}};
    std::string text = "# " + name + ": beside the validators of this testnet (a test)\n";
    bool in_peers = false;
    for (const std::string& line : lines_of(source)) {
        if (in_peers) {
            if (line == "]") in_peers = false;
            continue;
        }
        const std::string key = key_of(line);
        if (key == "persistent-peers") {
            in_peers = line.find(']') == std::string::npos;
            text += "persistent-peers = [\n";
            for (const std::string& peer : all_peers(cluster))
                text += "  " + peer + ",\n";
            text += "]\n";
        } else if (key == "validator-keystore" || key == "validator-password-file") {
            if (!keystore_of) continue;
            // The twin's keystore and password are the validator's own files.
            const auto quote = line.find('"');
            text += line.substr(0, quote + 1) + model_dir + line.substr(quote + 1) + "\n";
        } else if (const auto port = ports.find(key); port != ports.end()) {
            text += key + " = " + std::to_string(port_base + port->second) + "\n";
        } else if (key.empty() || line.front() == '#') {
            continue;
        } else {
            text += line + "\n";  // chain-spec, datadir ("data"), node-key-file, addresses
        }
    }
    const std::filesystem::path toml = dir / "node.toml";
    std::ofstream{toml} << text;
    const CliRun key = run_qtm("node-key new --out " + (dir / "node_key").string());
    if (key.status != 0) throw std::runtime_error("qtm node-key new: " + key.out + key.err);
    return toml;
}

namespace {

bool port_free(std::uint16_t port) {
    boost::asio::io_context context;
    boost::asio::ip::tcp::acceptor acceptor{context};
    boost::system::error_code error;
    const boost::asio::ip::tcp::endpoint endpoint{boost::asio::ip::address_v4::loopback(), port};
    acceptor.open(endpoint.protocol(), error);
    if (!error) acceptor.set_option(boost::asio::socket_base::reuse_address(true), error);
    if (!error) acceptor.bind(endpoint, error);
    return !error;
}

template <class Start>
auto start_retrying(std::uint32_t port_base, Start start) {
    for (int attempt = 1;; ++attempt) {
        wait_ports_free(port_base);
        try {
            return start();
        } catch (const std::runtime_error& error) {
            if (attempt == 3 || std::string_view{error.what()}.find("Address already in use") ==
                                    std::string_view::npos) {
                throw;
            }
            std::fprintf(stderr, "ports from %u: qtmd found one in use, starting again\n",
                         port_base);
        }
    }
}

}  // namespace

void wait_ports_free(std::uint32_t first) {
    const auto start = std::chrono::steady_clock::now();
    const bool free = wait_until(
        [first] {
            for (std::uint32_t port = first; port < first + 5; ++port) {
                if (!port_free(static_cast<std::uint16_t>(port))) return false;
            }
            return true;
        },
        std::chrono::seconds{75});
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - start)
                            .count();
    if (!free || waited > 1000) {
        std::fprintf(stderr, "ports %u..%u: %s after %lld ms\n", first, first + 4,
                     free ? "free" : "still in use", static_cast<long long>(waited));
    }
}

void start_node(Cluster& cluster, int i) {
    const std::uint32_t base = cluster.options().base_port + 10 * static_cast<std::uint32_t>(i);
    start_retrying(base, [&] {
        cluster.start(i);
        return 0;
    });
}

void start_all_nodes(Cluster& cluster) {
    for (int i = 0; i < cluster.size(); ++i)
        start_node(cluster, i);
}

std::unique_ptr<QtmdProcess> start_extra_node(const std::filesystem::path& toml,
                                              std::uint32_t port_base) {
    return start_retrying(port_base, [&] {
        return std::make_unique<QtmdProcess>(QtmdProcess::Arguments{}, toml.parent_path() / "qtmd",
                                             std::vector<std::string>{"--config", toml.string()});
    });
}

// ---- TransferLoad ----

TransferLoad::TransferLoad(Cluster& cluster, std::uint64_t chain_id, std::uint32_t dev_index,
                           int target, std::chrono::milliseconds interval)
    : cluster_{cluster},
      chain_id_{chain_id},
      key_{crypto::SignatureScheme::kMlDsa44, chain::dev_account_seed(dev_index)},
      interval_{interval},
      target_{target} {
    thread_ = std::thread{[this] { run(); }};
}

TransferLoad::~TransferLoad() {
    stop();
}

void TransferLoad::stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
}

void TransferLoad::retarget(int target) {
    std::lock_guard lock{mutex_};
    target_ = target;
}

int TransferLoad::target() const {
    std::lock_guard lock{mutex_};
    return target_;
}

std::string TransferLoad::sender() const {
    return to_hex(key_.address());
}

void TransferLoad::run() {
    Address recipient{};
    recipient.fill(0x7e);
    std::uint64_t nonce = 0;
    bool nonce_known = false;  // else re-read from the pool
    std::uint64_t last_count = 0;
    auto last_progress = std::chrono::steady_clock::now();
    auto last_check = last_progress;
    const Json address = sender();
    while (!stopping_) {
        {
            std::lock_guard lock{mutex_};
            try {
                if (cluster_.running(target_)) {
                    const QtmdProcess& node = cluster_.node(target_);
                    const auto count_of = [&](const char* tag) -> std::optional<std::uint64_t> {
                        const Json answer =
                            node.call("eth_getTransactionCount", Json::array({address, tag}));
                        if (!answer.contains("result")) return std::nullopt;
                        return std::stoull(answer.at("result").get<std::string>(), nullptr, 16);
                    };
                    // The account stops moving when a transfer was lost with a killed node
                    // (its successors wait in a pool for ever): send again from the pool's
                    // next nonce.
                    const auto now = std::chrono::steady_clock::now();
                    if (!nonce_known || now - last_progress > std::chrono::seconds{5}) {
                        const auto pending = count_of("pending");
                        nonce_known = pending.has_value();
                        nonce = pending.value_or(0);
                        last_progress = now;
                    }
                    // Once a second: each call is a TCP connection, and each one closed
                    // leaves a TIME_WAIT socket on an ephemeral port (see wait_ports_free).
                    if (now - last_check > std::chrono::seconds{1}) {
                        last_check = now;
                        if (const auto count = count_of("latest"); count && *count != last_count) {
                            last_count = *count;
                            last_progress = now;
                        }
                    }
                    if (nonce_known) {
                        const chain::Transaction tx =
                            signed_transfer(key_, chain_id_, nonce, recipient, 1);
                        const Json sent = node.call("eth_sendRawTransaction",
                                                    Json::array({to_hex(chain::encode(tx))}));
                        if (sent.contains("result")) {
                            ++nonce;
                            ++accepted_;
                        } else {
                            ++refused_;
                            nonce_known = false;
                        }
                    }
                }
            } catch (const std::exception&) {
                // The node went away between the check and the call: try again.
                ++refused_;
                nonce_known = false;
            }
        }
        std::this_thread::sleep_for(interval_);
    }
}

// ---- FinalizedRecord ----

std::string block_hash_at(const QtmdProcess& node, std::uint64_t number) {
    try {
        const Json block =
            node.call("eth_getBlockByNumber", Json::array({hex_quantity(number), false}));
        if (!block.contains("result") || block.at("result").is_null()) return "";
        return block.at("result").at("hash").get<std::string>();
    } catch (const std::exception&) {
        return "";
    }
}

bool FinalizedRecord::record(Cluster& cluster, int i) {
    return record_process(cluster.node(i), "node" + std::to_string(i));
}

bool FinalizedRecord::record_process(const QtmdProcess& node, const std::string& name) {
    std::uint64_t head = 0;
    try {
        head = block_number(node);
    } catch (const std::exception&) {
        return true;  // not answering now: read later
    }
    std::uint64_t& next = next_of_[name];
    next = std::max<std::uint64_t>(next, 1);
    for (; next <= head; ++next) {
        const std::string hash = block_hash_at(node, next);
        if (hash.empty()) {
            ADD_FAILURE() << name << " reports head " << head << " but has no block " << next;
            return false;
        }
        const auto [it, inserted] = hashes_.emplace(next, hash);
        if (!inserted && it->second != hash) {
            ADD_FAILURE() << "finalized block " << next << " changed: " << it->second
                          << " recorded, " << hash << " on " << name;
            return false;
        }
    }
    return true;
}

bool FinalizedRecord::verify_all(Cluster& cluster, int i) {
    const QtmdProcess& node = cluster.node(i);
    for (const auto& [number, hash] : hashes_) {
        const std::string there = block_hash_at(node, number);
        if (there != hash) {
            ADD_FAILURE() << "node " << i << " block " << number << ": "
                          << (there.empty() ? std::string{"missing"} : there) << ", recorded "
                          << hash;
            return false;
        }
    }
    return true;
}

std::uint64_t FinalizedRecord::highest() const {
    return hashes_.empty() ? 0 : hashes_.rbegin()->first;
}

// ---- staking ----

Json staking_logs(const QtmdProcess& node, std::string_view event) {
    const Json filter = {{"fromBlock", "0x0"},
                         {"toBlock", "latest"},
                         {"address", to_hex(chain::staking_address())},
                         {"topics", Json::array({to_hex(chain::abi::event_topic(event))})}};
    const Json answer = node.call("eth_getLogs", Json::array({filter}));
    if (!answer.contains("result")) {
        ADD_FAILURE() << "eth_getLogs: " << answer.dump();
        return Json::array();
    }
    return answer.at("result");
}

Json validator_entry(const QtmdProcess& node, const std::string& address) {
    const Json answer = node.call("qtm_getValidators", Json::array({"latest"}));
    if (!answer.contains("result")) {
        ADD_FAILURE() << "qtm_getValidators: " << answer.dump();
        return nullptr;
    }
    for (const Json& entry : answer.at("result").at("validators")) {
        if (lower(entry.at("address").get<std::string>()) == lower(address)) return entry;
    }
    return nullptr;
}

std::string validator_address(const Cluster& cluster, int i) {
    const auto spec = chain::load_chain_spec((cluster.net() / "spec.json").string());
    if (!spec) throw std::runtime_error("spec.json: " + spec.error().message);
    return to_hex(spec->validators.at(static_cast<std::size_t>(i)).address);
}

void expect_db_check_passes(const std::filesystem::path& datadir) {
    const CliRun check = run_qtm("db check --quiet " + datadir.string());
    EXPECT_EQ(check.status, 0) << "qtm db check " << datadir << ":\n" << check.out << check.err;
}

bool reports_double_signing(const std::string& output) {
    return output.find("double signing by validator") != std::string::npos;
}

namespace {

std::uint64_t highest_head(Cluster& cluster, int except) {
    std::uint64_t head = 0;
    for (int i = 0; i < cluster.size(); ++i) {
        if (i == except || !cluster.running(i)) continue;
        try {
            head = std::max(head, block_number(cluster.node(i)));
        } catch (const std::exception&) {
        }
    }
    return head;
}

}  // namespace

void run_crash_cycles(Cluster& cluster, const CrashCycles& options) {
    const auto started = std::chrono::steady_clock::now();
    std::vector<int> all;
    for (int i = 0; i < cluster.size(); ++i) {
        all.push_back(i);
        if (!cluster.running(i)) start_node(cluster, i);
    }
    ASSERT_TRUE(cluster.all_reach(all, 2, std::chrono::seconds{120})) << cluster.logs();
    TransferLoad load{cluster, options.chain_id, 2, 0};
    FinalizedRecord record;
    std::mt19937 random{options.seed};
    const auto n = static_cast<unsigned>(cluster.size());
    for (int cycle = 0; cycle < options.cycles; ++cycle) {
        const auto cycle_start = std::chrono::steady_clock::now();
        const int victim = static_cast<int>(random() % n);
        if (load.target() == victim) {
            const int other = 1 + static_cast<int>(random() % (n - 1));
            load.retarget((victim + other) % cluster.size());
        }
        for (int i : all)
            ASSERT_TRUE(record.record(cluster, i)) << "cycle " << cycle;
        ASSERT_FALSE(reports_double_signing(cluster.node(victim).current_output()))
            << "cycle " << cycle << ", node " << victim << ":\n"
            << cluster.node(victim).current_output();
        const std::uint64_t at_kill = highest_head(cluster, victim);
        cluster.kill(victim);
        // What the crash left must be consistent (the node was killed mid-whatever).
        expect_db_check_passes(cluster.node_dir(victim) / "data");
        if (::testing::Test::HasFailure()) {
            ADD_FAILURE() << "cycle " << cycle << ": node " << victim << " killed at block ~"
                          << at_kill;
            return;
        }
        // Half the time the others finalize without it first (3 of 4 are a quorum); else it
        // comes back at once, into the height it was voting in (its WAL must keep it from
        // signing anything else there).
        const bool wait_for_others = random() % 2 == 0;
        if (wait_for_others) {
            ASSERT_TRUE(wait_until([&] { return highest_head(cluster, victim) > at_kill; },
                                   std::chrono::seconds{60}))
                << "cycle " << cycle << ": the others stopped at " << at_kill << "\n"
                << cluster.logs();
        }
        start_node(cluster, victim);
        const std::uint64_t target = highest_head(cluster, victim);
        ASSERT_TRUE(cluster.all_reach({victim}, target, std::chrono::seconds{90}))
            << "cycle " << cycle << ": node " << victim << " does not catch up to " << target
            << "\n"
            << cluster.logs();
        if (options.cycles <= 20 || cycle % 50 == 0) {
            const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - cycle_start)
                                .count();
            std::printf("cycle %d: node %d killed at ~%llu%s, caught up to %llu, %lld ms\n", cycle,
                        victim, static_cast<unsigned long long>(at_kill),
                        wait_for_others ? " (the others went on)" : " (restarted at once)",
                        static_cast<unsigned long long>(target), static_cast<long long>(ms));
            std::fflush(stdout);
        }
    }
    load.stop();
    EXPECT_GT(load.accepted(), 0u);
    const std::uint64_t final_height = highest_head(cluster, -1) + 1;
    ASSERT_TRUE(cluster.all_reach(all, final_height, std::chrono::seconds{90})) << cluster.logs();
    for (int i : all) {
        EXPECT_TRUE(record.record(cluster, i));
        EXPECT_TRUE(record.verify_all(cluster, i));
        EXPECT_FALSE(reports_double_signing(cluster.node(i).current_output()))
            << "node " << i << ":\n"
            << cluster.node(i).current_output();
    }
    const QtmdProcess& reader = cluster.node(0);
    EXPECT_EQ(staking_logs(reader, chain::staking::signature::kSlashed), Json::array());
    EXPECT_EQ(staking_logs(reader, chain::staking::signature::kTombstoned), Json::array());
    EXPECT_EQ(staking_logs(reader, chain::staking::signature::kJailed), Json::array());
    for (int i : all) {
        const Json entry = validator_entry(reader, validator_address(cluster, i));
        ASSERT_FALSE(entry.is_null()) << "validator " << i << " left the set";
        EXPECT_EQ(entry.value("jailed", true), false) << entry.dump();
        EXPECT_EQ(entry.value("tombstoned", true), false) << entry.dump();
    }
    for (int i : all) {
        EXPECT_EQ(cluster.stop(i, SIGTERM), 0) << "node " << i;
        expect_db_check_passes(cluster.node_dir(i) / "data");
    }
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started)
            .count();
    std::printf(
        "crash cycles: %d cycles (seed %u), %zu finalized blocks recorded, %llu transfers "
        "accepted (%llu refused), %lld s\n",
        options.cycles, options.seed, record.size(),
        static_cast<unsigned long long>(load.accepted()),
        static_cast<unsigned long long>(load.refused()), static_cast<long long>(seconds));
}

}  // namespace qtm::test
