// dynonym /dns/update: credentials first (so nothing about hosts leaks to strangers), then the
// request's form, then the grant.
#include "http/dynonym_handler.hpp"

#include "accounts/authenticator.hpp"
#include "http/update_reply.hpp"
#include "qdyn_server/http_fields.hpp"

namespace qdyn::server {

DynonymHandler::DynonymHandler(UpdateService& updates, const Authenticator& auth) : m_updates(updates), m_auth(auth) {}

HttpReply DynonymHandler::handle(const HttpRequestInfo& request) const {
    const auto auth = m_auth.basic(request.authorization, request.peer);
    if (auth.status == AuthStatus::Throttled) {
        auto out = textReply(429, "too many failed logins, retry later\n", auth.why);
        out.headers.emplace_back("Retry-After", std::to_string(auth.retryAfter.count()));
        return out;
    }
    if (!auth.ok()) {
        auto out = textReply(401, "unauthorized\n", auth.why);
        out.headers.emplace_back("WWW-Authenticate", "Basic realm=\"qdyn\"");
        return out;
    }
    const std::string user = "user=" + auth.account->name;
    const auto params = requestParams(request);
    if (const auto duplicate = duplicatedParam(params, {"domain", "ipv4", "ipv6"})) {
        return textReply(400, "duplicate parameter\n", user + " duplicate " + std::string(*duplicate));
    }
    const auto domain = findParam(params, "domain");
    const auto host = domain ? parseFqdn(*domain) : std::nullopt;
    if (!host) return textReply(400, "bad domain\n", user + " bad or missing domain");

    HostUpdate update;
    for (const auto& [name, family] : {std::pair{"ipv4", AddressFamily::V4}, std::pair{"ipv6", AddressFamily::V6}}) {
        const auto value = findParam(params, name);
        if (!value) continue;
        auto address = IpAddress::parse(*value);
        if (!address || address->family() != family) {
            return textReply(400, std::string("bad ") + name + " address\n", user + " bad " + name);
        }
        (family == AddressFamily::V4 ? update.v4 : update.v6) = address;
    }
    if (!update.v4 && !update.v6) (request.peer.isV4() ? update.v4 : update.v6) = request.peer;

    const auto outcome = m_updates.apply(*auth.account, *host, update);
    const std::string summary = user + " " + host->toString() + ":" + std::string(toString(outcome.status));
    return updateReply(outcome, ApiReplies{200, "", 403, "forbidden\n", 500, "update failed\n"}, summary);
}

}  // namespace qdyn::server
