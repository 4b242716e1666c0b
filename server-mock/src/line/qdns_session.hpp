// QDNS, the server side (docs/protocols/qdns.md): AUTH or TOKEN, then UPDATE, OFFLINE and
// QUERY, each answered with one "<code> <text>" line; QUIT ends the session. The same session
// serves the plain (7393) and the TLS (7394) listener.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "line/line_session.hpp"
#include "qdyn/dns/name.hpp"

namespace qdyn::server {

class Generation;
class Metrics;
class UpdateService;
class Zone;

// What every QDNS session works with; all of it outlives the listener.
struct LineServices {
    std::function<std::shared_ptr<const Generation>()> generation;  // the current configuration's front ends
    UpdateService& updates;
    const Zone& zone;
    Metrics* metrics = nullptr;  // null: not counted
};

class QdnsSession final : public LineSession {
public:
    static constexpr std::size_t kMaxCommands = 100;
    static constexpr std::size_t kMaxPassword = 256;

    QdnsSession(const LineServices& services, LinePeer peer);

    LineReply onLine(std::string_view line) override;
    LineReply onOverlong() override;
    LineReply onIdle() override;

private:
    LineReply login(const Generation& generation, std::string_view keyword, std::string_view user,
                    std::string_view secret);
    LineReply update(const Generation& generation, std::string_view hostText, std::string_view addressText,
                     bool offline);
    LineReply query(std::string_view hostText) const;
    void count(const std::string& outcome) const;

    const LineServices& m_services;
    LinePeer m_peer;
    std::string m_account;  // the logged-in account; empty before AUTH/TOKEN
    std::size_t m_commands = 0;
};

}  // namespace qdyn::server
