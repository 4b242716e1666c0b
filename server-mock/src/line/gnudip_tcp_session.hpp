// GnuDIP over TCP, the server side (port 3495; docs/protocols/gnudip.md): the server greets
// with a fresh 10-character salt, the client sends one line `user:hash:domain:reqc[:addr]`,
// the server answers one line (`0`, `0:<addr>`, `2` or `1`) and closes. One request per
// connection, as GnuDIP has it; the salt therefore never serves twice.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "http/gnudip_request.hpp"
#include "line/line_session.hpp"
#include "line/qdns_session.hpp"
#include "qdyn/dns/name.hpp"
#include "qdyn/ip_address.hpp"
#include "qdyn/result.hpp"

namespace qdyn::server {

// One request line, checked field by field (copies, so it outlives the line).
struct GnudipTcpRequest {
    std::string user;
    std::string hash;  // 32 lower-case hex digits (not yet checked against anything)
    std::string domain;
    GnudipCode code = GnudipCode::SetAddress;
    std::optional<IpAddress> address;  // IPv4, with SetAddress only
    dns::Name host;                    // user.domain, the name to update
};

inline constexpr std::size_t kGnudipTcpMaxLine = 511;  // the listener's 512 octets, LF included
inline constexpr std::size_t kGnudipMaxUser = 63;      // the first label of the host

// Pure: the request in `line` (without its LF) or why it is no request. Strict: exactly four
// fields for reqc 1 and 2, five for reqc 0 (so an IPv6 address, full of ':', never fits),
// printable ASCII without blanks, a hash of exactly 32 lower-case hex digits.
Result<GnudipTcpRequest> parseGnudipTcpRequest(std::string_view line);

class GnudipTcpSession final : public LineSession {
public:
    // Draws the salt (throws when OpenSSL has no randomness: the listener then drops the
    // connection).
    GnudipTcpSession(const LineServices& services, LinePeer peer);

    [[nodiscard]] std::string greeting() override { return m_salt; }
    LineReply onLine(std::string_view line) override;
    LineReply onOverlong() override;
    LineReply onIdle() override;

private:
    LineReply handle(const GnudipTcpRequest& request);
    [[nodiscard]] LineReply refuse(std::string why) const;
    void count(const std::string& outcome) const;

    const LineServices& m_services;
    LinePeer m_peer;
    std::string m_salt;
};

}  // namespace qdyn::server
