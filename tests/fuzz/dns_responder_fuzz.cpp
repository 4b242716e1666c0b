// Fuzz target: qdyn-server's DNS responder on arbitrary query bytes. Every answer it produces must
// itself be a valid DNS message, fit the UDP limit, and echo the query id. A query the answer
// cache takes must get from the cache exactly what the responder makes, under any other id.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <vector>

#include "dns/answer_cache.hpp"
#include "qdyn/dns/message.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/dns_responder.hpp"
#include "qdyn_server/update_service.hpp"
#include "qdyn_server/zone.hpp"

namespace {

constexpr const char* kConfig = R"(
[zone]
origin = "dyn.example.test"
nameserver = "ns1.dyn.example.test"
nameserver_addresses = ["192.0.2.53", "2001:db8::53"]
email = "hostmaster@example.test"
[[account]]
name = "alice"
password = "s3cret"
hosts = ["home", "a.b.dyn.example.test"]
)";

struct Fixture {
    Fixture()
        : config(qdyn::server::Config::parse(kConfig, "fuzz.toml").value()),
          zone(qdyn::server::buildInitialSnapshot(config, 1000).value()),
          updates(config, zone) {
        const auto home = qdyn::dns::Name::parse("home.dyn.example.test").value();
        static_cast<void>(updates.apply(config.accounts[0], home,
                                        {qdyn::IpAddress::parse("203.0.113.7"), qdyn::IpAddress::parse("2001:db8::7"),
                                         false, false, false}));
    }
    qdyn::server::Config config;
    qdyn::server::Zone zone;
    qdyn::server::UpdateService updates;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Fixture fixture;
    const std::span<const std::uint8_t> query(data, size);
    const auto snapshot = fixture.zone.snapshot();
    // Without and with the cookie and rate-limit context (a generous limit: the checks below
    // hold for every answer, limited ones included).
    static const qdyn::server::ServerCookies cookies(qdyn::server::CookieSecret{7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7},
                                                     std::nullopt);
    static qdyn::server::RateLimiter limiter(qdyn::server::RateLimitOptions{}, qdyn::server::RateLimiter::HashKey{});
    const qdyn::server::QueryContext context{*qdyn::IpAddress::parse("192.0.2.1"),
                                             std::chrono::system_clock::time_point(std::chrono::seconds(1700000000)),
                                             qdyn::server::RateLimiter::Clock::now(), &cookies, &limiter};
    for (const auto* ctx : {static_cast<const qdyn::server::QueryContext*>(nullptr), &context}) {
        for (auto transport : {qdyn::server::DnsTransport::Udp, qdyn::server::DnsTransport::Tcp}) {
            const auto answer = qdyn::server::respond(query, *snapshot, transport, ctx);
            if (answer.empty()) continue;
            if (transport == qdyn::server::DnsTransport::Udp && answer.size() > qdyn::server::kMaxUdpPayload) std::abort();
            if (answer.size() < 12 || size < 2 || answer[0] != data[0] || answer[1] != data[1]) std::abort();
            if (!qdyn::dns::decodeMessage(answer)) std::abort();
        }
    }
    if (qdyn::server::AnswerCache::cacheable(query)) {
        static qdyn::server::AnswerCache cache(4);
        static const auto generation = std::make_shared<int>(0);
        for (auto transport : {qdyn::server::DnsTransport::Udp, qdyn::server::DnsTransport::Tcp}) {
            static_cast<void>(cache.find(query, snapshot, generation, transport));
            const auto answer = qdyn::server::respond(query, *snapshot, transport);
            cache.remember(query, answer, transport);
            std::vector<std::uint8_t> other(query.begin(), query.end());
            other[0] ^= 0x5AU;
            other[1] ^= 0xA5U;
            const auto cached = cache.find(other, snapshot, generation, transport);
            const auto fresh = qdyn::server::respond(other, *snapshot, transport);
            if (!fresh.empty() && cached != fresh) std::abort();
        }
    }
    return 0;
}
