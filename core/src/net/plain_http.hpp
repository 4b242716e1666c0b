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

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "qdyn/net/http_client.hpp"

namespace qdyn::net {

// A reply as it arrives, in pieces of any size: Beast's response parser fed by hand, the header
// first, so that its limits hold however the bytes are split (Boost 1.74's http::async_read
// loses the body-limit error when the header and the start of an oversized body arrive in one
// read). tests/fuzz/plain_http_response_fuzz.cpp feeds it anything.
class ResponseReader {
public:
    enum class State { NeedMore, Done };

    explicit ResponseReader(std::size_t maxBodyBytes);
    ~ResponseReader();
    ResponseReader(const ResponseReader&) = delete;
    ResponseReader& operator=(const ResponseReader&) = delete;

    // The next bytes from the connection, all of them (what cannot be parsed yet is kept).
    Result<State> feed(std::string_view bytes);
    // The connection has closed: complete if the reply ends there, else an error.
    Result<void> finish();
    // Whether the error was a body over the cap.
    [[nodiscard]] bool tooLarge() const noexcept;
    // The reply, once Done (or finish() succeeded): status, headers (names lower-cased, at most
    // 100) and body.
    HttpResponse take();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Whether the request is one this client sends (a plain http:// URL without user information,
// and no proxy configured in the environment).
[[nodiscard]] bool plainHttpTakes(const HttpRequest& request);

// Sends the request; `shownUrl` is the URL as error messages may print it (no secrets).
Result<HttpResponse> plainHttpGet(const HttpRequest& request, const std::string& shownUrl);

}  // namespace qdyn::net
