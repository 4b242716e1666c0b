// The in-memory zone: an immutable snapshot per version, published through an atomic
// shared_ptr so DNS queries read it without taking a lock while the update service swaps in
// a new version.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "qdyn/dns/message.hpp"
#include "qdyn/dns/name.hpp"
#include "qdyn/ip_address.hpp"
#include "qdyn_server/config.hpp"

namespace qdyn::server {

// What one name below the apex holds. Both empty: the name exists (a configured host that was
// never updated, or an empty non-terminal) and answers NODATA rather than NXDOMAIN.
struct HostAddresses {
    std::optional<IpAddress> v4;
    std::optional<IpAddress> v6;
    friend bool operator==(const HostAddresses&, const HostAddresses&) = default;
};

struct ZoneSnapshot {
    dns::Name origin;
    dns::SoaData soa;  // carries the serial of this version
    std::uint32_t apexTtl = 86400;
    std::uint32_t hostTtl = 60;
    dns::Name nameserver;
    std::vector<IpAddress> nameserverGlue;  // only when the name server is inside the zone
    // Every name strictly below the apex that exists, keyed case-insensitively.
    std::unordered_map<dns::Name, HostAddresses, dns::NameHash> names;

    // nullptr when the name does not exist below the apex.
    [[nodiscard]] const HostAddresses* find(const dns::Name& name) const;
};

// The RNAME for an email address: "john.doe@example.test" -> "john\.doe.example.test.".
// Without '@' the text is the mailbox inside `origin` ("hostmaster" -> hostmaster.<origin>).
Result<dns::Name> rnameFromEmail(std::string_view email, const dns::Name& origin);

// The first snapshot for a configuration: every account host exists (with no address), empty
// non-terminals above them exist, an in-zone name server carries its glue addresses.
Result<std::shared_ptr<const ZoneSnapshot>> buildInitialSnapshot(const ZoneConfig& zone,
                                                                 const std::vector<Account>& accounts,
                                                                 std::uint32_t serial);

// The serial that follows `current` at unix time `now`: the time when it is ahead (so serials
// stay readable as dates), otherwise current + 1. Never goes backwards in RFC 1982 terms.
std::uint32_t nextSerial(std::uint32_t current, std::uint32_t now) noexcept;

// Holder of the live snapshot. Readers call snapshot() from any thread without locking;
// publish() is called by the (single, serialized) writer.
class Zone {
public:
    explicit Zone(std::shared_ptr<const ZoneSnapshot> initial) : m_current(std::move(initial)) {}
    Zone(const Zone&) = delete;
    Zone& operator=(const Zone&) = delete;

    [[nodiscard]] std::shared_ptr<const ZoneSnapshot> snapshot() const noexcept {
        return m_current.load(std::memory_order_acquire);
    }
    void publish(std::shared_ptr<const ZoneSnapshot> next) noexcept {
        m_current.store(std::move(next), std::memory_order_release);
    }

private:
    std::atomic<std::shared_ptr<const ZoneSnapshot>> m_current;
};

}  // namespace qdyn::server
