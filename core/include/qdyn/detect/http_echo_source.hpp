// The HTTP echo source: services that answer a GET with the address the request came from
// (ipify, icanhazip, ifconfig.co, checkip.dyndns, qdyn-server's /ip). A list is tried in
// order with the address family pinned on the connection; a service that fails is left alone
// for a while (per service and family, doubling up to a cap) and the next one is asked.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/detect/source.hpp"

namespace qdyn::detect {

enum class EchoFormat : std::uint8_t {
    PlainText,    // the address alone, surrounding whitespace allowed
    Json,         // {"ip":"A"} and nothing else (ipify's ?format=json)
    CheckipHtml,  // checkip.dyndns.org: <body>Current IP Address: A</body>
};

struct HttpEchoService {
    std::string url;
    EchoFormat format = EchoFormat::PlainText;
    // The families the service answers over (api.ipify.org has no AAAA, api6 no A).
    bool ipv4 = true;
    bool ipv6 = true;
};

// The public services qdyn knows, as data, in the order tried. Tests never reach them.
std::span<const HttpEchoService> defaultHttpEchoServices();

// The one address in an echo body of `format`. Strict: an HTML error page, a second address,
// a JSON object with other members, text around the address: each an Error, never a guess.
Result<IpAddress> parseEchoBody(std::string_view body, EchoFormat format);

struct HttpEchoOptions {
    std::vector<HttpEchoService> services;    // empty: defaultHttpEchoServices()
    std::chrono::milliseconds timeout{5000};  // per service
    std::size_t maxBodyBytes = 4096;          // every format fits in far less
    std::string userAgent = "qdyn";
    std::chrono::seconds firstBackoff{60};
    std::chrono::seconds maxBackoff{3600};
    // The clock the backoff runs on; tests replace it.
    std::function<std::chrono::steady_clock::time_point()> now = [] { return std::chrono::steady_clock::now(); };
};

class HttpEchoSource final : public AddressSource {
public:
    explicit HttpEchoSource(HttpEchoOptions options);

    [[nodiscard]] std::string_view kind() const override { return "http"; }
    [[nodiscard]] std::string describe() const override;
    // The first service (of those that serve `family` and are not backing off) that answers
    // 200 with one address of `family`. The Error lists why each one asked failed.
    Result<std::vector<Candidate>> detect(AddressFamily family) override;

    // One service, no list and no backoff: what detect() does per service.
    static Result<IpAddress> ask(const HttpEchoService& service, AddressFamily family, const HttpEchoOptions& options);

private:
    struct Backoff {
        int failures = 0;
        std::chrono::steady_clock::time_point retryAt{};
    };
    HttpEchoOptions m_options;
    std::vector<Backoff> m_backoff;  // per service, IPv4 then IPv6: index 2 * service + family
};

}  // namespace qdyn::detect
