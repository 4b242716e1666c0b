// miniupdate commands and replies, exactly as docs/protocols/miniupdate.md lays them out.
//
// The state machine is small: nothing but AGENT or EXIT until AGENT is accepted; LOGIN hands out
// a fresh challenge (replacing any earlier one); RESPONSE consumes it whatever the result, so a
// challenge answers one RESPONSE only; A_UPDATE needs a successful RESPONSE. Every refusal is an
// ERR and every ERR closes: miniupdate clients are told to stop on ERR, so a session that went
// wrong has nothing left to say.
#include "line/miniupdate_session.hpp"

#include <array>
#include <cstdint>
#include <openssl/rand.h>
#include <optional>
#include <utility>

#include "generation.hpp"
#include "line/line_words.hpp"
#include "metrics.hpp"
#include "qdyn/crypto/hmac.hpp"
#include "qdyn/dns/name.hpp"
#include "qdyn/version.hpp"
#include "qdyn_server/update_service.hpp"

namespace qdyn::server {

namespace {

constexpr std::string_view kServerError = "ERR server error, try later";

LineReply err(std::string_view why) {
    return LineReply::sayAndClose("ERR " + std::string(why));
}

LineReply errLogged(std::string_view why, std::string log) {
    auto reply = err(why);
    reply.log = std::move(log);
    return reply;
}

// A fresh challenge: 16 random octets as 32 lower-case hex digits; nullopt when the generator
// fails (no challenge is better than a guessable one).
std::optional<std::string> newChallenge() {
    std::array<std::uint8_t, 16> random{};
    if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) return std::nullopt;
    return crypto::hexEncode(random);
}


// The host as the reply names it: presentation form without the final dot, upper-cased (as
// miniDNS.net answers "OK EXAMPLE.MINIDNS.NET mapped to ...").
std::string replyHost(const dns::Name& host) {
    auto text = host.toString();
    if (!text.empty() && text.back() == '.') text.pop_back();
    return line::upperAscii(text);
}

// What follows the first word of a line, blanks around it removed (AGENT's free text).
std::string_view restAfterFirstWord(std::string_view line) {
    std::size_t at = 0;
    while (at < line.size() && line::isBlank(line[at]))
        ++at;
    while (at < line.size() && !line::isBlank(line[at]))
        ++at;
    while (at < line.size() && line::isBlank(line[at]))
        ++at;
    auto rest = line.substr(at);
    while (!rest.empty() && line::isBlank(rest.back()))
        rest.remove_suffix(1);
    return rest;
}

}  // namespace

MiniupdateSession::MiniupdateSession(const LineServices& services, LinePeer peer)
    : m_services(services), m_peer(std::move(peer)) {}

std::string MiniupdateSession::greeting() {
    return std::string("qdyn-server Update Server ") + kVersion + " (miniDNS compatible)";
}

LineReply MiniupdateSession::onLine(std::string_view line) {
    if (++m_commands > kMaxCommands) {
        return errLogged("Too many commands, " + std::to_string(kMaxCommands) + " per session",
                         "command limit reached, closed");
    }
    if (line::hasControlCharacters(line)) return errLogged("Invalid command", "control characters, closed");
    const auto words = line::splitWords(line, 4);
    if (words.empty()) return err("Empty command");
    const auto keyword = line::upperAscii(words.front());
    const auto arguments = words.size() - 1;

    if (keyword == "EXIT") {
        if (arguments != 0) return err("EXIT takes no arguments");
        return LineReply::sayAndClose("OK Bye!");
    }
    if (keyword == "AGENT") return agent(line);
    if (!m_agent) return errLogged("AGENT must come first", "no AGENT first, closed");

    if (keyword == "LOGIN") {
        if (arguments != 2) return err("LOGIN takes an id and digest-md5-text");
        return login(words[1], words[2]);
    }
    if (keyword == "VERSION") {
        if (arguments != 0) return err("VERSION takes no arguments");
        return LineReply::say(std::string("OK ") + kVersion);
    }
    // Both of the rest read the configuration of now: a reload between LOGIN and RESPONSE (or
    // between two updates) applies to the next command.
    const auto generation = m_services.generation();
    if (keyword == "RESPONSE") {
        if (arguments != 1) return err("RESPONSE takes one hex string");
        return response(*generation, words[1]);
    }
    if (keyword == "A_UPDATE") {
        if (arguments < 2 || arguments > 3)
            return err("A_UPDATE takes online|offline, a host and an optional IP address");
        return update(*generation, words[1], words[2], arguments == 3 ? words[3] : std::string_view());
    }
    return err("Unknown command " + line::printable(words.front()));
}

LineReply MiniupdateSession::agent(std::string_view line) {
    if (m_agent) return err("AGENT already accepted");
    const auto info = restAfterFirstWord(line);
    if (info.empty()) return err("AGENT takes the client's name and version");
    m_agent = true;
    auto reply = LineReply::say("OK Agent accepted");
    reply.log = "agent " + line::printable(info, 64);
    return reply;
}

LineReply MiniupdateSession::login(std::string_view user, std::string_view method) {
    if (!m_account.empty()) return err("Already authenticated");
    if (line::upperAscii(method) != "DIGEST-MD5-TEXT") return err("Unsupported login method, use digest-md5-text");
    if (user.size() > kMaxUser) return err("Login id too long");
    auto challenge = newChallenge();
    if (!challenge) return errLogged(kServerError.substr(4), "no random challenge (RAND_bytes failed)");
    // An unknown id gets a challenge too: whether the account exists shows only as the same
    // "Authentication failed" a wrong response gets.
    m_loginUser = std::string(user);
    m_challenge = std::move(*challenge);
    return LineReply::say("CHALLENGE " + m_challenge);
}

LineReply MiniupdateSession::response(const Generation& generation, std::string_view hex) {
    if (!m_account.empty()) return err("Already authenticated");
    if (m_challenge.empty()) return err("Login first: no challenge pending");
    // The challenge answers this RESPONSE only, right or wrong.
    const auto challenge = std::exchange(m_challenge, std::string());
    if (hex.size() > kMaxResponse) hex = hex.substr(0, kMaxResponse);  // cannot match; bounded work
    const auto result = generation.auth.md5Challenge(m_loginUser, challenge, hex, m_peer.address);
    if (result.ok()) {
        m_account = result.account->name;
        auto reply = LineReply::say("OK Authenticated");
        reply.log = "LOGIN " + m_account + ": logged in";
        return reply;
    }
    if (m_services.metrics != nullptr) m_services.metrics->countAuthFailure("miniupdate");
    const auto log = "LOGIN " + line::printable(m_loginUser, 64) + " refused: " + result.why;
    if (result.status == AuthStatus::Throttled) {
        return errLogged("Too many failures, retry in " + std::to_string(result.retryAfter.count()) + " s", log);
    }
    return errLogged("Authentication failed", log);
}

LineReply MiniupdateSession::update(const Generation& generation, std::string_view mode, std::string_view hostText,
                                    std::string_view addressText) {
    // "Login" first: the client library reads that word as an authentication failure.
    if (m_account.empty()) return err("Login required");
    const auto modeWord = line::upperAscii(mode);
    if (modeWord != "ONLINE" && modeWord != "OFFLINE") return err("A_UPDATE mode must be online or offline");
    const bool offline = modeWord == "OFFLINE";
    const auto host = line::hostName(hostText);
    if (!host) return err("Invalid host name " + line::printable(hostText, 64));
    HostUpdate change;
    std::optional<IpAddress> address;
    if (offline) {
        change.offline = true;  // an address given with offline is ignored, as the seed says
    } else {
        // No address: the one this connection comes from. The family follows the syntax.
        address = addressText.empty() ? std::optional<IpAddress>(m_peer.address) : IpAddress::parse(addressText);
        if (!address) return err("Invalid IP address " + line::printable(addressText, 64));
        (address->isV4() ? change.v4 : change.v6) = *address;
    }
    // The account as the current configuration has it: one removed by a reload logs out.
    const Account* account = generation.auth.find(m_account);
    if (account == nullptr) return errLogged("Authentication failed", "account " + m_account + " no longer exists");

    const auto outcome = m_services.updates.apply(*account, *host, change);
    if (m_services.metrics != nullptr)
        m_services.metrics->countUpdate("miniupdate", std::string(toString(outcome.status)));
    const auto what =
        (offline ? "offline " : "online ") + host->toString() + (address ? " " + address->toString() : "");
    const auto log = m_account + " A_UPDATE " + what + ": " + std::string(toString(outcome.status)) +
                     (outcome.upstreamRefuses ? " (the [forward] primary refuses it)" : "");
    switch (outcome.status) {
        case UpdateStatus::Updated:
        case UpdateStatus::Unchanged: {
            // Taken (and durable) here even when a [forward] primary refuses the name: the change
            // stays queued for it, so the client is told OK and does not stop this host.
            auto reply = LineReply::say(offline ? "OK " + replyHost(*host) + " set offline"
                                                : "OK " + replyHost(*host) + " mapped to " + address->toString());
            reply.ticket = outcome.ticket;
            reply.failure = std::string(kServerError);
            reply.failureCloses = true;
            reply.log = log;
            return reply;
        }
        case UpdateStatus::NotInZone:
        case UpdateStatus::NotGranted:
        case UpdateStatus::StaticRecord:
            // "Host" first: the client library stops this host only.
            return errLogged("Host " + replyHost(*host) + " is not yours to update", log);
        case UpdateStatus::BadAddress:
            break;
    }
    return errLogged("Invalid IP address " + line::printable(addressText, 64), log);
}

LineReply MiniupdateSession::onOverlong() {
    return errLogged("Line too long, 512 octets at most", "line too long, closed");
}

LineReply MiniupdateSession::onIdle() {
    return errLogged("Idle timeout", "idle, closed");
}

}  // namespace qdyn::server
