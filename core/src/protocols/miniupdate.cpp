// miniupdate client: sessions of at most 10 commands, the MD5 challenge login, and the strict
// reading of its one-word-status replies (the outcome table is in miniupdate.hpp).
#include "qdyn/protocols/miniupdate.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "qdyn/crypto/digest.hpp"
#include "qdyn/net/line_client.hpp"
#include "qdyn/protocols/http_update.hpp"
#include "qdyn/version.hpp"
#include "retry_note.hpp"

namespace qdyn::miniupdate {

namespace {

constexpr std::size_t kMaxLine = 1024;
constexpr std::string_view kMappedTo = " mapped to ";

bool isControl(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
}

bool isArgument(std::string_view text, std::size_t limit) {
    return !text.empty() && text.size() <= limit &&
           std::none_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t' || isControl(c); });
}

// A failure that ends the update: the class every host not yet answered gets.
struct Verdict {
    OutcomeClass outcome = OutcomeClass::RetryLater;
    std::string code;
    std::string detail;
};

Verdict retry(std::string detail) {
    return Verdict{OutcomeClass::RetryLater, "network", std::move(detail)};
}

std::string quotedReplyText(std::string_view text) {
    return "\"" + httpupdate::printable(text, 120) + "\"";
}

std::string agentOf(const Settings& settings) {
    return settings.agent.empty() ? std::string("qdyn/") + kVersion : settings.agent;
}

// One slot per family; an empty slot: A_UPDATE without an address.
std::vector<std::optional<IpAddress>> addressesOf(const UpdateRequest& request) {
    std::vector<std::optional<IpAddress>> out;
    if (request.ipv4) out.emplace_back(request.ipv4);
    if (request.ipv6) out.emplace_back(request.ipv6);
    if (out.empty()) out.emplace_back(std::nullopt);
    return out;
}


// An ERR to the session's first steps: the outcome every host gets.
Verdict errVerdict(std::string_view text, OutcomeClass byStep, const std::string& what) {
    return Verdict{classifyErr(text, byStep), "ERR", what + ": " + quotedReplyText(text) + protocols::retryDelayNote(text)};
}
// Sends one command and reads its reply; a transport failure or an unreadable reply is an Error.
Result<Reply> command(net::LineClient& line, std::initializer_list<std::string_view> parts) {
    if (auto sent = line.writeLine(parts); !sent) return sent.error();
    auto text = line.readLine();
    if (!text) return text.error();
    auto reply = parseReply(*text);
    if (!reply) return makeError("unrecognised reply " + quotedReplyText(*text));
    return std::move(*reply);
}

// One session up to the point where A_UPDATE may follow; a Verdict when it cannot get there
// (the caller then closes the connection without another word, ERR or not).
std::optional<Verdict> openSession(net::LineClient& line, const Settings& settings) {
    net::LineEndpoint endpoint;
    endpoint.host = settings.host;
    endpoint.port = settings.port;
    endpoint.timeout = settings.timeout;
    endpoint.maxLine = kMaxLine;
    if (auto connected = line.connect(endpoint); !connected) return retry(connected.message());
    auto banner = line.readLine();
    if (!banner) return retry("no banner: " + banner.message());
    if (const auto status = parseReply(*banner); status && status->status == Status::Err) {
        return errVerdict(status->text, OutcomeClass::Abuse, "the server refused the session");
    }
    auto agent = command(line, {"AGENT ", agentOf(settings)});
    if (!agent) return retry("AGENT: " + agent.message());
    if (agent->status == Status::Err) {
        return errVerdict(agent->text, OutcomeClass::Abuse, "the server refused this client (AGENT)");
    }
    if (agent->status != Status::Ok) return retry("AGENT: unexpected reply " + quotedReplyText(agent->text));

    auto challenge = command(line, {"LOGIN ", settings.username, " digest-md5-text"});
    if (!challenge) return retry("LOGIN: " + challenge.message());
    if (challenge->status == Status::Err) {
        return errVerdict(challenge->text, OutcomeClass::AuthFailed, "the server refused the login");
    }
    if (challenge->status != Status::Challenge || !isChallenge(challenge->text)) {
        return retry("LOGIN: expected CHALLENGE and 32 lower-case hex digits, got " + quotedReplyText(challenge->text));
    }
    auto response = challengeResponse(settings.password, challenge->text);
    if (!response) {
        return Verdict{OutcomeClass::AuthFailed, "md5", "cannot compute the miniupdate login: " + response.message()};
    }
    auto accepted = command(line, {"RESPONSE ", response->reveal()});
    if (!accepted) return retry("RESPONSE: " + accepted.message());
    if (accepted->status == Status::Err) {
        return errVerdict(accepted->text, OutcomeClass::AuthFailed, "the server refused the login");
    }
    if (accepted->status != Status::Ok) return retry("RESPONSE: unexpected reply " + quotedReplyText(accepted->text));
    return std::nullopt;
}

}  // namespace

OutcomeClass classifyErr(std::string_view text, OutcomeClass byStep) {
    const std::string_view word = text.substr(0, text.find(' '));
    auto is = [word](std::initializer_list<const char*> words) {
        return std::any_of(words.begin(), words.end(),
                           [word](const char* candidate) { return httpupdate::equalsIgnoringCase(word, candidate); });
    };
    // Every ERR stops (seed 001: "stop retry is very important to prevent net abuse"); a
    // throttle, a server fault or an idle close is about the whole session, not this step.
    if ((is({"Too"}) && !protocols::retryDelayNote(text).empty()) || is({"server", "Idle"})) return OutcomeClass::Abuse;
    if (is({"Authentication", "Unauthorized", "Login"})) return OutcomeClass::AuthFailed;
    if (is({"Abuse", "Blocked", "Banned"})) return OutcomeClass::Abuse;
    return byStep;
}

Result<void> applyServerUrl(Settings& settings, std::string_view url) {
    auto parsed = net::parseServerUrl(url);
    if (!parsed) return parsed.error();
    if (parsed->scheme != "miniupdate") {
        return makeError("server must be a miniupdate:// URL (got \"" + parsed->scheme + "://\")");
    }
    settings.host = parsed->host;
    settings.port = parsed->port.value_or(kDefaultPort);
    return {};
}

std::optional<Reply> parseReply(std::string_view line) {
    if (line.size() >= kMaxLine || std::any_of(line.begin(), line.end(), isControl)) return std::nullopt;
    const std::size_t space = line.find(' ');
    const std::string_view word = line.substr(0, space);
    Reply reply;
    if (httpupdate::equalsIgnoringCase(word, "OK")) {
        reply.status = Status::Ok;
    } else if (httpupdate::equalsIgnoringCase(word, "ERR")) {
        reply.status = Status::Err;
    } else if (httpupdate::equalsIgnoringCase(word, "CHALLENGE")) {
        reply.status = Status::Challenge;
    } else {
        return std::nullopt;
    }
    if (space != std::string_view::npos) reply.text = std::string(line.substr(space + 1));
    return reply;
}

bool isChallenge(std::string_view text) {
    return text.size() == 32 && std::all_of(text.begin(), text.end(),
                                            [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Result<Secret> challengeResponse(const Secret& password, std::string_view challenge) {
    auto inner = crypto::md5Hex(password.reveal());
    if (!inner) return inner.error();
    const Secret innerHex(std::move(*inner));
    auto outer = crypto::md5Hex({innerHex.reveal(), challenge});
    if (!outer) return outer.error();
    return Secret(std::move(*outer));
}

std::optional<IpAddress> parseMapped(std::string_view text, std::string_view host) {
    const std::size_t mapped = text.find(kMappedTo);
    if (mapped == std::string_view::npos) return std::nullopt;
    if (!httpupdate::equalsIgnoringCase(text.substr(0, mapped), host)) return std::nullopt;
    return IpAddress::parse(text.substr(mapped + kMappedTo.size()));
}

HostOutcome classifyUpdateReply(const std::string& host, const Reply& reply) {
    HostOutcome outcome;
    outcome.host = host;
    if (reply.status == Status::Err) {
        outcome.code = "ERR";
        outcome.outcome = classifyErr(reply.text, OutcomeClass::HostRejected);
        outcome.detail = "the server refused the update: " + quotedReplyText(reply.text) + protocols::retryDelayNote(reply.text);
        return outcome;
    }
    if (reply.status != Status::Ok) {
        outcome.code = "CHALLENGE";
        outcome.detail = "unexpected reply to A_UPDATE: CHALLENGE";
        return outcome;
    }
    outcome.code = "OK";
    if (const auto address = parseMapped(reply.text, host)) {
        outcome.outcome = OutcomeClass::Updated;
        outcome.detail = "the update was accepted";
        outcome.addresses.push_back(*address);
        return outcome;
    }
    const std::size_t mapped = reply.text.find(kMappedTo);
    if (mapped != std::string::npos &&
        IpAddress::parse(std::string_view(reply.text).substr(mapped + kMappedTo.size()))) {
        // Success for another name is not success for ours.
        outcome.detail = "the server confirmed another host: " + quotedReplyText(reply.text);
        return outcome;
    }
    outcome.outcome = OutcomeClass::Updated;
    outcome.detail = "the update was accepted: " + quotedReplyText(reply.text);
    return outcome;
}

Client::Client(Settings settings) : m_settings(std::move(settings)) {}

std::vector<std::string> Client::describe(const UpdateRequest& request) const {
    const std::string prefix =
        "miniupdate://" +
        (m_settings.host.find(':') != std::string::npos ? "[" + m_settings.host + "]" : m_settings.host) + ":" +
        std::to_string(m_settings.port) + ": ";
    std::vector<std::string> lines;
    std::size_t inSession = kUpdatesPerSession;
    for (const auto& host : request.hosts) {
        for (const auto& address : addressesOf(request)) {
            if (inSession == kUpdatesPerSession) {
                if (!lines.empty()) lines.push_back(prefix + "EXIT");
                lines.push_back(prefix + "AGENT " + agentOf(m_settings));
                lines.push_back(prefix + "LOGIN " + m_settings.username + " digest-md5-text");
                lines.push_back(prefix + "RESPONSE *** (md5 of the password's md5 and the challenge)");
                inSession = 0;
            }
            lines.push_back(prefix + "A_UPDATE online " + host + (address ? " " + address->toString() : std::string()));
            ++inSession;
        }
    }
    if (!lines.empty()) lines.push_back(prefix + "EXIT");
    return lines;
}

std::vector<HostOutcome> Client::update(const UpdateRequest& request) {
    std::vector<std::optional<HostOutcome>> results(request.hosts.size());
    std::vector<std::size_t> pending(request.hosts.size(), 0);  // A_UPDATEs of a host not yet answered
    auto record = [&results](std::size_t index, const HostOutcome& outcome) {
        if (!results[index]) {
            results[index] = outcome;
        } else {
            httpupdate::mergeOutcome(*results[index], outcome);
        }
    };
    // Every host with an A_UPDATE not answered gets `verdict` too.
    auto finish = [&](const Verdict& verdict) {
        std::vector<HostOutcome> outcomes;
        for (std::size_t i = 0; i < request.hosts.size(); ++i) {
            if (pending[i] > 0 || !results[i]) {
                record(i, HostOutcome{request.hosts[i], verdict.outcome, verdict.code, verdict.detail, {}, {}});
            }
            outcomes.push_back(std::move(*results[i]));
        }
        return outcomes;
    };
    if (!isArgument(m_settings.username, 256) || m_settings.password.empty()) {
        return finish({OutcomeClass::AuthFailed, "credentials",
                       "miniupdate needs a user name without blanks or control characters, and a password"});
    }
    struct Job {
        std::size_t host;
        std::optional<IpAddress> address;
    };
    std::vector<Job> jobs;
    for (std::size_t i = 0; i < request.hosts.size(); ++i) {
        if (!isArgument(request.hosts[i], 253)) {
            results[i] =
                HostOutcome{request.hosts[i],
                            OutcomeClass::HostRejected,
                            "host",
                            "miniupdate cannot send a host name that is empty, over 253 octets or holds a blank",
                            {}, {}};
            continue;
        }
        for (const auto& address : addressesOf(request)) {
            jobs.push_back(Job{i, address});
            ++pending[i];
        }
    }

    net::LineClient line;
    for (std::size_t next = 0; next < jobs.size();) {
        if (auto failed = openSession(line, m_settings)) {
            line.close();  // after ERR not even EXIT
            return finish(*failed);
        }
        const std::size_t end = std::min(jobs.size(), next + kUpdatesPerSession);
        for (; next < end; ++next) {
            const Job& job = jobs[next];
            const std::string& host = request.hosts[job.host];
            const std::string address = job.address ? job.address->toString() : std::string();
            auto reply = job.address ? command(line, {"A_UPDATE online ", host, " ", address})
                                     : command(line, {"A_UPDATE online ", host});
            if (!reply) {
                line.close();
                return finish(retry("A_UPDATE " + host + ": " + reply.message()));
            }
            const HostOutcome outcome = classifyUpdateReply(host, *reply);
            record(job.host, outcome);
            --pending[job.host];
            if (reply->status == Status::Err) {
                line.close();
                return finish({OutcomeClass::RetryLater, "not-sent",
                               "not sent: the server answered ERR for " + host +
                                   ", and miniupdate allows nothing more after ERR; a later run sends it" +
                                   protocols::retryDelayNote(reply->text)});
            }
        }
        // EXIT ends a session that went well; its reply is not needed.
        if (line.writeLine("EXIT")) (void)line.readLine();
        line.close();
    }
    return finish(retry("nothing was sent"));
}

CredentialCheck Client::checkCredentials(std::string_view /*host*/) {
    if (!isArgument(m_settings.username, 256) || m_settings.password.empty()) {
        return CredentialCheck::failed(OutcomeClass::AuthFailed, "credentials",
                                       "miniupdate needs a user name without blanks or control characters, and a password");
    }
    net::LineClient line;
    if (auto failed = openSession(line, m_settings)) {
        line.close();  // after ERR not even EXIT
        return CredentialCheck::failed(failed->outcome, failed->code, failed->detail);
    }
    if (line.writeLine("EXIT")) (void)line.readLine();
    line.close();
    return CredentialCheck::valid("OK", "the server accepted the login (LOGIN, RESPONSE OK); nothing was updated");
}

}  // namespace qdyn::miniupdate
