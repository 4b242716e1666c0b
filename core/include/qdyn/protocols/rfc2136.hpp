// RFC 2136 DNS UPDATE client, TSIG-signed (RFC 8945): one atomic message per host that
// replaces its A and AAAA RRsets. Wire rules: PROTOCOLS.md, "RFC 2136 DNS UPDATE with TSIG".
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/dns/message.hpp"
#include "qdyn/dns/transport.hpp"
#include "qdyn/dns/tsig.hpp"
#include "qdyn/protocols/protocol.hpp"
#include "qdyn/result.hpp"

namespace qdyn::rfc2136 {

inline constexpr std::uint32_t kDefaultTtl = 60;

struct Settings {
    dns::ServerAddress server;
    std::optional<dns::Name> zone;  // absent: found by SOA queries at the server
    std::optional<dns::TsigKey> key;
    std::uint32_t ttl = kDefaultTtl;
    std::chrono::milliseconds timeout{5000};  // per attempt
    int attempts = 2;                          // one retry
    std::function<std::uint64_t()> clock;      // TSIG time; empty: the system clock
};

// "dns://127.0.0.1:5353", "127.0.0.1", "[2001:db8::1]:53", "dns://[::1]" (port 53 by default).
Result<dns::ServerAddress> parseServer(std::string_view text);

// The UPDATE for one host: zone section `zone SOA IN`; per given family `host ANY A` (delete
// the RRset) then `host IN A ttl address`; likewise AAAA. Unsigned.
dns::Message buildUpdate(const dns::Name& zone, const dns::Name& host, const std::optional<IpAddress>& ipv4,
                         const std::optional<IpAddress>& ipv6, std::uint32_t ttl, std::uint16_t id);

// The credential check's message: an UPDATE of `zone` whose only content is the prerequisite
// "RRset exists (value independent)" (RFC 2136 2.4.1: class ANY, TTL 0, no RDATA) for an A
// RRset at `probe`, a random name that cannot exist. The update section is empty, so the
// server changes nothing whatever the prerequisite's verdict.
dns::Message buildCredentialCheck(const dns::Name& zone, const dns::Name& probe, std::uint16_t id);
// What the (TSIG-checked) answer to that message says about the key (see Client::checkCredentials).
CredentialCheck classifyCredentialCheck(dns::Rcode rcode, const std::optional<dns::TsigCheck>& tsig);

// The outcome class of a (verified or unsigned-request) response code.
OutcomeClass classifyRcode(dns::Rcode rcode) noexcept;
// The outcome for one host from the response code and, for a signed request, the TSIG check.
HostOutcome classifyResponse(const std::string& host, dns::Rcode rcode, const std::optional<dns::TsigCheck>& tsig);

class Client final : public UpdateProtocol {
public:
    explicit Client(Settings settings);
    [[nodiscard]] std::string_view name() const override { return "rfc2136"; }
    std::vector<HostOutcome> update(const UpdateRequest& request) override;
    [[nodiscard]] std::vector<std::string> describe(const UpdateRequest& request) const override;
    // Sends buildCredentialCheck, signed, for the zone of `host` (configured, or found by SOA
    // queries). Why that message: a server checks the TSIG before anything else (RFC 8945 5.2),
    // then the zone, then the prerequisites (RFC 2136 3.2), and only then the requester's
    // permission for each update RR (3.3); with an empty update section nothing can change,
    // and a prerequisite on a random name fails with NXRRSET on every server, so the answer
    // is signed NXRRSET when the key is known, its secret right and UPDATEs with it are let
    // into the zone (a server that refuses the key for the zone answers REFUSED, BIND's
    // allow-update does). What it cannot prove: the grant for each host, because permissions
    // are checked after the prerequisites. A signed SOA query was rejected as the check: servers
    // answer it for any key they know, whatever that key may update, and qdyn-server answers
    // signed queries only for its secondaries' keys.
    CredentialCheck checkCredentials(std::string_view host) override;

    // The zone that holds `host`: the configured one, or the owner of the SOA the server gives
    // when asked for the SOA of the host and then of each parent in turn.
    Result<dns::Name> findZone(const dns::Name& host) const;

private:
    HostOutcome updateHost(const std::string& host, const UpdateRequest& request);
    [[nodiscard]] dns::QueryOptions queryOptions() const { return {m_settings.timeout, m_settings.attempts}; }
    Settings m_settings;
};

}  // namespace qdyn::rfc2136
