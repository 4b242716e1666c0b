// Sends NOTIFY (RFC 1996) to every [[secondary]] after each change of what is served, on the
// server's io thread: one NOTIFY in flight per secondary, resent with a doubling timeout until
// the secondary answers or the attempts run out. A burst of changes costs one NOTIFY per
// secondary and round trip: each one carries the SOA current when it is sent, so a newer serial
// simply supersedes the one still unanswered.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "qdyn/dns/tsig.hpp"
#include "qdyn/ip_address.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/update_service.hpp"
#include "qdyn_server/zone.hpp"

namespace qdyn::server {

struct NotifyTarget {
    IpAddress address;
    std::uint16_t port = 53;
    std::optional<dns::TsigKey> key;  // signs the NOTIFY; the reply must then verify
};

// One target per [[secondary]] of `config`, each with its key.
std::vector<NotifyTarget> notifyTargets(const Config& config);

struct NotifyOptions {
    std::chrono::milliseconds firstTimeout{1000};  // doubled after every unanswered attempt
    int attempts = 5;                              // then the serial is given up (logged)
};

class NotifySender final : public ChangeListener, public std::enable_shared_from_this<NotifySender> {
public:
    using Clock = std::function<std::uint64_t()>;  // seconds since the epoch, for TSIG

    NotifySender(boost::asio::io_context& io, const Zone& zone, NotifyOptions options = {},
                 Clock clock = &dns::tsigNow);
    ~NotifySender() override;

    // Replaces the targets (at start, and on a reload). Call on the io thread, or before it runs.
    void setTargets(std::vector<NotifyTarget> targets);
    // Tells every target about the zone's current SOA. Any thread; never blocks.
    void notify();
    // ChangeListener: every change of what is served is a reason to notify.
    void zoneChanged(const std::shared_ptr<const ZoneChange>& change) override;
    // Closes the sockets and stops the retries. Call on the io thread, or when it does not run.
    void stop();

    // Counters for tests and the log: NOTIFYs acknowledged, refused, and given up.
    [[nodiscard]] std::size_t acknowledged() const noexcept { return m_acknowledged.load(); }
    [[nodiscard]] std::size_t refused() const noexcept { return m_refused.load(); }
    [[nodiscard]] std::size_t givenUp() const noexcept { return m_givenUp.load(); }

private:
    struct Peer;
    void send(const std::shared_ptr<Peer>& peer, bool fresh);
    void receive(const std::shared_ptr<Peer>& peer);
    void onReceive(const std::shared_ptr<Peer>& peer, std::size_t size);
    void onTimeout(const std::shared_ptr<Peer>& peer);
    void finish(const std::shared_ptr<Peer>& peer);

    boost::asio::io_context& m_io;
    const Zone& m_zone;
    NotifyOptions m_options;
    Clock m_clock;
    std::vector<std::shared_ptr<Peer>> m_peers;  // io thread only
    std::atomic<std::size_t> m_acknowledged{0};
    std::atomic<std::size_t> m_refused{0};
    std::atomic<std::size_t> m_givenUp{0};
    bool m_stopped = false;
};

}  // namespace qdyn::server
