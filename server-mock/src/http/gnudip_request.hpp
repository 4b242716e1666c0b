// What GnuDIP's two transports (HTTP gdipupdt.cgi and TCP 3495) share once the wire format is
// read: the reqc codes, the name updated (user.domain) and the change each reqc asks for.
// PROTOCOLS.md "GnuDIP". GnuDIP carries IPv4 only.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "qdyn/dns/name.hpp"
#include "qdyn/ip_address.hpp"
#include "qdyn/protocols/gnudip.hpp"
#include "qdyn/result.hpp"
#include "qdyn_server/http_fields.hpp"
#include "qdyn_server/update_service.hpp"

namespace qdyn::server {

// The client's reqc, as the client side names it (one definition of the wire codes).
using GnudipCode = gnudip::RequestCode;

// Exactly "0", "1" or "2".
inline std::optional<GnudipCode> gnudipCode(std::string_view text) noexcept {
    if (text == "0") return GnudipCode::SetAddress;
    if (text == "1") return GnudipCode::Offline;
    if (text == "2") return GnudipCode::ConnectingAddress;
    return std::nullopt;
}

// GnuDIP updates `user.domain`: nullopt unless that is a valid name of two labels or more.
// Whether it lies in the zone and belongs to the account is the update service's to say.
inline std::optional<dns::Name> gnudipHost(std::string_view user, std::string_view domain) {
    if (user.empty() || domain.empty()) return std::nullopt;
    std::string text;
    text.reserve(user.size() + 1 + domain.size());
    text.append(user).append(".").append(domain);
    return parseFqdn(text);
}

// The change a request asks for: reqc 0 publishes `address` (which must be IPv4), reqc 1 takes
// the host offline (any address is ignored), reqc 2 publishes `peer`, the address the request
// came from (which must be IPv4 too). The error says why, for the log.
inline Result<HostUpdate> gnudipChange(GnudipCode code, const std::optional<IpAddress>& address,
                                       const IpAddress& peer) {
    HostUpdate update;
    switch (code) {
        case GnudipCode::SetAddress:
            if (!address || !address->isV4()) return makeError("bad or missing addr");
            update.v4 = address;
            break;
        case GnudipCode::Offline:
            update.offline = true;
            break;
        case GnudipCode::ConnectingAddress:
            if (!peer.isV4()) return makeError("reqc=2 from an IPv6 peer (GnuDIP is IPv4 only)");
            update.v4 = peer;
            break;
    }
    return update;
}

// GnuDIP's return code for a request the update service accepted: 2 for offline, else 0.
inline std::string_view gnudipSuccessCode(GnudipCode code) noexcept {
    return code == GnudipCode::Offline ? "2" : "0";
}

// True for the update service's outcomes GnuDIP acknowledges (a write, or nothing to write).
inline bool gnudipAccepted(UpdateStatus status) noexcept {
    return status == UpdateStatus::Updated || status == UpdateStatus::Unchanged;
}

}  // namespace qdyn::server
