// What the HTTP and WebSocket servers share: binding a TCP listener, and the io_context
// threads that serve it.
#pragma once

#include <boost/asio.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/result.hpp"

namespace qtm::rpc {

// Opens, binds and listens on address:port; returns the bound port (port 0 picks a free one).
// The error names the address and the flag that chooses another port (`port_flag`).
[[nodiscard]] Result<std::uint16_t, std::string> listen_on(boost::asio::ip::tcp::acceptor& acceptor,
                                                           const std::string& address,
                                                           std::uint16_t port,
                                                           std::string_view what,
                                                           std::string_view port_flag);

// Runs `io` on `count` threads (at least one).
void start_threads(boost::asio::io_context& io, std::size_t count,
                   std::vector<std::thread>& threads);
// Stops `io` and joins its threads.
void stop_threads(boost::asio::io_context& io, std::vector<std::thread>& threads);

}  // namespace qtm::rpc
