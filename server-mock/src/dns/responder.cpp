// The message-level rules of a DNS query: FORMERR and NOTIMP for what cannot be answered,
// REFUSED outside the zone, EDNS(0) and UDP truncation; the lookup itself is in answer.cpp.
// No state, no locks, no sockets.
#include "qdyn_server/dns_responder.hpp"

#include <algorithm>

#include "dns/answer.hpp"
#include "dns/reply_basics.hpp"
#include "dns/whoami.hpp"
#include "qdyn/dns/message.hpp"

namespace qdyn::server {

namespace {

using wire::headerOnlyReply;
using wire::replyTo;

constexpr std::uint16_t kTypeMailB = 253;
constexpr std::uint16_t kTypeMailA = 254;

std::vector<std::uint8_t> finish(dns::Message& reply, const dns::ResourceRecord* queryOpt, DnsTransport transport,
                                 const CookieDecision& cookie = {}) {
    if (queryOpt != nullptr) {
        // Our OPT: 1232 octets, version 0, no DO (qdyn-server does not sign), the COOKIE option
        // when the query sent one.
        const auto option = cookie.responseOption();
        reply.additional.push_back(wire::serverOpt(0, {option.begin(), option.end()}));
    }
    auto bytes = dns::encodeMessage(reply);
    const std::size_t limit = transport == DnsTransport::Udp ? wire::udpLimit(queryOpt) : 65535;
    if (bytes.size() <= limit) return bytes;
    // Too big: keep the question (and OPT) so the client can retry over TCP, drop the rest.
    reply.header.tc = true;
    reply.answers.clear();
    reply.authority.clear();
    std::erase_if(reply.additional, [](const dns::ResourceRecord& rr) { return rr.type != dns::rrtype::OPT; });
    return dns::encodeMessage(reply);
}

// The small reply a rate-limited query may get instead of silence: with a client cookie,
// BADCOOKIE and our cookie (the client retries over UDP at once, now with a valid cookie);
// without one, TC=1 so a real resolver retries over TCP, which a spoofed source cannot.
std::vector<std::uint8_t> slip(const dns::Message& message, const dns::ResourceRecord* opt, const CookieDecision& cookie) {
    auto reply = replyTo(message, dns::Rcode::NoError);
    if (cookieSlipRcode(cookie.status) == CookieSlip::BadCookie && opt != nullptr) {
        reply.header.rcode = static_cast<dns::Rcode>(kBadCookieHeaderRcode);
        const auto option = cookie.responseOption();
        reply.additional.push_back(wire::serverOpt(kBadCookieOptTtl, {option.begin(), option.end()}));
        return dns::encodeMessage(reply);
    }
    reply.header.tc = true;
    if (opt != nullptr) reply.additional.push_back(wire::serverOpt());
    return dns::encodeMessage(reply);
}

}  // namespace

std::vector<std::uint8_t> respond(std::span<const std::uint8_t> query, const ZoneSnapshot& zone,
                                  DnsTransport transport, const QueryContext* context) {
    if (query.size() < wire::kHeaderSize) return {};
    // A response must never be answered (it would let two servers loop forever).
    if ((query[2] & 0x80U) != 0) return {};
    const auto opcode = static_cast<std::uint8_t>((query[2] >> 3U) & 0x0FU);

    auto decoded = dns::decodeMessage(query);
    if (opcode != static_cast<std::uint8_t>(dns::Opcode::Query)) {
        if (!decoded) return headerOnlyReply(query, dns::Rcode::NotImp);
        // replyTo echoes a single question only: a message packed with compressed questions
        // must not come back larger than it went in (amplification).
        auto reply = replyTo(*decoded, dns::Rcode::NotImp);
        return finish(reply, nullptr, transport);
    }
    if (!decoded) return headerOnlyReply(query, dns::Rcode::FormErr);
    const dns::Message& message = *decoded;

    const auto edns = wire::checkEdns(message);
    if (edns.malformed) {  // RFC 6891 6.1.1: one OPT, owned by the root
        auto reply = replyTo(message, dns::Rcode::FormErr);
        reply.questions.clear();
        return dns::encodeMessage(reply);
    }
    const dns::ResourceRecord* opt = edns.opt;

    if (message.questions.size() != 1) {
        auto reply = replyTo(message, dns::Rcode::FormErr);
        reply.questions.clear();
        return finish(reply, opt, transport);
    }
    if (edns.badVersion) {
        // Only EDNS version 0 exists; BADVERS tells the client to fall back (RFC 6891 6.1.3).
        auto reply = replyTo(message, dns::Rcode::NoError);
        reply.additional.push_back(wire::serverOpt(wire::kBadVersOptTtl));
        return dns::encodeMessage(reply);
    }

    CookieDecision cookie;
    if (context != nullptr && context->cookies != nullptr && opt != nullptr) {
        const auto* options = std::get_if<dns::RawData>(&opt->data);
        cookie = context->cookies->evaluate(options != nullptr ? std::span<const std::uint8_t>(options->bytes)
                                                               : std::span<const std::uint8_t>(),
                                            context->client, context->now);
        if (cookie.status == CookieStatus::Malformed) {  // RFC 7873 5.2.2
            auto reply = replyTo(message, dns::Rcode::FormErr);
            return finish(reply, opt, transport);
        }
    }
    if (transport == DnsTransport::Udp && context != nullptr && (context->decided || context->limiter != nullptr) &&
        cookie.status != CookieStatus::Valid) {
        switch (context->decided ? *context->decided : context->limiter->check(context->client, context->steadyNow)) {
        case RateDecision::Allow: break;
        case RateDecision::Drop: return {};
        case RateDecision::Slip: return slip(message, opt, cookie);
        }
    }

    const dns::Question& question = message.questions.front();
    auto reply = replyTo(message, dns::Rcode::NoError);
    if (question.type == dns::rrtype::OPT || question.type == dns::rrtype::TSIG) {
        reply.header.rcode = dns::Rcode::FormErr;
    } else if (question.type == kTypeMailA || question.type == kTypeMailB) {
        reply.header.rcode = dns::Rcode::NotImp;
    } else if (context != nullptr && context->whoami != nullptr && question.name == *context->whoami) {
        answerWhoami(reply, question, context->client);
    } else if (question.klass != dns::rrclass::Internet && question.klass != dns::rrclass::ANY) {
        reply.header.rcode = dns::Rcode::Refused;
    } else if (!question.name.isSubdomainOf(zone.origin)) {
        reply.header.rcode = dns::Rcode::Refused;
    } else if (question.type == dns::rrtype::AXFR || question.type == dns::rrtype::IXFR) {
        // The server sends transfers to the transfer handler (xfr/), which knows the
        // [[secondary]] list; without that list the responder can only refuse them.
        reply.header.rcode = dns::Rcode::Refused;
    } else {
        answerInZone(reply, question, zone);
    }
    return finish(reply, opt, transport, cookie);
}

}  // namespace qdyn::server
