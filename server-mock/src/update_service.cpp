// The single write path into the zone: authorize, build the next snapshot, bump the serial,
// publish. Durability (the store) and NOTIFY join here in later issues, nowhere else.
#include "qdyn_server/update_service.hpp"

#include <algorithm>
#include <chrono>

namespace qdyn::server {

std::string_view toString(UpdateStatus status) noexcept {
    switch (status) {
    case UpdateStatus::Updated: return "updated";
    case UpdateStatus::Unchanged: return "unchanged";
    case UpdateStatus::NotInZone: return "not-in-zone";
    case UpdateStatus::NotGranted: return "not-granted";
    case UpdateStatus::BadAddress: return "bad-address";
    }
    return "unknown";
}

std::uint32_t UpdateService::systemClock() {
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    // The serial is 32-bit; unix time fits until 2106 and RFC 1982 arithmetic copes after that.
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(seconds));
}

UpdateService::UpdateService(Zone& zone, Clock clock) : m_zone(zone), m_clock(std::move(clock)) {}

UpdateOutcome UpdateService::apply(const Account& account, const dns::Name& host, std::optional<IpAddress> v4,
                                   std::optional<IpAddress> v6) {
    if ((v4 && !v4->isV4()) || (v6 && !v6->isV6())) return {UpdateStatus::BadAddress, {}};

    // Writers are serialized so that two updates never both copy the same old snapshot and one
    // of them is lost; readers keep using whatever snapshot they loaded.
    const std::lock_guard lock(m_writeMutex);
    const auto current = m_zone.snapshot();
    if (!host.isSubdomainOf(current->origin) || host == current->origin) return {UpdateStatus::NotInZone, {}};
    const bool granted =
        std::any_of(account.hosts.begin(), account.hosts.end(), [&](const dns::Name& h) { return h == host; });
    const HostAddresses* existing = current->find(host);
    if (!granted || existing == nullptr) return {UpdateStatus::NotGranted, {}};

    HostAddresses next = *existing;
    if (v4) next.v4 = v4;
    if (v6) next.v6 = v6;
    if (next == *existing) return {UpdateStatus::Unchanged, next};

    // Copying the whole map is fine for the zones a DDNS server holds (hundreds of names); a
    // persistent map can replace it without touching the readers.
    auto updated = std::make_shared<ZoneSnapshot>(*current);
    updated->names.insert_or_assign(host, next);
    updated->soa.serial = nextSerial(current->soa.serial, m_clock());
    m_zone.publish(std::move(updated));
    return {UpdateStatus::Updated, next};
}

}  // namespace qdyn::server
