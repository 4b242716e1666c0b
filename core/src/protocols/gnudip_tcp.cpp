// GnuDIP over TCP: salt line, one signed request line, one reply line (outcomes: the table in
// gnudip_tcp.hpp).
#include "qdyn/protocols/gnudip_tcp.hpp"

#include <algorithm>
#include <utility>

#include "qdyn/net/line_client.hpp"

namespace qdyn::gnudip::tcp {

namespace {

constexpr std::size_t kMaxLine = 1024;

HostOutcome make(const std::string& host, OutcomeClass outcome, std::string code, std::string detail) {
    return HostOutcome{host, outcome, std::move(code), std::move(detail), {}, {}};
}

// A request field: no ':' (the separator), no blank or control character.
bool isField(std::string_view text) {
    return !text.empty() && text.size() <= 253 && std::all_of(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte > 0x20 && byte != 0x7f && c != ':';
    });
}

}  // namespace

Result<void> applyServerUrl(Settings& settings, std::string_view url) {
    auto parsed = net::parseServerUrl(url);
    if (!parsed) return parsed.error();
    if (parsed->scheme != "gnudip")
        return makeError("server must be a gnudip:// URL (got \"" + parsed->scheme + "://\")");
    settings.host = parsed->host;
    settings.port = parsed->port.value_or(kDefaultPort);
    return {};
}

bool isSalt(std::string_view line) {
    return line.size() == kSaltLength &&
           std::all_of(line.begin(), line.end(), [](char c) { return c > 0x20 && c < 0x7f && c != ':'; });
}

std::string buildRequest(std::string_view username, std::optional<std::string_view> hash, std::string_view domain,
                         RequestCode code, const std::optional<IpAddress>& ipv4) {
    std::string line(username);
    line += ':';
    line += hash ? *hash : std::string_view("***");
    line += ':';
    line += domain;
    line += ':';
    line += std::to_string(static_cast<int>(code));
    if (code == RequestCode::SetAddress && ipv4) line += ":" + ipv4->toString();
    return line;
}

HostOutcome classifyReply(const std::string& host, std::string_view line, RequestCode code) {
    const std::string shown = httpupdate::printable(line, 64);
    if (line == "1") {
        return make(host, OutcomeClass::AuthFailed, "1",
                    "the server refused the login or the request (GnuDIP return code 1)");
    }
    if (code == RequestCode::Offline) {
        if (line == "2") return make(host, OutcomeClass::Updated, "2", "the host was taken offline");
    } else if (line == "0") {
        return make(host, OutcomeClass::Updated, "0", "the update was accepted");
    } else if (code == RequestCode::ConnectingAddress && line.substr(0, 2) == "0:") {
        const auto address = IpAddress::parse(line.substr(2));
        if (address && address->isV4()) {
            HostOutcome outcome = make(host, OutcomeClass::Updated, "0", "the update was accepted");
            outcome.addresses.push_back(*address);
            return outcome;
        }
    }
    return make(host, OutcomeClass::RetryLater, "unexpected",
                "unexpected GnuDIP reply \"" + shown + "\" to reqc " + std::to_string(static_cast<int>(code)));
}

Client::Client(Settings settings) : m_settings(std::move(settings)) {}

std::vector<std::string> Client::describe(const UpdateRequest& request) const {
    const std::string prefix =
        "gnudip://" + (m_settings.host.find(':') != std::string::npos ? "[" + m_settings.host + "]" : m_settings.host) +
        ":" + std::to_string(m_settings.port) + ": ";
    std::vector<std::string> lines;
    for (const auto& host : request.hosts) {
        const auto domain = domainOf(host, m_settings.username);
        if (!domain) {
            lines.push_back("nothing for " + host + ": " + domain.message());
        } else if (!request.ipv4 && request.ipv6) {
            lines.push_back("nothing for " + host + ": GnuDIP carries IPv4 only and no IPv4 address is known");
        } else {
            const RequestCode code = request.ipv4 ? RequestCode::SetAddress : RequestCode::ConnectingAddress;
            lines.push_back(prefix + "(reads a salt) " +
                            buildRequest(m_settings.username, std::nullopt, *domain, code, request.ipv4));
        }
    }
    return lines;
}

HostOutcome Client::exchange(const std::string& host, RequestCode code, const std::optional<IpAddress>& ipv4) {
    const auto domain = domainOf(host, m_settings.username);
    if (!domain) return make(host, OutcomeClass::HostRejected, "host", domain.message());
    if (!isField(m_settings.username) || !isField(*domain)) {
        return make(host, OutcomeClass::HostRejected, "host",
                    "GnuDIP cannot send a user or domain holding ':', a blank or a control character");
    }
    if (m_settings.password.empty())
        return make(host, OutcomeClass::AuthFailed, "credentials", "GnuDIP needs a password");
    net::LineEndpoint endpoint;
    endpoint.host = m_settings.host;
    endpoint.port = m_settings.port;
    endpoint.timeout = m_settings.timeout;
    endpoint.maxLine = kMaxLine;
    // reqc 2 publishes the address the connection comes from, which must be an IPv4 one.
    if (code == RequestCode::ConnectingAddress) endpoint.family = AddressFamily::V4;
    net::LineClient line;
    if (auto connected = line.connect(endpoint); !connected) {
        return make(host, OutcomeClass::RetryLater, "network", connected.message());
    }
    auto salt = line.readLine();
    if (!salt) return make(host, OutcomeClass::RetryLater, "no-salt", "no salt: " + salt.message());
    if (!isSalt(*salt)) {
        return make(host, OutcomeClass::RetryLater, "no-salt",
                    "the server's first line is not a 10-character salt: \"" + httpupdate::printable(*salt) + "\"");
    }
    auto hash = passwordHash(m_settings.password, *salt);
    if (!hash) return make(host, OutcomeClass::AuthFailed, "md5", "cannot compute the GnuDIP login: " + hash.message());
    const std::string tail = ":" + *domain + ":" + std::to_string(static_cast<int>(code)) +
                             (code == RequestCode::SetAddress && ipv4 ? ":" + ipv4->toString() : std::string());
    if (auto sent = line.writeLine({m_settings.username, ":", hash->reveal(), tail}); !sent) {
        return make(host, OutcomeClass::RetryLater, "network", sent.message());
    }
    auto reply = line.readLine();
    line.close();
    if (!reply) return make(host, OutcomeClass::RetryLater, "network", reply.message());
    return classifyReply(host, *reply, code);
}

std::vector<HostOutcome> Client::update(const UpdateRequest& request) {
    std::vector<HostOutcome> outcomes;
    outcomes.reserve(request.hosts.size());
    for (const auto& host : request.hosts) {
        if (!request.ipv4 && request.ipv6) {
            outcomes.push_back(make(host, OutcomeClass::RetryLater, "ipv6-only",
                                    "GnuDIP carries IPv4 only and no IPv4 address is known; nothing was sent"));
            continue;
        }
        const RequestCode code = request.ipv4 ? RequestCode::SetAddress : RequestCode::ConnectingAddress;
        HostOutcome outcome = exchange(host, code, request.ipv4);
        if (request.ipv6 && isSuccess(outcome.outcome)) {
            outcome.detail += "; the IPv6 address was not sent (GnuDIP carries IPv4 only)";
        }
        outcomes.push_back(std::move(outcome));
    }
    return outcomes;
}

CredentialCheck Client::checkCredentials(std::string_view /*host*/) {
    return CredentialCheck::notSupported(
        "GnuDIP has no request that checks credentials without changing the record: every request sets an "
        "address or takes the host offline, and the server answers a malformed one with the same \"1\" as a bad "
        "password");
}

HostOutcome Client::goOffline(const std::string& host) {
    return exchange(host, RequestCode::Offline, std::nullopt);
}

}  // namespace qdyn::gnudip::tcp
