// The STUN source: a Binding transaction through the datagram exchange, the reply read by
// stun_message.cpp.
#include "qdyn/detect/stun_source.hpp"

#include <array>
#include <utility>

#include "datagram_exchange.hpp"
#include "qdyn/detect/stun_message.hpp"

namespace qdyn::detect {

namespace {

// RFC 8489 6.2.1: the interval doubles after each transmission.
std::vector<std::chrono::milliseconds> retransmissions(std::chrono::milliseconds rto,
                                                       std::chrono::milliseconds timeout) {
    std::vector<std::chrono::milliseconds> at{std::chrono::milliseconds(0)};
    if (rto.count() <= 0) return at;
    for (auto next = rto, step = rto; next < timeout && at.size() < 7; step *= 2, next += step)
        at.push_back(next);
    return at;
}

}  // namespace

std::span<const StunServer> defaultStunServers() {
    static const std::array<StunServer, 3> servers{{
        {"stun.l.google.com", 19302},
        {"stun.cloudflare.com", 3478},
        {"stun.nextcloud.com", 3478},
    }};
    return servers;
}

StunSource::StunSource(StunOptions options) : m_options(std::move(options)) {}

std::string StunSource::describe() const {
    return "stun " + m_options.server.host + ":" + std::to_string(m_options.server.port);
}

Result<std::vector<Candidate>> StunSource::detect(AddressFamily family) {
    const auto id = stun::randomTransactionId();
    const auto request = stun::encodeBindingRequest(id);
    const detail::DatagramCheck check = [&](std::span<const std::uint8_t> datagram) -> std::optional<std::string> {
        auto mapped = stun::parseBindingResponse(datagram, id);
        if (!mapped) return mapped.message();
        if (mapped->address.family() != family) return std::string("STUN: a mapped address of the other family");
        return std::nullopt;
    };
    detail::DatagramSchedule schedule;
    schedule.timeout = m_options.timeout;
    schedule.sendAt = retransmissions(m_options.retransmitAfter, m_options.timeout);
    auto reply =
        detail::exchangeDatagram({m_options.server.host, m_options.server.port}, family, request, check, schedule);
    if (!reply) return makeError(describe() + ": " + reply.message());
    // The check above accepted exactly this datagram, so it parses.
    const auto mapped = stun::parseBindingResponse(*reply, id);
    if (!mapped) return makeError(describe() + ": " + mapped.message());
    Candidate candidate;
    candidate.address = mapped->address;
    return std::vector<Candidate>{candidate};
}

}  // namespace qdyn::detect
