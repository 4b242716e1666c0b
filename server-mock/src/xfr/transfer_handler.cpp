// Zone transfers and signed queries: TSIG, the access list, then AXFR, IXFR from the journal or
// the SOA alone; the messages themselves are made by TransferStream.
#include "xfr/transfer_handler.hpp"

#include <algorithm>
#include <utility>

#include "dns/reply_basics.hpp"
#include "qdyn/dns/message.hpp"
#include "xfr/transfer_stream.hpp"

namespace qdyn::server {

namespace {

using dns::Rcode;

using wire::headerOnlyReply;
using wire::kHeaderSize;
using wire::replyTo;

constexpr std::uint32_t kHalfSerialSpace = 0x80000000U;

std::uint16_t get16(std::span<const std::uint8_t> wire, std::size_t pos) noexcept {
    return static_cast<std::uint16_t>(wire[pos] << 8U | wire[pos + 1]);
}

// Offset just past the name at `pos`, or 0 when it runs past the end.
std::size_t skipName(std::span<const std::uint8_t> wire, std::size_t pos) noexcept {
    while (pos < wire.size()) {
        const std::uint8_t length = wire[pos];
        if ((length & 0xC0U) == 0xC0U) return pos + 2 <= wire.size() ? pos + 2 : 0;
        if (length == 0) return pos + 1;
        pos += 1U + length;
    }
    return 0;
}

// RFC 1982: `a` is an older serial than `b`.
bool serialBefore(std::uint32_t a, std::uint32_t b) noexcept {
    const std::uint32_t distance = b - a;
    return distance != 0 && distance < kHalfSerialSpace;
}


}  // namespace

TransferHandler::TransferHandler(const Config& config, const ZoneJournal& journal, Clock clock, std::size_t maxMessage)
    : m_config(config), m_journal(journal), m_clock(std::move(clock)), m_maxMessage(maxMessage) {
    for (const auto& keyConfig : config.tsigKeys) {
        if (auto key = keyConfig.makeKey()) static_cast<void>(m_keyring.add(std::move(*key)));
    }
}

bool TransferHandler::handles(std::span<const std::uint8_t> wire) noexcept {
    // Requests with opcode QUERY only: UPDATE has its own handler, NOTIFY is not served.
    if (wire.size() < kHeaderSize || (wire[2] & 0x80U) != 0 || ((wire[2] >> 3U) & 0x0FU) != 0) return false;
    const std::size_t questions = get16(wire, 4);
    const std::size_t records = std::size_t{get16(wire, 6)} + get16(wire, 8) + get16(wire, 10);
    std::size_t pos = kHeaderSize;
    for (std::size_t i = 0; i < questions; ++i) {
        pos = skipName(wire, pos);
        if (pos == 0 || pos + 4 > wire.size()) return false;
        const std::uint16_t type = get16(wire, pos);
        if (type == dns::rrtype::AXFR || type == dns::rrtype::IXFR) return true;
        pos += 4;
    }
    // Most queries carry no additional record, or just an OPT: the walk is a few octets.
    if (get16(wire, 10) == 0) return false;
    for (std::size_t i = 0; i < records; ++i) {
        pos = skipName(wire, pos);
        if (pos == 0 || pos + 10 > wire.size()) return false;
        if (i + 1 == records) return get16(wire, pos) == dns::rrtype::TSIG;
        pos += 10U + get16(wire, pos + 8);
    }
    return false;
}

TransferHandler::Access TransferHandler::access(const IpAddress& peer, const dns::TsigRequestCheck& check) const {
    bool listed = false;
    for (const auto& secondary : m_config.secondaries) {
        if (!(secondary.address == peer)) continue;
        listed = true;
        if (!secondary.tsigKey) return Access::Allowed;
        if (check.verdict == dns::TsigRequestVerdict::Verified && check.key->name() == *secondary.tsigKey) {
            return Access::Allowed;
        }
    }
    return listed ? Access::WrongKey : Access::NotListed;
}

TransferHandler::Reply TransferHandler::handle(std::span<const std::uint8_t> wire, const IpAddress& peer,
                                               DnsTransport transport, std::shared_ptr<const ZoneSnapshot> zone) const {
    if (wire.size() < kHeaderSize || (wire[2] & 0x80U) != 0) return {};
    const std::uint64_t now = m_clock();
    const std::string from = "dns-xfr " + std::string(wire::transportName(transport)) + " " + peer.toString();
    const dns::TsigRequestCheck check = dns::verifyRequest(wire, m_keyring, now);
    if (check.verdict == dns::TsigRequestVerdict::FormErr && !dns::decodeMessage(wire)) {
        return {DnsReply(headerOnlyReply(wire, Rcode::FormErr)), from + ": FORMERR (" + check.detail + ")"};
    }
    const dns::Message& request = check.message;
    const bool isTransfer = request.questions.size() == 1 && (request.questions.front().type == dns::rrtype::AXFR ||
                                                              request.questions.front().type == dns::rrtype::IXFR);
    switch (check.verdict) {
        case dns::TsigRequestVerdict::Unsigned:
        case dns::TsigRequestVerdict::Verified:
            break;
        default: {
            // FORMERR, or NOTAUTH with BADKEY, BADSIG, BADTIME, BADTRUNC (RFC 8945 5.3.2).
            const Rcode rcode = check.verdict == dns::TsigRequestVerdict::FormErr ? Rcode::FormErr : Rcode::NotAuth;
            auto answer = dns::signServerResponse(replyTo(request, rcode), check, now);
            return {answer ? DnsReply(std::move(*answer)) : DnsReply(),
                    from + " key " + check.keyName.toString() + ": " + std::string(dns::toString(check.verdict)) +
                        " (" + check.detail + ")"};
        }
    }
    if (!isTransfer) return signedQuery(check, transport, *zone, now);
    const std::string who = from + (check.key != nullptr ? " key " + check.key->name().toString() : std::string());
    return transfer(check, peer, transport, std::move(zone), who, now);
}

TransferHandler::Reply TransferHandler::transfer(const dns::TsigRequestCheck& check, const IpAddress& peer,
                                                 DnsTransport transport, std::shared_ptr<const ZoneSnapshot> zone,
                                                 const std::string& who, std::uint64_t now) const {
    const dns::Message& request = check.message;
    const dns::Question& question = request.questions.front();
    const bool axfr = question.type == dns::rrtype::AXFR;
    const std::string kind = axfr ? "AXFR" : "IXFR";
    const auto single = [&](Rcode rcode, const std::string& why, std::uint32_t optTtl = 0, bool withOpt = false) {
        auto reply = replyTo(request, rcode);
        if (withOpt) reply.additional.push_back(wire::serverOpt(optTtl));
        auto answer = dns::signServerResponse(reply, check, now);
        return Reply{answer ? DnsReply(std::move(*answer)) : DnsReply(),
                     who + ": " + kind + " " + std::string(dns::toString(rcode)) + " (" + why + ")"};
    };

    const auto ednsCheck = wire::checkEdns(request);
    if (ednsCheck.malformed) return single(Rcode::FormErr, "misplaced or repeated OPT");
    if (ednsCheck.badVersion) return single(Rcode::NoError, "BADVERS", wire::kBadVersOptTtl, true);
    const bool edns = ednsCheck.opt != nullptr;
    switch (access(peer, check)) {
        case Access::Allowed:
            break;
        case Access::NotListed:
            return single(Rcode::Refused, "not a [[secondary]]");
        case Access::WrongKey:
            return single(Rcode::Refused, "not signed with the [[secondary]]'s tsig_key");
    }
    if (question.klass != dns::rrclass::Internet || !(question.name == zone->origin)) {
        return single(Rcode::NotAuth, "not our zone: " + question.name.toString());
    }
    if (axfr && transport == DnsTransport::Udp) return single(Rcode::Refused, "AXFR needs TCP");

    std::optional<dns::TsigResponseStream> signer;
    if (check.verdict == dns::TsigRequestVerdict::Verified) {
        auto started = dns::TsigResponseStream::start(check);
        if (!started) return {DnsReply(), who + ": " + kind + " dropped: " + started.message()};
        signer.emplace(std::move(*started));
    }
    const TransferHeader header{request.header.id, request.header.rd, request.header.cd, question, edns};
    const std::uint32_t serial = zone->soa.serial;
    const auto stream = [&](std::unique_ptr<RecordSource> records, const std::string& what) {
        auto messages = std::make_shared<TransferStream>(header, zone->origin, std::move(records), std::move(signer),
                                                         m_clock, m_maxMessage);
        DnsReply reply;
        reply.stream = [messages] { return messages->next(); };
        return Reply{std::move(reply), who + ": " + what};
    };
    const auto soaOnly = [&](const std::string& what) {
        TransferStream messages(header, zone->origin, soaRecord(*zone), std::move(signer), m_clock, m_maxMessage);
        return Reply{DnsReply(messages.next()), who + ": " + what};
    };
    if (axfr) return stream(axfrRecords(zone), "AXFR serial " + std::to_string(serial));

    // RFC 1995 3: the client's version is the SOA in the authority section.
    const auto soa = std::find_if(request.authority.begin(), request.authority.end(),
                                  [](const dns::ResourceRecord& rr) { return rr.type == dns::rrtype::SOA; });
    const auto* clientSoa = soa != request.authority.end() ? dns::soaOf(soa->data) : nullptr;
    if (clientSoa == nullptr) return single(Rcode::FormErr, "no SOA in the authority section");
    const std::uint32_t client = clientSoa->serial;
    const std::string steps = "IXFR " + std::to_string(client) + " -> " + std::to_string(serial);
    if (!serialBefore(client, serial)) return soaOnly(steps + ": up to date, SOA only");
    if (transport == DnsTransport::Udp) return soaOnly(steps + " over UDP: SOA only");
    if (auto path = m_journal.path(client, serial)) {
        const std::size_t count = path->size();
        return stream(ixfrRecords(zone, std::move(*path)), steps + " (" + std::to_string(count) + " steps)");
    }
    // RFC 1995 4 lets the server answer with the whole zone, in AXFR form.
    return stream(axfrRecords(zone), steps + ": not in the journal, full zone");
}

TransferHandler::Reply TransferHandler::signedQuery(const dns::TsigRequestCheck& check, DnsTransport transport,
                                                    const ZoneSnapshot& zone, std::uint64_t now) const {
    // The responder answers the request as it would unsigned (no cookies or rate limit: the
    // sender proved it holds a key), and the answer is signed here.
    const auto answer = respond(dns::encodeMessage(check.message), zone, transport, nullptr);
    if (answer.empty() || check.verdict != dns::TsigRequestVerdict::Verified) return {DnsReply(answer), {}};
    auto decoded = dns::decodeMessage(answer);
    if (!decoded) return {};
    auto signedAnswer = dns::signServerResponse(*decoded, check, now);
    if (signedAnswer && transport == DnsTransport::Udp && signedAnswer->size() > wire::udpLimit(wire::checkEdns(check.message).opt)) {
        // The TSIG RR pushed it over the client's limit: truncate, so that it retries over TCP.
        decoded->header.tc = true;
        decoded->answers.clear();
        decoded->authority.clear();
        std::erase_if(decoded->additional, [](const dns::ResourceRecord& rr) { return rr.type != dns::rrtype::OPT; });
        signedAnswer = dns::signServerResponse(*decoded, check, now);
    }
    if (!signedAnswer) return {};
    return {DnsReply(std::move(*signedAnswer)), {}};
}

}  // namespace qdyn::server
