// nanodnsd /api/update: the checks in nanodnsd's order, each with nanodnsd's reply.
#include "http/nanodnsd_handler.hpp"

#include "accounts/authenticator.hpp"
#include "http/update_reply.hpp"
#include "qdyn_server/http_fields.hpp"

namespace qdyn::server {

namespace {

HttpReply reply(unsigned status, std::string_view body, std::string summary) {
    return textReply(status, std::string(body) + "\n", std::move(summary));
}

// An address parameter: absent or empty (a Fritz!Box without IPv6 sends "ipv6=") means "none",
// anything else must be an address of that family.
struct AddressParam {
    std::optional<IpAddress> address;
    bool bad = false;
};

AddressParam addressParam(const QueryParams& params, std::string_view name, AddressFamily family) {
    const auto value = findParam(params, name);
    if (!value || value->empty()) return {};
    auto address = IpAddress::parse(*value);
    if (!address || address->family() != family) return {std::nullopt, true};
    return {address, false};
}

}  // namespace

NanodnsdHandler::NanodnsdHandler(UpdateService& updates, const Authenticator& auth)
    : m_updates(updates), m_auth(auth) {}

HttpReply NanodnsdHandler::handle(const HttpRequestInfo& request) const {
    if (request.method != "GET" && request.method != "POST") {
        auto out = reply(501, "not implemented", "method " + request.method);
        out.headers.emplace_back("Allow", "GET, POST");
        return out;
    }
    const auto params = requestParams(request);
    if (const auto duplicate = duplicatedParam(params, {"hostname", "token", "ipv4", "ipv6"})) {
        return reply(400, "bad request", "duplicate parameter " + std::string(*duplicate));
    }
    const auto hostname = findParam(params, "hostname");
    if (!hostname || hostname->empty()) return reply(400, "hostname required", "no hostname");
    const auto token = findParam(params, "token");
    if (!token || token->empty()) return reply(403, "authorization required", "no token");
    const auto v4 = addressParam(params, "ipv4", AddressFamily::V4);
    if (v4.bad) return reply(400, "bad ipv4 address", "bad ipv4 address");
    const auto v6 = addressParam(params, "ipv6", AddressFamily::V6);
    if (v6.bad) return reply(400, "bad ipv6 address", "bad ipv6 address");
    const auto host = parseFqdn(*hostname);
    if (!host) return reply(400, "bad request", "hostname is not a domain name");

    const auto auth = m_auth.token(*host, *token, request.peer);
    if (auth.status == AuthStatus::Throttled) {
        auto out = reply(429, "too many requests", host->toString() + " " + auth.why);
        out.headers.emplace_back("Retry-After", std::to_string(auth.retryAfter.count()));
        return out;
    }
    // A wrong token, a host outside the zone and a host nobody may update look alike on
    // purpose: the reply must not tell which host names exist.
    if (!auth.ok()) return reply(403, "forbidden", host->toString() + " " + auth.why);

    const HostUpdate update{v4.address, v6.address, !v4.address, !v6.address, false};
    const auto outcome = m_updates.apply(*auth.account, *host, update);
    const std::string summary = "user=" + auth.account->name + " " + host->toString() + ":" +
                                std::string(toString(outcome.status));
    return updateReply(outcome, ApiReplies{200, "ok\n", 403, "forbidden\n", 500, "update failed\n"}, summary);
}

}  // namespace qdyn::server
