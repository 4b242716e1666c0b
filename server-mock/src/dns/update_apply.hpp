// RFC 2136 sections 3.2 to 3.4 on one zone transaction: the prerequisites, the prescan of the
// update section, the account's grant and the application of the updates. The message-level
// rules (decoding, TSIG, the zone section, the reply) are in update_handler.cpp; everything here
// works on decoded sections and a ZoneTransaction, so the whole update is one commit.
//
// Policy decisions beyond the RFC (each explained where it is implemented):
//   - A name is "in use" (2.4.4) when it holds an RRset that queries see: empty non-terminals,
//     configured hosts without data and hosts whose only data are withheld offline addresses
//     are not in use. The apex is always in use (its SOA and NS are generated).
//   - Updates may add A, AAAA, CNAME, MX, TXT, SRV and CAA. Meta types are FORMERR (RFC 2136
//     3.4.1.3 names ANY, AXFR, MAILA and MAILB; RFC 6895 makes 128..255 and OPT meta types
//     too), SOA and NS are REFUSED (qdyn-server generates them), other data types REFUSED.
//   - A name belongs to the deepest configured host at or above it; only the accounts listing
//     that host may update it, so a host granted to one account below another account's host
//     stays the first account's alone.
//   - Static RRsets (from the configuration) are never changed: an update RR that would add
//     to, delete from or delete a static RRset, or delete all RRsets of a name holding one,
//     makes the whole update REFUSED.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "qdyn/dns/message.hpp"
#include "qdyn/dns/name.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/update_service.hpp"

namespace qdyn::server::dnsupdate {

inline constexpr std::uint16_t kTypeSrv = 33;
inline constexpr std::uint16_t kTypeCaa = 257;

// The outcome of one stage: NOERROR to go on, otherwise the reply's RCODE and why (for the log).
struct Check {
    dns::Rcode rcode = dns::Rcode::NoError;
    std::string reason;
    [[nodiscard]] bool ok() const noexcept { return rcode == dns::Rcode::NoError; }
};

// Which accounts may update which names: built once from the configuration.
class HostOwners {
public:
    explicit HostOwners(const Config& config);
    // The host through which `account` may update `name`: the deepest configured host at or above
    // `name`, when `account` lists it; nullptr otherwise. Valid as long as this object.
    [[nodiscard]] const dns::Name* grantFor(const Account& account, const dns::Name& name) const;

private:
    dns::Name m_origin;
    std::unordered_map<dns::Name, std::vector<const Account*>, dns::NameHash> m_owners;
};

// RFC 2136 3.2: the prerequisites, in order, against the version being built (call before any
// edit so they see the version the update applies to).
Check checkPrerequisites(std::span<const dns::ResourceRecord> prerequisites, const ZoneTransaction& tx);

// RFC 2136 3.4.1: the form of every update RR, plus which types qdyn-server accepts.
Check prescan(std::span<const dns::ResourceRecord> updates, const dns::Name& origin);

// RFC 2136 3.3: every update RR must lie within the account's grant. `grants` receives the
// granting host of each RR (its expiry applies to what the RR changes). A null account (a key
// whose account is gone) is granted nothing.
Check authorize(std::span<const dns::ResourceRecord> updates, const Account* account, const HostOwners& owners,
                std::vector<const dns::Name*>& grants);

struct Applied {
    std::vector<dns::Name> changed;  // names whose served data changed, in first-touched order
    bool edited = false;             // something was edited (a change, or only a re-armed expiry)
};

// RFC 2136 3.4.2 after the static-RRset check. `updates` must have passed prescan and authorize
// (`grants` from the latter). On a failed check nothing has been edited yet, but the caller
// abandons the transaction anyway.
Check applyUpdates(std::span<const dns::ResourceRecord> updates, std::span<const dns::Name* const> grants,
                   const Config& config, ZoneTransaction& tx, Applied& applied);

// RDATA equality as RFC 2136 compares it: the codec's (names case-insensitive) for typed RDATA,
// octets for raw RDATA except the SRV target name, which compares case-insensitively too.
bool sameRData(std::uint16_t type, const dns::RData& a, const dns::RData& b);

}  // namespace qdyn::server::dnsupdate
