// The server side of DNS UPDATE (RFC 2136) signed with TSIG (RFC 8945): a pure function of the
// request bytes (plus the zone, through the update service), testable without sockets. The
// listeners pass every message whose opcode is UPDATE here and send back what it returns.
//
// Order of the checks: the header (responses are dropped), TSIG (unsigned updates are REFUSED,
// TSIG errors answered as RFC 8945 5.3 says), the zone section (3.1), then in one commit of the
// update service the prerequisites (3.2), the prescan (3.4.1), the grant (3.3) and the update
// itself (3.4.2), all-or-nothing. Every answer from a verified request on is signed.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "qdyn/dns/tsig_server.hpp"
#include "qdyn/ip_address.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/dns_responder.hpp"
#include "qdyn_server/store.hpp"
#include "qdyn_server/update_service.hpp"
#include "dns/update_apply.hpp"

namespace qdyn::server {

class DnsUpdateHandler {
public:
    // Over this many prerequisite or update RRs the request is REFUSED unread, which bounds the
    // work (and the write-lock time) one message can cost.
    static constexpr std::size_t kMaxRecords = 1000;

    using Clock = std::function<std::uint64_t()>;  // seconds since the epoch, for TSIG time

    // `config` and `updates` must outlive the handler. The key ring is built here from
    // config.tsigKeys (validated when the configuration was read; a key that fails anyway is
    // left out, so its requests get BADKEY).
    DnsUpdateHandler(const Config& config, UpdateService& updates, Clock clock = &dns::tsigNow);

    struct Reply {
        std::vector<std::uint8_t> wire;  // empty: drop silently
        Store::Ticket ticket = 0;        // send the reply only once this write is durable (whenDurable)
        std::string logLine;             // key, account, names changed, rcode, peer; never a secret; empty on a drop
    };

    // `wire` is a whole message whose opcode is UPDATE (5). Thread-safe: the handler is
    // immutable and the update service serializes the writes.
    [[nodiscard]] Reply handle(std::span<const std::uint8_t> wire, const IpAddress& peer, DnsTransport transport) const;

private:
    const Config& m_config;
    UpdateService& m_updates;
    Clock m_clock;
    dns::TsigKeyring m_keyring;
    std::unordered_map<dns::Name, const Account*, dns::NameHash> m_accountOfKey;
    dnsupdate::HostOwners m_owners;
};

}  // namespace qdyn::server
