#include "node_support.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace qtm::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::filesystem::path bin_dir() {
    return std::filesystem::canonical("/proc/self/exe").parent_path();
}

bool wait_until(const std::function<bool()>& condition, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return condition();
}

Json wait_for_receipt(const QtmdProcess& node, const std::string& hash) {
    Json receipt;
    const bool mined = wait_until(
        [&] {
            receipt = node.call("eth_getTransactionReceipt", Json::array({hash}));
            return receipt.contains("result") && !receipt.at("result").is_null();
        },
        std::chrono::seconds(20));
    EXPECT_TRUE(mined) << "transaction " << hash << " not mined; last answer " << receipt.dump();
    return mined ? receipt.at("result") : Json{};
}

std::uint64_t block_number(const QtmdProcess& node) {
    return std::stoull(node.call("eth_blockNumber").at("result").get<std::string>(), nullptr, 16);
}

std::string hex_quantity(std::uint64_t number) {
    std::ostringstream hex;
    hex << "0x" << std::hex << number;
    return hex.str();
}

std::string send_value(const QtmdProcess& node, const std::string& from, const std::string& to,
                       const std::string& value) {
    const Json answer = node.call("eth_sendTransaction",
                                  Json::array({{{"from", from}, {"to", to}, {"value", value}}}));
    return answer.contains("result") ? answer.at("result").get<std::string>() : std::string{};
}

TestDir::TestDir(const std::string& prefix) {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ =
        std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(::getpid()) + "-" +
                                                  (test != nullptr ? test->name() : "setup"));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
}

TestDir::~TestDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

CliRun run_qtm(const std::string& arguments) {
    char err_path[] = "/tmp/qtm-cli-stderr-XXXXXX";
    const int err_fd = ::mkstemp(err_path);
    if (err_fd < 0) throw std::runtime_error{"mkstemp failed"};
    ::close(err_fd);
    const std::string command = (bin_dir() / "qtm").string() + " " + arguments + " 2>" + err_path;
    CliRun run;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe != nullptr) {
        std::array<char, 4096> buffer{};
        std::size_t count = 0;
        while ((count = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
            run.out.append(buffer.data(), count);
        }
        const int status = ::pclose(pipe);
        run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::ifstream err{err_path};
    run.err.assign(std::istreambuf_iterator<char>{err}, {});
    std::filesystem::remove(err_path);
    return run;
}

QtmdProcess::QtmdProcess(const std::filesystem::path& datadir,
                         const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"--dev",     "--datadir", datadir.string(), "--http-port", "0",
                                     "--ws-port", "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    launch(datadir, args);
}

QtmdProcess::QtmdProcess(Arguments, const std::filesystem::path& log_base,
                         const std::vector<std::string>& arguments) {
    launch(log_base, arguments);
}

void QtmdProcess::launch(const std::filesystem::path& log_base,
                         const std::vector<std::string>& arguments) {
    log_path_ = log_base.string() + ".log." + std::to_string(::getpid()) + "." +
                std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
    const std::string qtmd = (bin_dir() / "qtmd").string();
    std::vector<std::string> args = {qtmd};
    args.insert(args.end(), arguments.begin(), arguments.end());
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error{"fork failed"};
    if (pid_ == 0) {
        const int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        std::vector<char*> argv;
        for (auto& arg : args)
            argv.push_back(arg.data());
        argv.push_back(nullptr);
        ::execv(qtmd.c_str(), argv.data());
        ::_exit(127);
    }
    const std::regex banner{R"(JSON-RPC +https?://127\.0\.0\.1:(\d+))"};
    bool exited = false;
    const bool up = wait_until(
        [&] {
            // A qtmd that exits at start (a port taken, a bad option) is not waited for.
            int status = 0;
            if (!exited && ::waitpid(pid_, &status, WNOHANG) == pid_) {
                exited = true;
                pid_ = -1;
            }
            std::ifstream in{log_path_};
            std::stringstream text;
            text << in.rdbuf();
            output_ = text.str();
            std::smatch match;
            if (std::regex_search(output_, match, banner)) {
                port_ = std::stoi(match[1]);
                const std::regex admin{R"(Admin RPC +https?://127\.0\.0\.1:(\d+))"};
                if (std::regex_search(output_, match, admin)) admin_port_ = std::stoi(match[1]);
                const std::regex ws{R"(WebSocket +wss?://127\.0\.0\.1:(\d+))"};
                if (std::regex_search(output_, match, ws)) ws_port_ = std::stoi(match[1]);
                const std::regex metrics{R"(Metrics +http://127\.0\.0\.1:(\d+))"};
                if (std::regex_search(output_, match, metrics)) {
                    metrics_port_ = std::stoi(match[1]);
                }
                return true;
            }
            return exited;
        },
        std::chrono::seconds(60));
    if (!up || exited) {
        kill_hard();
        throw std::runtime_error{
            std::string{exited ? "qtmd exited at start" : "qtmd did not start"} +
            "; its output:\n" + output_};
    }
}

QtmdProcess::~QtmdProcess() {
    kill_hard();
    std::error_code ignored;
    std::filesystem::remove(log_path_, ignored);
}

void QtmdProcess::kill_hard() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
}

std::string QtmdProcess::current_output() const {
    std::ifstream in{log_path_};
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

int QtmdProcess::terminate(int signal_number) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, signal_number);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    std::ifstream in{log_path_};
    std::stringstream text;
    text << in.rdbuf();
    output_ = text.str();
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::pair<int, std::string> QtmdProcess::post(const std::string& body) const {
    return post_to(port_, body, {});
}

std::pair<int, std::string> QtmdProcess::post_to(int port, const std::string& body,
                                                 const Headers& headers) const {
    asio::io_context io;
    beast::tcp_stream stream{io};
    stream.connect(asio::ip::tcp::endpoint{asio::ip::make_address("127.0.0.1"),
                                           static_cast<unsigned short>(port)});
    http::request<http::string_body> request{http::verb::post, "/", 11};
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::content_type, "application/json");
    for (const auto& [name, value] : headers)
        request.set(name, value);
    request.body() = body;
    request.prepare_payload();
    // A server that refuses an oversized body answers and closes before reading it all, so
    // the write may fail with a broken pipe while the answer is already waiting.
    beast::error_code write_error;
    http::write(stream, request, write_error);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    http::read(stream, buffer, parser);
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    return {parser.get().result_int(), parser.get().body()};
}

std::pair<int, std::string> QtmdProcess::get(int port, const std::string& target) const {
    asio::io_context io;
    beast::tcp_stream stream{io};
    stream.connect(asio::ip::tcp::endpoint{asio::ip::make_address("127.0.0.1"),
                                           static_cast<unsigned short>(port)});
    http::request<http::empty_body> request{http::verb::get, target, 11};
    request.set(http::field::host, "127.0.0.1");
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    http::read(stream, buffer, parser);
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    return {parser.get().result_int(), parser.get().body()};
}

Json QtmdProcess::call(const std::string& method, const Json& params) const {
    const Json request = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
    const auto [status, body] = post(request.dump());
    (void)status;
    return Json::parse(body);
}

}  // namespace qtm::test
