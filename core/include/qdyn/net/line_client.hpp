// LineClient: a blocking client for the line-over-TCP update protocols (QDNS, miniupdate,
// GnuDIP over TCP): connect by name or address (IPv4/IPv6), optionally inside TLS, then send
// and receive LF-terminated lines, every step under its own deadline. Boost.Asio underneath,
// kept out of this header.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "qdyn/ip_address.hpp"
#include "qdyn/result.hpp"

namespace qdyn::net {

struct LineEndpoint {
    std::string host;  // a name or an address literal (IPv6 without brackets)
    std::uint16_t port = 0;
    // Bounds name resolution plus connect (together), the TLS handshake, and each read and each
    // write on its own. Resolution runs in the system resolver, which may overrun it.
    std::chrono::milliseconds timeout{15000};
    bool tls = false;       // implicit TLS from the first octet (TLS 1.2 or newer)
    bool verifyTls = true;  // check the certificate chain and that it names `host`
    std::string caFile;     // PEM CA bundle to trust instead of the system store; empty: system store
    // Connect over this family only (GnuDIP's "use my address" must come over IPv4).
    std::optional<AddressFamily> family;
    // The longest reply line accepted, its LF included; a longer one is an error, not truncated.
    std::size_t maxLine = 1024;
};

// The parts of "scheme://host[:port][/]": the forms a line protocol's server setting takes.
struct ServerUrl {
    std::string scheme;  // lower case
    std::string host;    // without brackets for IPv6
    std::optional<std::uint16_t> port;
};
// Strict: a scheme, "://", a host name or address ("[v6]" bracketed), an optional port 1-65535,
// an optional single "/". User info, paths, queries and fragments are refused.
Result<ServerUrl> parseServerUrl(std::string_view url);

class LineClient {
public:
    LineClient();
    ~LineClient();
    LineClient(const LineClient&) = delete;
    LineClient& operator=(const LineClient&) = delete;

    // Resolves, connects and (with tls) shakes hands. Any earlier connection is closed first.
    Result<void> connect(const LineEndpoint& endpoint);
    // Sends the concatenated parts and a LF with one write. Taking parts spares callers a
    // concatenated copy of a secret; the buffer that joins them is wiped after the write. A part
    // holding CR, LF or NUL is refused before anything is sent (no smuggled second command).
    Result<void> writeLine(std::initializer_list<std::string_view> parts);
    Result<void> writeLine(std::string_view line) { return writeLine({line}); }
    // The next line without its LF (and a CR right before it). An error on timeout, on a line
    // longer than maxLine, and when the peer closes before a complete line.
    Result<std::string> readLine();
    // Closes the connection (without waiting for the peer); reads and writes then fail.
    void close() noexcept;
    [[nodiscard]] bool isOpen() const noexcept;
    // The address actually connected to, once connected.
    [[nodiscard]] std::optional<IpAddress> peerAddress() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace qdyn::net
