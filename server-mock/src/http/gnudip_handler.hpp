// GnuDIP over HTTP (PROTOCOLS.md "GnuDIP"): /gnudip/cgi-bin/gdipupdt.cgi. A GET without a
// salt returns HTML meta tags salt, time and sign; the update GET sends them back with
// user, pass = md5hex(md5hex(password) + "." + salt), domn and reqc (0 set addr, 1 offline,
// 2 use the connecting address) and gets meta retc (0 ok, 1 refused, 2 offline done) and, for
// reqc=2, addr. The name updated is user.domn. IPv4 only, as GnuDIP is.
#pragma once

#include "http/gnudip_salts.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/http_message.hpp"
#include "qdyn_server/update_service.hpp"

namespace qdyn::server {

class Authenticator;

class GnudipHandler {
public:
    static constexpr std::string_view kPath = "/gnudip/cgi-bin/gdipupdt.cgi";

    // All four must outlive the handler.
    GnudipHandler(const Config& config, UpdateService& updates, const Authenticator& auth, GnudipSalts& salts);

    [[nodiscard]] HttpReply handle(const HttpRequestInfo& request) const;
    // True for the reply of the first step (a salt handed out), which changes nothing.
    [[nodiscard]] static bool isSaltPage(const HttpReply& reply) noexcept { return reply.logSummary == kSaltIssued; }

    static constexpr std::string_view kSaltIssued = "salt issued";

private:
    const Config& m_config;
    UpdateService& m_updates;
    const Authenticator& m_auth;
    GnudipSalts& m_salts;
};

}  // namespace qdyn::server
