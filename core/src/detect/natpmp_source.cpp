// The NAT-PMP source over libnatpmp: the library finds the gateway, owns the socket (connected to
// gateway:5351, so the kernel drops datagrams from anyone else), sends the request and decodes
// the reply; qdyn paces the resends against its own deadline and looks at each datagram
// (MSG_PEEK) before the library may read it, because libnatpmp neither checks a reply's length
// nor tells opcode 128 from a mapping response. libnatpmp is touched in this file only.
#include "qdyn/detect/natpmp_source.hpp"

#include <utility>

#include "qdyn/detect/natpmp_message.hpp"

#if defined(QDYN_HAVE_NATPMP)
#include <natpmp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#endif

namespace qdyn::detect {

namespace {

#if defined(QDYN_HAVE_NATPMP)

// A natpmp_t whose socket is closed on every path. initnatpmp opens the socket before it looks
// for the gateway, so a failed init leaves one open too.
class NatpmpHandle {
public:
    NatpmpHandle() { m_handle.s = -1; }
    ~NatpmpHandle() {
        if (m_handle.s >= 0) closenatpmp(&m_handle);
    }
    NatpmpHandle(const NatpmpHandle&) = delete;
    NatpmpHandle& operator=(const NatpmpHandle&) = delete;

    natpmp_t* get() noexcept { return &m_handle; }

private:
    natpmp_t m_handle{};
};

// libnatpmp's own failures in words (its strnatpmperr is compiled in only on request).
std::string libraryError(int code) {
    switch (code) {
        case NATPMP_ERR_INVALIDARGS:
            return "libnatpmp: invalid arguments";
        case NATPMP_ERR_SOCKETERROR:
            return std::string("cannot open a UDP socket: ") + std::strerror(errno);
        case NATPMP_ERR_FCNTLERROR:
            return "cannot make the socket non-blocking";
        case NATPMP_ERR_CANNOTGETGATEWAY:
            return "cannot find the default gateway (no default IPv4 route)";
        case NATPMP_ERR_CONNECTERR:
            return std::string("cannot reach the gateway: ") + std::strerror(errno);
        case NATPMP_ERR_SENDERR:
            return std::string("cannot send to the gateway: ") + std::strerror(errno);
        case NATPMP_ERR_RECVFROM:
            return std::string("receiving failed: ") + std::strerror(errno);
        case NATPMP_ERR_NOGATEWAYSUPPORT:
            return "the gateway does not speak NAT-PMP (ICMP port unreachable, or no answer to 9 tries)";
        case NATPMP_ERR_WRONGPACKETSOURCE:
            return "a reply from another address than the gateway";
        case NATPMP_ERR_UNSUPPORTEDVERSION:
            return "the gateway answered: unsupported version";
        case NATPMP_ERR_UNSUPPORTEDOPCODE:
            return "the gateway answered: unsupported opcode";
        case NATPMP_ERR_NOTAUTHORIZED:
            return "the gateway answered: not authorized or refused";
        case NATPMP_ERR_NETWORKFAILURE:
            return "the gateway answered: network failure";
        case NATPMP_ERR_OUTOFRESOURCES:
            return "the gateway answered: out of resources";
        case NATPMP_ERR_UNDEFINEDERROR:
            return "the gateway answered an undefined result code";
        case NATPMP_ERR_GETTIMEOFDAYERR:
            return "gettimeofday failed";
        default:
            return "libnatpmp error " + std::to_string(code);
    }
}

// RFC 6886 3.1: the first resend after 250 ms, then doubling.
constexpr std::chrono::milliseconds kFirstResend{250};

Result<IpAddress> askGateway(natpmp_t* handle, std::chrono::milliseconds timeout) {
    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + timeout;
    auto nextSend = start;
    auto interval = kFirstResend;
    std::string lastProblem = "no answer";
    while (true) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            return makeError("no valid answer within " + std::to_string(timeout.count()) + " ms (" + lastProblem + ")");
        }
        if (now >= nextSend) {
            if (const int sent = sendpublicaddressrequest(handle); sent < 0) return makeError(libraryError(sent));
            nextSend += interval;
            interval *= 2;
            continue;
        }
        const auto wait = std::chrono::ceil<std::chrono::milliseconds>(std::min(nextSend, deadline) - now);
        pollfd ready{handle->s, POLLIN, 0};
        const int polled = ::poll(&ready, 1, static_cast<int>(wait.count()));
        if (polled < 0 && errno != EINTR) return makeError(std::string("poll failed: ") + std::strerror(errno));
        if (polled <= 0) continue;

        // One octet more than any reply accepted, so an over-long one is seen as such.
        std::array<std::uint8_t, natpmp::kAddressResponseSize + 1> peeked{};
        const auto got = ::recv(handle->s, peeked.data(), peeked.size(), MSG_PEEK);
        if (got < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
            // As libnatpmp does: an ICMP port unreachable means no NAT-PMP there. A forged one
            // can only make this source fail, never make it report an address.
            if (errno == ECONNREFUSED) return makeError(libraryError(NATPMP_ERR_NOGATEWAYSUPPORT));
            return makeError(std::string("receiving failed: ") + std::strerror(errno));
        }
        const auto checked = natpmp::parseExternalAddressReply(
            std::span<const std::uint8_t>(peeked.data(), static_cast<std::size_t>(got)));
        if (!checked) {
            lastProblem = checked.message();
            (void)::recv(handle->s, peeked.data(), peeked.size(), 0);  // drop it; keep waiting
            continue;
        }
        // Only now does the library read: the datagram it gets is the one just checked.
        natpmpresp_t response{};
        const int read = readnatpmpresponseorretry(handle, &response);
        if (read == NATPMP_TRYAGAIN) continue;  // cannot happen: the datagram is there
        if (checked->resultCode != 0) {
            return makeError("the gateway answered: " + natpmp::describeResult(checked->resultCode));
        }
        if (read < 0) return makeError(libraryError(read));
        IpAddress::V4Bytes bytes{};
        std::memcpy(bytes.data(), &response.pnu.publicaddress.addr.s_addr, bytes.size());
        if (response.type != NATPMP_RESPTYPE_PUBLICADDRESS || IpAddress::fromV4(bytes) != checked->address) {
            return makeError("libnatpmp and qdyn read the reply differently");
        }
        if (checked->address == IpAddress()) return makeError("the gateway has no external address (0.0.0.0)");
        return checked->address;
    }
}

#endif  // QDYN_HAVE_NATPMP

}  // namespace

bool natpmpAvailable() noexcept {
#if defined(QDYN_HAVE_NATPMP)
    return true;
#else
    return false;
#endif
}

NatpmpSource::NatpmpSource(NatpmpOptions options) : m_options(std::move(options)) {}

std::string NatpmpSource::describe() const {
    return "natpmp " + (m_options.gateway ? m_options.gateway->toString() : std::string("default gateway"));
}

Result<std::vector<Candidate>> NatpmpSource::detect(AddressFamily family) {
    if (family != AddressFamily::V4) return makeError(describe() + ": NAT-PMP reports IPv4 only (RFC 6886)");
#if defined(QDYN_HAVE_NATPMP)
    in_addr_t forced = 0;
    if (m_options.gateway) {
        if (!m_options.gateway->isV4()) return makeError(describe() + ": the gateway must be an IPv4 address");
        const auto bytes = m_options.gateway->v4Bytes();
        std::memcpy(&forced, bytes.data(), bytes.size());  // network order, as libnatpmp wants it
    }
    NatpmpHandle handle;
    if (const int init = initnatpmp(handle.get(), m_options.gateway ? 1 : 0, forced); init < 0) {
        return makeError(describe() + ": " + libraryError(init));
    }
    auto address = askGateway(handle.get(), m_options.timeout);
    if (!address) return makeError(describe() + ": " + address.message());
    Candidate candidate;
    candidate.address = *address;
    return std::vector<Candidate>{candidate};
#else
    return makeError(describe() + ": qdyn was built without libnatpmp");
#endif
}

}  // namespace qdyn::detect
