// QDNS client: the session, the strict reply reader and the sorting of reply codes into
// outcomes (the table in qdns.hpp, the rules in docs/protocols/qdns.md).
#include "qdyn/protocols/qdns.hpp"

#include <algorithm>
#include <utility>

#include "qdyn/protocols/http_update.hpp"
#include "retry_note.hpp"

namespace qdyn::qdns {

namespace {

constexpr std::size_t kMaxAddresses = 64;

bool isBlank(char c) {
    return c == ' ' || c == '\t';
}

bool isControl(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
}

// A word QDNS can carry as one argument: no blank, no control character.
bool isArgument(std::string_view text, std::size_t limit) {
    return !text.empty() && text.size() <= limit &&
           std::none_of(text.begin(), text.end(), [](char c) { return isBlank(c) || isControl(c); });
}

// The addresses to send for a host, one UPDATE each; one empty slot means "UPDATE host" (the
// connecting address).
std::vector<std::optional<IpAddress>> addressesOf(const UpdateRequest& request) {
    std::vector<std::optional<IpAddress>> out;
    if (request.ipv4) out.emplace_back(request.ipv4);
    if (request.ipv6) out.emplace_back(request.ipv6);
    if (out.empty()) out.emplace_back(std::nullopt);
    return out;
}

std::string codeOf(const Reply& reply) {
    return std::to_string(reply.code);
}


HostOutcome make(const std::string& host, OutcomeClass outcome, std::string code, std::string detail) {
    return HostOutcome{host, outcome, std::move(code), std::move(detail), {}, {}};
}

std::string quoted(const Reply& reply) {
    return "\"" + codeOf(reply) + (reply.text.empty() ? "" : " " + httpupdate::printable(reply.text, 120)) + "\"";
}

// The next reply of the session, or why there is none.
Result<Reply> readReply(net::LineClient& line) {
    auto text = line.readLine();
    if (!text) return text.error();
    auto reply = parseReply(*text);
    if (!reply) {
        line.close();
        return makeError("unrecognised reply \"" + httpupdate::printable(*text, 80) + "\"");
    }
    return std::move(*reply);
}

// Ends a session politely when it is still open; a failure here changes nothing.
void quit(net::LineClient& line) {
    if (!line.isOpen()) return;
    if (line.writeLine("QUIT")) (void)line.readLine();
    line.close();
}

}  // namespace

Result<void> applyServerUrl(Settings& settings, std::string_view url) {
    auto parsed = net::parseServerUrl(url);
    if (!parsed) return parsed.error();
    if (parsed->scheme == "qdns") {
        settings.tls = false;
    } else if (parsed->scheme == "qdnss") {
        settings.tls = true;
    } else {
        return makeError("server must be a qdns:// or qdnss:// URL (got \"" + parsed->scheme + "://\")");
    }
    settings.host = parsed->host;
    settings.port = parsed->port.value_or(settings.tls ? kDefaultTlsPort : kDefaultPort);
    return {};
}

Result<void> checkCredentials(std::string_view username, const Secret& password) {
    if (!username.empty() && !isArgument(username, kMaxPassword)) {
        return makeError("QDNS cannot send a user name holding a blank or a control character");
    }
    const char* what = username.empty() ? "token" : "password";
    if (password.empty()) return makeError(std::string("QDNS needs a ") + what);
    if (password.reveal().size() > kMaxPassword) {
        return makeError(std::string("QDNS takes a ") + what + " of at most 256 octets");
    }
    if (!isArgument(password.reveal(), kMaxPassword)) {
        return makeError(std::string("QDNS cannot send a ") + what +
                         " holding a blank or a control character (use a token, or another protocol)");
    }
    return {};
}

std::optional<Reply> parseReply(std::string_view line) {
    if (line.size() < 3 || line.size() >= kMaxLine) return std::nullopt;
    if (line[0] < '1' || line[0] > '5') return std::nullopt;
    if (!std::all_of(line.begin(), line.begin() + 3, [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
    if (std::any_of(line.begin(), line.end(), isControl)) return std::nullopt;
    Reply reply;
    reply.code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (line.size() > 3) {
        if (line[3] != ' ') return std::nullopt;
        reply.text = std::string(line.substr(4));
    }
    return reply;
}

HostOutcome classifyUpdateReply(const std::string& host, const Reply& reply) {
    const std::string code = codeOf(reply);
    switch (reply.code) {
        case 200:
            if (reply.text == "Unchanged") {
                return make(host, OutcomeClass::Unchanged, code, "the server already published that address");
            }
            return make(host, OutcomeClass::Updated, code, "the server published the address");
        case 400:
            return make(host, OutcomeClass::HostRejected, code,
                        "the server refused the host or address as invalid: " + quoted(reply));
        case 401:
            return make(host, OutcomeClass::AuthFailed, code, "the server refused the login: " + quoted(reply));
        case 403:
            return make(host, OutcomeClass::HostRejected, code,
                        "the account may not update this host, or its record is static: " + quoted(reply));
        case 404:
            return make(host, OutcomeClass::HostRejected, code, "the server does not know this host: " + quoted(reply));
        case 429:
            return make(host, OutcomeClass::RetryLater, code,
                        "the server throttles this client after failed logins" + protocols::retryDelayNote(reply.text));
        case 421:
            return make(host, OutcomeClass::RetryLater, code, "the server closed the session: " + quoted(reply));
        case 500:
            return make(host, OutcomeClass::RetryLater, code,
                        "the server could not store the update (not acknowledged): " + quoted(reply));
        default:
            return make(host, OutcomeClass::RetryLater, code, "unexpected reply " + quoted(reply));
    }
}

HostOutcome classifyLoginReply(const std::string& host, const Reply& reply) {
    const std::string code = codeOf(reply);
    switch (reply.code) {
        case 400:
        case 401:
        case 403:
            return make(host, OutcomeClass::AuthFailed, code, "the server refused the login: " + quoted(reply));
        case 200:
            // Not a verdict on the host: the caller goes on to UPDATE after a 200.
            return make(host, OutcomeClass::RetryLater, code, "logged in, nothing sent yet");
        default:
            HostOutcome outcome = classifyUpdateReply(host, reply);
            outcome.detail = "login: " + outcome.detail;
            return outcome;
    }
}

std::optional<std::vector<IpAddress>> parseAddresses(std::string_view text) {
    std::vector<IpAddress> addresses;
    while (!text.empty()) {
        std::size_t start = 0;
        while (start < text.size() && isBlank(text[start]))
            ++start;
        text.remove_prefix(start);
        if (text.empty()) break;
        std::size_t end = 0;
        while (end < text.size() && !isBlank(text[end]))
            ++end;
        const auto address = IpAddress::parse(text.substr(0, end));
        if (!address || addresses.size() == kMaxAddresses) return std::nullopt;
        addresses.push_back(*address);
        text.remove_prefix(end);
    }
    if (addresses.empty()) return std::nullopt;
    return addresses;
}

Client::Client(Settings settings) : m_settings(std::move(settings)) {}

net::LineEndpoint Client::endpoint() const {
    net::LineEndpoint endpoint;
    endpoint.host = m_settings.host;
    endpoint.port = m_settings.port;
    endpoint.timeout = m_settings.timeout;
    endpoint.tls = m_settings.tls;
    endpoint.verifyTls = m_settings.verifyTls;
    endpoint.caFile = m_settings.caFile;
    endpoint.maxLine = kMaxLine;
    return endpoint;
}

std::vector<std::string> Client::describe(const UpdateRequest& request) const {
    const std::string prefix =
        std::string(m_settings.tls ? "qdnss://" : "qdns://") +
        (m_settings.host.find(':') != std::string::npos ? "[" + m_settings.host + "]" : m_settings.host) + ":" +
        std::to_string(m_settings.port) + ": ";
    std::vector<std::string> lines;
    lines.push_back(prefix + (m_settings.username.empty() ? "TOKEN ***" : "AUTH " + m_settings.username + " ***"));
    for (const auto& host : request.hosts) {
        for (const auto& address : addressesOf(request)) {
            lines.push_back(prefix + "UPDATE " + host + (address ? " " + address->toString() : std::string()));
        }
    }
    lines.push_back(prefix + "QUIT");
    return lines;
}

std::vector<HostOutcome> Client::update(const UpdateRequest& request) {
    std::vector<HostOutcome> outcomes;
    outcomes.reserve(request.hosts.size());
    // What every host not yet answered gets once the session cannot go on.
    auto finishWith = [&](OutcomeClass outcome, const std::string& code, const std::string& detail) {
        for (std::size_t i = outcomes.size(); i < request.hosts.size(); ++i) {
            outcomes.push_back(make(request.hosts[i], outcome, code, detail));
        }
        return outcomes;
    };
    if (auto valid = qdns::checkCredentials(m_settings.username, m_settings.password); !valid) {
        return finishWith(OutcomeClass::AuthFailed, "credentials", valid.message());
    }
    net::LineClient line;
    if (auto connected = line.connect(endpoint()); !connected) {
        return finishWith(OutcomeClass::RetryLater, "network", connected.message());
    }
    auto sentLogin = m_settings.username.empty()
                         ? line.writeLine({"TOKEN ", m_settings.password.reveal()})
                         : line.writeLine({"AUTH ", m_settings.username, " ", m_settings.password.reveal()});
    if (!sentLogin) return finishWith(OutcomeClass::RetryLater, "network", sentLogin.message());
    auto login = readReply(line);
    if (!login) return finishWith(OutcomeClass::RetryLater, "network", "login: " + login.message());
    if (login->code != 200) {
        line.close();
        const HostOutcome verdict = classifyLoginReply("", *login);
        return finishWith(verdict.outcome, verdict.code, verdict.detail);
    }

    for (const auto& host : request.hosts) {
        if (!isArgument(host, 253)) {
            outcomes.push_back(make(host, OutcomeClass::HostRejected, "host",
                                    "QDNS cannot send a host name that is empty, over 253 octets or holds a blank"));
            continue;
        }
        std::optional<HostOutcome> merged;
        std::optional<HostOutcome> sessionOver;  // set when the server ends the session
        for (const auto& address : addressesOf(request)) {
            const std::string text = address ? address->toString() : std::string();
            auto sent = address ? line.writeLine({"UPDATE ", host, " ", text}) : line.writeLine({"UPDATE ", host});
            auto reply = sent ? readReply(line) : Result<Reply>(sent.error());
            HostOutcome outcome = reply ? classifyUpdateReply(host, *reply)
                                        : make(host, OutcomeClass::RetryLater, "network", reply.message());
            if (!reply || reply->code == 401 || reply->code == 421 || reply->code == 429) sessionOver = outcome;
            if (!merged) {
                merged = std::move(outcome);
            } else {
                httpupdate::mergeOutcome(*merged, outcome);
            }
            if (sessionOver) break;
        }
        outcomes.push_back(std::move(*merged));
        if (sessionOver) {
            line.close();
            return finishWith(sessionOver->outcome, sessionOver->code, "not sent: " + sessionOver->detail);
        }
    }
    quit(line);
    return outcomes;
}

CredentialCheck Client::checkCredentials(std::string_view /*host*/) {
    if (auto valid = qdns::checkCredentials(m_settings.username, m_settings.password); !valid) {
        return CredentialCheck::failed(OutcomeClass::AuthFailed, "credentials", valid.message());
    }
    net::LineClient line;
    if (auto connected = line.connect(endpoint()); !connected) {
        return CredentialCheck::failed(OutcomeClass::RetryLater, "network", connected.message());
    }
    auto sent = m_settings.username.empty()
                    ? line.writeLine({"TOKEN ", m_settings.password.reveal()})
                    : line.writeLine({"AUTH ", m_settings.username, " ", m_settings.password.reveal()});
    if (!sent) return CredentialCheck::failed(OutcomeClass::RetryLater, "network", sent.message());
    auto login = readReply(line);
    if (!login) return CredentialCheck::failed(OutcomeClass::RetryLater, "network", "login: " + login.message());
    if (login->code != 200) {
        line.close();
        const HostOutcome verdict = classifyLoginReply("", *login);
        return CredentialCheck::failed(verdict.outcome, verdict.code, verdict.detail);
    }
    quit(line);
    return CredentialCheck::valid(codeOf(*login), std::string("the server accepted the ") +
                                                      (m_settings.username.empty() ? "token" : "login") + " " +
                                                      quoted(*login) + "; nothing was updated");
}

Result<std::vector<IpAddress>> Client::query(const std::string& host) {
    if (!isArgument(host, 253)) return makeError("QUERY: \"" + httpupdate::printable(host) + "\" is not a host name");
    net::LineClient line;
    if (auto connected = line.connect(endpoint()); !connected) return connected.error();
    if (auto sent = line.writeLine({"QUERY ", host}); !sent) return sent.error();
    auto reply = readReply(line);
    if (!reply) return makeError("QUERY " + host + ": " + reply.message());
    quit(line);
    if (reply->code == 404) return std::vector<IpAddress>{};
    if (reply->code != 200) return makeError("QUERY " + host + ": the server answered " + quoted(*reply));
    auto addresses = parseAddresses(reply->text);
    if (!addresses) return makeError("QUERY " + host + ": unreadable address list " + quoted(*reply));
    return std::move(*addresses);
}

}  // namespace qdyn::qdns
