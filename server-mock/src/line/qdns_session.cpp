// QDNS commands and replies, exactly as docs/protocols/qdns.md lays them out.
#include "line/qdns_session.hpp"

#include "generation.hpp"
#include "line/line_words.hpp"
#include "metrics.hpp"
#include "qdyn_server/update_service.hpp"
#include "qdyn_server/zone.hpp"

namespace qdyn::server {

namespace {

LineReply syntaxError(std::string_view why) { return LineReply::say("400 Syntax error: " + std::string(why)); }

}  // namespace

QdnsSession::QdnsSession(const LineServices& services, LinePeer peer) : m_services(services), m_peer(std::move(peer)) {}

void QdnsSession::count(const std::string& outcome) const {
    if (m_services.metrics != nullptr) m_services.metrics->countUpdate("qdns", outcome);
}

LineReply QdnsSession::onLine(std::string_view line) {
    if (++m_commands > kMaxCommands) {
        return LineReply::sayAndClose("421 Closing: session limit of " + std::to_string(kMaxCommands) + " commands reached");
    }
    if (line::hasControlCharacters(line)) return syntaxError("control characters in the line");
    const auto words = line::splitWords(line, 4);
    if (words.empty()) return syntaxError("empty line");
    const auto keyword = line::upperAscii(words.front());
    const auto arguments = words.size() - 1;
    const auto generation = m_services.generation();

    if (keyword == "AUTH" || keyword == "TOKEN") {
        if (!m_account.empty()) return syntaxError("already authenticated");
        if (keyword == "AUTH" && arguments != 2) return syntaxError("AUTH takes a user and a password");
        if (keyword == "TOKEN" && arguments != 1) return syntaxError("TOKEN takes one token");
        return keyword == "AUTH" ? login(*generation, keyword, words[1], words[2]) : login(*generation, keyword, {}, words[1]);
    }
    if (keyword == "UPDATE") {
        if (arguments < 1 || arguments > 2) return syntaxError("UPDATE takes a host and an optional address");
        return update(*generation, words[1], arguments == 2 ? words[2] : std::string_view(), false);
    }
    if (keyword == "OFFLINE") {
        if (arguments != 1) return syntaxError("OFFLINE takes a host");
        return update(*generation, words[1], {}, true);
    }
    if (keyword == "QUERY") {
        if (arguments != 1) return syntaxError("QUERY takes a host");
        return query(words[1]);
    }
    if (keyword == "QUIT") {
        if (arguments != 0) return syntaxError("QUIT takes no arguments");
        return LineReply::sayAndClose("200 Bye");
    }
    return syntaxError("unknown command " + line::printable(words.front()));
}

LineReply QdnsSession::login(const Generation& generation, std::string_view keyword, std::string_view user,
                             std::string_view secret) {
    if (secret.size() > kMaxPassword) return syntaxError(std::string(keyword == "AUTH" ? "password" : "token") + " too long");
    const auto result = keyword == "AUTH" ? generation.auth.password(user, secret, m_peer.address)
                                          : generation.auth.anyToken(secret, m_peer.address);
    if (result.ok()) {
        m_account = result.account->name;
        auto reply = LineReply::say("200 OK");
        reply.log = std::string(keyword) + " " + m_account + ": logged in";
        return reply;
    }
    if (m_services.metrics != nullptr) m_services.metrics->countAuthFailure("qdns");
    LineReply reply;
    reply.close = true;
    if (result.status == AuthStatus::Throttled) {
        reply.text = "429 Too many failures, retry in " + std::to_string(result.retryAfter.count()) + " s";
    } else {
        reply.text = "401 Authentication failed";
    }
    reply.log = std::string(keyword) + " refused: " + result.why;
    return reply;
}

LineReply QdnsSession::update(const Generation& generation, std::string_view hostText, std::string_view addressText,
                              bool offline) {
    if (m_account.empty()) return LineReply::say("401 Authentication required");
    const auto host = line::hostName(hostText);
    if (!host) return syntaxError("invalid host name " + line::printable(hostText, 64));
    HostUpdate change;
    if (offline) {
        change.offline = true;
    } else {
        // No address: the one this connection comes from.
        const auto address = addressText.empty() ? std::optional<IpAddress>(m_peer.address) : IpAddress::parse(addressText);
        if (!address) return syntaxError("invalid address " + line::printable(addressText, 64));
        (address->isV4() ? change.v4 : change.v6) = *address;
    }
    // The account as the current configuration has it: one removed by a reload logs out.
    const Account* account = generation.auth.find(m_account);
    if (account == nullptr) {
        auto reply = LineReply::sayAndClose("401 Authentication failed");
        reply.log = "account " + m_account + " no longer exists";
        return reply;
    }
    const auto outcome = m_services.updates.apply(*account, *host, change);
    const auto what = (offline ? "OFFLINE " : "UPDATE ") + host->toString() +
                      (offline ? std::string() : " " + (change.v4 ? *change.v4 : *change.v6).toString());
    LineReply reply;
    switch (outcome.status) {
        case UpdateStatus::Updated:
        case UpdateStatus::Unchanged:
            reply.text = outcome.status == UpdateStatus::Updated ? "200 Updated" : "200 Unchanged";
            reply.ticket = outcome.ticket;
            reply.failure = "500 Server error";
            break;
        case UpdateStatus::NotInZone:
        case UpdateStatus::NotGranted:
        case UpdateStatus::StaticRecord:
            reply.text = "403 Forbidden";
            break;
        case UpdateStatus::BadAddress:
            reply.text = "400 Syntax error: address of the wrong family";
            break;
    }
    count(reply.text.substr(0, 3));
    reply.log = m_account + " " + what + ": " + std::string(toString(outcome.status));
    return reply;
}

LineReply QdnsSession::query(std::string_view hostText) const {
    const auto host = line::hostName(hostText);
    if (!host) return syntaxError("invalid host name " + line::printable(hostText, 64));
    const auto published = m_services.zone.snapshot()->addressesOf(*host);
    if (published.v4.empty() && published.v6.empty()) return LineReply::say("404 Not found");
    std::string text = "200";
    for (const auto& address : published.v4) text += " " + address.toString();
    for (const auto& address : published.v6) text += " " + address.toString();
    return LineReply::say(std::move(text));
}

LineReply QdnsSession::onOverlong() {
    return LineReply::sayAndClose("400 Syntax error: line longer than 512 octets");
}

LineReply QdnsSession::onIdle() {
    auto reply = LineReply::sayAndClose("421 Closing: idle timeout");
    reply.log = "idle, closed";
    return reply;
}

}  // namespace qdyn::server
