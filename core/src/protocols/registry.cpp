// The explicit list of protocols and their construction from a profile.
#include "qdyn/protocols/registry.hpp"

#include <array>

#include "qdyn/protocols/dyndns2.hpp"

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

constexpr std::array kProtocols{
    ProtocolEntry{"dyndns2", "DynDNS-compatible HTTP GET /nic/update (dyndns2)", makeDyndns2},
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
