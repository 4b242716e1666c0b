// The NAT-PMP source (RFC 6886): asks the gateway (the default route's, or a forced one) for its
// external IPv4 address over UDP 5351, through libnatpmp where qdyn was built with it. Every
// reply is checked strictly (natpmp_message.hpp) before the library reads it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/detect/source.hpp"

namespace qdyn::detect {

struct NatpmpOptions {
    // The gateway to ask (IPv4). nullopt: the default gateway, which libnatpmp reads from the
    // routing table. The port is RFC 6886's fixed 5351: libnatpmp offers no other.
    std::optional<IpAddress> gateway;
    // The whole exchange. Requests are resent after 250 ms, doubling (RFC 6886 3.1): with the
    // default that is sends at 0, 0.25, 0.75 and 1.75 s.
    std::chrono::milliseconds timeout{3000};
};

// Whether this build has libnatpmp. Without it the source still exists, and every detect() is
// an Error saying so (never an empty answer that would look like "no address").
bool natpmpAvailable() noexcept;

class NatpmpSource final : public AddressSource {
public:
    explicit NatpmpSource(NatpmpOptions options);

    [[nodiscard]] std::string_view kind() const override { return "natpmp"; }
    [[nodiscard]] std::string describe() const override;
    // IPv4 only: an IPv6 request is an Error without sending anything. A reply that is not a
    // well-formed external-address response (truncated, another version or opcode, a wrong
    // length) is dropped and the wait goes on; a result code other than 0, an ICMP port
    // unreachable from the gateway or 0.0.0.0 ends it with an Error.
    Result<std::vector<Candidate>> detect(AddressFamily family) override;

private:
    NatpmpOptions m_options;
};

}  // namespace qdyn::detect
