// miniDNS's myip service as a source: a UDP datagram holding "\n" to port 9121 is answered
// with the sender's address as text and a LF (docs/protocols/miniupdate.md "myip").
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/detect/source.hpp"

namespace qdyn::detect {

inline constexpr std::uint16_t kMyipPort = 9121;

struct MyipOptions {
    std::string host;  // the miniDNS server: a name or an address literal
    std::uint16_t port = kMyipPort;
    std::chrono::milliseconds timeout{3000};
    std::chrono::milliseconds retransmitAfter{1000};  // one resend inside the default timeout
};

// The address in one myip answer: exactly the address text and a LF (a CRLF is tolerated);
// anything else (two addresses, spaces, an empty datagram, no LF) is an Error.
Result<IpAddress> parseMyipReply(std::span<const std::uint8_t> datagram);

class MyipSource final : public AddressSource {
public:
    explicit MyipSource(MyipOptions options);

    [[nodiscard]] std::string_view kind() const override { return "myip"; }
    [[nodiscard]] std::string describe() const override;
    Result<std::vector<Candidate>> detect(AddressFamily family) override;

private:
    MyipOptions m_options;
};

}  // namespace qdyn::detect
