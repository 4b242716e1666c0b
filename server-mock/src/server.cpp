// Wiring: config -> zone -> update service -> API handlers -> listeners, and the lifecycle of
// the io thread that runs them.
#include "qdyn_server/server.hpp"

#include <chrono>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "dns/tcp_listener.hpp"
#include "dns/whoami.hpp"
#include "dns/udp_listener.hpp"
#include "dns/reply_basics.hpp"
#include "generation.hpp"
#include "http/api_routes.hpp"
#include "http/http_listener.hpp"
#include "line/line_front_ends.hpp"
#include "store/durable_inbox.hpp"
#include "log.hpp"
#include "metrics.hpp"
#include "qdyn_server/dns_responder.hpp"
#include "qdyn_server/dyndns2_handler.hpp"
#include "qdyn_server/http_router.hpp"
#include "qdyn_server/store.hpp"
#include "qdyn_server/update_service.hpp"
#include "qdyn_server/zone.hpp"
#include "dns/answer_cache.hpp"
#include "forward/forwarder.hpp"
#include "xfr/journal.hpp"
#include "xfr/notify_sender.hpp"
#include "xfr/transfer_handler.hpp"
#include "filedrop/file_drop_service.hpp"

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

using wire::kHeaderSize;

// The restore of a big store frees as much as it builds (the stored form of every name): give
// that back to the system rather than carry it as resident memory for the server's lifetime.
void releaseFreedMemory() {
#ifdef __GLIBC__
    ::malloc_trim(0);
#endif
}

// How long a stopping server keeps sending what the [forward] primary has not yet accepted.
constexpr std::chrono::milliseconds kForwardGrace{2000};

bool isUpdateRequest(std::span<const std::uint8_t> message) {
    return message.size() >= kHeaderSize && (message[2] & 0x80U) == 0 &&
           ((message[2] >> 3U) & 0x0FU) == static_cast<unsigned>(dns::Opcode::Update);
}

// SERVFAIL echoing the id and opcode: what an UPDATE gets when its write could not be made
// durable (the change is then not acknowledged, though it may be served until a restart).
std::vector<std::uint8_t> servFailFor(std::span<const std::uint8_t> request) {
    return wire::headerOnlyReply(request, dns::Rcode::ServFail, false);
}

// Plain-text secrets still work (the demo and quick set-ups use them), but whoever reads the
// configuration file holds them: say so once at start, with the command that fixes it.
void warnAboutPlainSecrets(const Config& config) {
    for (const auto& account : config.accounts) {
        if (!account.password.empty()) {
            logLine("warning: account " + account.name + " has a plain-text password in the configuration "
                    "(whoever reads the file can use it); password_hash, as `qdyn-server account add` writes "
                    "it, keeps only a scrypt hash");
        }
        if (!account.token.empty()) {
            logLine("warning: account " + account.name + " has a plain-text token in the configuration; "
                    "token_hash, as `qdyn-server account token` writes it, keeps only a scrypt hash");
        }
    }
}

}  // namespace

struct Server::Impl {
    enum class State { Idle, Running, Stopped };

    explicit Impl(Config cfg)
        : config(std::move(cfg)),
          zone(initialSnapshot(config, initError)),
          updates(config, zone),
          limiter(std::make_unique<RateLimiter>(config.dns.rateLimit)) {
        // Every HTTP API the server offers: the update and echo APIs, then operations.
        addApiRoutes(router, config.httpOptions,
                     ApiRouteHooks{[this] { return current(); },
                                   [this](std::string_view api, HttpReply reply) {
                                       return durable(api == "dyndns2" ? counted(std::move(reply))
                                                                       : countedByStatus(std::string(api), std::move(reply)));
                                   }});
        router.add("/healthz", {"GET", "HEAD"}, [this](const HttpRequestInfo&) { return health(); });
        router.add("/metrics", {"GET"}, [this](const HttpRequestInfo&) {
            HttpReply reply;
            reply.contentType = "text/plain; version=0.0.4; charset=utf-8";
            std::optional<ForwardStats> forward;
            if (forwarder) forward = ForwardStats{forwarder->accepted(), forwarder->failed(), forwarder->pending()};
            reply.body = metrics.render(*zone.snapshot(), store.get(), forward ? &*forward : nullptr);
            return reply;
        });
    }

    // 200 while the server can do its job; 503 once a store write has failed (updates may then
    // be answered but not durable: the operator should look at the log).
    HttpReply health() const {
        HttpReply reply;
        const auto failures = store ? store->stats().failures : 0;
        if (failures == 0) {
            reply.body = "ok\n";
        } else {
            reply.status = 503;
            reply.body = "store: " + std::to_string(failures) + " failed transactions since start\n";
        }
        return reply;
    }

    // dyndns2 outcomes for /metrics: the first word of each line of the body.
    HttpReply counted(HttpReply reply) {
        if (reply.status == 401) metrics.countAuthFailure("dyndns2");
        std::size_t start = 0;
        while (start < reply.body.size()) {
            const auto end = reply.body.find('\n', start);
            const auto line = reply.body.substr(start, end == std::string::npos ? std::string::npos : end - start);
            if (!line.empty()) metrics.countUpdate("dyndns2", line.substr(0, line.find(' ')));
            if (end == std::string::npos) break;
            start = end + 1;
        }
        return reply;
    }

    // The other APIs' outcomes for /metrics: by HTTP status (their bodies are free text).
    HttpReply countedByStatus(const std::string& api, HttpReply reply) {
        if (reply.status == 401) metrics.countAuthFailure(api);
        metrics.countUpdate(api, std::to_string(reply.status));
        return reply;
    }

    void countDnsAnswer(const std::vector<std::uint8_t>& reply, DnsTransport transport) noexcept {
        const bool overTcp = transport == DnsTransport::Tcp;
        if (reply.size() < kHeaderSize) return metrics.countDropped(overTcp);
        metrics.countAnswer(overTcp, static_cast<std::uint8_t>(reply[3] & 0x0FU));
    }

    // The durable state: opened, read back and re-applied before anything listens.
    Result<void> openStore() {
        if (config.storePath.empty()) {
            logLine("no [store] path configured: updates are kept in memory only and lost on restart");
            return {};
        }
        auto opened = Store::open(config.storePath);
        if (!opened) return makeError("store " + config.storePath.string() + ": " + opened.message());
        const auto began = std::chrono::steady_clock::now();
        auto restored = updates.restore(**opened);
        if (!restored) return makeError("store " + config.storePath.string() + ": " + restored.message());
        releaseFreedMemory();
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began);
        logLine("store " + config.storePath.string() + ": " + std::to_string(*restored) + " names restored in " +
                std::to_string(took.count()) + " ms, serial " + std::to_string(zone.snapshot()->soa.serial));
        store = std::move(*opened);
        updates.useStore(store.get());
        return {};
    }

    // Every DNS message from any transport: UPDATEs to the update handler (acknowledged once
    // durable), everything else to the responder over the current snapshot.
    DnsReply handleDns(std::span<const std::uint8_t> message, const IpAddress& peer, DnsTransport transport) {
        const auto gen = current();
        if (TransferHandler::handles(message)) return handleTransfer(*gen, message, peer, transport);
        if (!isUpdateRequest(message)) {
            QueryContext context{peer, std::chrono::system_clock::now(), RateLimiter::Clock::now(),
                                 gen->cookies ? &*gen->cookies : nullptr,
                                 limited(*gen, peer, transport) ? limiter.get() : nullptr};
            const auto& whoami = gen->config.dns.whoami;
            context.whoami = whoami ? &*whoami : nullptr;
            const auto snapshot = zone.snapshot();
            // A whoami answer belongs to one querier: never from the cache, never into it.
            if (!AnswerCache::cacheable(message) || (whoami && asksWhoami(message, *whoami))) {
                auto reply = respond(message, *snapshot, transport, &context);
                countDnsAnswer(reply, transport);
                return reply;
            }
            // A plain query: the rate limit first (as the responder would), then the cache.
            if (context.limiter != nullptr) {
                context.decided = context.limiter->check(peer, context.steadyNow);
                if (*context.decided == RateDecision::Drop) {
                    metrics.countDropped(false);
                    return DnsReply();
                }
            }
            if (!context.decided || *context.decided == RateDecision::Allow) {
                if (auto cached = answers.find(message, snapshot, gen, transport); !cached.empty()) {
                    countDnsAnswer(cached, transport);
                    return cached;
                }
            }
            auto reply = respond(message, *snapshot, transport, &context);
            if (!context.decided || *context.decided == RateDecision::Allow) answers.remember(message, reply, transport);
            countDnsAnswer(reply, transport);
            return reply;
        }
        auto reply = gen->dnsUpdates.handle(message, peer, transport);
        if (!reply.logLine.empty()) logLine(reply.logLine);
        countDnsAnswer(reply.wire, transport);
        if (reply.wire.size() >= kHeaderSize) {
            const auto rcode = static_cast<dns::Rcode>(reply.wire[3] & 0x0FU);
            metrics.countUpdate("rfc2136", std::string(dns::toString(rcode)));
            if (rcode == dns::Rcode::NotAuth) metrics.countAuthFailure("rfc2136");
        }
        if (reply.ticket == 0) return DnsReply(std::move(reply.wire));
        DnsReply later;
        later.later = [this, ticket = reply.ticket, wire = std::move(reply.wire),
                       failure = servFailFor(message)](DnsReply::Sender send) mutable {
            afterDurable(ticket, [send = std::move(send), wire = std::move(wire), failure = std::move(failure)](bool ok) mutable {
                send(std::move(ok ? wire : failure));
            });
        };
        return later;
    }

    // --- secondaries: zone transfers, the IXFR journal and NOTIFY ---

    // AXFR/IXFR to the [[secondary]] servers and their TSIG-signed queries (a secondary's SOA
    // check). A transfer over TCP is a stream: each message is made once the previous is written.
    DnsReply handleTransfer(const Generation& gen, std::span<const std::uint8_t> message, const IpAddress& peer,
                            DnsTransport transport) {
        auto reply = gen.transfers.handle(message, peer, transport, zone.snapshot());
        if (!reply.logLine.empty()) logLine(reply.logLine);
        if (!reply.reply.stream) countDnsAnswer(reply.reply.wire, transport);
        return std::move(reply.reply);
    }

    // From here on the journal and NOTIFY follow every change; the secondaries hear of the
    // current serial at once (it moved on at start-up). Runs before the io thread starts.
    void startSecondaries() {
        if (!notifier) {  // once, even when a failed start() is tried again
            updates.addListener(journal);
            notifier = std::make_shared<NotifySender>(io, zone);
            updates.addListener(*notifier);
        }
        notifier->setTargets(notifyTargets(config));
        notifier->notify();
    }

    // --- forward mode: every change also goes to an external primary ---

    // Runs before the io thread starts. The primary first gets the whole dynamic state (it may
    // have missed changes while this server was down), then every change as it happens.
    Result<void> startForward() {
        if (!config.forward || forwarder) return {};
        auto target = forwardTarget(config);
        if (!target) return target.error();
        forwarder = std::make_unique<Forwarder>(zone, std::move(*target));
        updates.addListener(*forwarder);
        updates.setUpstreamCheck([this](const dns::Name& name) { return forwarder && forwarder->refuses(name); });
        if (config.forward->resyncOnStart) {
            std::vector<dns::Name> hosts;
            for (const auto& account : config.accounts) hosts.insert(hosts.end(), account.hosts.begin(), account.hosts.end());
            forwarder->resyncAll(hosts);
        }
        forwarder->start();
        return {};
    }

    // A reload may change the [[secondary]] list and keys: NOTIFY follows on the io thread.
    void reloadSecondaries(const Config& next) {
        if (!notifier) return;
        auto targets = std::make_shared<std::vector<NotifyTarget>>(notifyTargets(next));
        asio::post(io, [sender = notifier, targets] {
            sender->setTargets(std::move(*targets));
            sender->notify();
        });
    }

    void stopSecondaries() {
        if (notifier) notifier->stop();
    }

    // [file_drop]: started with each configuration (a reload replaces it); its thread calls the
    // update service, so it must be gone before the store closes.
    void startFileDrop(const Config& with) {
        fileDrop.reset();
        if (!with.fileDrop) return;
        fileDrop = std::make_unique<FileDropService>(
            with, updates, [this](std::string_view outcome) { metrics.countUpdate("filedrop", std::string(outcome)); });
        fileDrop->start();
    }

    // The rate limit covers UDP answers to others; tools and resolvers on this machine are
    // never limited (a loopback source cannot be spoofed from outside).
    [[nodiscard]] static bool limited(const Generation& generation, const IpAddress& peer, DnsTransport transport) {
        return transport == DnsTransport::Udp && generation.config.dns.rateLimit.enabled &&
               peer.scope() != AddressScope::Loopback;
    }

    [[nodiscard]] std::shared_ptr<const Generation> current() const { return generation.load(std::memory_order_acquire); }

    // SIGHUP: a new generation of front ends, and the zone rebuilt around the dynamic state.
    Result<void> reload(Config next) {
        const auto running = current();
        if (auto why = restartNeededFor(running->config, next)) {
            return makeError(*why + "; that needs a restart, the running configuration stays");
        }
        // The certificate is read again even from the same path: SIGHUP after a renewal.
        std::shared_ptr<TlsContext> tls;
        if (!https.empty() || lines.usesTls()) {
            auto rebuilt = makeTlsContext(next.httpOptions.tlsCertificate, next.httpOptions.tlsKey);
            if (!rebuilt) return rebuilt.error();
            tls = std::move(*rebuilt);
        }
        auto made = Generation::make(std::move(next), updates, journal, running.get());
        if (!made) return made.error();
        const auto& fresh = *made;
        if (auto rebuilt = updates.reconfigure(std::shared_ptr<const Config>(fresh, &fresh->config)); !rebuilt) {
            return rebuilt;
        }
        generation.store(fresh, std::memory_order_release);
        // The limiter belongs to the io thread: swap it there.
        asio::post(io, [this, options = fresh->config.dns.rateLimit] { limiter = std::make_unique<RateLimiter>(options); });
        if (tls) {
            asio::post(io, [this, tls] {
                for (auto& listener : https) listener->setTlsContext(tls);
                lines.setTlsContext(tls);
            });
        }
        reloadSecondaries(fresh->config);
        return {};
    }

    // An HTTP reply that acknowledges a write goes out once the write is durable, or as the
    // API's own failure reply (dyndns2: 911) when it cannot be made durable.
    // Every callback here is called once: what it holds moves on rather than being copied.
    HttpReply durable(HttpReply reply) {
        if (reply.ticket == 0) return reply;
        HttpReply deferred;
        deferred.later = [this, ticket = reply.ticket, ready = std::move(reply)](std::function<void(HttpReply)> send) mutable {
            afterDurable(ticket, [send = std::move(send), ready = std::move(ready)](bool ok) mutable {
                if (ok) return send(std::move(ready));
                HttpReply failure;
                failure.status = ready.storeFailureStatus;
                failure.body = std::move(ready.storeFailureBody);
                failure.logSummary = std::move(ready.logSummary) + " (store write failed)";
                send(std::move(failure));
            });
        };
        return deferred;
    }

    // Calls `then` on the io thread once the write is durable (or has failed).
    void afterDurable(Store::Ticket ticket, std::function<void(bool)> then) {
        updates.whenDurable(ticket, [this, then = std::move(then)](const Result<void>& done) mutable {
            if (!done) logLine("store write failed: " + done.message());
            durableInbox.deliver(std::move(then), static_cast<bool>(done));
        });
    }

    // Dynamic records whose expiry passed are removed once a second.
    void scheduleExpiry() {
        if (stopping) return;
        expiryTimer.expires_after(std::chrono::seconds(1));
        expiryTimer.async_wait([this](const boost::system::error_code& error) {
            // A wait that had already completed when stopListeners() cancelled the timer still
            // arrives without an error: without the flag it would re-arm the timer, the io
            // thread would never run out of work, and stop() would wait for it forever.
            if (error || stopping) return;
            updates.expireDue();
            scheduleExpiry();
        });
    }

    Result<void> openListeners() {
        for (const auto& where : config.dnsUdp) {
            auto listener = UdpListener::open(
                io, where,
                [this](std::span<const std::uint8_t> query, const IpAddress& peer) {
                    return handleDns(query, peer, DnsTransport::Udp);
                },
                UdpListener::Options{std::chrono::microseconds(config.dns.udpBatchWaitMicroseconds),
                                     config.dns.udpSegmentation});
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
                [this](std::span<const std::uint8_t> query, const IpAddress& peer) {
                    return handleDns(query, peer, DnsTransport::Tcp);
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
        std::shared_ptr<TlsContext> tls;
        if (!config.https.empty() || !config.qdnsTls.empty()) {
            auto made = makeTlsContext(config.httpOptions.tlsCertificate, config.httpOptions.tlsKey);
            if (!made) return made.error();
            tls = std::move(*made);
        }
        for (const auto& where : config.https) {
            auto listener = HttpListener::open(io, where, router, {}, tls);
            if (!listener) return listener.error();
            bound.push_back({"https", where.address, (*listener)->port()});
            https.push_back(std::move(*listener));
        }
        return lines.open(config, tls, bound);
    }

    void stopListeners() {
        stopping = true;
        expiryTimer.cancel();
        for (auto& listener : udp) listener->stop();
        for (auto& listener : tcp) listener->stop();
        for (auto& listener : http) listener->stop();
        for (auto& listener : https) listener->stop();
        lines.stop();
        stopSecondaries();
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
    Metrics metrics;
    std::optional<Error> initError;
    Zone zone;
    UpdateService updates;
    std::atomic<std::shared_ptr<const Generation>> generation;  // set by start(), replaced by reload()
    std::unique_ptr<RateLimiter> limiter;  // used and replaced on the io thread only
    AnswerCache answers;                   // io thread only
    HttpRouter router;

    ZoneJournal journal{config.dns.ixfrJournal};  // registered with `updates` by startSecondaries()
    asio::io_context io{1};
    ::qdyn::server::store::DurableInbox durableInbox{io};  // before `store`, whose last callbacks deliver to it
    asio::steady_timer expiryTimer{io};
    bool stopping = false;  // io thread only: set by stopListeners(), the expiry timer stays off
    std::shared_ptr<NotifySender> notifier;  // after io: its sockets belong to io
    std::unique_ptr<Forwarder> forwarder;    // [forward]; registered with `updates` by startForward()
    // After io: destroyed first, so its last callbacks can still post to io.
    std::unique_ptr<Store> store;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::thread thread;
    std::vector<std::shared_ptr<UdpListener>> udp;
    std::vector<std::shared_ptr<TcpListener>> tcp;
    std::vector<std::shared_ptr<HttpListener>> http;
    std::vector<std::shared_ptr<HttpListener>> https;
    std::vector<BoundListener> bound;
    // QDNS, miniupdate, GnuDIP over TCP: after io, zone, updates and metrics, which they use.
    LineFrontEnds lines{io, LineServices{[this] { return current(); }, updates, zone, &metrics},
                        [this](Store::Ticket ticket, std::function<void(bool)> then) { afterDurable(ticket, std::move(then)); }};
    std::mutex lifecycle;
    State state = State::Idle;
    std::unique_ptr<FileDropService> fileDrop;  // last: stopped before anything it uses goes
};

Server::Server(Config config) : m_impl(std::make_unique<Impl>(std::move(config))) {}

Server::~Server() { stop(); }

Result<void> Server::start() {
    auto& impl = *m_impl;
    const std::lock_guard lock(impl.lifecycle);
    if (impl.state != Impl::State::Idle) return makeError("the server was already started");
    if (impl.initError) return makeError("zone: " + impl.initError->message);
    if (auto opened = impl.openStore(); !opened) return opened;
    warnAboutPlainSecrets(impl.config);
    auto first = Generation::make(impl.config, impl.updates, impl.journal);
    if (!first) return first.error();
    impl.generation.store(*first);
    impl.startSecondaries();
    if (auto forwarding = impl.startForward(); !forwarding) return forwarding;
    if (auto opened = impl.openListeners(); !opened) {
        impl.stopListeners();
        impl.udp.clear();
        impl.tcp.clear();
        impl.http.clear();
        impl.https.clear();
        impl.bound.clear();
        return opened;
    }
    for (auto& listener : impl.udp) listener->start();
    for (auto& listener : impl.tcp) listener->start();
    for (auto& listener : impl.http) listener->start();
    for (auto& listener : impl.https) listener->start();
    impl.lines.start();
    impl.stopping = false;  // a start that failed earlier set it
    impl.scheduleExpiry();
    impl.work.emplace(impl.io.get_executor());
    impl.thread = std::thread([&impl] { impl.run(); });
    impl.startFileDrop(impl.config);
    impl.state = Impl::State::Running;
    return {};
}

Result<void> Server::reload(Config config) {
    auto& impl = *m_impl;
    const std::lock_guard lock(impl.lifecycle);
    if (impl.state != Impl::State::Running) return makeError("the server is not running");
    if (auto reloaded = impl.reload(std::move(config)); !reloaded) return reloaded;
    impl.startFileDrop(impl.current()->config);
    logLine("reload: new configuration in use, serial " + std::to_string(impl.zone.snapshot()->soa.serial));
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
    impl.fileDrop.reset();  // its thread writes updates: stopped before the store closes
    // Commit what is queued: the replies owed for it are posted while the io thread still runs.
    if (impl.store) impl.store->close();
    impl.work.reset();
    impl.thread.join();
    // Nothing changes the zone any more: give the primary what is still queued, briefly.
    if (impl.forwarder) impl.forwarder->stop(kForwardGrace);
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
