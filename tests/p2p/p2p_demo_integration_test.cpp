// Two and three real qtm-p2p-demo processes on loopback: a dialer that names the
// listener's node id completes the handshake and gets every message echoed; one that names
// another node id, or is on another genesis, fails and exits 1; two dialers at once both
// succeed against one listener; an address that keeps failing handshakes is banned.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;

fs::path demo_binary() {
    return fs::read_symlink("/proc/self/exe").parent_path() / "qtm-p2p-demo";
}

std::string read_file(const fs::path& path) {
    std::ifstream in{path};
    std::stringstream out;
    out << in.rdbuf();
    return out.str();
}

// A child process whose stdout and stderr go to a file.
class Process {
public:
    Process(const std::vector<std::string>& arguments, const fs::path& log) : log_{log} {
        const fs::path binary = demo_binary();
        if (!fs::exists(binary))
            throw std::runtime_error("qtm-p2p-demo not built: " + binary.string());
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            std::vector<char*> argv;
            std::string program = binary.string();
            argv.push_back(program.data());
            std::vector<std::string> copy = arguments;
            for (auto& a : copy)
                argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(program.c_str(), argv.data());
            ::_exit(127);
        }
    }
    ~Process() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    // Waits for the exit (at most 60 s) and returns the exit status, or -1.
    int wait() {
        for (int i = 0; i < 600; ++i) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds{100});
        }
        return -1;
    }
    // Waits (at most 60 s) for a line starting with `prefix`; returns the rest of it.
    std::string wait_for(const std::string& prefix) {
        for (int i = 0; i < 600; ++i) {
            std::istringstream lines{read_file(log_)};
            for (std::string line; std::getline(lines, line);) {
                if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
            }
            std::this_thread::sleep_for(std::chrono::milliseconds{100});
        }
        return "";
    }
    [[nodiscard]] std::string output() const { return read_file(log_); }

private:
    pid_t pid_{-1};
    fs::path log_;
};

class P2pDemo : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("qtm-p2p-demo-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
        listener_.emplace(std::vector<std::string>{"--seed", std::string(64, 'a'), "--listen", "0"},
                          dir_ / "listener.log");
        node_id_ = listener_->wait_for("node-id ");
        port_ = listener_->wait_for("listening ");
        ASSERT_FALSE(port_.empty()) << listener_->output();
    }
    void TearDown() override {
        listener_.reset();
        fs::remove_all(dir_);
    }
    std::string address(const std::string& node_id) const {
        return "qtm://" + node_id + "@127.0.0.1:" + port_;
    }

    fs::path dir_;
    std::optional<Process> listener_;
    std::string node_id_;
    std::string port_;
};

TEST_F(P2pDemo, DialerWithTheRightNodeIdGetsEveryMessageEchoed) {
    Process dialer{{"--seed", std::string(64, 'b'), "--dial", address(node_id_), "--count", "10"},
                   dir_ / "dialer.log"};
    EXPECT_EQ(dialer.wait(), 0) << dialer.output();
    EXPECT_NE(dialer.output().find("ready " + node_id_), std::string::npos);
    EXPECT_NE(dialer.output().find("echoed 11"), std::string::npos) << dialer.output();
    EXPECT_FALSE(listener_->wait_for("ready ").empty());
}

TEST_F(P2pDemo, TwoDialersAtOnce) {
    Process one{{"--seed", std::string(64, 'c'), "--dial", address(node_id_), "--count", "20"},
                dir_ / "one.log"};
    Process two{{"--seed", std::string(64, 'd'), "--dial", address(node_id_), "--count", "20"},
                dir_ / "two.log"};
    EXPECT_EQ(one.wait(), 0) << one.output();
    EXPECT_EQ(two.wait(), 0) << two.output();
}

TEST_F(P2pDemo, WrongNodeIdAborts) {
    Process dialer{{"--seed", std::string(64, 'b'), "--dial", address(std::string(64, 'e'))},
                   dir_ / "dialer.log"};
    EXPECT_EQ(dialer.wait(), 1);
    EXPECT_NE(dialer.output().find("error: handshake failed: peer is not the node id that was "
                                   "dialed"),
              std::string::npos)
        << dialer.output();
}

TEST_F(P2pDemo, AnotherGenesisIsRefused) {
    Process dialer{{"--seed", std::string(64, 'b'), "--genesis", std::string(64, '1'), "--dial",
                    address(node_id_)},
                   dir_ / "dialer.log"};
    EXPECT_EQ(dialer.wait(), 1);
    EXPECT_NE(listener_->wait_for("closed handshake failed: "), "");
    EXPECT_NE(listener_->output().find("peer has another genesis hash"), std::string::npos)
        << listener_->output();
}

// Connects to 127.0.0.1:port, writes `bytes`, and waits until the listener closes.
void send_and_wait_for_close(const std::string& port, const std::vector<std::uint8_t>& bytes) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(std::stoi(port)));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    char byte = 0;
    while (::read(fd, &byte, 1) > 0) {
    }
    ::close(fd);
}

TEST_F(P2pDemo, AnAddressThatSendsBadHandshakesIsBanned) {
    // A hello with the right version, chain id and genesis but an invalid ML-KEM key: the
    // peer is to blame (-50 each); the second one reaches the ban score.
    std::vector<std::uint8_t> hello(1258, 0xff);
    const std::vector<std::uint8_t> header{0x00, 0x01, 0, 0, 0, 0, 0, 0, 0x1c, 0xbd};
    std::copy(header.begin(), header.end(), hello.begin());
    std::fill(hello.begin() + 10, hello.begin() + 42, 0);  // the demo's default genesis
    send_and_wait_for_close(port_, hello);
    send_and_wait_for_close(port_, hello);
    EXPECT_EQ(listener_->wait_for("banned "), "127.0.0.1") << listener_->output();
    Process dialer{{"--seed", std::string(64, 'b'), "--dial", address(node_id_)},
                   dir_ / "dialer.log"};
    EXPECT_EQ(dialer.wait(), 1);
    EXPECT_NE(listener_->output().find("refused 127.0.0.1: peer is banned"), std::string::npos)
        << listener_->output();
}

}  // namespace
