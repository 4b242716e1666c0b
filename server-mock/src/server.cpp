// Wiring: config -> zone -> update service -> API handlers -> listeners, and the lifecycle of
// the io thread that runs them.
#include "qdyn_server/server.hpp"

#include <chrono>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "dns/tcp_listener.hpp"
#include "dns/udp_listener.hpp"
#include "http/http_listener.hpp"
#include "log.hpp"
#include "qdyn_server/dns_responder.hpp"
#include "qdyn_server/dyndns2_handler.hpp"
#include "qdyn_server/http_router.hpp"
#include "qdyn_server/update_service.hpp"
#include "qdyn_server/zone.hpp"

namespace qdyn::server {

namespace asio = boost::asio;

std::string formatEndpoint(const IpAddress& address, std::uint16_t port) {
    const auto host = address.isV6() ? "[" + address.toString() + "]" : address.toString();
    return host + ":" + std::to_string(port);
}

namespace {

// A configuration built in code (tests) may skip Config::parse's checks; the zone then starts
// empty and start() reports why.
std::shared_ptr<const ZoneSnapshot> initialSnapshot(const Config& config, std::optional<Error>& failure) {
    auto built = buildInitialSnapshot(config, UpdateService::systemClock());
    if (built) return *built;
    failure = built.error();
    auto empty = std::make_shared<ZoneSnapshot>();
    empty->origin = config.zone.origin;
    empty->nameservers = {config.zone.nameserver};
    return empty;
}

}  // namespace

struct Server::Impl {
    enum class State { Idle, Running, Stopped };

    explicit Impl(Config cfg)
        : config(std::move(cfg)),
          zone(initialSnapshot(config, initError)),
          updates(config, zone),
          dyndns2(config, updates) {
        // Every HTTP API the server offers, in one list.
        router.add("/nic/update", {"GET"}, [this](const HttpRequestInfo& request) { return dyndns2.handle(request); });
    }

    Result<void> openListeners() {
        for (const auto& where : config.dnsUdp) {
            auto listener = UdpListener::open(io, where, [this](std::span<const std::uint8_t> query, const IpAddress&) {
                return respond(query, *zone.snapshot(), DnsTransport::Udp);
            });
            if (!listener) return listener.error();
            bound.push_back({"dns-udp", where.address, (*listener)->port()});
            udp.push_back(std::move(*listener));
        }
        TcpLimits tcpLimits;
        tcpLimits.idleTimeout = std::chrono::seconds(config.dns.tcpIdleTimeout);
        tcpLimits.messageTimeout = tcpLimits.idleTimeout;
        tcpLimits.maxConnections = config.dns.tcpMaxConnections;
        for (const auto& where : config.dnsTcp) {
            // Each query reads the snapshot current when it arrives, as over UDP, so a long-lived
            // connection sees updates and the query path takes no lock.
            auto listener = TcpListener::open(
                io, where,
                [this](std::span<const std::uint8_t> query, const IpAddress&) {
                    return respond(query, *zone.snapshot(), DnsTransport::Tcp);
                },
                tcpLimits);
            if (!listener) return listener.error();
            bound.push_back({"dns-tcp", where.address, (*listener)->port()});
            tcp.push_back(std::move(*listener));
        }
        for (const auto& where : config.http) {
            auto listener = HttpListener::open(io, where, router);
            if (!listener) return listener.error();
            bound.push_back({"http", where.address, (*listener)->port()});
            http.push_back(std::move(*listener));
        }
        return {};
    }

    void stopListeners() {
        for (auto& listener : udp) listener->stop();
        for (auto& listener : tcp) listener->stop();
        for (auto& listener : http) listener->stop();
    }

    void run() {
        // A handler that throws must not take the whole server down; the listeners catch what
        // they expect, this is the last line.
        for (;;) {
            try {
                io.run();
                return;
            } catch (const std::exception& e) {
                logLine(std::string("io thread: unexpected exception: ") + e.what());
            }
        }
    }

    Config config;
    std::optional<Error> initError;
    Zone zone;
    UpdateService updates;
    Dyndns2Handler dyndns2;
    HttpRouter router;

    asio::io_context io{1};
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::thread thread;
    std::vector<std::shared_ptr<UdpListener>> udp;
    std::vector<std::shared_ptr<TcpListener>> tcp;
    std::vector<std::shared_ptr<HttpListener>> http;
    std::vector<BoundListener> bound;
    std::mutex lifecycle;
    State state = State::Idle;
};

Server::Server(Config config) : m_impl(std::make_unique<Impl>(std::move(config))) {}

Server::~Server() { stop(); }

Result<void> Server::start() {
    auto& impl = *m_impl;
    const std::lock_guard lock(impl.lifecycle);
    if (impl.state != Impl::State::Idle) return makeError("the server was already started");
    if (impl.initError) return makeError("zone: " + impl.initError->message);
    if (auto opened = impl.openListeners(); !opened) {
        impl.stopListeners();
        impl.udp.clear();
        impl.tcp.clear();
        impl.http.clear();
        impl.bound.clear();
        return opened;
    }
    for (auto& listener : impl.udp) listener->start();
    for (auto& listener : impl.tcp) listener->start();
    for (auto& listener : impl.http) listener->start();
    impl.work.emplace(impl.io.get_executor());
    impl.thread = std::thread([&impl] { impl.run(); });
    impl.state = Impl::State::Running;
    return {};
}

void Server::stop() {
    auto& impl = *m_impl;
    const std::lock_guard lock(impl.lifecycle);
    if (impl.state != Impl::State::Running) {
        impl.state = Impl::State::Stopped;
        return;
    }
    // Listeners are touched only on the io thread; once they are closed and the in-flight
    // replies are written, run() runs out of work and the thread ends.
    asio::post(impl.io, [&impl] { impl.stopListeners(); });
    impl.work.reset();
    impl.thread.join();
    impl.state = Impl::State::Stopped;
}

const std::vector<BoundListener>& Server::listeners() const { return m_impl->bound; }

std::uint16_t Server::port(const std::string& kind) const {
    for (const auto& listener : m_impl->bound) {
        if (listener.kind == kind) return listener.port;
    }
    return 0;
}

std::vector<IpAddress> Server::addressesOf(const dns::Name& host) const {
    const auto published = m_impl->zone.snapshot()->addressesOf(host);
    std::vector<IpAddress> out = published.v4;
    out.insert(out.end(), published.v6.begin(), published.v6.end());
    return out;
}

}  // namespace qdyn::server
