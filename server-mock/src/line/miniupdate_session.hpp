// miniupdate, the server side (miniDNS.net's TCP protocol, port 9120; docs/protocols/miniupdate.md):
// a banner, AGENT, LOGIN with an MD5 challenge, RESPONSE, A_UPDATE, VERSION, EXIT. Every reply is
// one line, "OK ...", "ERR ..." or "CHALLENGE ..."; after any ERR the connection closes, and a
// session takes at most ten commands.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "line/line_session.hpp"
#include "line/qdns_session.hpp"  // LineServices

namespace qdyn::server {

class Generation;

class MiniupdateSession final : public LineSession {
public:
    static constexpr std::size_t kMaxCommands = 10;  // per session, as miniDNS.net allows
    static constexpr std::size_t kMaxUser = 128;     // octets of a LOGIN id
    static constexpr std::size_t kMaxResponse = 64;  // octets of a RESPONSE (a valid one has 32)

    MiniupdateSession(const LineServices& services, LinePeer peer);

    // "qdyn-server Update Server <version> (miniDNS compatible)": the seed's shape,
    // "<name> Update Server <version> (...)".
    [[nodiscard]] std::string greeting() override;
    LineReply onLine(std::string_view line) override;
    LineReply onOverlong() override;
    LineReply onIdle() override;

private:
    LineReply agent(std::string_view line);
    LineReply login(std::string_view user, std::string_view method);
    LineReply response(const Generation& generation, std::string_view hex);
    LineReply update(const Generation& generation, std::string_view mode, std::string_view hostText,
                     std::string_view addressText);

    const LineServices& m_services;
    LinePeer m_peer;
    bool m_agent = false;     // AGENT accepted
    std::string m_loginUser;  // the id of the LOGIN whose challenge is pending
    std::string m_challenge;  // the pending challenge; empty once used (one RESPONSE per LOGIN)
    std::string m_account;    // the authenticated account; empty before OK Authenticated
    std::size_t m_commands = 0;
};

}  // namespace qdyn::server
