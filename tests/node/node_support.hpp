// Helpers for tests that run a real qtmd: start it as a child process on a free port, talk
// JSON-RPC to it over HTTP, kill it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace qtm::test {

using Json = nlohmann::json;

// The directory holding this test binary (where qtmd and qtm are built too).
[[nodiscard]] std::filesystem::path bin_dir();

class QtmdProcess {
public:
    // Starts `qtmd --dev --datadir DIR --http-port 0 --ws-port 0 <extra...>` and waits until its
    // banner names the JSON-RPC port (http or, with --http-tls-*, https). Throws std::runtime_error
    // if it does not come up in 60 s.
    // call(), post() and post_to() speak plain HTTP only.
    QtmdProcess(const std::filesystem::path& datadir, const std::vector<std::string>& extra);
    // Starts `qtmd <arguments...>` as given (a network node: --config node.toml), logging to
    // a file named after `log_base`, and waits for the banner the same way.
    struct Arguments {};
    QtmdProcess(Arguments, const std::filesystem::path& log_base,
                const std::vector<std::string>& arguments);
    ~QtmdProcess();  // SIGKILLs a still-running child
    QtmdProcess(const QtmdProcess&) = delete;
    QtmdProcess& operator=(const QtmdProcess&) = delete;

    [[nodiscard]] int port() const noexcept { return port_; }
    [[nodiscard]] const std::string& output() const noexcept { return output_; }
    // Its output so far (re-read from the log file).
    [[nodiscard]] std::string current_output() const;
    void kill_hard();                  // SIGKILL and reap
    int terminate(int signal_number);  // send a signal, wait, return the exit status

    // One JSON-RPC call; returns the whole response object.
    [[nodiscard]] Json call(const std::string& method, const Json& params = Json::array()) const;
    // The raw HTTP exchange: status code and body.
    [[nodiscard]] std::pair<int, std::string> post(const std::string& body) const;
    // A POST to another of its ports (the admin endpoint) with extra headers (Host, ...).
    using Headers = std::vector<std::pair<std::string, std::string>>;
    [[nodiscard]] std::pair<int, std::string> post_to(int port, const std::string& body,
                                                      const Headers& headers) const;
    // The JWT-authenticated endpoint's port (started with --authrpc-port 0); 0 when off.
    [[nodiscard]] int admin_port() const noexcept { return admin_port_; }
    // The WebSocket JSON-RPC port from the banner (qtmd serves it by default); 0 when off.
    [[nodiscard]] int ws_port() const noexcept { return ws_port_; }
    // The /metrics, /health and /ready port from the banner (any free one); 0 when off.
    [[nodiscard]] int metrics_port() const noexcept { return metrics_port_; }
    // A GET to one of its ports: status code and body.
    [[nodiscard]] std::pair<int, std::string> get(int port, const std::string& target) const;

private:
    void launch(const std::filesystem::path& log_base, const std::vector<std::string>& arguments);

    pid_t pid_{-1};
    int port_{0};
    int admin_port_{0};
    int ws_port_{0};
    int metrics_port_{0};
    std::filesystem::path log_path_;
    std::string output_;
};

// Polls `condition` every 100 ms until it holds or `timeout` passes.
bool wait_until(const std::function<bool()>& condition, std::chrono::seconds timeout);

// The receipt of transaction `hash` once mined (polled for 20 s); a test failure and null
// when it is not.
[[nodiscard]] Json wait_for_receipt(const QtmdProcess& node, const std::string& hash);

// The node's head block number (eth_blockNumber).
[[nodiscard]] std::uint64_t block_number(const QtmdProcess& node);

// `number` as a JSON-RPC quantity ("0x1f").
[[nodiscard]] std::string hex_quantity(std::uint64_t number);

// eth_sendTransaction of `value` (a quantity) from the node-held account `from` to `to`: the
// transaction's hash, or "" when the node refuses it.
[[nodiscard]] std::string send_value(const QtmdProcess& node, const std::string& from,
                                     const std::string& to, const std::string& value);

// A scratch directory named after `prefix`, the process and the running test, under the
// system temp dir: empty when made, removed with everything in it when destroyed.
class TestDir {
public:
    explicit TestDir(const std::string& prefix);
    ~TestDir();
    TestDir(const TestDir&) = delete;
    TestDir& operator=(const TestDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

private:
    std::filesystem::path path_;
};

// One run of the qtm CLI built next to the tests (`arguments` pass through the shell).
struct CliRun {
    int status{-1};
    std::string out;
    std::string err;
};
[[nodiscard]] CliRun run_qtm(const std::string& arguments);

}  // namespace qtm::test
