// NetlinkSource: Linux network changes from a NETLINK_ROUTE socket subscribed to link, address
// and route groups. Its own thread waits in poll() on the socket and an eventfd that stop()
// signals, so shutdown never depends on a packet arriving.
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <thread>

#include "change_source.hpp"
#include "netlink_parser.hpp"

namespace qdyn::netmon {

namespace {

class FileDescriptor {
public:
    FileDescriptor() = default;
    explicit FileDescriptor(int fd) : m_fd(fd) {}
    FileDescriptor(FileDescriptor&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    FileDescriptor& operator=(FileDescriptor&& other) noexcept {
        if (this != &other) {
            reset();
            m_fd = other.m_fd;
            other.m_fd = -1;
        }
        return *this;
    }
    ~FileDescriptor() { reset(); }
    void reset() noexcept {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = -1;
    }
    [[nodiscard]] int get() const noexcept { return m_fd; }
    [[nodiscard]] bool valid() const noexcept { return m_fd >= 0; }

private:
    int m_fd = -1;
};

std::string errnoText(const char* what) {
    return std::string(what) + ": " + std::strerror(errno);
}

class NetlinkSource final : public ChangeSource {
public:
    ~NetlinkSource() override { stop(); }

    [[nodiscard]] std::string_view name() const override { return "netlink"; }

    Result<void> start(ChangeSink& sink) override {
        FileDescriptor socketFd{::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE)};
        if (!socketFd.valid()) return makeError(errnoText("netlink socket"));
        // A burst (a VPN coming up, a container host) can outrun a default-sized buffer; an
        // overrun is still reported (EventsLost), but a bigger buffer makes it rare.
        const int bufferBytes = 1 << 20;
        (void)::setsockopt(socketFd.get(), SOL_SOCKET, SO_RCVBUF, &bufferBytes, sizeof bufferBytes);
        sockaddr_nl local{};
        local.nl_family = AF_NETLINK;
        local.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE;
        if (::bind(socketFd.get(), reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
            return makeError(errnoText("netlink bind"));
        }
        FileDescriptor stopFd{::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)};
        if (!stopFd.valid()) return makeError(errnoText("eventfd"));
        m_socket = std::move(socketFd);
        m_stop = std::move(stopFd);
        m_clockJump = armClockJumpTimer();
        m_reportsWake = m_clockJump.valid();
        // What exists now is no change: learn it, so the first event of an existing link or
        // address is judged against its real state. The subscription is bound first, so a change
        // racing the dump is at worst judged "unchanged" when the dump already saw it.
        for (const std::uint16_t type : {std::uint16_t{RTM_GETLINK}, std::uint16_t{RTM_GETADDR}}) {
            // A failed seed costs at most one spurious report per existing link or address.
            (void)seed(type);
        }
        // Bound before start() returns: a change made after it is queued even if the thread is
        // not yet scheduled.
        m_thread = std::thread([this, &sink] { run(sink); });
        return {};
    }

    void stop() override {
        if (m_thread.joinable()) {
            const std::uint64_t one = 1;
            (void)!::write(m_stop.get(), &one, sizeof one);
            m_thread.join();
        }
        m_socket.reset();
        m_stop.reset();
        m_clockJump.reset();
    }

    [[nodiscard]] bool reportsWake() const override { return m_reportsWake; }

private:
    // Dumps links or addresses on a short-lived request socket into the filter, reporting nothing.
    Result<void> seed(std::uint16_t type) {
        FileDescriptor request{::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)};
        if (!request.valid()) return makeError(errnoText("netlink dump socket"));
        const timeval timeout{1, 0};  // the kernel answers a dump at once; never hang start()
        (void)::setsockopt(request.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        struct {
            nlmsghdr header;
            ifinfomsg body;  // large enough for ifaddrmsg too; family AF_UNSPEC: every family
        } message{};
        message.header.nlmsg_len = sizeof message;
        message.header.nlmsg_type = type;
        message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        message.header.nlmsg_seq = 1;
        if (type == RTM_GETADDR) message.header.nlmsg_len = NLMSG_LENGTH(sizeof(ifaddrmsg));
        if (::send(request.get(), &message, message.header.nlmsg_len, 0) < 0)
            return makeError(errnoText("netlink dump"));
        for (int datagrams = 0; datagrams < 10000; ++datagrams) {
            const ssize_t received = ::recv(request.get(), m_buffer.data(), m_buffer.size(), 0);
            if (received < 0 && errno == EINTR) continue;
            if (received <= 0) return makeError(errnoText("netlink dump reply"));
            const auto parsed = parseNetlinkMessages({m_buffer.data(), static_cast<std::size_t>(received)});
            for (const auto& event : parsed.events)
                (void)m_filter.apply(event);
            if (parsed.done) return {};
        }
        return makeError("netlink dump did not end");
    }

    // A timer on the wall clock, due in the far future, that the kernel cancels whenever the
    // wall clock jumps: when the clock is set and on every resume from suspend (timerfd_resume).
    // So a wake is noticed at once, and nothing wakes the thread while nothing happens. An
    // invalid descriptor when the kernel refuses: the engine's tick takes over.
    static FileDescriptor armClockJumpTimer() {
        FileDescriptor timer{::timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK)};
        if (!timer.valid() || !rearm(timer.get())) return FileDescriptor{};
        return timer;
    }

    static bool rearm(int fd) {
        itimerspec due{};
        // "Never": the year 2200 (the kernel's limit is 2262), or 2038 where time_t has 32 bits.
        due.it_value.tv_sec = sizeof(time_t) >= 8 ? static_cast<time_t>(7258118400LL)
                                                  : static_cast<time_t>(std::numeric_limits<std::int32_t>::max());
        return ::timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &due, nullptr) == 0;
    }

    void run(ChangeSink& sink) {
        const int clockFd = m_clockJump.valid() ? m_clockJump.get() : -1;  // poll() skips a negative fd
        std::array<pollfd, 3> fds{{{m_socket.get(), POLLIN, 0}, {m_stop.get(), POLLIN, 0}, {clockFd, POLLIN, 0}}};
        while (true) {
            const int ready = ::poll(fds.data(), fds.size(), -1);
            if (ready < 0 && errno == EINTR) continue;
            if (ready < 0 || (fds[1].revents & POLLIN) != 0) return;
            if ((fds[0].revents & POLLNVAL) != 0) return;
            if ((fds[2].revents & POLLIN) != 0 && !clockJumped(sink)) fds[2].fd = -1;
            // POLLERR on a netlink socket is a pending ENOBUFS, which drain()'s recvmsg reports.
            if ((fds[0].revents & (POLLIN | POLLERR)) != 0) drain(sink);
        }
    }

    // Readable means cancelled (ECANCELED): the wall clock jumped. Re-arming clears it. False
    // when the timer could not be re-armed (then it is no longer watched).
    bool clockJumped(ChangeSink& sink) {
        std::uint64_t expirations = 0;
        const ssize_t got = ::read(m_clockJump.get(), &expirations, sizeof expirations);
        const bool jumped = got < 0 && errno == ECANCELED;
        if (got < 0 && !jumped) return true;  // EAGAIN: nothing after all
        if (!rearm(m_clockJump.get())) return false;
        if (jumped) sink.push(changeWithDetail(ChangeKind::Wake, "the wall clock jumped (resume from sleep, or the clock was set)"));
        return true;
    }

    // Reads every queued datagram (the socket is non-blocking).
    void drain(ChangeSink& sink) {
        while (true) {
            sockaddr_nl from{};
            iovec vector{m_buffer.data(), m_buffer.size()};
            msghdr message{};
            message.msg_name = &from;
            message.msg_namelen = sizeof from;
            message.msg_iov = &vector;
            message.msg_iovlen = 1;
            const ssize_t received = ::recvmsg(m_socket.get(), &message, 0);
            if (received < 0) {
                if (errno == EINTR) continue;
                if (errno == ENOBUFS) {  // the kernel dropped notifications: say "something changed"
                    sink.push(changeWithDetail(ChangeKind::EventsLost, "netlink receive buffer overrun"));
                    continue;
                }
                return;  // EAGAIN: drained
            }
            // Only the kernel (port id 0) speaks for the network; anything else is ignored.
            if (from.nl_pid != 0 || (message.msg_flags & MSG_TRUNC) != 0) continue;
            const auto parsed = parseNetlinkMessages({m_buffer.data(), static_cast<std::size_t>(received)});
            if (parsed.overrun) sink.push(changeWithDetail(ChangeKind::EventsLost, "netlink overrun"));
            for (const auto& event : parsed.events) {
                auto change = m_filter.apply(event);
                if (!change) continue;
                if (change->interfaceName.empty() && change->interfaceIndex != 0) {
                    std::array<char, IF_NAMESIZE> name{};
                    if (::if_indextoname(change->interfaceIndex, name.data()) != nullptr)
                        change->interfaceName = name.data();
                }
                sink.push(std::move(*change));
            }
        }
    }

    FileDescriptor m_socket;
    FileDescriptor m_stop;
    FileDescriptor m_clockJump;
    bool m_reportsWake = false;
    std::thread m_thread;
    NetlinkChangeFilter m_filter;
    // 32 KiB: what the kernel's netlink sends at most per datagram on common page sizes.
    std::array<std::uint8_t, 32768> m_buffer{};
};

}  // namespace

std::unique_ptr<ChangeSource> makePlatformSource(const MonitorOptions& /*options*/) {
    return std::make_unique<NetlinkSource>();
}

}  // namespace qdyn::netmon
