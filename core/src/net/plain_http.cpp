// GET over plain HTTP without libcurl (see plain_http.hpp).
#include "plain_http.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
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

struct ResponseReader::Impl {
    using Parser = plain::http::response_parser<plain::http::string_body>;
    std::size_t maxBodyBytes = 0;
    std::unique_ptr<Parser> parser;
    std::string pending;  // read but not parsed yet (an incomplete header line)
    bool tooLarge = false;

    void start() {
        parser = std::make_unique<Parser>();
        parser->body_limit(maxBodyBytes);
        parser->header_limit(64 * 1024);
        parser->eager(false);  // stop after the header, so its checks (the body limit) report
    }
};

ResponseReader::ResponseReader(std::size_t maxBodyBytes) : m_impl(std::make_unique<Impl>()) {
    m_impl->maxBodyBytes = maxBodyBytes;
    m_impl->start();
}

ResponseReader::~ResponseReader() = default;

bool ResponseReader::tooLarge() const noexcept { return m_impl->tooLarge; }

Result<ResponseReader::State> ResponseReader::feed(std::string_view bytes) {
    namespace http = plain::http;
    auto& pending = m_impl->pending;
    pending.append(bytes);
    for (;;) {
        auto& parser = *m_impl->parser;
        if (parser.is_done()) {
            // An interim reply (100 Continue, 103 Early Hints) comes before the real one.
            const unsigned status = parser.get().result_int();
            if (status >= 100 && status < 200 && status != 101) {
                m_impl->start();
                continue;
            }
            return State::Done;
        }
        boost::system::error_code ec;
        const std::size_t used = parser.put(boost::asio::buffer(pending.data(), pending.size()), ec);
        pending.erase(0, used);
        if (ec == http::error::need_more) return State::NeedMore;
        if (ec == http::error::body_limit) m_impl->tooLarge = true;
        if (ec) return makeError("a malformed reply (" + ec.message() + ")");
        if (parser.is_header_done()) {
            const unsigned status = parser.get().result_int();
            if (status < 100 || status > 599) return makeError("a malformed reply (status " + std::to_string(status) + ")");
            parser.eager(true);
        }
        if (used == 0 && !parser.is_done()) return State::NeedMore;
    }
}

Result<void> ResponseReader::finish() {
    auto& parser = *m_impl->parser;
    if (parser.is_done()) return {};
    if (!parser.is_header_done()) return makeError("the connection closed before the reply's header was complete");
    boost::system::error_code ec;
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return makeError("the connection closed before the reply was complete");
    return {};
}

HttpResponse ResponseReader::take() {
    auto message = m_impl->parser->release();
    HttpResponse response;
    response.status = static_cast<long>(message.result_int());
    for (const auto& field : message) {
        if (response.headers.size() >= 100) break;
        response.headers.emplace_back(plain::lowered(field.name_string()), std::string(field.value()));
    }
    response.body = std::move(message.body());
    return response;
}

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

    ResponseReader reader(request.maxBodyBytes);
    std::array<char, 16 * 1024> chunk{};
    const auto tooLarge = [&] {
        return makeError("HTTP response from " + shownUrl + " is larger than " + std::to_string(request.maxBodyBytes) +
                         " bytes");
    };
    for (;;) {
        done.reset();
        std::size_t got = 0;
        stream.async_read_some(asio::buffer(chunk), [&](const boost::system::error_code& ec, std::size_t n) {
            done = ec;
            got = n;
        });
        io.restart();
        io.run();
        if (done && *done == beast::error::timeout) return fail("timed out after " + millis(request.timeout));
        if (done && *done == asio::error::eof) {
            if (auto finished = reader.finish(); !finished) return fail(finished.message());
            break;
        }
        if (!done || *done) return fail("reading the response: " + (done ? done->message() : "no answer"));
        const auto state = reader.feed(std::string_view(chunk.data(), got));
        if (!state) return reader.tooLarge() ? tooLarge() : fail(state.message());
        if (*state == ResponseReader::State::Done) break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    auto response = reader.take();
    response.peerAddress = IpAddress::parse(peer.address().to_string());
    return response;
}

}  // namespace qdyn::net
