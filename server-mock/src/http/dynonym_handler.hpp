// dynonym's API (seed 004, PROTOCOLS.md "dynonym"):
//   GET /dns/update?domain=FQDN[&ipv4=A][&ipv6=B]   with HTTP Basic auth
// 200 with an empty body on success, 400 malformed, 401 (with the Basic challenge) for missing
// or wrong credentials, 403 for a domain not granted, 429 while throttled, 500 on failure.
// A family left out keeps its record; with neither, the connecting address is used.
#pragma once

#include "qdyn_server/http_message.hpp"
#include "qdyn_server/update_service.hpp"

namespace qdyn::server {

class Authenticator;

class DynonymHandler {
public:
    // Both must outlive the handler.
    DynonymHandler(UpdateService& updates, const Authenticator& auth);

    [[nodiscard]] HttpReply handle(const HttpRequestInfo& request) const;

private:
    UpdateService& m_updates;
    const Authenticator& m_auth;
};

}  // namespace qdyn::server
