// RFC 2136 client: builds one atomic UPDATE per host, signs it, sends it (UDP, TCP when
// needed) and sorts the answer into an outcome class. The zone comes from settings or from
// SOA queries at the same server.
#include "qdyn/protocols/rfc2136.hpp"

#include <charconv>
#include <cstdio>
#include <random>
#include <utility>

namespace qdyn::rfc2136 {

namespace {

std::string_view meaning(dns::Rcode rcode) noexcept {
    switch (rcode) {
    case dns::Rcode::NoError: return "the server applied the update";
    case dns::Rcode::FormErr: return "the server could not parse the update; it will never accept it";
    case dns::Rcode::ServFail: return "the server failed internally";
    case dns::Rcode::NxDomain: return "a name the update requires does not exist";
    case dns::Rcode::NotImp: return "the server does not implement DNS UPDATE";
    case dns::Rcode::Refused: return "the server refused the update (no permission for this key or client)";
    case dns::Rcode::YxDomain: return "a name that must not exist does exist";
    case dns::Rcode::YxRrset: return "an RRset that must not exist does exist";
    case dns::Rcode::NxRrset: return "an RRset the update requires does not exist";
    case dns::Rcode::NotAuth: return "the server is not authoritative for the zone or rejected the signature";
    case dns::Rcode::NotZone: return "the host is not inside the zone";
    }
    return "unknown response code";
}

// What zone discovery found, with the class to report when it found nothing.
struct ZoneSearch {
    std::optional<dns::Name> zone;
    OutcomeClass failure = OutcomeClass::HostRejected;
    std::string detail;
};

ZoneSearch searchZone(const dns::ServerAddress& server, const dns::Name& host, const dns::QueryOptions& options) {
    dns::Name name = host;
    while (true) {
        auto reply = dns::exchange(server, dns::makeQuery(name, dns::rrtype::SOA), options);
        if (!reply) return {std::nullopt, OutcomeClass::RetryLater, "zone discovery: " + reply.message()};
        const dns::Rcode rcode = reply->header.rcode;
        if (rcode == dns::Rcode::NoError || rcode == dns::Rcode::NxDomain) {
            for (const auto& record : reply->answers) {
                if (record.type == dns::rrtype::SOA && record.name == name) return {record.name, {}, {}};
            }
            // A negative answer carries the SOA of the zone that holds the name (RFC 2308).
            for (const auto& record : reply->authority) {
                if (record.type == dns::rrtype::SOA && name.isSubdomainOf(record.name)) return {record.name, {}, {}};
            }
        }
        if (name.isRoot()) break;
        name = name.parent();
    }
    return {std::nullopt, OutcomeClass::HostRejected,
            "zone discovery: the server is authoritative for no zone holding " + host.toString()};
}

HostOutcome outcome(const std::string& host, OutcomeClass klass, std::string code, std::string detail) {
    return HostOutcome{host, klass, std::move(code), std::move(detail), {}, {}};
}

std::string recordText(const dns::Name& host, std::uint32_t ttl, const IpAddress& address) {
    const char* type = address.isV4() ? "A" : "AAAA";
    return "delete " + host.toString() + " " + type + "; add " + host.toString() + " " + std::to_string(ttl) + " " +
           type + " " + address.toString();
}

}  // namespace

Result<dns::ServerAddress> parseServer(std::string_view text) {
    const std::string original(text);
    if (text.rfind("dns://", 0) == 0) {
        text.remove_prefix(6);
    } else if (text.find("://") != std::string_view::npos) {
        return makeError("server \"" + original + "\" must be dns://ADDRESS[:PORT] or a bare address");
    }
    while (!text.empty() && text.back() == '/') text.remove_suffix(1);
    std::string_view host = text;
    std::string_view port;
    bool hasPort = false;
    if (!text.empty() && text.front() == '[') {
        const std::size_t close = text.find(']');
        if (close == std::string_view::npos) return makeError("server \"" + original + "\": missing ]");
        host = text.substr(1, close - 1);
        const std::string_view rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return makeError("server \"" + original + "\": expected :PORT after ]");
            port = rest.substr(1);
            hasPort = true;
        }
    } else if (const std::size_t colon = text.find(':');
               colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
        // One colon: ADDRESS:PORT. More than one: a bare IPv6 address.
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        hasPort = true;
    }
    dns::ServerAddress server;
    const auto address = IpAddress::parse(host);
    // qdyn does not resolve the server's name: that would trust a recursive resolver.
    if (!address) return makeError("server \"" + original + "\" must be an IP address (names are not resolved)");
    server.address = *address;
    if (hasPort) {
        unsigned value = 0;
        const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (port.empty() || error != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535) {
            return makeError("server \"" + original + "\": bad port");
        }
        server.port = static_cast<std::uint16_t>(value);
    }
    return server;
}

dns::Message buildUpdate(const dns::Name& zone, const dns::Name& host, const std::optional<IpAddress>& ipv4,
                         const std::optional<IpAddress>& ipv6, std::uint32_t ttl, std::uint16_t id) {
    dns::Message message;
    message.header.id = id;
    message.header.opcode = dns::Opcode::Update;
    message.questions.push_back(dns::Question{zone, dns::rrtype::SOA, dns::rrclass::Internet});
    // RFC 2136 2.5.2: class ANY, TTL 0, no RDATA deletes the RRset; the add follows in the same
    // message, so the server applies both or neither.
    if (ipv4) {
        message.authority.push_back(dns::ResourceRecord{host, dns::rrtype::A, dns::rrclass::ANY, 0, dns::RawData{}});
        message.authority.push_back(
            dns::ResourceRecord{host, dns::rrtype::A, dns::rrclass::Internet, ttl, dns::AData{ipv4->v4Bytes()}});
    }
    if (ipv6) {
        message.authority.push_back(dns::ResourceRecord{host, dns::rrtype::AAAA, dns::rrclass::ANY, 0, dns::RawData{}});
        message.authority.push_back(
            dns::ResourceRecord{host, dns::rrtype::AAAA, dns::rrclass::Internet, ttl, dns::AaaaData{ipv6->v6Bytes()}});
    }
    return message;
}

dns::Message buildCredentialCheck(const dns::Name& zone, const dns::Name& probe, std::uint16_t id) {
    dns::Message message;
    message.header.id = id;
    message.header.opcode = dns::Opcode::Update;
    message.questions.push_back(dns::Question{zone, dns::rrtype::SOA, dns::rrclass::Internet});
    message.answers.push_back(dns::ResourceRecord{probe, dns::rrtype::A, dns::rrclass::ANY, 0, dns::RawData{}});
    return message;
}

CredentialCheck classifyCredentialCheck(dns::Rcode rcode, const std::optional<dns::TsigCheck>& tsig) {
    const std::string code(dns::toString(rcode));
    if (tsig && tsig->verdict != dns::TsigVerdict::Verified) {
        const HostOutcome verdict = classifyResponse("", rcode, tsig);
        return CredentialCheck::failed(verdict.outcome, verdict.code, verdict.detail);
    }
    const std::string signedBy = tsig ? "the signed answer" : "the answer (unsigned: the profile has no key)";
    switch (rcode) {
        case dns::Rcode::NxRrset:
        case dns::Rcode::NoError:
        case dns::Rcode::NxDomain:
        case dns::Rcode::YxDomain:
        case dns::Rcode::YxRrset:
            // The server got as far as the prerequisites: the key (or no key) is let into the zone.
            return CredentialCheck::valid(code, signedBy + " shows the server accepts UPDATEs to the zone " +
                                                    (tsig ? "with this key" : "without a key") +
                                                    " (the per-host grants are not checked); nothing was changed");
        case dns::Rcode::Refused:
            return CredentialCheck::failed(OutcomeClass::AuthFailed, code,
                                           "the server refuses UPDATEs to the zone " +
                                               std::string(tsig ? "with this key" : "without a key"));
        case dns::Rcode::NotAuth:
            return CredentialCheck::failed(OutcomeClass::HostRejected, code,
                                           "the server is not authoritative for the zone");
        default: {
            const HostOutcome verdict = classifyResponse("", rcode, std::nullopt);
            return CredentialCheck::failed(verdict.outcome, code, verdict.detail);
        }
    }
}

OutcomeClass classifyRcode(dns::Rcode rcode) noexcept {
    switch (rcode) {
    case dns::Rcode::NoError: return OutcomeClass::Updated;
    case dns::Rcode::Refused:
    case dns::Rcode::NotAuth: return OutcomeClass::AuthFailed;
    case dns::Rcode::NotZone:
    case dns::Rcode::NxDomain:
    case dns::Rcode::YxDomain:
    case dns::Rcode::YxRrset:
    case dns::Rcode::NxRrset: return OutcomeClass::HostRejected;
    case dns::Rcode::ServFail: return OutcomeClass::RetryLater;
    case dns::Rcode::FormErr:
    case dns::Rcode::NotImp: return OutcomeClass::Abuse;
    }
    return OutcomeClass::RetryLater;  // an rcode from the future: assume it passes
}

HostOutcome classifyResponse(const std::string& host, dns::Rcode rcode, const std::optional<dns::TsigCheck>& tsig) {
    const std::string code(dns::toString(rcode));
    if (tsig) {
        switch (tsig->verdict) {
        case dns::TsigVerdict::Verified: break;
        case dns::TsigVerdict::ServerBadSig:
        case dns::TsigVerdict::ServerBadKey:
        case dns::TsigVerdict::ServerError:
            return outcome(host, OutcomeClass::AuthFailed, code + "/" + std::string(dns::toString(tsig->verdict)),
                           "TSIG: " + tsig->detail);
        case dns::TsigVerdict::ServerBadTime:
        case dns::TsigVerdict::BadTime:
            return outcome(host, OutcomeClass::ClockSkew, code + "/BADTIME", "TSIG: " + tsig->detail);
        case dns::TsigVerdict::Unsigned:
        case dns::TsigVerdict::BadMac:
        case dns::TsigVerdict::Malformed:
            // Not provably from the server: do not let it stop the profile.
            return outcome(host, OutcomeClass::RetryLater, "TSIG",
                           "response discarded, TSIG " + std::string(dns::toString(tsig->verdict)) + ": " + tsig->detail);
        }
    }
    return outcome(host, classifyRcode(rcode), code, std::string(meaning(rcode)));
}

Client::Client(Settings settings) : m_settings(std::move(settings)) {}

Result<dns::Name> Client::findZone(const dns::Name& host) const {
    if (m_settings.zone) return *m_settings.zone;
    ZoneSearch search = searchZone(m_settings.server, host, queryOptions());
    if (search.zone) return *search.zone;
    return makeError(search.detail);
}

HostOutcome Client::updateHost(const std::string& host, const UpdateRequest& request) {
    auto name = dns::Name::parse(host);
    if (!name || name->isRoot()) return outcome(host, OutcomeClass::HostRejected, "notfqdn", "not a domain name");
    if (!request.ipv4 && !request.ipv6) {
        return outcome(host, OutcomeClass::HostRejected, "no address",
                       "DNS UPDATE cannot use the connecting address: give the address to publish");
    }
    dns::Name zone;
    if (m_settings.zone) {
        zone = *m_settings.zone;
    } else {
        ZoneSearch search = searchZone(m_settings.server, *name, queryOptions());
        if (!search.zone) return outcome(host, search.failure, "zone", search.detail);
        zone = std::move(*search.zone);
    }
    if (!name->isSubdomainOf(zone)) {
        return outcome(host, OutcomeClass::HostRejected, "NOTZONE", "not inside the zone " + zone.toString());
    }

    const dns::Message message = buildUpdate(zone, *name, request.ipv4, request.ipv6, m_settings.ttl, dns::randomId());
    const auto now = [this] { return m_settings.clock ? m_settings.clock() : dns::tsigNow(); };
    std::optional<dns::SignedRequest> signedRequest;
    if (m_settings.key) {
        auto signedMessage = dns::signRequest(message, *m_settings.key, now());
        if (!signedMessage) return outcome(host, OutcomeClass::RetryLater, "TSIG", signedMessage.message());
        signedRequest = std::move(*signedMessage);
    }
    const std::vector<std::uint8_t> wire = signedRequest ? signedRequest->wire : dns::encodeMessage(message);
    auto reply = dns::exchangeWire(m_settings.server, signedRequest ? signedRequest->message : message, wire, queryOptions());
    if (!reply) return outcome(host, OutcomeClass::RetryLater, "network", reply.message());

    std::optional<dns::TsigCheck> check;
    if (signedRequest) check = dns::verifyResponse(reply->wire, *signedRequest, *m_settings.key, now());
    HostOutcome result = classifyResponse(host, reply->message.header.rcode, check);
    if (result.outcome == OutcomeClass::Updated) {
        for (const auto& address : {request.ipv4, request.ipv6}) {
            if (address) result.addresses.push_back(*address);
        }
    }
    return result;
}

std::vector<HostOutcome> Client::update(const UpdateRequest& request) {
    std::vector<HostOutcome> outcomes;
    outcomes.reserve(request.hosts.size());
    for (const auto& host : request.hosts) outcomes.push_back(updateHost(host, request));
    return outcomes;
}

CredentialCheck Client::checkCredentials(std::string_view host) {
    dns::Name zone;
    if (m_settings.zone) {
        zone = *m_settings.zone;
    } else {
        auto name = dns::Name::parse(host);
        if (host.empty() || !name || name->isRoot()) {
            return CredentialCheck::failed(OutcomeClass::HostRejected, "notfqdn",
                                           "give a host name (or a zone in the profile) to find the zone");
        }
        ZoneSearch search = searchZone(m_settings.server, *name, queryOptions());
        if (!search.zone) return CredentialCheck::failed(search.failure, "zone", search.detail);
        zone = std::move(*search.zone);
    }
    // 64 random bits make a label nobody has published; directly below the apex, the name is
    // inside the zone whatever the host (a prerequisite outside it would be NOTZONE).
    thread_local std::mt19937_64 random{std::random_device{}()};
    char label[32];
    std::snprintf(label, sizeof label, "qdyn-check-%016llx", static_cast<unsigned long long>(random()));
    auto probe = dns::Name::parse(std::string(label) + "." + zone.toString());
    if (!probe) return CredentialCheck::failed(OutcomeClass::HostRejected, "zone", "zone name too long: " + probe.message());

    const dns::Message message = buildCredentialCheck(zone, *probe, dns::randomId());
    const auto now = [this] { return m_settings.clock ? m_settings.clock() : dns::tsigNow(); };
    std::optional<dns::SignedRequest> signedRequest;
    if (m_settings.key) {
        auto signedMessage = dns::signRequest(message, *m_settings.key, now());
        if (!signedMessage) return CredentialCheck::failed(OutcomeClass::RetryLater, "TSIG", signedMessage.message());
        signedRequest = std::move(*signedMessage);
    }
    const std::vector<std::uint8_t> wire = signedRequest ? signedRequest->wire : dns::encodeMessage(message);
    auto reply = dns::exchangeWire(m_settings.server, signedRequest ? signedRequest->message : message, wire, queryOptions());
    if (!reply) return CredentialCheck::failed(OutcomeClass::RetryLater, "network", reply.message());
    std::optional<dns::TsigCheck> check;
    if (signedRequest) check = dns::verifyResponse(reply->wire, *signedRequest, *m_settings.key, now());
    CredentialCheck result = classifyCredentialCheck(reply->message.header.rcode, check);
    if (result.status == CredentialCheck::Status::Valid) result.outcome.detail += " (zone " + zone.toString() + ")";
    return result;
}

std::vector<std::string> Client::describe(const UpdateRequest& request) const {
    std::vector<std::string> lines;
    const std::string server = m_settings.server.address.toString() + " port " + std::to_string(m_settings.server.port);
    for (const auto& host : request.hosts) {
        auto name = dns::Name::parse(host);
        std::string line = "DNS UPDATE to " + server + ", zone " +
                           (m_settings.zone ? m_settings.zone->toString() : std::string("(found by SOA queries)")) + ": ";
        if (!name) {
            lines.push_back(line + host + " is not a domain name");
            continue;
        }
        bool first = true;
        for (const auto& address : {request.ipv4, request.ipv6}) {
            if (!address) continue;
            line += (first ? "" : "; ") + recordText(*name, m_settings.ttl, *address);
            first = false;
        }
        if (first) line += "nothing (no address given)";
        // The key's name and algorithm only: the secret never leaves the Secret.
        line += m_settings.key ? ", TSIG " + std::string(dns::toString(m_settings.key->algorithm())) + " key " +
                                     m_settings.key->name().toString()
                               : ", unsigned";
        lines.push_back(std::move(line));
    }
    return lines;
}

}  // namespace qdyn::rfc2136
