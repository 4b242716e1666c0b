// The explicit list of protocols and their construction from a profile.
#include "qdyn/protocols/registry.hpp"

#include <array>

#include "qdyn/protocols/dyndns2.hpp"
#include "qdyn/protocols/rfc2136.hpp"

namespace qdyn {

namespace {

Result<std::unique_ptr<UpdateProtocol>> makeDyndns2(const config::Profile& profile) {
    dyndns2::Settings settings;
    settings.baseUrl = profile.server;
    if (!profile.path.empty()) settings.path = profile.path;
    settings.username = profile.username;
    settings.password = profile.password.clone();
    settings.timeout = profile.timeout;
    settings.verifyTls = profile.verifyTls;
    if (!profile.ipv6Convention.empty()) {
        const auto convention = dyndns2::parseIpv6Convention(profile.ipv6Convention);
        if (!convention) {
            return makeError(profile.origin + ": ipv6 must be one of comma, myipv6, separate (got \"" +
                             profile.ipv6Convention + "\")");
        }
        settings.ipv6Convention = *convention;
    }
    return std::unique_ptr<UpdateProtocol>(std::make_unique<dyndns2::Client>(std::move(settings)));
}

// An RFC 2136 profile: server = the primary's address, username = the TSIG key name, password
// = the base64 secret (no username and no password: unsigned updates).
Result<std::unique_ptr<UpdateProtocol>> makeRfc2136(const config::Profile& profile) {
    rfc2136::Settings settings;
    auto server = rfc2136::parseServer(profile.server);
    if (!server) return makeError(profile.origin + ": " + server.message());
    settings.server = *server;
    if (!profile.zone.empty()) {
        auto zone = dns::Name::parse(profile.zone);
        if (!zone) return makeError(profile.origin + ": zone: " + zone.message());
        settings.zone = std::move(*zone);
    }
    if (!profile.username.empty() || !profile.password.empty()) {
        if (profile.username.empty() || profile.password.empty()) {
            return makeError(profile.origin + ": TSIG needs both username (the key name) and password (its base64 secret)");
        }
        const auto algorithm = dns::parseTsigAlgorithm(profile.tsigAlgorithm);
        if (!algorithm) {
            return makeError(profile.origin + ": tsig_algorithm must be hmac-sha256, hmac-sha1 or hmac-sha512");
        }
        auto key = dns::TsigKey::make(profile.username, *algorithm, profile.password.reveal());
        if (!key) return makeError(profile.origin + ": " + key.message());
        settings.key = std::move(*key);
    }
    settings.ttl = profile.ttl;
    settings.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(profile.timeout);
    return std::unique_ptr<UpdateProtocol>(std::make_unique<rfc2136::Client>(std::move(settings)));
}

constexpr std::array kProtocols{
    ProtocolEntry{"dyndns2", "DynDNS-compatible HTTP GET /nic/update (dyndns2)", "https http", makeDyndns2},
    ProtocolEntry{"rfc2136", "DNS UPDATE (RFC 2136), TSIG-signed (RFC 8945)", "dns", makeRfc2136},
};

}  // namespace

std::span<const ProtocolEntry> protocolRegistry() { return kProtocols; }

const ProtocolEntry* findProtocol(std::string_view name) {
    for (const auto& entry : kProtocols) {
        if (entry.name == name) return &entry;
    }
    return nullptr;
}

Result<std::unique_ptr<UpdateProtocol>> makeProtocol(const config::Profile& profile) {
    const ProtocolEntry* entry = findProtocol(profile.protocol);
    if (entry == nullptr) return makeError(profile.origin + ": unknown protocol \"" + profile.protocol + "\"");
    return entry->make(profile);
}

}  // namespace qdyn
