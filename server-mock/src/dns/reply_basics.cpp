// The reply pieces shared by the DNS front ends.
#include "dns/reply_basics.hpp"

#include <algorithm>

namespace qdyn::server::wire {

std::vector<std::uint8_t> headerOnlyReply(std::span<const std::uint8_t> request, dns::Rcode rcode, bool echoRd) {
    std::vector<std::uint8_t> reply(kHeaderSize, 0);
    reply[0] = request[0];
    reply[1] = request[1];
    // QR set; the opcode (bits 3..6) and, when asked, RD (bit 0) copied.
    const std::uint8_t echoed = echoRd ? 0x79U : 0x78U;
    reply[2] = static_cast<std::uint8_t>(0x80U | (request[2] & echoed));
    reply[3] = static_cast<std::uint8_t>(rcode);
    return reply;
}

dns::Message replyTo(const dns::Message& request, dns::Rcode rcode) {
    dns::Message reply;
    reply.header.id = request.header.id;
    reply.header.qr = true;
    reply.header.opcode = request.header.opcode;
    reply.header.rd = request.header.rd;
    reply.header.cd = request.header.cd;
    reply.header.rcode = rcode;
    if (request.questions.size() == 1) reply.questions = request.questions;
    return reply;
}

Edns checkEdns(const dns::Message& request) {
    Edns edns;
    for (const auto& rr : request.additional) {
        if (rr.type != dns::rrtype::OPT) continue;
        if (edns.opt != nullptr || !rr.name.isRoot()) {
            edns.malformed = true;
            return edns;
        }
        edns.opt = &rr;
    }
    edns.badVersion = edns.opt != nullptr && ((edns.opt->ttl >> 16U) & 0xFFU) != 0;
    return edns;
}

std::size_t udpLimit(const dns::ResourceRecord* requestOpt) noexcept {
    if (requestOpt == nullptr) return kClassicUdpLimit;
    return std::clamp<std::size_t>(requestOpt->klass, kClassicUdpLimit, kMaxUdpPayload);
}

std::string_view transportName(DnsTransport transport) noexcept {
    return transport == DnsTransport::Udp ? "udp" : "tcp";
}

dns::ResourceRecord serverOpt(std::uint32_t ttl, std::vector<std::uint8_t> options) {
    return {dns::Name(), dns::rrtype::OPT, kMaxUdpPayload, ttl, dns::RawData{std::move(options)}};
}

}  // namespace qdyn::server::wire
