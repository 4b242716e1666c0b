// The STUN source (RFC 8489): a Binding request over UDP to a STUN server, which answers with
// the address and port it saw the request come from (XOR-MAPPED-ADDRESS). Works from behind
// most NATs without any account; one request per family, sent over that family.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/detect/source.hpp"

namespace qdyn::detect {

struct StunServer {
    std::string host;  // a name or an address literal
    std::uint16_t port = 3478;
};

// Public STUN servers that answer anyone over both families, as data; tests never use them.
std::span<const StunServer> defaultStunServers();

struct StunOptions {
    StunServer server;
    std::chrono::milliseconds timeout{3000};
    // RFC 8489 6.2.1: the first retransmission after the RTO, then doubling. With the default
    // 500 ms and 3 s that is sends at 0, 0.5 and 1.5 s: three tries inside the timeout.
    std::chrono::milliseconds retransmitAfter{500};
};

class StunSource final : public AddressSource {
public:
    explicit StunSource(StunOptions options);

    [[nodiscard]] std::string_view kind() const override { return "stun"; }
    [[nodiscard]] std::string describe() const override;
    // One Binding transaction; a reply with another transaction id, a wrong cookie or
    // malformed attributes is ignored and the wait goes on until the timeout.
    Result<std::vector<Candidate>> detect(AddressFamily family) override;

private:
    StunOptions m_options;
};

}  // namespace qdyn::detect
