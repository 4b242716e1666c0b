// The primary's side of zone transfers: AXFR (RFC 5936) and IXFR (RFC 1995) to the configured
// [[secondary]] servers, and the signed answers to their other queries (a secondary checks the
// SOA with a TSIG-signed query before it transfers, and wants a signed answer).
//
// Order of the checks: TSIG (RFC 8945 5.2: errors answered NOTAUTH as signServerResponse does),
// the message (one question, EDNS), the access list (the source address must be a
// [[secondary]], signed with its tsig_key when it has one: else REFUSED), the zone (NOTAUTH for
// any other name). AXFR over UDP is REFUSED (RFC 5936 4.2 defines none; REFUSED says "not here"
// without blaming the message). IXFR over UDP always gets the single SOA (RFC 1995 2), which
// sends the secondary to TCP when it is behind. Every answer to a verified request is signed,
// every message of a transfer included.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "dns/dns_reply.hpp"
#include "qdyn/dns/tsig_server.hpp"
#include "qdyn/ip_address.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/dns_responder.hpp"
#include "qdyn_server/zone.hpp"
#include "xfr/journal.hpp"

namespace qdyn::server {

class TransferHandler {
public:
    using Clock = std::function<std::uint64_t()>;  // seconds since the epoch, for TSIG time

    // `config` and `journal` must outlive the handler; every [[tsig_key]] is in its key ring
    // (the [[secondary]] entries decide which key a transfer needs). `maxMessage` is for tests.
    TransferHandler(const Config& config, const ZoneJournal& journal, Clock clock = &dns::tsigNow,
                    std::size_t maxMessage = 65535);

    // Whether a message is for this handler: a QUERY whose question asks AXFR or IXFR, or any
    // QUERY carrying a TSIG RR. A look at the raw bytes, cheap enough for every query.
    [[nodiscard]] static bool handles(std::span<const std::uint8_t> wire) noexcept;

    struct Reply {
        DnsReply reply;       // a stream for a transfer over TCP, else one message (empty: drop)
        std::string logLine;  // one line per transfer or refusal; empty for a signed ordinary query
    };

    // Thread-safe: the handler is immutable, the journal locks itself. `zone` is held by a
    // streaming reply until its last message is made.
    [[nodiscard]] Reply handle(std::span<const std::uint8_t> wire, const IpAddress& peer, DnsTransport transport,
                               std::shared_ptr<const ZoneSnapshot> zone) const;

private:
    enum class Access { Allowed, NotListed, WrongKey };
    [[nodiscard]] Access access(const IpAddress& peer, const dns::TsigRequestCheck& check) const;
    [[nodiscard]] Reply transfer(const dns::TsigRequestCheck& check, const IpAddress& peer, DnsTransport transport,
                                 std::shared_ptr<const ZoneSnapshot> zone, const std::string& who,
                                 std::uint64_t now) const;
    [[nodiscard]] Reply signedQuery(const dns::TsigRequestCheck& check, DnsTransport transport,
                                    const ZoneSnapshot& zone, std::uint64_t now) const;

    const Config& m_config;
    const ZoneJournal& m_journal;
    Clock m_clock;
    std::size_t m_maxMessage;
    dns::TsigKeyring m_keyring;
};

}  // namespace qdyn::server
