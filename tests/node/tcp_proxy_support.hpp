// A fault-injecting TCP proxy for tests: listens on 127.0.0.1:<listen port> and forwards
// every accepted connection to 127.0.0.1:<target port>, byte for byte, both ways. A test
// routes one link of a network through it (say node i's dials to node j) and then cuts
// the link, refuses new connections, or slows it down.
//
// One thread runs poll() over every socket; commands from the test wake it through a pipe.
// The destructor closes everything and joins the thread. Every descriptor is close-on-exec
// (a qtmd started later must not hold a link open) and a link is shut down, not only
// closed, when it is cut.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace qtm::test {

class TcpProxy {
public:
    enum class Mode {
        kPass,       // forward new connections (the default)
        kRefuse,     // close every live link now; accept new connections and close them at once
        kBlackhole,  // close every live link now; accept new connections, hold them open and
                     // never forward a byte (the dialer's handshake times out)
    };

    // `listen_port` 0: any free port (listen_port() says). Throws std::runtime_error when
    // the port cannot be bound.
    TcpProxy(std::uint16_t listen_port, std::uint16_t target_port);
    ~TcpProxy();
    TcpProxy(const TcpProxy&) = delete;
    TcpProxy& operator=(const TcpProxy&) = delete;

    [[nodiscard]] std::uint16_t listen_port() const noexcept { return listen_port_; }
    // From now on (kPass after kRefuse or kBlackhole heals the link for new connections;
    // held blackholed connections are closed then).
    void set_mode(Mode mode);
    // Closes every live link now (both ends), whatever the mode.
    void cut();
    // Every byte is forwarded no sooner than `delay` after it arrived (0: at once).
    void set_delay(std::chrono::milliseconds delay);

    // Links forwarding now, and connections accepted since the start (any mode).
    [[nodiscard]] std::size_t live_links() const;
    [[nodiscard]] std::size_t accepted() const;

    struct State;

private:
    std::uint16_t listen_port_;
    std::unique_ptr<State> state_;
};

}  // namespace qtm::test
