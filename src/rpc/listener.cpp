#include "rpc/listener.hpp"

#include <algorithm>

namespace qtm::rpc {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

Result<std::uint16_t, std::string> listen_on(tcp::acceptor& acceptor, const std::string& address,
                                             std::uint16_t port, std::string_view what,
                                             std::string_view port_flag) {
    boost::system::error_code error;
    const auto ip = asio::ip::make_address(address, error);
    if (error) return unexpected("invalid " + std::string{what} + " address '" + address + "'");
    const tcp::endpoint endpoint{ip, port};
    acceptor.open(endpoint.protocol(), error);
    if (!error) acceptor.set_option(asio::socket_base::reuse_address(true), error);
    if (!error) acceptor.bind(endpoint, error);
    if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
    if (error) {
        return unexpected("cannot listen on " + address + ":" + std::to_string(port) + ": " +
                          error.message() + " (is another node running? choose another " +
                          std::string{port_flag} + ")");
    }
    return acceptor.local_endpoint().port();
}

void start_threads(asio::io_context& io, std::size_t count, std::vector<std::thread>& threads) {
    for (std::size_t i = 0; i < std::max<std::size_t>(1, count); ++i) {
        threads.emplace_back([&io] { io.run(); });
    }
}

void stop_threads(asio::io_context& io, std::vector<std::thread>& threads) {
    io.stop();
    for (auto& thread : threads) {
        if (thread.joinable()) thread.join();
    }
    threads.clear();
}

}  // namespace qtm::rpc
