// The dyndns2 ("/nic/update") API as a pure function of a small request struct, so the whole
// protocol is testable without sockets; the HTTP listener only carries bytes.
#pragma once

#include <string>

#include "qdyn_server/http_message.hpp"
#include "qdyn_server/update_service.hpp"

namespace qdyn::server {

class Authenticator;

// Return codes travel in the body with HTTP 200, as on the classic dyndns2 servers that
// ddclient and inadyn were written against; only badauth is a 401 (so clients see the
// challenge) and 911 a 500.
class Dyndns2Handler {
public:
    static constexpr std::size_t kMaxHosts = 20;

    // Both must outlive the handler.
    Dyndns2Handler(UpdateService& updates, const Authenticator& auth);

    [[nodiscard]] HttpReply handle(const HttpRequestInfo& request) const;

private:
    UpdateService& m_updates;
    const Authenticator& m_auth;
};

}  // namespace qdyn::server
