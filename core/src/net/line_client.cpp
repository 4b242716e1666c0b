// LineClient over Boost.Asio: each blocking call starts one asynchronous operation and runs the
// io_context until it completes or its deadline passes (the approach of dns/tcp_client.cpp). On
// a deadline the socket is closed, the aborted handler is run, and the connection is gone.
#include "qdyn/net/line_client.hpp"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <cctype>
#include <functional>
#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <vector>

#include "../crypto/openssl_runtime.hpp"

namespace qdyn::net {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

using Done = std::function<void(const boost::system::error_code&)>;

bool isHostChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
}

std::string timeoutText(std::chrono::milliseconds timeout) {
    return std::to_string(timeout.count()) + " ms";
}

}  // namespace

Result<ServerUrl> parseServerUrl(std::string_view url) {
    ServerUrl out;
    const std::size_t separator = url.find("://");
    if (separator == std::string_view::npos || separator == 0) {
        return makeError("server \"" + std::string(url) + "\" is not a scheme://host[:port] URL");
    }
    for (char c : url.substr(0, separator)) {
        if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '+' && c != '-' && c != '.') {
            return makeError("server URL has an invalid scheme");
        }
        out.scheme.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    std::string_view rest = url.substr(separator + 3);
    if (!rest.empty() && rest.front() == '[') {
        const std::size_t close = rest.find(']');
        const auto address =
            close == std::string_view::npos ? std::nullopt : IpAddress::parse(rest.substr(1, close - 1));
        if (!address || !address->isV6()) return makeError("server URL has an invalid bracketed IPv6 address");
        out.host = std::string(rest.substr(1, close - 1));
        rest.remove_prefix(close + 1);
    } else {
        std::size_t end = 0;
        while (end < rest.size() && isHostChar(rest[end]))
            ++end;
        out.host = std::string(rest.substr(0, end));
        rest.remove_prefix(end);
        if (out.host.empty() || out.host.size() > 253) return makeError("server URL has no valid host name");
    }
    if (!rest.empty() && rest.front() == ':') {
        rest.remove_prefix(1);
        std::size_t end = 0;
        unsigned long port = 0;
        while (end < rest.size() && end < 6 && rest[end] >= '0' && rest[end] <= '9') {
            port = port * 10 + static_cast<unsigned long>(rest[end] - '0');
            ++end;
        }
        if (end == 0 || port == 0 || port > 65535) return makeError("server URL has an invalid port");
        out.port = static_cast<std::uint16_t>(port);
        rest.remove_prefix(end);
    }
    if (rest == "/") rest.remove_prefix(1);
    if (!rest.empty()) {
        return makeError("server URL may hold only scheme://host[:port] (no user, path or query)");
    }
    return out;
}

struct LineClient::Impl {
    asio::io_context io;
    std::unique_ptr<ssl::context> context;
    std::unique_ptr<tcp::socket> plain;
    std::unique_ptr<ssl::stream<tcp::socket>> tls;
    std::string received;  // octets read past the last line returned
    std::chrono::milliseconds timeout{15000};
    std::size_t maxLine = 1024;
    std::optional<IpAddress> peer;

    tcp::socket* lowest() {
        if (tls) return &tls->next_layer();
        return plain.get();
    }

    void closeSocket() noexcept {
        boost::system::error_code ignored;
        if (tcp::socket* socket = lowest(); socket != nullptr && socket->is_open()) socket->close(ignored);
    }

    void reset() noexcept {
        closeSocket();
        if (received.size() > 0) OPENSSL_cleanse(received.data(), received.size());
        received.clear();
        tls.reset();
        plain.reset();
        context.reset();
        peer.reset();
    }

    // Runs the operation `start` begins until it completes or `deadline` passes: its error code,
    // or nullopt on the deadline. Then `cancel` stops it, and its handler still runs before this
    // returns, so the handler's references stay valid. Any failure closes the connection.
    std::optional<boost::system::error_code> run(Clock::time_point deadline, const std::function<void(Done)>& start,
                                                 const std::function<void()>& cancel) {
        std::optional<boost::system::error_code> outcome;
        start([&outcome](const boost::system::error_code& ec) { outcome = ec; });
        io.restart();
        io.run_until(deadline);
        if (!outcome) {
            cancel();
            io.restart();
            io.run();
            reset();
            return std::nullopt;
        }
        if (*outcome) reset();
        return outcome;
    }

    Result<void> await(const std::string& what, Clock::time_point deadline, const std::function<void(Done)>& start,
                       const std::function<void()>& cancel) {
        const auto outcome = run(deadline, start, cancel);
        if (!outcome) return makeError(what + ": timed out after " + timeoutText(timeout));
        if (*outcome) return makeError(what + ": " + outcome->message());
        return {};
    }

    Result<std::vector<tcp::endpoint>> resolve(const LineEndpoint& endpoint, Clock::time_point deadline) {
        std::vector<tcp::endpoint> targets;
        auto accept = [&](const asio::ip::address& address, std::uint16_t port) {
            const AddressFamily family = address.is_v4() ? AddressFamily::V4 : AddressFamily::V6;
            if (!endpoint.family || *endpoint.family == family) targets.emplace_back(address, port);
        };
        if (IpAddress::parse(endpoint.host)) {
            boost::system::error_code ec;
            const auto address = asio::ip::make_address(endpoint.host, ec);
            if (ec) return makeError("cannot use address " + endpoint.host + ": " + ec.message());
            accept(address, endpoint.port);
        } else {
            tcp::resolver resolver(io);
            tcp::resolver::results_type results;
            auto resolved = await(
                "cannot resolve " + endpoint.host, deadline,
                [&](Done done) {
                    resolver.async_resolve(
                        endpoint.host, std::to_string(endpoint.port),
                        [&results, done](const boost::system::error_code& ec, tcp::resolver::results_type found) {
                            results = std::move(found);
                            done(ec);
                        });
                },
                [&resolver] { resolver.cancel(); });
            if (!resolved) return resolved.error();
            for (const auto& entry : results)
                accept(entry.endpoint().address(), entry.endpoint().port());
        }
        if (targets.empty()) {
            return makeError(endpoint.host + " has no " +
                             (endpoint.family ? std::string(toString(*endpoint.family)) + " " : std::string()) +
                             "address");
        }
        return targets;
    }

    Result<void> setUpTls(const LineEndpoint& endpoint) {
        if (auto ready = crypto::requireOpenSsl(); !ready) return ready.error();
        context = std::make_unique<ssl::context>(ssl::context::tls_client);
        SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
        boost::system::error_code ec;
        if (endpoint.verifyTls) {
            if (!endpoint.caFile.empty()) {
                context->load_verify_file(endpoint.caFile, ec);
                if (ec) return makeError("cannot read ca_file " + endpoint.caFile + ": " + ec.message());
            } else {
                context->set_default_verify_paths(ec);
                if (ec) return makeError("cannot load the system's CA certificates: " + ec.message());
            }
            context->set_verify_mode(ssl::verify_peer);
        } else {
            context->set_verify_mode(ssl::verify_none);
        }
        tls = std::make_unique<ssl::stream<tcp::socket>>(std::move(*plain), *context);
        plain.reset();
        if (endpoint.verifyTls) tls->set_verify_callback(ssl::host_name_verification(endpoint.host));
        // SNI carries names only, never address literals (RFC 6066 3).
        if (!IpAddress::parse(endpoint.host) &&
            SSL_ctrl(tls->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                     const_cast<char*>(endpoint.host.c_str())) != 1) {
            return makeError("cannot set the TLS server name " + endpoint.host);
        }
        return {};
    }

    template <typename Operation>
    std::optional<boost::system::error_code> onStream(Operation&& operation) {
        const Clock::time_point deadline = Clock::now() + timeout;
        if (tls)
            return run(
                deadline, [&](Done done) { operation(*tls, done); }, [this] { closeSocket(); });
        return run(
            deadline, [&](Done done) { operation(*plain, done); }, [this] { closeSocket(); });
    }

    Result<void> report(const std::string& what, const std::optional<boost::system::error_code>& outcome) const {
        if (!outcome) return makeError(what + ": timed out after " + timeoutText(timeout));
        if (*outcome) return makeError(what + ": " + outcome->message());
        return {};
    }
};

LineClient::LineClient() : m_impl(std::make_unique<Impl>()) {}

LineClient::~LineClient() {
    close();
}

Result<void> LineClient::connect(const LineEndpoint& endpoint) {
    Impl& impl = *m_impl;
    impl.reset();
    impl.timeout = endpoint.timeout;
    impl.maxLine = std::max<std::size_t>(endpoint.maxLine, 2);
    const std::string where = endpoint.host + " port " + std::to_string(endpoint.port);
    const Clock::time_point deadline = Clock::now() + endpoint.timeout;
    auto targets = impl.resolve(endpoint, deadline);
    if (!targets) return targets.error();
    impl.plain = std::make_unique<tcp::socket>(impl.io);
    tcp::endpoint connected;
    auto ok = impl.await(
        "cannot connect to " + where, deadline,
        [&](Done done) {
            asio::async_connect(*impl.plain, *targets,
                                [&connected, done](const boost::system::error_code& ec, const tcp::endpoint& used) {
                                    connected = used;
                                    done(ec);
                                });
        },
        [&impl] { impl.closeSocket(); });
    if (!ok) return ok;
    impl.peer = IpAddress::parse(connected.address().to_string());
    if (!endpoint.tls) return {};
    if (auto tls = impl.setUpTls(endpoint); !tls) {
        impl.reset();
        return tls;
    }
    const auto outcome = impl.run(
        Clock::now() + endpoint.timeout,
        [&impl](Done done) {
            impl.tls->async_handshake(ssl::stream_base::client,
                                      [done](const boost::system::error_code& ec) { done(ec); });
        },
        [&impl] { impl.closeSocket(); });
    return impl.report("TLS handshake with " + where, outcome);
}

Result<void> LineClient::writeLine(std::initializer_list<std::string_view> parts) {
    if (!isOpen()) return makeError("send: not connected");
    std::size_t size = 1;
    for (const auto part : parts) {
        if (part.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
            return makeError("refusing to send a line holding a line break or NUL");
        }
        size += part.size();
    }
    std::string line;
    line.reserve(size);
    for (const auto part : parts)
        line.append(part);
    line.push_back('\n');
    const auto outcome = m_impl->onStream([&line](auto& stream, Done done) {
        asio::async_write(stream, asio::buffer(line),
                          [done](const boost::system::error_code& ec, std::size_t) { done(ec); });
    });
    OPENSSL_cleanse(line.data(), line.size());
    return m_impl->report("send", outcome);
}

Result<std::string> LineClient::readLine() {
    Impl& impl = *m_impl;
    if (!isOpen()) return makeError("read: not connected");
    std::size_t length = 0;
    const auto outcome = impl.onStream([&impl, &length](auto& stream, Done done) {
        asio::async_read_until(stream, asio::dynamic_buffer(impl.received, impl.maxLine), '\n',
                               [&length, done](const boost::system::error_code& ec, std::size_t n) {
                                   length = n;
                                   done(ec);
                               });
    });
    // read_until reports a full buffer without a LF as not_found; eof (or a TLS stream cut
    // without close_notify) is a peer that hung up.
    if (outcome && *outcome == asio::error::not_found) {
        return makeError("read: the server sent a line longer than " + std::to_string(impl.maxLine) + " octets");
    }
    if (outcome && (*outcome == asio::error::eof || *outcome == ssl::error::stream_truncated)) {
        return makeError("read: the server closed the connection");
    }
    if (auto read = impl.report("read", outcome); !read) return read.error();
    std::string line = impl.received.substr(0, length - 1);
    impl.received.erase(0, length);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

void LineClient::close() noexcept {
    if (m_impl) m_impl->reset();
}

bool LineClient::isOpen() const noexcept {
    const tcp::socket* socket = m_impl->tls ? &m_impl->tls->next_layer() : m_impl->plain.get();
    return socket != nullptr && socket->is_open();
}

std::optional<IpAddress> LineClient::peerAddress() const {
    return m_impl->peer;
}

}  // namespace qdyn::net
