// nanodnsd's token API (seed 002, PROTOCOLS.md "nanodnsd HTTP API"):
//   GET|POST /api/update?hostname=FQDN&token=T[&ipv4=A][&ipv6=B]
// with nanodnsd's exact replies. A family left out is removed from the host, so a Fritz!Box
// that lost its IPv6 takes the AAAA down with it; a static record of that family stays.
#pragma once

#include "qdyn_server/http_message.hpp"
#include "qdyn_server/update_service.hpp"

namespace qdyn::server {

class Authenticator;

class NanodnsdHandler {
public:
    // Both must outlive the handler.
    NanodnsdHandler(UpdateService& updates, const Authenticator& auth);

    [[nodiscard]] HttpReply handle(const HttpRequestInfo& request) const;

private:
    UpdateService& m_updates;
    const Authenticator& m_auth;
};

}  // namespace qdyn::server
