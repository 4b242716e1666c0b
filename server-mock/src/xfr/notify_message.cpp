// Building a NOTIFY and matching its reply: id, opcode and question must match (RFC 1996 4.7
// has the secondary echo the question), and a signed NOTIFY needs a reply whose MAC chains to it.
#include "xfr/notify_message.hpp"

namespace qdyn::server {

namespace {

NotifyReplyCheck verdict(NotifyVerdict kind, std::string detail, dns::Rcode rcode = dns::Rcode::NoError) {
    return {kind, rcode, std::move(detail)};
}

}  // namespace

Result<SentNotify> makeNotify(const dns::Name& origin, const dns::SoaData& soa, std::uint16_t id,
                              const dns::TsigKey* key, std::uint64_t now) {
    dns::Message message;
    message.header.id = id;
    message.header.opcode = dns::Opcode::Notify;
    message.header.aa = true;
    message.questions.push_back({origin, dns::rrtype::SOA, dns::rrclass::Internet});
    message.answers.push_back({origin, dns::rrtype::SOA, dns::rrclass::Internet, 0, soa});
    SentNotify sent;
    sent.id = id;
    sent.origin = origin;
    if (key == nullptr) {
        sent.wire = dns::encodeMessage(message);
        return sent;
    }
    auto signedRequest = dns::signRequest(message, *key, now);
    if (!signedRequest) return signedRequest.error();
    sent.wire = signedRequest->wire;
    sent.signedRequest = std::move(*signedRequest);
    return sent;
}

NotifyReplyCheck checkNotifyReply(std::span<const std::uint8_t> wire, const SentNotify& sent, const dns::TsigKey* key,
                                  std::uint64_t now) {
    using enum NotifyVerdict;
    const auto message = dns::decodeMessage(wire);
    if (!message) return verdict(NotOurs, "undecodable datagram: " + message.message());
    const auto& header = message->header;
    if (!header.qr || header.id != sent.id || header.opcode != dns::Opcode::Notify) {
        return verdict(NotOurs, "not a response to NOTIFY id " + std::to_string(sent.id));
    }
    // A reply may leave the question out (some do with an error); when it has one it must be ours.
    if (!message->questions.empty() &&
        (message->questions.size() != 1 || !(message->questions.front().name == sent.origin) ||
         message->questions.front().type != dns::rrtype::SOA)) {
        return verdict(NotOurs, "a NOTIFY response for another question");
    }
    if (sent.signedRequest && key != nullptr) {
        const auto tsig = dns::verifyResponse(wire, *sent.signedRequest, *key, now);
        switch (tsig.verdict) {
            case dns::TsigVerdict::Verified:
                break;
            case dns::TsigVerdict::ServerBadSig:
            case dns::TsigVerdict::ServerBadKey:
            case dns::TsigVerdict::ServerBadTime:
            case dns::TsigVerdict::ServerError:
                // The secondary could not verify us: it answered (unsigned, as RFC 8945 5.3.2 says),
                // and resending the same key will not help.
                return verdict(Refused, "TSIG: " + tsig.detail, header.rcode);
            default:
                return verdict(BadSignature, "TSIG: " + tsig.detail, header.rcode);
        }
    }
    if (header.rcode != dns::Rcode::NoError) {
        return verdict(Refused, "RCODE " + std::string(dns::toString(header.rcode)), header.rcode);
    }
    return verdict(Acknowledged, "", header.rcode);
}

}  // namespace qdyn::server
