// The first version of the zone, from the configuration alone: the apex, the name server with
// its addresses, every updatable host (existing, with no address yet) and the static records.
// Restored dynamic state is applied on top of it by the update service.
#include <algorithm>

#include "qdyn_server/zone.hpp"

namespace qdyn::server {

namespace {

void addStatic(ZoneEditor& editor, const dns::Name& name, std::uint16_t type, std::uint32_t ttl, dns::RData data) {
    Node& node = editor.edit(name);
    RRset* rrset = node.find(type);
    if (rrset == nullptr) {
        node.rrsets.push_back(RRset{type, ttl, false, {}});
        rrset = &node.rrsets.back();
    }
    if (std::find(rrset->rdatas.begin(), rrset->rdatas.end(), data) == rrset->rdatas.end()) {
        rrset->rdatas.push_back(std::move(data));
    }
}

}  // namespace

Result<std::shared_ptr<const ZoneSnapshot>> buildInitialSnapshot(const Config& config, std::uint32_t serial) {
    const ZoneConfig& zone = config.zone;
    auto rname = rnameFromEmail(zone.email, zone.origin);
    if (!rname) return rname.error();

    ZoneSnapshot empty;
    empty.origin = zone.origin;
    empty.apexTtl = zone.apexTtl;
    empty.nameservers = {zone.nameserver};
    empty.soa = dns::SoaData{zone.nameserver, *rname, serial, zone.refresh, zone.retry, zone.expire, zone.minimum};
    ZoneEditor editor(empty);
    std::vector<dns::Name> touched;
    auto configure = [&](const dns::Name& name) {
        editor.edit(name).configured = true;
        touched.push_back(name);
    };

    configure(zone.origin);
    if (zone.nameserver.isSubdomainOf(zone.origin)) {
        configure(zone.nameserver);
        for (const auto& address : zone.nameserverGlue) {
            addStatic(editor, zone.nameserver, addressType(address), zone.apexTtl, addressRData(address));
        }
    }
    for (const auto& account : config.accounts) {
        for (const auto& host : account.hosts) {
            if (!host.isSubdomainOf(zone.origin) || host == zone.origin) {
                return makeError("host " + host.toString() + " is not below the zone " + zone.origin.toString());
            }
            configure(host);
        }
    }
    for (const auto& record : config.records) {
        if (!record.name.isSubdomainOf(zone.origin)) {
            return makeError("record " + record.name.toString() + " is not inside the zone " + zone.origin.toString());
        }
        addStatic(editor, record.name, record.type, record.ttl, record.data);
        touched.push_back(record.name);
    }
    for (const auto& name : touched) editor.settle(name);
    return editor.finish(serial);
}

}  // namespace qdyn::server
