// Building a generation, and the parts of a configuration a reload cannot change.
#include "generation.hpp"

#include <algorithm>

#include "accounts/credential_cache.hpp"

namespace qdyn::server {

namespace {

bool sameListeners(const std::vector<ListenAddress>& a, const std::vector<ListenAddress>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const ListenAddress& x, const ListenAddress& y) {
        return x.address == y.address && x.port == y.port;
    });
}

// True when the key `name` has the same algorithm and secret in both configurations.
bool sameKey(const Config& running, const Config& next, const dns::Name& name) {
    const auto find = [&](const Config& config) {
        return std::find_if(config.tsigKeys.begin(), config.tsigKeys.end(),
                            [&](const TsigKeyConfig& key) { return key.name == name; });
    };
    const auto a = find(running);
    const auto b = find(next);
    if (a == running.tsigKeys.end() || b == next.tsigKeys.end()) return a == running.tsigKeys.end() && b == next.tsigKeys.end();
    return a->algorithm == b->algorithm && a->secret == b->secret;
}

}  // namespace

Generation::Generation(Config cfg, Carried from, UpdateService& updates, const ZoneJournal& journal)
    : config(std::move(cfg)),
      carried(std::move(from)),
      auth(config, *carried.credentials, *carried.throttle),
      dyndns2(updates, auth),
      nanodnsd(updates, auth),
      minidns(config, updates, auth),
      dynonym(updates, auth),
      gnudip(config, updates, auth, *carried.gnudipSalts),
      dnsUpdates(config, updates),
      transfers(config, journal) {}

Result<std::shared_ptr<const Generation>> Generation::make(Config config, UpdateService& updates,
                                                           const ZoneJournal& journal, const Generation* previous) {
    Carried carried = previous != nullptr ? previous->carried
                                          : Carried{std::make_shared<CredentialCache>(),
                                                    std::make_shared<LoginThrottle>(config.throttle),
                                                    std::make_shared<GnudipSalts>()};
    carried.throttle->configure(config.throttle);
    auto generation = std::make_shared<Generation>(std::move(config), std::move(carried), updates, journal);
    const auto& cookieOptions = generation->config.dns.cookies;
    const bool keepRandomSecret = previous != nullptr && previous->cookies && !previous->config.dns.cookies.secret &&
                                  cookieOptions.enabled && !cookieOptions.secret;
    if (keepRandomSecret) {
        generation->cookies = previous->cookies;
    } else if (cookieOptions.enabled) {
        auto cookies = ServerCookies::create(cookieOptions);
        if (!cookies) return makeError("DNS cookies: " + cookies.message());
        generation->cookies = std::move(*cookies);
    }
    return std::shared_ptr<const Generation>(std::move(generation));
}

std::optional<std::string> restartNeededFor(const Config& running, const Config& next) {
    if (!(running.zone.origin == next.zone.origin)) return "[zone] origin changed";
    if (!sameListeners(running.dnsUdp, next.dnsUdp) || !sameListeners(running.dnsTcp, next.dnsTcp) ||
        !sameListeners(running.http, next.http) || !sameListeners(running.https, next.https) ||
        !sameListeners(running.qdns, next.qdns) || !sameListeners(running.qdnsTls, next.qdnsTls) ||
        !sameListeners(running.miniupdate, next.miniupdate) || !sameListeners(running.gnudip, next.gnudip) ||
        !sameListeners(running.myip, next.myip) ||
        !sameListeners(running.stun, next.stun) || !sameListeners(running.natpmp, next.natpmp)) {
        return "[listen] changed";
    }
    if (running.lineOptions != next.lineOptions) return "[line] changed";
    if (running.storePath != next.storePath) return "[store] path changed";
    if (running.httpOptions.nanodnsdPrefixes != next.httpOptions.nanodnsdPrefixes) {
        return "[http] nanodnsd_prefixes changed";
    }
    if (running.httpOptions.igd != next.httpOptions.igd) return "[http] igd changed";
    if (running.dns.tcpIdleTimeout != next.dns.tcpIdleTimeout ||
        running.dns.tcpMaxConnections != next.dns.tcpMaxConnections) {
        return "the [dns] TCP limits changed";
    }
    if (running.dns.udpBatchWaitMicroseconds != next.dns.udpBatchWaitMicroseconds) {
        return "[dns] udp_batch_wait changed";
    }
    if (running.dns.udpSegmentation != next.dns.udpSegmentation) return "[dns] udp_segmentation changed";
    if (running.dns.ixfrJournal != next.dns.ixfrJournal) return "[dns] ixfr_journal changed";
    if (running.forward != next.forward) return "[forward] changed";
    if (running.forward && !sameKey(running, next, running.forward->tsigKey)) return "the [forward] TSIG key changed";
    return std::nullopt;
}

}  // namespace qdyn::server
