// The explicit list of protocols and their construction from a profile.
#include "qdyn/protocols/registry.hpp"

#include <array>

#include "qdyn/protocols/custom.hpp"
#include "qdyn/protocols/dyndns2.hpp"
#include "qdyn/protocols/dynonym.hpp"
#include "qdyn/protocols/file_drop.hpp"
#include "qdyn/protocols/gnudip.hpp"
#include "qdyn/protocols/gnudip_tcp.hpp"
#include "qdyn/protocols/miniupdate.hpp"
#include "qdyn/protocols/minidns.hpp"
#include "qdyn/protocols/nanodnsd.hpp"
#include "qdyn/protocols/qdns.hpp"
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
    settings.caFile = profile.caFile;
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

// Where and how an HTTP protocol connects, from the profile.
httpupdate::Endpoint endpointOf(const config::Profile& profile, std::string_view defaultPath) {
    httpupdate::Endpoint endpoint;
    endpoint.baseUrl = profile.server;
    endpoint.path = profile.path.empty() ? std::string(defaultPath) : profile.path;
    endpoint.timeout = profile.timeout;
    endpoint.verifyTls = profile.verifyTls;
    endpoint.caFile = profile.caFile;
    return endpoint;
}

// The credentials a protocol cannot work without, checked when the profile loads.
Result<void> requireCredentials(const config::Profile& profile, bool username, std::string_view what) {
    if ((username && profile.username.empty()) || profile.password.empty()) {
        return makeError(profile.origin + ": protocol " + profile.protocol + " needs " + std::string(what));
    }
    return {};
}

// nanodnsd: password = the host's token; a username is accepted (Fritz!Box wants one) and ignored.
Result<std::unique_ptr<UpdateProtocol>> makeNanodnsd(const config::Profile& profile) {
    if (auto ok = requireCredentials(profile, false, "the host's token as password"); !ok) return ok.error();
    nanodnsd::Settings settings;
    settings.endpoint = endpointOf(profile, nanodnsd::kDefaultPath);
    settings.token = profile.password.clone();
    return std::unique_ptr<UpdateProtocol>(std::make_unique<nanodnsd::Client>(std::move(settings)));
}

Result<std::unique_ptr<UpdateProtocol>> makeMinidns(const config::Profile& profile) {
    if (auto ok = requireCredentials(profile, true, "username and password"); !ok) return ok.error();
    minidns::Settings settings;
    settings.endpoint = endpointOf(profile, minidns::kDefaultPath);
    settings.username = profile.username;
    settings.password = profile.password.clone();
    return std::unique_ptr<UpdateProtocol>(std::make_unique<minidns::Client>(std::move(settings)));
}

Result<std::unique_ptr<UpdateProtocol>> makeDynonym(const config::Profile& profile) {
    if (auto ok = requireCredentials(profile, true, "username and password"); !ok) return ok.error();
    dynonym::Settings settings;
    settings.endpoint = endpointOf(profile, dynonym::kDefaultPath);
    settings.username = profile.username;
    settings.password = profile.password.clone();
    return std::unique_ptr<UpdateProtocol>(std::make_unique<dynonym::Client>(std::move(settings)));
}

// GnuDIP: username = the GnuDIP user; every host is <username>.<domain>.
Result<std::unique_ptr<UpdateProtocol>> makeGnudip(const config::Profile& profile) {
    if (auto ok = requireCredentials(profile, true, "username and password"); !ok) return ok.error();
    gnudip::Settings settings;
    settings.endpoint = endpointOf(profile, gnudip::kDefaultPath);
    settings.username = profile.username;
    settings.password = profile.password.clone();
    return std::unique_ptr<UpdateProtocol>(std::make_unique<gnudip::Client>(std::move(settings)));
}

// custom: the profile's url (already joined to server when it was a path) and reply words.
Result<std::unique_ptr<UpdateProtocol>> makeCustom(const config::Profile& profile) {
    if (auto valid = custom::checkTemplate(profile.urlTemplate); !valid) {
        return makeError(profile.origin + ": " + valid.message());
    }
    custom::Settings settings;
    settings.urlTemplate = profile.urlTemplate;
    settings.endpoint = endpointOf(profile, "");
    settings.username = profile.username;
    settings.password = profile.password.clone();
    settings.patterns.success = profile.successWords;
    settings.patterns.unchanged = profile.unchangedWords;
    for (const auto& [word, outcome] : profile.failureWords) settings.patterns.failures.push_back({word, outcome});
    return std::unique_ptr<UpdateProtocol>(std::make_unique<custom::Client>(std::move(settings)));
}

// QDNS: username + password (AUTH), or only a password, which is then the account's token
// (TOKEN). qdnss:// is QDNS over TLS, checked with tls_verify and ca_file.
Result<std::unique_ptr<UpdateProtocol>> makeQdns(const config::Profile& profile) {
    if (auto ok = requireCredentials(profile, false, "username and password, or a token as password"); !ok) {
        return ok.error();
    }
    qdns::Settings settings;
    if (auto server = qdns::applyServerUrl(settings, profile.server); !server) {
        return makeError(profile.origin + ": " + server.message());
    }
    if (auto valid = qdns::checkCredentials(profile.username, profile.password); !valid) {
        return makeError(profile.origin + ": " + valid.message());
    }
    settings.timeout = profile.timeout;
    settings.verifyTls = profile.verifyTls;
    settings.caFile = profile.caFile;
    settings.username = profile.username;
    settings.password = profile.password.clone();
    return std::unique_ptr<UpdateProtocol>(std::make_unique<qdns::Client>(std::move(settings)));
}

Result<std::unique_ptr<UpdateProtocol>> makeMiniupdate(const config::Profile& profile) {
    if (auto ok = requireCredentials(profile, true, "username and password"); !ok) return ok.error();
    miniupdate::Settings settings;
    if (auto server = miniupdate::applyServerUrl(settings, profile.server); !server) {
        return makeError(profile.origin + ": " + server.message());
    }
    if (profile.username.find_first_of(" \t") != std::string::npos) {
        return makeError(profile.origin + ": miniupdate cannot send a username holding a blank");
    }
    settings.timeout = profile.timeout;
    settings.username = profile.username;
    settings.password = profile.password.clone();
    return std::unique_ptr<UpdateProtocol>(std::make_unique<miniupdate::Client>(std::move(settings)));
}

// GnuDIP over TCP: as gnudip, every host is <username>.<domain>.
Result<std::unique_ptr<UpdateProtocol>> makeGnudipTcp(const config::Profile& profile) {
    if (auto ok = requireCredentials(profile, true, "username and password"); !ok) return ok.error();
    gnudip::tcp::Settings settings;
    if (auto server = gnudip::tcp::applyServerUrl(settings, profile.server); !server) {
        return makeError(profile.origin + ": " + server.message());
    }
    if (profile.username.find_first_of(": \t") != std::string::npos) {
        return makeError(profile.origin + ": GnuDIP cannot send a username holding ':' or a blank");
    }
    settings.timeout = profile.timeout;
    settings.username = profile.username;
    settings.password = profile.password.clone();
    return std::unique_ptr<UpdateProtocol>(std::make_unique<gnudip::tcp::Client>(std::move(settings)));
}

// The file drop: server = file:///path (or path = the file); no credentials, since whoever
// may write the file may update.
Result<std::unique_ptr<UpdateProtocol>> makeFileDrop(const config::Profile& profile) {
    if (!profile.username.empty() || !profile.password.empty()) {
        return makeError(profile.origin + ": protocol file takes no username or password (the file's permissions "
                                          "decide who may update)");
    }
    auto file = filedrop::fileOf(profile.server, profile.path);
    if (!file) return makeError(profile.origin + ": " + file.message());
    return std::unique_ptr<UpdateProtocol>(std::make_unique<filedrop::Client>(filedrop::Settings{std::move(*file)}));
}

constexpr std::array kProtocols{
    ProtocolEntry{"dyndns2", "DynDNS-compatible HTTP GET /nic/update (dyndns2)", "https http", makeDyndns2},
    ProtocolEntry{"rfc2136", "DNS UPDATE (RFC 2136), TSIG-signed (RFC 8945)", "dns", makeRfc2136},
    ProtocolEntry{"nanodnsd", "nanodnsd HTTP API: GET /api/update with a per-host token", "https http", makeNanodnsd},
    ProtocolEntry{"minidns", "miniDNS HTTP: GET /areg.php", "https http", makeMinidns},
    ProtocolEntry{"dynonym", "dynonym: GET /dns/update with HTTP Basic auth", "https http", makeDynonym},
    ProtocolEntry{"gnudip", "GnuDIP over HTTP (gdipupdt.cgi, salted MD5 login), IPv4 only", "https http", makeGnudip},
    ProtocolEntry{"custom", "any HTTP GET URL template (Fritz!Box or inadyn placeholders)", "https http", makeCustom},
    ProtocolEntry{"qdns", "QDNS: AUTH/TOKEN and UPDATE lines over TCP 7393 (qdnss://: TLS, 7394)", "qdns qdnss",
                  makeQdns},
    ProtocolEntry{"miniupdate", "miniDNS miniupdate: MD5 challenge login and A_UPDATE over TCP 9120", "miniupdate",
                  makeMiniupdate},
    ProtocolEntry{"gnudip-tcp", "GnuDIP over TCP 3495 (salted MD5 login), IPv4 only", "gnudip", makeGnudipTcp},
    ProtocolEntry{"file", "dns-updater file drop: the addresses written atomically into a watched file", "file",
                  makeFileDrop},
};

}  // namespace

bool acceptsScheme(const ProtocolEntry& entry, std::string_view scheme) {
    for (std::string_view rest = entry.schemes; !rest.empty();) {
        const std::size_t space = rest.find(' ');
        if (rest.substr(0, space) == scheme) return true;
        if (space == std::string_view::npos) break;
        rest.remove_prefix(space + 1);
    }
    return false;
}

std::string schemeList(const ProtocolEntry& entry) {
    std::string list;
    for (std::string_view rest = entry.schemes; !rest.empty();) {
        const std::size_t space = rest.find(' ');
        list += (list.empty() ? "" : " or ") + std::string(rest.substr(0, space)) + "://";
        if (space == std::string_view::npos) break;
        rest.remove_prefix(space + 1);
    }
    return list;
}

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
