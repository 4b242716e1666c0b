// miniDNS /areg.php: the PHP script's replies, always with HTTP 200 (what its clients expect)
// except while throttled.
#include "http/minidns_handler.hpp"

#include <algorithm>
#include <cctype>

#include "accounts/authenticator.hpp"
#include "http/update_reply.hpp"
#include "qdyn_server/http_fields.hpp"

namespace qdyn::server {

namespace {

constexpr std::string_view kBadLogin = "auth_fail. Incorrect username/password/hostname.";
constexpr std::string_view kBadHost = "auth_fail. Host name format error.";

HttpReply replyLine(std::string_view text, std::string summary, unsigned status = 200) {
    return textReply(status, std::string(text) + "\n", std::move(summary));
}

std::string upper(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

// "home" -> home.<origin>; a full name stays as it is.
std::optional<dns::Name> hostIn(std::string_view text, const dns::Name& origin) {
    if (text.empty() || text.find('.') == std::string_view::npos) {
        auto label = dns::Name::parse(text);
        if (!label || label->labelCount() != 1) return std::nullopt;
        auto full = dns::Name::parse(std::string(text) + "." + origin.toString());
        if (!full) return std::nullopt;
        return *full;
    }
    return parseFqdn(text);
}

}  // namespace

MinidnsHandler::MinidnsHandler(const Config& config, UpdateService& updates, const Authenticator& auth)
    : m_config(config), m_updates(updates), m_auth(auth) {}

HttpReply MinidnsHandler::handle(const HttpRequestInfo& request) const {
    const auto params = requestParams(request);
    if (duplicatedParam(params, {"opcode", "host", "username", "password", "ip"})) {
        return replyLine("auth_fail. Duplicate parameter.", "duplicate parameter");
    }
    const auto opcode = findParam(params, "opcode");
    if (!opcode || *opcode != "ADD") return replyLine("auth_fail. Unknown opcode.", "opcode not ADD");
    const auto hostText = findParam(params, "host");
    const auto host = hostText ? hostIn(*hostText, m_config.zone.origin) : std::nullopt;
    if (!host) return replyLine(kBadHost, "bad host");

    const auto user = findParam(params, "username");
    const auto password = findParam(params, "password");
    if (!user || !password) return replyLine(kBadLogin, host->toString() + " no credentials");
    const auto auth = m_auth.password(*user, *password, request.peer);
    if (auth.status == AuthStatus::Throttled) {
        auto out = replyLine("auth_fail. Too many failures, try again later.", host->toString() + " " + auth.why, 429);
        out.headers.emplace_back("Retry-After", std::to_string(auth.retryAfter.count()));
        return out;
    }
    if (!auth.ok()) return replyLine(kBadLogin, host->toString() + " " + auth.why);

    IpAddress address = request.peer;
    if (const auto ip = findParam(params, "ip"); ip && !ip->empty()) {
        auto parsed = IpAddress::parse(*ip);
        if (!parsed) return replyLine("auth_fail. IP address format error.", "user=" + auth.account->name + " bad ip");
        address = *parsed;
    }
    HostUpdate update;
    (address.isV4() ? update.v4 : update.v6) = address;
    const auto outcome = m_updates.apply(*auth.account, *host, update);
    const std::string summary =
        "user=" + auth.account->name + " " + host->toString() + ":" + std::string(toString(outcome.status));
    const std::string done = "okay. " + upper(*hostText) + " mapped to " + address.toString() + ".\n";
    return updateReply(outcome, ApiReplies{200, done, 200, std::string(kBadLogin) + "\n", 500, "error. Update failed.\n"},
                       summary);
}

}  // namespace qdyn::server
