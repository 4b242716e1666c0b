// HttpClient: the one place qdyn talks HTTP(S) as a client (plain http:// by its own small
// client, HTTPS and proxies through libcurl). Timeouts, TLS verification on, no redirects, a cap
// on the body, credentials never logged.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qdyn/ip_address.hpp"
#include "qdyn/result.hpp"
#include "qdyn/secret.hpp"

namespace qdyn::net {

struct HttpRequest {
    std::string url;
    std::string userAgent;
    std::vector<std::pair<std::string, std::string>> headers;
    // HTTP Basic credentials, sent pre-emptively (dyndns2 servers expect them on the first request).
    std::optional<std::string> username;
    const Secret* password = nullptr;
    std::chrono::milliseconds timeout{15000};
    std::chrono::milliseconds connectTimeout{5000};
    bool verifyTls = true;
    // A PEM file of CA certificates to trust instead of the system store (a private CA or a
    // self-signed server); empty: the system store.
    std::string caFile;
    // Pin the address family of the connection (address detection needs this).
    std::optional<AddressFamily> family;
    std::size_t maxBodyBytes = 64 * 1024;
};

struct HttpResponse {
    long status = 0;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, in order
    std::optional<IpAddress> peerAddress;                      // the server actually reached

    // First header of that name (case-insensitive), if any.
    [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
};

class HttpClient {
public:
    HttpClient();
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // A transport failure (DNS, connect, TLS, timeout, over-long body) is an Error; any HTTP
    // status, including 4xx and 5xx, is a response for the caller to interpret.
    Result<HttpResponse> get(const HttpRequest& request);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Percent-encodes a query component (RFC 3986 unreserved characters stay as they are).
std::string urlEncode(std::string_view text);

}  // namespace qdyn::net
