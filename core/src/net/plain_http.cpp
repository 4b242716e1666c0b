// GET over plain HTTP without libcurl (see plain_http.hpp).
#include "plain_http.hpp"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "qdyn/crypto/hmac.hpp"
#include "qdyn/secret.hpp"

namespace qdyn::net {

namespace {
namespace plain {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Target {
    std::string host;       // a name or an address, without brackets
    std::string hostField;  // the Host header: the host as the URL wrote it, and a port other than 80
    std::uint16_t port = 80;
    std::string path;       // origin form: path and query
};

bool isNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_'; }

// What an HTTP message may carry as is: no controls, no spaces, nothing beyond ASCII.
bool isVisible(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

bool isFieldValue(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return (c >= ' ' && c < 0x7f) || c == '\t'; });
}

// A plain http:// URL with host, optional port, path and query; anything else (user information,
// an unusual host or character) is left to libcurl.
std::optional<Target> parseTarget(std::string_view url) {
    constexpr std::string_view kScheme = "http://";
    if (url.size() < kScheme.size() ||
        !std::equal(kScheme.begin(), kScheme.end(), url.begin(),
                    [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
        return std::nullopt;
    }
    url.remove_prefix(kScheme.size());
    const std::size_t fragment = url.find('#');
    if (fragment != std::string_view::npos) url = url.substr(0, fragment);
    const std::size_t authorityEnd = std::min(url.find_first_of("/?"), url.size());
    std::string_view authority = url.substr(0, authorityEnd);
    const std::string_view rest = url.substr(authorityEnd);
    Target out;
    if (!authority.empty() && authority.front() == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        const auto address = IpAddress::parse(authority.substr(1, close - 1));
        if (!address || !address->isV6()) return std::nullopt;
        out.host = std::string(authority.substr(1, close - 1));
        authority.remove_prefix(close + 1);
        out.hostField = "[" + out.host + "]";
    } else {
        const std::size_t colon = std::min(authority.find(':'), authority.size());
        out.host = std::string(authority.substr(0, colon));
        if (out.host.empty() || out.host.size() > 253 || !std::all_of(out.host.begin(), out.host.end(), isNameChar)) {
            return std::nullopt;
        }
        authority.remove_prefix(colon);
        out.hostField = out.host;
    }
    if (!authority.empty()) {
        if (authority.front() != ':' || authority.size() < 2 || authority.size() > 6) return std::nullopt;
        unsigned long port = 0;
        for (char c : authority.substr(1)) {
            if (c < '0' || c > '9') return std::nullopt;
            port = port * 10 + static_cast<unsigned long>(c - '0');
        }
        if (port == 0 || port > 65535) return std::nullopt;
        out.port = static_cast<std::uint16_t>(port);
        if (out.port != 80) out.hostField += ":" + std::to_string(out.port);
    }
    out.path = rest.empty() || rest.front() == '?' ? "/" + std::string(rest) : std::string(rest);
    if (!isVisible(out.path)) return std::nullopt;
    return out;
}

// libcurl's proxy variables: a request that should go through a proxy goes through libcurl.
bool proxyConfigured() {
    for (const char* variable : {"http_proxy", "all_proxy", "ALL_PROXY"}) {
        const char* value = std::getenv(variable);
        if (value != nullptr && *value != '\0') return true;
    }
    return false;
}

std::string lowered(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// The request as sent, Basic credentials included: kept in a Secret so it is wiped afterwards.
Result<Secret> requestText(const HttpRequest& request, const Target& target) {
    std::string text = "GET " + target.path + " HTTP/1.1\r\nHost: " + target.hostField + "\r\n";
    if (!request.userAgent.empty()) text += "User-Agent: " + request.userAgent + "\r\n";
    text += "Accept: */*\r\n";
    for (const auto& [name, value] : request.headers) {
        if (name.empty() || !isVisible(name) || name.find(':') != std::string::npos || !isFieldValue(value)) {
            return makeError("header " + name + " cannot be sent (a control character or a misplaced colon)");
        }
        text += name + ": " + value + "\r\n";
    }
    if (!isFieldValue(request.userAgent)) return makeError("the User-Agent holds a control character");
    if (request.username) {
        Secret credentials(*request.username + ":" +
                           std::string(request.password != nullptr ? request.password->reveal() : std::string_view()));
        const auto bytes = credentials.reveal();
        text += "Authorization: Basic " +
                crypto::base64Encode(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size())) +
                "\r\n";
    }
    text += "\r\n";
    return Secret(std::move(text));
}

std::string millis(std::chrono::milliseconds duration) { return std::to_string(duration.count()) + " ms"; }

// Runs `io` until the operation begun has reported or `deadline` passed; then `cancel` stops it
// and its handler still runs before this returns. nullopt: the deadline passed.
template <typename Cancel>
std::optional<boost::system::error_code> await(asio::io_context& io, const std::optional<boost::system::error_code>& done,
                                               Clock::time_point deadline, Cancel cancel) {
    io.restart();
    io.run_until(deadline);
    if (done) return done;
    cancel();
    io.restart();
    io.run();
    return std::nullopt;
}

}  // namespace plain
}  // namespace

bool plainHttpTakes(const HttpRequest& request) {
    return plain::parseTarget(request.url).has_value() && !plain::proxyConfigured();
}

Result<HttpResponse> plainHttpGet(const HttpRequest& request, const std::string& shownUrl) {
    using namespace plain;
    const auto target = parseTarget(request.url);
    if (!target) return makeError("HTTP request to " + shownUrl + " failed: not a plain http:// URL");
    const auto fail = [&](const std::string& why) { return makeError("HTTP request to " + shownUrl + " failed: " + why); };
    auto sent = requestText(request, *target);
    if (!sent) return fail(sent.message());

    const auto started = Clock::now();
    const auto deadline = started + request.timeout;
    const auto connectBy = std::min(deadline, started + request.connectTimeout);
    asio::io_context io;
    std::optional<boost::system::error_code> done;
    const auto record = [&done](const boost::system::error_code& ec, auto&&...) { done = ec; };

    // Where to connect: the address itself, or the name resolved in the pinned family.
    std::vector<tcp::endpoint> endpoints;
    boost::system::error_code literalError;
    const auto literal = asio::ip::make_address(target->host, literalError);
    if (!literalError) {
        endpoints.emplace_back(literal, target->port);
    } else {
        tcp::resolver resolver(io);
        tcp::resolver::results_type results;
        const auto onResolved = [&](const boost::system::error_code& ec, tcp::resolver::results_type found) {
            results = std::move(found);
            done = ec;
        };
        const auto port = std::to_string(target->port);
        if (request.family) {
            resolver.async_resolve(*request.family == AddressFamily::V4 ? tcp::v4() : tcp::v6(), target->host, port,
                                   onResolved);
        } else {
            resolver.async_resolve(target->host, port, onResolved);
        }
        const auto outcome = await(io, done, connectBy, [&resolver] { resolver.cancel(); });
        if (!outcome) return fail("resolving " + target->host + " timed out after " + millis(request.connectTimeout));
        if (*outcome) return fail("cannot resolve " + target->host + ": " + outcome->message());
        for (const auto& entry : results) endpoints.push_back(entry.endpoint());
    }
    if (request.family) {
        const bool v4 = *request.family == AddressFamily::V4;
        std::erase_if(endpoints, [v4](const tcp::endpoint& e) { return e.address().is_v4() != v4; });
        if (endpoints.empty()) return fail(target->host + " has no " + std::string(toString(*request.family)) + " address");
    }

    beast::tcp_stream stream(io);
    tcp::endpoint peer;
    done.reset();
    stream.expires_at(connectBy);
    stream.async_connect(endpoints, [&](const boost::system::error_code& ec, const tcp::endpoint& reached) {
        peer = reached;
        done = ec;
    });
    io.restart();
    io.run();
    if (done && *done == beast::error::timeout) return fail("connecting timed out after " + millis(request.connectTimeout));
    if (!done || *done) return fail("cannot connect to " + target->hostField + ": " + (done ? done->message() : "no answer"));

    done.reset();
    stream.expires_at(deadline);
    asio::async_write(stream, asio::buffer(sent->reveal()), record);
    io.restart();
    io.run();
    sent = Secret();  // the credentials are wiped as soon as they are out
    if (done && *done == beast::error::timeout) return fail("timed out after " + millis(request.timeout));
    if (!done || *done) return fail("sending the request: " + (done ? done->message() : "no answer"));

    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(request.maxBodyBytes);
    parser.header_limit(64 * 1024);
    // The header first, then the body: Beast 1.74 loses the body_limit error of a Content-Length
    // over the limit when it reads the header and the start of the body in one go.
    done.reset();
    http::async_read_header(stream, buffer, parser, record);
    io.restart();
    io.run();
    if (done && !*done && !parser.is_done()) {
        done.reset();
        http::async_read(stream, buffer, parser, record);
        io.restart();
        io.run();
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    if (done && *done == http::error::body_limit) {
        return makeError("HTTP response from " + shownUrl + " is larger than " + std::to_string(request.maxBodyBytes) +
                         " bytes");
    }
    if (done && *done == beast::error::timeout) return fail("timed out after " + millis(request.timeout));
    if (!done || *done) return fail("reading the response: " + (done ? done->message() : "no answer"));

    auto message = parser.release();
    HttpResponse response;
    response.status = static_cast<long>(message.result_int());
    for (const auto& field : message) {
        if (response.headers.size() >= 100) break;
        response.headers.emplace_back(lowered(field.name_string()), std::string(field.value()));
    }
    response.body = std::move(message.body());
    response.peerAddress = IpAddress::parse(peer.address().to_string());
    return response;
}

}  // namespace qdyn::net
