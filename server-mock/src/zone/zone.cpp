// Building zone snapshots from the configuration, and the small rules (RNAME, serial) that the
// SOA record depends on.
#include "qdyn_server/zone.hpp"

#include <string>

namespace qdyn::server {

const HostAddresses* ZoneSnapshot::find(const dns::Name& name) const {
    const auto it = names.find(name);
    return it == names.end() ? nullptr : &it->second;
}

Result<dns::Name> rnameFromEmail(std::string_view email, const dns::Name& origin) {
    const auto at = email.find('@');
    const std::string_view local = at == std::string_view::npos ? email : email.substr(0, at);
    if (local.empty()) return makeError("the mailbox part before '@' is empty");
    std::string domain;
    if (at == std::string_view::npos) {
        domain = origin.toString();
    } else {
        domain = std::string(email.substr(at + 1));
        if (domain.empty() || domain.find('@') != std::string::npos) {
            return makeError("'" + std::string(email) + "' is not an email address");
        }
        if (domain.back() != '.') domain.push_back('.');
    }
    // In an RNAME the first label is the mailbox, so its own dots (and backslashes) must be
    // escaped or they would split it into several labels.
    std::string text;
    for (const char c : local) {
        if (c == '.' || c == '\\') text.push_back('\\');
        text.push_back(c);
    }
    text.push_back('.');
    text += domain;
    auto name = dns::Name::parse(text);
    if (!name) return makeError("'" + std::string(email) + "' does not make a valid RNAME: " + name.message());
    return name;
}

Result<std::shared_ptr<const ZoneSnapshot>> buildInitialSnapshot(const ZoneConfig& zone,
                                                                 const std::vector<Account>& accounts,
                                                                 std::uint32_t serial) {
    auto rname = rnameFromEmail(zone.email, zone.origin);
    if (!rname) return rname.error();

    auto snapshot = std::make_shared<ZoneSnapshot>();
    snapshot->origin = zone.origin;
    snapshot->apexTtl = zone.apexTtl;
    snapshot->hostTtl = zone.hostTtl;
    snapshot->nameserver = zone.nameserver;
    snapshot->soa = dns::SoaData{zone.nameserver, *rname, serial, zone.refresh, zone.retry, zone.expire, zone.minimum};

    // A name exists when it holds data or has a descendant that does (RFC 8020): register the
    // name and every empty non-terminal between it and the apex.
    auto addExisting = [&](const dns::Name& name) {
        for (dns::Name current = name; current.isSubdomainOf(zone.origin) && !(current == zone.origin);
             current = current.parent()) {
            snapshot->names.try_emplace(current);
        }
    };
    if (zone.nameserver.isSubdomainOf(zone.origin)) {
        snapshot->nameserverGlue = zone.nameserverGlue;
        addExisting(zone.nameserver);
    }
    for (const auto& account : accounts) {
        for (const auto& host : account.hosts) {
            if (!host.isSubdomainOf(zone.origin) || host == zone.origin) {
                return makeError("host " + host.toString() + " is not below the zone " + zone.origin.toString());
            }
            addExisting(host);
        }
    }
    return std::shared_ptr<const ZoneSnapshot>(std::move(snapshot));
}

std::uint32_t nextSerial(std::uint32_t current, std::uint32_t now) noexcept {
    // RFC 1982: `now` is ahead of `current` when the forward distance is below 2^31.
    const std::uint32_t distance = now - current;
    if (distance != 0 && distance < 0x80000000U) return now;
    return current + 1;
}

}  // namespace qdyn::server
