// The myip answers and limits; the receive loop is the shared UdpEchoListener's.
#include "line/myip_udp.hpp"

#include <chrono>
#include <string_view>

#include "qdyn_server/server.hpp"

namespace qdyn::server {

namespace asio = boost::asio;

RateLimitOptions MyipUdp::limits() {
    RateLimitOptions options;
    options.responsesPerSecond = kAnswersPerSecond;
    options.burst = kBurst;
    options.slip = 0;          // a truncated answer means nothing here: drop
    options.tableSize = 4096;  // prefixes remembered; a busy one keeps its slot (rate_limiter.hpp)
    return options;
}

std::optional<std::string> MyipUdp::answerFor(std::span<const std::uint8_t> request, const IpAddress& peer) {
    const std::string_view text(reinterpret_cast<const char*>(request.data()), request.size());
    if (!text.empty() && text != "\n" && text != "\r\n") return std::nullopt;
    return peer.toString() + "\n";
}

Result<std::shared_ptr<UdpEchoListener>> MyipUdp::open(asio::io_context& io, const ListenAddress& where) {
    auto answer = [](std::span<const std::uint8_t> request, const IpAddress& peer,
                     std::uint16_t) -> std::optional<std::vector<std::uint8_t>> {
        const auto text = answerFor(request, peer);
        if (!text) return std::nullopt;
        return std::vector<std::uint8_t>(text->begin(), text->end());
    };
    return UdpEchoListener::open(io, where, "myip", answer, limits(), kMaxRequest);
}

}  // namespace qdyn::server
