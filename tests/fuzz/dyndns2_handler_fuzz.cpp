// Fuzz target: qdyn-server's dyndns2 /nic/update handler. The input is split at newlines into
// the request target, the Authorization header and the User-Agent. The handler must answer
// every request with a known status and at most one line per allowed host.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "accounts/authenticator.hpp"
#include "accounts/credential_cache.hpp"
#include "accounts/login_throttle.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/dyndns2_handler.hpp"
#include "qdyn_server/update_service.hpp"
#include "qdyn_server/zone.hpp"

namespace {

constexpr const char* kConfig = R"(
[zone]
origin = "dyn.example.test"
nameserver = "ns1.dyn.example.test"
email = "hostmaster@example.test"
[[account]]
name = "alice"
password = "s3cret"
hosts = ["home", "nas"]
)";

struct Fixture {
    Fixture()
        : config(qdyn::server::Config::parse(kConfig, "fuzz.toml").value()),
          zone(qdyn::server::buildInitialSnapshot(config, 1000).value()),
          updates(config, zone),
          auth(config, cache, throttle),
          handler(updates, auth) {}
    qdyn::server::Config config;
    qdyn::server::Zone zone;
    qdyn::server::UpdateService updates;
    qdyn::server::CredentialCache cache;
    qdyn::server::LoginThrottle throttle;
    qdyn::server::Authenticator auth;
    qdyn::server::Dyndns2Handler handler;
};

std::string_view nextField(std::string_view& rest) {
    const std::size_t newline = rest.find('\n');
    const std::string_view field = rest.substr(0, newline);
    rest = newline == std::string_view::npos ? std::string_view{} : rest.substr(newline + 1);
    return field;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Fixture fixture;
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    qdyn::server::HttpRequestInfo request;
    request.target = std::string(nextField(rest));
    request.authorization = std::string(nextField(rest));
    request.userAgent = std::string(nextField(rest));
    request.peer = *qdyn::IpAddress::parse("198.51.100.1");
    const auto reply = fixture.handler.handle(request);
    if (reply.status != 200 && reply.status != 400 && reply.status != 401 && reply.status != 404 &&
        reply.status != 405 && reply.status != 500) {
        std::abort();
    }
    std::size_t lines = 0;
    for (char c : reply.body) lines += c == '\n' ? 1 : 0;
    if (lines > qdyn::server::Dyndns2Handler::kMaxHosts) std::abort();
    // The account's password must never be echoed (unless the request itself carried that text
    // somewhere other than the credentials, e.g. inside a host name).
    const bool suppliedElsewhere = request.target.find("s3cret") != std::string::npos ||
                                   request.userAgent.find("s3cret") != std::string::npos;
    if (!suppliedElsewhere &&
        (reply.body.find("s3cret") != std::string::npos || reply.logSummary.find("s3cret") != std::string::npos)) {
        std::abort();
    }
    return 0;
}
