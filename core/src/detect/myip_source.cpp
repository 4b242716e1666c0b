// The myip source: one "\n" datagram (resent once) through the datagram exchange.
#include "qdyn/detect/myip_source.hpp"

#include <utility>

#include "datagram_exchange.hpp"

namespace qdyn::detect {

Result<IpAddress> parseMyipReply(std::span<const std::uint8_t> datagram) {
    std::string_view text(reinterpret_cast<const char*>(datagram.data()), datagram.size());
    if (text.size() > 64) return makeError("myip: the answer is too long for an address");
    if (text.ends_with("\r\n")) {
        text.remove_suffix(2);
    } else if (text.ends_with('\n')) {
        text.remove_suffix(1);
    } else {
        return makeError("myip: the answer does not end with a LF");
    }
    const auto address = IpAddress::parse(text);
    if (!address) return makeError("myip: the answer is not one address");
    return *address;
}

MyipSource::MyipSource(MyipOptions options) : m_options(std::move(options)) {}

std::string MyipSource::describe() const {
    return "myip " + m_options.host + ":" + std::to_string(m_options.port);
}

Result<std::vector<Candidate>> MyipSource::detect(AddressFamily family) {
    static constexpr std::uint8_t kRequest[] = {'\n'};
    const detail::DatagramCheck check = [family](std::span<const std::uint8_t> datagram) -> std::optional<std::string> {
        auto address = parseMyipReply(datagram);
        if (!address) return address.message();
        if (address->family() != family) return std::string("myip: an address of the other family");
        return std::nullopt;
    };
    detail::DatagramSchedule schedule;
    schedule.timeout = m_options.timeout;
    schedule.sendAt = {std::chrono::milliseconds(0)};
    if (m_options.retransmitAfter.count() > 0 && m_options.retransmitAfter < m_options.timeout) {
        schedule.sendAt.push_back(m_options.retransmitAfter);
    }
    auto reply = detail::exchangeDatagram({m_options.host, m_options.port}, family, kRequest, check, schedule);
    if (!reply) return makeError(describe() + ": " + reply.message());
    const auto address = parseMyipReply(*reply);
    if (!address) return makeError(describe() + ": " + address.message());
    Candidate candidate;
    candidate.address = *address;
    return std::vector<Candidate>{candidate};
}

}  // namespace qdyn::detect
