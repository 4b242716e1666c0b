// Fuzz target: qdyn-server's DNS responder on arbitrary query bytes. Every answer it produces must
// itself be a valid DNS message, fit the UDP limit, and echo the query id.
#include <cstdint>
#include <cstdlib>
#include <span>

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
    return 0;
}
