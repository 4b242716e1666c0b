// The one update path of qdyn-server: every front end (dyndns2 today; DNS UPDATE, the line
// protocols and the file drop later) turns its request into a call of UpdateService::apply.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>

#include "qdyn/dns/name.hpp"
#include "qdyn/ip_address.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/zone.hpp"

namespace qdyn::server {

enum class UpdateStatus : std::uint8_t {
    Updated,     // the zone changed, the serial was bumped
    Unchanged,   // the zone already held these addresses
    NotInZone,   // the host lies outside the zone
    NotGranted,  // the account may not update this host
    BadAddress,  // an address of the wrong family was passed for v4/v6
};

std::string_view toString(UpdateStatus status) noexcept;

struct UpdateOutcome {
    UpdateStatus status = UpdateStatus::Unchanged;
    HostAddresses addresses;  // what the host holds after the call (empty unless granted)
};

class UpdateService {
public:
    // Unix time in seconds; replaceable so tests can drive the serial.
    using Clock = std::function<std::uint32_t()>;
    static std::uint32_t systemClock();

    explicit UpdateService(Zone& zone, Clock clock = &UpdateService::systemClock);

    // Sets the host's A (v4) and/or AAAA (v6) record; a family passed as nullopt is left as it
    // is. Thread-safe: writers are serialized, readers of the zone never wait.
    UpdateOutcome apply(const Account& account, const dns::Name& host, std::optional<IpAddress> v4,
                        std::optional<IpAddress> v6);

private:
    Zone& m_zone;
    Clock m_clock;
    std::mutex m_writeMutex;
};

}  // namespace qdyn::server
