// GnuDIP HTTP: the salt page and the update, with GnuDIP's retc codes in meta tags.
#include "http/gnudip_handler.hpp"

#include "accounts/authenticator.hpp"
#include "http/gnudip_request.hpp"
#include "qdyn_server/http_fields.hpp"

namespace qdyn::server {

namespace {

struct Meta {
    std::string_view name;
    std::string value;
};

HttpReply page(unsigned status, std::initializer_list<Meta> metas, std::string summary) {
    std::string body = "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">\n<html>\n<head>\n"
                       "<title>GnuDIP Update Server</title>\n";
    // Every value is a salt, a number, hex or an address: nothing HTML would need escaped.
    for (const auto& meta : metas) {
        body += "<meta name=\"" + std::string(meta.name) + "\" content=\"" + meta.value + "\">\n";
    }
    body += "</head>\n<body>\n<center><h2>GnuDIP Update Server</h2></center>\n</body>\n</html>\n";
    HttpReply reply;
    reply.status = status;
    reply.contentType = "text/html; charset=utf-8";
    reply.body = std::move(body);
    reply.logSummary = std::move(summary);
    return reply;
}

HttpReply refused(std::string summary, unsigned status = 200) { return page(status, {{"retc", "1"}}, std::move(summary)); }

}  // namespace

GnudipHandler::GnudipHandler(const Config& config, UpdateService& updates, const Authenticator& auth, GnudipSalts& salts)
    : m_config(config), m_updates(updates), m_auth(auth), m_salts(salts) {}

HttpReply GnudipHandler::handle(const HttpRequestInfo& request) const {
    const auto params = requestParams(request);
    const auto salt = findParam(params, "salt");
    if (!salt) {
        const auto issued = m_salts.issue();
        return page(200, {{"salt", issued.salt}, {"time", issued.time}, {"sign", issued.sign}}, std::string(kSaltIssued));
    }
    if (const auto duplicate = duplicatedParam(params, {"salt", "time", "sign", "user", "pass", "domn", "reqc", "addr"})) {
        return refused("duplicate " + std::string(*duplicate));
    }
    const auto time = findParam(params, "time");
    const auto sign = findParam(params, "sign");
    const auto user = findParam(params, "user");
    const auto pass = findParam(params, "pass");
    const auto domain = findParam(params, "domn");
    const auto reqc = findParam(params, "reqc");
    if (!time || !sign || !user || !pass || !domain || !reqc) return refused("missing parameter");
    const auto code = gnudipCode(*reqc);
    if (!code) return refused("bad reqc");

    const auto auth = m_auth.gnudip(*user, *salt, *pass, request.peer);
    if (auth.status == AuthStatus::Throttled) {
        auto out = refused(auth.why, 429);
        out.headers.emplace_back("Retry-After", std::to_string(auth.retryAfter.count()));
        return out;
    }
    // The salt is checked after the password so that only a correct login spends it; a wrong
    // one still counts against the throttle.
    if (!auth.ok()) return refused(auth.why);
    const std::string who = "user=" + auth.account->name;
    if (const auto check = m_salts.redeem(*salt, *time, *sign, m_config.httpOptions.gnudipSaltLifetime);
        check != GnudipSalts::Check::Ok) {
        return refused(who + " " + std::string(toString(check)));
    }
    const auto host = gnudipHost(*user, *domain);
    if (!host) return refused(who + " bad domain");

    const auto addr = findParam(params, "addr");
    const auto update = gnudipChange(*code, addr ? IpAddress::parse(*addr) : std::nullopt, request.peer);
    if (!update) return refused(who + " " + update.message());
    const auto outcome = m_updates.apply(*auth.account, *host, *update);
    const std::string summary = who + " " + host->toString() + ":" + std::string(toString(outcome.status)) +
                                (update->offline ? " offline" : "");
    if (!gnudipAccepted(outcome.status)) return refused(summary);
    const std::string retc(gnudipSuccessCode(*code));
    auto out = *code == GnudipCode::ConnectingAddress
                   ? page(200, {{"retc", retc}, {"addr", update->v4->toString()}}, summary)
                   : page(200, {{"retc", retc}}, summary);
    out.ticket = outcome.ticket;
    out.storeFailureBody = refused("").body;
    return out;
}

}  // namespace qdyn::server
