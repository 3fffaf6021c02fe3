// test::TcpProxy (tests/node/tcp_proxy_support.hpp) against a small echo server on
// loopback: bytes pass both ways; a delay holds them back; refuse cuts live links and
// closes new ones; blackhole holds new ones silent; pass heals; cut() closes live links;
// the destructor closes the links still open.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "node_support.hpp"
#include "tcp_proxy_support.hpp"

namespace qtm::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

// Echoes every byte back on every connection, one thread per connection.
class EchoServer {
public:
    EchoServer() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        const sockaddr_in address = loopback(0);
        EXPECT_EQ(::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
        EXPECT_EQ(::listen(fd_, 16), 0);
        sockaddr_in bound{};
        socklen_t size = sizeof bound;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&bound), &size);
        port_ = ntohs(bound.sin_port);
        thread_ = std::thread{[this] {
            for (;;) {
                pollfd p{fd_, POLLIN, 0};
                if (::poll(&p, 1, 50) <= 0) {
                    if (stop_) return;
                    continue;
                }
                const int client = ::accept(fd_, nullptr, nullptr);
                if (client < 0) continue;
                workers_.emplace_back([this, client] {
                    char buffer[4096];
                    for (;;) {
                        pollfd q{client, POLLIN, 0};
                        if (::poll(&q, 1, 50) <= 0) {
                            if (stop_) break;
                            continue;
                        }
                        const ssize_t got = ::read(client, buffer, sizeof buffer);
                        if (got <= 0) break;
                        if (::send(client, buffer, static_cast<std::size_t>(got), MSG_NOSIGNAL) !=
                            got) {
                            break;
                        }
                    }
                    ::close(client);
                });
            }
        }};
    }
    ~EchoServer() {
        stop_ = true;
        thread_.join();
        for (auto& worker : workers_)
            worker.join();
        ::close(fd_);
    }
    [[nodiscard]] std::uint16_t port() const { return port_; }

private:
    int fd_{-1};
    std::uint16_t port_{0};
    std::atomic<bool> stop_{false};
    std::thread thread_;
    std::vector<std::thread> workers_;  // touched by thread_ only until it is joined
};

// A client socket: connect, send, and read with a deadline.
class Client {
public:
    explicit Client(std::uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        const sockaddr_in address = loopback(port);
        connected_ =
            ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    }
    ~Client() { ::close(fd_); }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    [[nodiscard]] bool connected() const { return connected_; }
    void send(const std::string& text) const {
        (void)::send(fd_, text.data(), text.size(), MSG_NOSIGNAL);
    }
    // Reads until `size` bytes came, the peer closed, or `timeout` passed. closed(): whether
    // the peer closed (or reset) the connection.
    std::string receive(std::size_t size, std::chrono::milliseconds timeout) {
        std::string text;
        const auto until = Clock::now() + timeout;
        while (text.size() < size) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
            if (left.count() <= 0) break;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
            char buffer[4096];
            const ssize_t got = ::read(fd_, buffer, sizeof buffer);
            if (got <= 0) {
                closed_ = true;
                break;
            }
            text.append(buffer, static_cast<std::size_t>(got));
        }
        return text;
    }
    [[nodiscard]] bool closed() const { return closed_; }

private:
    int fd_{-1};
    bool connected_{false};
    bool closed_{false};
};

TEST(TcpProxy, ForwardsDelaysRefusesBlackholesAndHeals) {
    EchoServer echo;
    TcpProxy proxy{0, echo.port()};
    ASSERT_NE(proxy.listen_port(), 0);

    // Pass: an echo through the proxy, both ways.
    Client first{proxy.listen_port()};
    ASSERT_TRUE(first.connected());
    first.send("ping");
    EXPECT_EQ(first.receive(4, 5s), "ping");
    EXPECT_TRUE(wait_until([&] { return proxy.live_links() == 1; }, 5s));

    // A delay: 300 ms each way, so the echo takes at least 600 ms.
    proxy.set_delay(300ms);
    const auto sent = Clock::now();
    first.send("slow");
    EXPECT_EQ(first.receive(4, 5s), "slow");
    EXPECT_GE(Clock::now() - sent, 600ms);
    proxy.set_delay(0ms);

    // Refuse: the live link is cut, a new connection is closed at once.
    proxy.set_mode(TcpProxy::Mode::kRefuse);
    EXPECT_EQ(first.receive(1, 5s), "");
    EXPECT_TRUE(first.closed());
    Client refused{proxy.listen_port()};
    refused.send("hello");
    EXPECT_EQ(refused.receive(5, 5s), "");
    EXPECT_TRUE(refused.closed());
    EXPECT_TRUE(wait_until([&] { return proxy.live_links() == 0; }, 5s));

    // Blackhole: accepted, held open, nothing comes back.
    proxy.set_mode(TcpProxy::Mode::kBlackhole);
    Client held{proxy.listen_port()};
    ASSERT_TRUE(held.connected());
    held.send("anyone?");
    EXPECT_EQ(held.receive(7, 500ms), "");
    EXPECT_FALSE(held.closed());

    // Pass again: the held connection is dropped, new ones work.
    proxy.set_mode(TcpProxy::Mode::kPass);
    EXPECT_EQ(held.receive(1, 5s), "");
    EXPECT_TRUE(held.closed());
    Client healed{proxy.listen_port()};
    healed.send("back");
    EXPECT_EQ(healed.receive(4, 5s), "back");

    // cut(): the live link closes, the mode stays pass.
    proxy.cut();
    EXPECT_EQ(healed.receive(1, 5s), "");
    EXPECT_TRUE(healed.closed());
    Client after{proxy.listen_port()};
    after.send("again");
    EXPECT_EQ(after.receive(5, 5s), "again");
    EXPECT_EQ(proxy.accepted(), 5u);
}

TEST(TcpProxy, ItsDestructorClosesTheLinksStillOpen) {
    EchoServer echo;
    std::unique_ptr<Client> client;
    {
        TcpProxy proxy{0, echo.port()};
        client = std::make_unique<Client>(proxy.listen_port());
        client->send("x");
        EXPECT_EQ(client->receive(1, 5s), "x");
    }
    EXPECT_EQ(client->receive(1, 5s), "");
    EXPECT_TRUE(client->closed());
}

TEST(TcpProxy, ATargetThatIsDownClosesTheClient) {
    std::uint16_t unused = 0;
    {
        EchoServer gone;
        unused = gone.port();
    }
    TcpProxy proxy{0, unused};
    Client client{proxy.listen_port()};
    client.send("x");
    EXPECT_EQ(client.receive(1, 5s), "");
    EXPECT_TRUE(client.closed());
}

}  // namespace
}  // namespace qtm::test
