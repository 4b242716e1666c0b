// RouteSocketSource: macOS network changes from a PF_ROUTE socket (RTM_NEWADDR, RTM_DELADDR,
// RTM_IFINFO, and default-route RTM_ADD/RTM_DELETE/RTM_CHANGE). Its own thread waits in poll()
// on the socket and a pipe that stop() writes, so shutdown never depends on a message.
// The BSD headers want sys/types.h and sys/socket.h first.
// clang-format off
#include <sys/types.h>
#include <sys/socket.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
// clang-format on
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <thread>

#include "change_source.hpp"

namespace qdyn::netmon {

namespace {

// Darwin pads each sockaddr in a routing message to a multiple of 4 bytes (net/route.h's ROUNDUP).
constexpr std::size_t roundUp(std::size_t length) {
    return length == 0 ? 4 : (1 + ((length - 1) | 3U));
}

std::optional<IpAddress> addressOf(const std::uint8_t* data, std::size_t size) {
    sockaddr header{};
    if (size < sizeof header) return std::nullopt;
    std::memcpy(&header, data, sizeof header);
    if (header.sa_family == AF_INET && size >= sizeof(sockaddr_in)) {
        sockaddr_in in{};
        std::memcpy(&in, data, sizeof in);
        IpAddress::V4Bytes bytes{};
        std::memcpy(bytes.data(), &in.sin_addr, bytes.size());
        return IpAddress::fromV4(bytes);
    }
    if (header.sa_family == AF_INET6 && size >= sizeof(sockaddr_in6)) {
        sockaddr_in6 in6{};
        std::memcpy(&in6, data, sizeof in6);
        IpAddress::V6Bytes bytes{};
        std::memcpy(bytes.data(), &in6.sin6_addr, bytes.size());
        return IpAddress::fromV6(bytes);
    }
    return std::nullopt;
}

// The sockaddrs after a message header, indexed by RTAX_*; bounds-checked against the message.
std::array<std::optional<IpAddress>, RTAX_MAX> addressesOf(const std::uint8_t* data, std::size_t size, int present) {
    std::array<std::optional<IpAddress>, RTAX_MAX> result{};
    std::size_t offset = 0;
    for (int index = 0; index < RTAX_MAX; ++index) {
        if ((present & (1 << index)) == 0) continue;
        if (offset >= size) break;
        const std::size_t length = data[offset];  // sa_len
        if (length > size - offset) break;
        result[static_cast<std::size_t>(index)] = addressOf(data + offset, length);
        offset += roundUp(length);
    }
    return result;
}

std::string nameOf(unsigned index) {
    std::array<char, IF_NAMESIZE> name{};
    return ::if_indextoname(index, name.data()) != nullptr ? std::string(name.data()) : std::string();
}

class RouteSocketSource final : public ChangeSource {
public:
    ~RouteSocketSource() override { stop(); }

    [[nodiscard]] std::string_view name() const override { return "route-socket"; }

    Result<void> start(ChangeSink& sink) override {
        m_socket = ::socket(PF_ROUTE, SOCK_RAW, AF_UNSPEC);
        if (m_socket < 0) return makeError(std::string("route socket: ") + std::strerror(errno));
        if (::pipe(m_stopPipe.data()) != 0) {
            const std::string reason = std::strerror(errno);
            closeAll();
            return makeError("pipe: " + reason);
        }
        for (const int fd : {m_socket, m_stopPipe[0], m_stopPipe[1]})
            (void)::fcntl(fd, F_SETFD, FD_CLOEXEC);
        (void)::fcntl(m_socket, F_SETFL, O_NONBLOCK);
        m_thread = std::thread([this, &sink] { run(sink); });
        return {};
    }

    void stop() override {
        if (m_thread.joinable()) {
            const char byte = 1;
            (void)!::write(m_stopPipe[1], &byte, 1);
            m_thread.join();
        }
        closeAll();
    }

private:
    void closeAll() {
        for (int* fd : {&m_socket, &m_stopPipe[0], &m_stopPipe[1]}) {
            if (*fd >= 0) ::close(*fd);
            *fd = -1;
        }
    }

    void run(ChangeSink& sink) {
        std::array<pollfd, 2> fds{{{m_socket, POLLIN, 0}, {m_stopPipe[0], POLLIN, 0}}};
        while (true) {
            const int ready = ::poll(fds.data(), fds.size(), -1);
            if (ready < 0 && errno == EINTR) continue;
            if (ready < 0 || (fds[1].revents & POLLIN) != 0 || (fds[0].revents & POLLNVAL) != 0) return;
            while (true) {
                const ssize_t received = ::read(m_socket, m_buffer.data(), m_buffer.size());
                if (received < 0 && errno == EINTR) continue;
                if (received < 0 && errno == ENOBUFS) {
                    sink.push(changeWithDetail(ChangeKind::EventsLost, "route socket overrun"));
                    continue;
                }
                if (received <= 0) break;  // EAGAIN: drained
                handle(static_cast<std::size_t>(received), sink);
            }
        }
    }

    // One read() returns one routing message.
    void handle(std::size_t size, ChangeSink& sink) {
        rt_msghdr header{};
        if (size < sizeof header) return;
        std::memcpy(&header, m_buffer.data(), sizeof header);
        if (header.rtm_version != RTM_VERSION || header.rtm_msglen > size || header.rtm_msglen < sizeof header) return;
        const std::size_t length = header.rtm_msglen;
        NetworkChange change;
        switch (header.rtm_type) {
            case RTM_NEWADDR:
            case RTM_DELADDR: {
                ifa_msghdr address{};
                if (length < sizeof address) return;
                std::memcpy(&address, m_buffer.data(), sizeof address);
                const auto addresses =
                    addressesOf(m_buffer.data() + sizeof address, length - sizeof address, address.ifam_addrs);
                change.kind = header.rtm_type == RTM_NEWADDR ? ChangeKind::AddressAdded : ChangeKind::AddressRemoved;
                change.interfaceIndex = address.ifam_index;
                change.address = addresses[RTAX_IFA];
                break;
            }
            case RTM_IFINFO: {
                if_msghdr link{};
                if (length < sizeof link) return;
                std::memcpy(&link, m_buffer.data(), sizeof link);
                const bool up = (link.ifm_flags & IFF_UP) != 0 && (link.ifm_flags & IFF_RUNNING) != 0;
                const auto [entry, inserted] = m_linkUp.try_emplace(link.ifm_index, up);
                if (inserted ? !up : entry->second == up) return;  // statistics or flags other than up
                entry->second = up;
                change.kind = up ? ChangeKind::LinkUp : ChangeKind::LinkDown;
                change.interfaceIndex = link.ifm_index;
                break;
            }
            case RTM_ADD:
            case RTM_DELETE:
            case RTM_CHANGE: {
                const auto addresses =
                    addressesOf(m_buffer.data() + sizeof header, length - sizeof header, header.rtm_addrs);
                // A default route: destination 0.0.0.0 or ::, with a zero (or absent) netmask.
                const auto& destination = addresses[RTAX_DST];
                if (!destination || destination->scope() != AddressScope::Unspecified) return;
                if ((header.rtm_flags & RTF_HOST) != 0) return;
                change.kind = ChangeKind::DefaultRouteChanged;
                change.interfaceIndex = header.rtm_index;
                change.address = addresses[RTAX_GATEWAY];
                change.detail =
                    header.rtm_type == RTM_DELETE ? "removed" : (header.rtm_type == RTM_ADD ? "added" : "changed");
                break;
            }
            default:
                return;
        }
        if (change.interfaceIndex != 0) change.interfaceName = nameOf(change.interfaceIndex);
        sink.push(std::move(change));
    }

    int m_socket = -1;
    std::array<int, 2> m_stopPipe{-1, -1};
    std::thread m_thread;
    std::map<unsigned, bool> m_linkUp;
    std::array<std::uint8_t, 8192> m_buffer{};
};

}  // namespace

std::unique_ptr<ChangeSource> makePlatformSource(const MonitorOptions& /*options*/) {
    return std::make_unique<RouteSocketSource>();
}

}  // namespace qdyn::netmon
