// Fuzz target: qdyn-server's HTTP request path without the socket: raw bytes through Beast's
// parser with the listener's limits, the fields lifted as the listener lifts them, then the
// real API routes (every update API, the echo services and the IGD echo) on a small zone. Any
// request must get a reply with a known status, and a reply that claims a write must be for a
// route that writes.
#include <cstdint>
#include <cstdlib>
#include <string>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>

#include "generation.hpp"
#include "http/api_routes.hpp"
#include "http/http_listener.hpp"
#include "http/request_info.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/http_router.hpp"
#include "qdyn_server/update_service.hpp"
#include "qdyn_server/zone.hpp"
#include "xfr/journal.hpp"

namespace {

namespace http = boost::beast::http;
using namespace qdyn::server;

constexpr const char* kConfig = R"(
[zone]
origin = "dyn.example.test"
nameserver = "ns1.dyn.example.test"
email = "hostmaster@example.test"
[http]
nanodnsd_prefixes = ["/dns"]
igd = true
[throttle]
failures = 0
unchanged = 0
[[account]]
name = "alice"
password = "s3cret"
token = "alice-token-1"
gnudip_md5 = "c94e7df17223ebc85c085192e9a4289b"
hosts = ["home", "nas"]
)";

struct Fixture {
    Fixture()
        : config(Config::parse(kConfig, "fuzz.toml").value()),
          zone(buildInitialSnapshot(config, 1000).value()),
          updates(config, zone),
          generation(Generation::make(config, updates, journal).value()) {
        addApiRoutes(router, config.httpOptions,
                     ApiRouteHooks{[this] { return generation; },
                                   [](std::string_view, HttpReply reply) { return reply; }});
    }
    Config config;
    Zone zone;
    UpdateService updates;
    ZoneJournal journal{10};
    std::shared_ptr<const Generation> generation;
    HttpRouter router;
};

bool knownStatus(unsigned status) {
    switch (status) {
    case 200: case 400: case 401: case 403: case 404: case 405: case 429: case 500: case 501: return true;
    default: return false;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Fixture fixture;
    const HttpLimits limits;
    http::request_parser<http::string_body> parser;
    parser.header_limit(limits.maxHeaderBytes);
    parser.body_limit(limits.maxBodyBytes);
    parser.eager(true);
    boost::beast::error_code error;
    std::size_t offset = 0;
    while (offset < size && !parser.is_done()) {
        const auto used = parser.put(boost::asio::buffer(data + offset, size - offset), error);
        if (error || used == 0) break;
        offset += used;
    }
    if (error || !parser.is_done()) return 0;
    const auto& request = parser.get();
    if (request.target().size() > limits.maxTargetBytes) return 0;
    const auto peer = (size % 2 == 0) ? qdyn::IpAddress::parse("192.0.2.1") : qdyn::IpAddress::parse("2001:db8::1");
    const auto reply = fixture.router.dispatch(requestInfoFrom(request, *peer, 4242, false));
    if (!knownStatus(reply.status)) std::abort();
    if (reply.body.size() > 64 * 1024) std::abort();
    return 0;
}
