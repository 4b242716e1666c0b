// The NOTIFY state machine per secondary: a connected UDP socket (so only the secondary's
// datagrams arrive), a retry timer, and at most one NOTIFY in flight.
#include "xfr/notify_sender.hpp"

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <random>

#include "log.hpp"
#include "net/asio_address.hpp"
#include "qdyn_server/server.hpp"
#include "xfr/notify_message.hpp"

namespace qdyn::server {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

constexpr std::size_t kMaxReply = 4096;  // a NOTIFY reply is an echo of the request

std::uint16_t randomId() {
    static thread_local std::mt19937 generator{std::random_device{}()};
    return static_cast<std::uint16_t>(std::uniform_int_distribution<unsigned>(0, 0xFFFF)(generator));
}

}  // namespace

struct NotifySender::Peer {
    Peer(asio::io_context& io, NotifyTarget t) : target(std::move(t)), socket(io), timer(io) {}

    NotifyTarget target;
    std::string label;
    udp::socket socket;
    asio::steady_timer timer;
    std::array<std::uint8_t, kMaxReply> buffer{};
    std::optional<SentNotify> inFlight;
    dns::SoaData inFlightSoa;
    int attempt = 0;
    std::chrono::milliseconds timeout{0};
    std::uint64_t round = 0;  // tells a stale timer completion from the current one
    bool dirty = false;       // the zone changed since the NOTIFY in flight was made
    bool lost = false;        // the NOTIFY in flight met a closed port (ICMP): nothing will answer it
    bool receiving = false;
};

std::vector<NotifyTarget> notifyTargets(const Config& config) {
    std::vector<NotifyTarget> out;
    for (const auto& secondary : config.secondaries) {
        NotifyTarget target{secondary.address, secondary.port, std::nullopt};
        if (secondary.tsigKey) {
            for (const auto& key : config.tsigKeys) {
                if (!(key.name == *secondary.tsigKey)) continue;
                if (auto made = key.makeKey()) target.key = std::move(*made);
            }
        }
        out.push_back(std::move(target));
    }
    return out;
}

NotifySender::NotifySender(asio::io_context& io, const Zone& zone, NotifyOptions options, Clock clock)
    : m_io(io), m_zone(zone), m_options(options), m_clock(std::move(clock)) {}

NotifySender::~NotifySender() {
    stop();
}

void NotifySender::setTargets(std::vector<NotifyTarget> targets) {
    for (auto& peer : m_peers) {
        boost::system::error_code ignored;
        peer->timer.cancel();
        peer->socket.close(ignored);
    }
    m_peers.clear();
    for (auto& target : targets) {
        auto peer = std::make_shared<Peer>(m_io, std::move(target));
        peer->label = formatEndpoint(peer->target.address, peer->target.port);
        const udp::endpoint endpoint(toAsioAddress(peer->target.address), peer->target.port);
        boost::system::error_code error;
        peer->socket.open(endpoint.protocol(), error);
        if (!error) peer->socket.connect(endpoint, error);
        if (error) logLine("notify: " + peer->label + ": " + error.message() + " (NOTIFY disabled for it)");
        m_peers.push_back(std::move(peer));
    }
}

void NotifySender::zoneChanged(const std::shared_ptr<const ZoneChange>& /*change*/) {
    notify();
}

void NotifySender::notify() {
    asio::post(m_io, [self = shared_from_this()] {
        if (self->m_stopped) return;
        for (const auto& peer : self->m_peers) {
            peer->dirty = true;
            // One NOTIFY in flight at a time, unless that one is known lost: a secondary that
            // was down when it went out (at our start, say) hears of this change at once.
            if (!peer->inFlight || peer->lost) self->send(peer, true);
        }
    });
}

void NotifySender::stop() {
    m_stopped = true;
    for (auto& peer : m_peers) {
        boost::system::error_code ignored;
        peer->timer.cancel();
        peer->socket.close(ignored);
    }
}

// `fresh`: a NOTIFY for the zone's current SOA with a new id; otherwise the one in flight again
// (same id and SOA, signed anew so its time stays inside the secondary's fudge).
void NotifySender::send(const std::shared_ptr<Peer>& peer, bool fresh) {
    if (m_stopped || !peer->socket.is_open()) return;
    const std::uint16_t id = fresh || !peer->inFlight ? randomId() : peer->inFlight->id;
    if (fresh) {
        peer->inFlightSoa = m_zone.snapshot()->soa;
        peer->dirty = false;
        peer->attempt = 0;
        peer->timeout = m_options.firstTimeout;
    }
    const auto* key = peer->target.key ? &*peer->target.key : nullptr;
    auto made = makeNotify(m_zone.snapshot()->origin, peer->inFlightSoa, id, key, m_clock());
    if (!made) {
        logLine("notify: " + peer->label + ": " + made.message());
        peer->inFlight.reset();
        return;
    }
    peer->inFlight = std::move(*made);
    peer->lost = false;
    ++peer->attempt;
    auto bytes = std::make_shared<std::vector<std::uint8_t>>(peer->inFlight->wire);
    // A send error (ICMP unreachable reported on the connected socket) is a lost datagram: the
    // retry timer covers it.
    peer->socket.async_send(asio::buffer(*bytes), [bytes](const boost::system::error_code&, std::size_t) {});
    if (!peer->receiving) receive(peer);
    const std::uint64_t round = ++peer->round;
    peer->timer.expires_after(peer->timeout);
    peer->timer.async_wait([self = shared_from_this(), peer, round](const boost::system::error_code& error) {
        if (error || round != peer->round) return;
        self->onTimeout(peer);
    });
}

void NotifySender::receive(const std::shared_ptr<Peer>& peer) {
    peer->receiving = true;
    peer->socket.async_receive(
        asio::buffer(peer->buffer),
        [self = shared_from_this(), peer](const boost::system::error_code& error, std::size_t size) {
            peer->receiving = false;
            if (error == asio::error::operation_aborted || self->m_stopped || !peer->socket.is_open()) return;
            if (!error) self->onReceive(peer, size);
            if (error == asio::error::connection_refused && peer->inFlight) peer->lost = true;
            // Refused ports and other per-datagram errors leave the socket usable; the retry timer
            // still runs for a lost NOTIFY (the secondary may be starting).
            if (!self->m_stopped && peer->socket.is_open() && !peer->receiving) self->receive(peer);
        });
}

void NotifySender::onReceive(const std::shared_ptr<Peer>& peer, std::size_t size) {
    if (!peer->inFlight) return;
    const auto* key = peer->target.key ? &*peer->target.key : nullptr;
    const auto check =
        checkNotifyReply(std::span<const std::uint8_t>(peer->buffer.data(), size), *peer->inFlight, key, m_clock());
    const std::string serial = std::to_string(peer->inFlightSoa.serial);
    switch (check.verdict) {
        case NotifyVerdict::Acknowledged:
            ++m_acknowledged;
            break;
        case NotifyVerdict::Refused:
            ++m_refused;
            logLine("notify: " + peer->label + " refused NOTIFY for serial " + serial + ": " + check.detail);
            break;
        case NotifyVerdict::BadSignature:
            logLine("notify: " + peer->label + ": reply ignored, " + check.detail);
            return;
        case NotifyVerdict::NotOurs:
            return;
    }
    finish(peer);
}

void NotifySender::onTimeout(const std::shared_ptr<Peer>& peer) {
    if (!peer->inFlight) return;
    // A newer change supersedes the unanswered NOTIFY: the secondary wants the latest serial.
    if (peer->dirty) return send(peer, true);
    if (peer->attempt < m_options.attempts) {
        peer->timeout *= 2;
        return send(peer, false);
    }
    ++m_givenUp;
    logLine("notify: " + peer->label + " did not answer NOTIFY for serial " + std::to_string(peer->inFlightSoa.serial) +
            " (" + std::to_string(peer->attempt) + " attempts); it will catch up at its SOA refresh");
    peer->inFlight.reset();
}

void NotifySender::finish(const std::shared_ptr<Peer>& peer) {
    ++peer->round;  // the retry timer of this NOTIFY is void now
    peer->timer.cancel();
    peer->inFlight.reset();
    if (peer->dirty) send(peer, true);
}

}  // namespace qdyn::server
