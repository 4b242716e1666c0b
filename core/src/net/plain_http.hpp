// GET over plain HTTP without libcurl, for HttpClient.
//
// Loading Debian's libcurl maps some thirty libraries and costs a run 15-20 ms, several times
// the update itself: an address detected from a local echo service or a dyndns2 update sent to a
// server on the LAN would pay it on every run. So http:// requests go through this small client
// (Boost.Beast's response parser, Boost.Asio's sockets), and libcurl stays for HTTPS and for
// what this client does not do: a proxy from the environment (http_proxy, all_proxy) and
// credentials inside the URL go to libcurl, which knows them. The rules are the same on both
// paths: no redirects followed, the timeouts, the address family pin, the body cap.
#pragma once

#include <string>

#include "qdyn/net/http_client.hpp"

namespace qdyn::net {

// Whether the request is one this client sends (a plain http:// URL without user information,
// and no proxy configured in the environment).
[[nodiscard]] bool plainHttpTakes(const HttpRequest& request);

// Sends the request; `shownUrl` is the URL as error messages may print it (no secrets).
Result<HttpResponse> plainHttpGet(const HttpRequest& request, const std::string& shownUrl);

}  // namespace qdyn::net
