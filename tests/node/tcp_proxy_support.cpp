#include "tcp_proxy_support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace qtm::test {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxQueued = 1 << 20;  // per direction: stop reading beyond this

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

// A link's socket: shut down first, so that the peer sees the end even if a copy of the
// descriptor lives on somewhere (close alone only drops this process's reference).
void end_socket(int& fd) {
    if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
    close_fd(fd);
}

void set_nonblocking(int fd) {
    const int flags = ::fcntl(fd, F_GETFL, 0);
    ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

struct Chunk {
    Clock::time_point due;
    std::vector<char> bytes;
    std::size_t sent{0};
};

// One direction of a link: what was read from `from` and is still to be written to `to`.
struct Direction {
    std::deque<Chunk> queue;
    std::size_t queued{0};
    bool eof{false};  // `from` closed: close the link once the queue is written
};

struct Link {
    int client{-1};
    int target{-1};  // -1: held (blackholed), nothing is forwarded
    Direction up;    // client -> target
    Direction down;  // target -> client
    bool dead{false};

    ~Link() {
        end_socket(client);
        end_socket(target);
    }
};

}  // namespace

struct TcpProxy::State {
    std::uint16_t target_port{0};
    int listen_fd{-1};
    int wake_read{-1};
    int wake_write{-1};

    mutable std::mutex mutex;  // guards the fields below, set by the test's thread
    Mode mode{Mode::kPass};
    std::chrono::milliseconds delay{0};
    bool cut_requested{false};
    bool stopping{false};
    std::size_t live{0};
    std::size_t accepted{0};

    std::thread thread;

    void wake() const {
        const char byte = 1;
        [[maybe_unused]] const auto written = ::write(wake_write, &byte, 1);
    }
    void run();
};

namespace {

// Reads what `fd` has into `direction`; false when the link is to be closed (an error).
bool read_into(int fd, Direction& direction, std::chrono::milliseconds delay) {
    char buffer[16384];
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got > 0) {
        Chunk chunk{Clock::now() + delay, std::vector<char>(buffer, buffer + got), 0};
        direction.queued += chunk.bytes.size();
        direction.queue.push_back(std::move(chunk));
        return true;
    }
    if (got == 0) {
        direction.eof = true;
        return true;
    }
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

// Writes the due chunks of `direction` to `fd`; false on an error.
bool write_from(int fd, Direction& direction, Clock::time_point now) {
    while (!direction.queue.empty() && direction.queue.front().due <= now) {
        Chunk& chunk = direction.queue.front();
        const ssize_t put = ::send(fd, chunk.bytes.data() + chunk.sent,
                                   chunk.bytes.size() - chunk.sent, MSG_NOSIGNAL);
        if (put < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        chunk.sent += static_cast<std::size_t>(put);
        if (chunk.sent < chunk.bytes.size()) return true;
        direction.queued -= chunk.bytes.size();
        direction.queue.pop_front();
    }
    return true;
}

bool has_due(const Direction& direction, Clock::time_point now) {
    return !direction.queue.empty() && direction.queue.front().due <= now;
}

}  // namespace

void TcpProxy::State::run() {
    std::vector<std::unique_ptr<Link>> links;
    Mode applied = Mode::kPass;
    for (;;) {
        Mode current;
        std::chrono::milliseconds current_delay;
        {
            const std::lock_guard lock{mutex};
            if (stopping) break;
            current = mode;
            current_delay = delay;
            if (cut_requested) {
                cut_requested = false;
                for (auto& link : links)
                    link->dead = true;
            }
        }
        if (current != applied) {
            // Refuse and blackhole cut the live links; pass drops the held ones (their bytes
            // are gone, so they could never carry a session again).
            for (auto& link : links) {
                if (current != Mode::kPass || link->target < 0) link->dead = true;
            }
            applied = current;
        }
        const Clock::time_point now = Clock::now();
        for (auto& link : links) {
            const bool up_done = link->up.eof && link->up.queue.empty();
            const bool down_done = link->down.eof && link->down.queue.empty();
            if (up_done || down_done) link->dead = true;
        }
        std::erase_if(links, [](const auto& link) { return link->dead; });
        {
            const std::lock_guard lock{mutex};
            live = static_cast<std::size_t>(std::count_if(
                links.begin(), links.end(), [](const auto& link) { return link->target >= 0; }));
        }

        std::vector<pollfd> fds;
        fds.push_back({wake_read, POLLIN, 0});
        fds.push_back({listen_fd, POLLIN, 0});
        Clock::time_point next_due = now + std::chrono::seconds{1};
        for (const auto& link : links) {
            short client_events = 0;
            short target_events = 0;
            if (!link->up.eof && link->up.queued < kMaxQueued) client_events |= POLLIN;
            if (link->target >= 0) {
                if (!link->down.eof && link->down.queued < kMaxQueued) target_events |= POLLIN;
                if (has_due(link->up, now)) target_events |= POLLOUT;
                if (has_due(link->down, now)) client_events |= POLLOUT;
                for (const Direction* d : {&link->up, &link->down}) {
                    if (!d->queue.empty()) next_due = std::min(next_due, d->queue.front().due);
                }
            }
            fds.push_back({link->client, client_events, 0});
            fds.push_back({link->target, target_events, 0});  // -1: ignored by poll
        }
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_due - now);
        const int timeout = static_cast<int>(std::clamp<std::int64_t>(wait.count() + 1, 0, 1000));
        if (::poll(fds.data(), static_cast<nfds_t>(fds.size()), timeout) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (fds[0].revents != 0) {
            // A command: apply it before anything else (poll reports the rest again), so
            // that bytes or connections that came after it see it.
            char drain[64];
            while (::read(wake_read, drain, sizeof drain) > 0) {
            }
            continue;
        }
        const Clock::time_point after = Clock::now();
        for (std::size_t k = 0; k < links.size(); ++k) {
            Link& link = *links[k];
            const short client_revents = fds[2 + 2 * k].revents;
            const short target_revents = fds[3 + 2 * k].revents;
            bool ok = true;
            if (link.target < 0) {
                // Held: read and discard, to notice when the dialer gives up.
                if (client_revents != 0) {
                    char buffer[4096];
                    const ssize_t got = ::read(link.client, buffer, sizeof buffer);
                    if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) ok = false;
                }
                link.dead = !ok;
                continue;
            }
            if ((client_revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
                ok = read_into(link.client, link.up, current_delay);
            }
            if (ok && (target_revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
                ok = read_into(link.target, link.down, current_delay);
            }
            if (ok) ok = write_from(link.target, link.up, after);
            if (ok) ok = write_from(link.client, link.down, after);
            link.dead = !ok;
        }
        if ((fds[1].revents & POLLIN) != 0) {
            // Close-on-exec, like every descriptor here: a qtmd the test starts later must
            // not inherit a link (it would hold it open after the proxy closes it).
            const int client = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
            if (client >= 0) {
                {
                    const std::lock_guard lock{mutex};
                    ++accepted;
                }
                auto link = std::make_unique<Link>();
                link->client = client;
                if (applied == Mode::kRefuse) continue;  // the Link's destructor closes it
                set_nonblocking(client);
                if (applied == Mode::kPass) {
                    // Loopback: the connect completes (or is refused) at once.
                    const int target = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
                    const sockaddr_in address = loopback(target_port);
                    const timeval bound{2, 0};  // a full backlog must not stall the thread
                    if (target >= 0) {
                        ::setsockopt(target, SOL_SOCKET, SO_SNDTIMEO, &bound, sizeof bound);
                    }
                    if (target < 0 || ::connect(target, reinterpret_cast<const sockaddr*>(&address),
                                                sizeof address) != 0) {
                        if (target >= 0) ::close(target);
                        continue;  // nobody there: the client sees its connection closed
                    }
                    set_nonblocking(target);
                    link->target = target;
                }
                links.push_back(std::move(link));
            }
        }
    }
    links.clear();
}

TcpProxy::TcpProxy(std::uint16_t listen_port, std::uint16_t target_port)
    : listen_port_{listen_port}, state_{std::make_unique<State>()} {
    state_->target_port = target_port;
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("TcpProxy: pipe failed");
    state_->wake_read = pipe_fds[0];
    state_->wake_write = pipe_fds[1];
    set_nonblocking(state_->wake_read);
    set_nonblocking(state_->wake_write);
    state_->listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    ::setsockopt(state_->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    const sockaddr_in address = loopback(listen_port);
    if (state_->listen_fd < 0 ||
        ::bind(state_->listen_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) !=
            0 ||
        ::listen(state_->listen_fd, 64) != 0) {
        const std::string why = std::strerror(errno);
        close_fd(state_->listen_fd);
        close_fd(state_->wake_read);
        close_fd(state_->wake_write);
        throw std::runtime_error(
            "TcpProxy: cannot listen on 127.0.0.1:" + std::to_string(listen_port) + ": " + why);
    }
    sockaddr_in bound{};
    socklen_t size = sizeof bound;
    if (::getsockname(state_->listen_fd, reinterpret_cast<sockaddr*>(&bound), &size) == 0) {
        listen_port_ = ntohs(bound.sin_port);
    }
    set_nonblocking(state_->listen_fd);
    state_->thread = std::thread{[state = state_.get()] { state->run(); }};
}

TcpProxy::~TcpProxy() {
    {
        const std::lock_guard lock{state_->mutex};
        state_->stopping = true;
    }
    state_->wake();
    state_->thread.join();
    close_fd(state_->listen_fd);
    close_fd(state_->wake_read);
    close_fd(state_->wake_write);
}

void TcpProxy::set_mode(Mode mode) {
    {
        const std::lock_guard lock{state_->mutex};
        state_->mode = mode;
    }
    state_->wake();
}

void TcpProxy::cut() {
    {
        const std::lock_guard lock{state_->mutex};
        state_->cut_requested = true;
    }
    state_->wake();
}

void TcpProxy::set_delay(std::chrono::milliseconds delay) {
    {
        const std::lock_guard lock{state_->mutex};
        state_->delay = delay;
    }
    state_->wake();
}

std::size_t TcpProxy::live_links() const {
    const std::lock_guard lock{state_->mutex};
    return state_->live;
}

std::size_t TcpProxy::accepted() const {
    const std::lock_guard lock{state_->mutex};
    return state_->accepted;
}

}  // namespace qtm::test
