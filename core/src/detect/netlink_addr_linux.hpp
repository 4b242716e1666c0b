// The parser of a Linux rtnetlink RTM_GETADDR dump reply, apart from the socket so it can be
// tested and fuzzed with any bytes. Allocates nothing on success.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "qdyn/ip_address.hpp"
#include "qdyn/result.hpp"

namespace qdyn::detect::netlink {

struct AddressMessage {
    IpAddress address;           // IFA_LOCAL when present (point-to-point), else IFA_ADDRESS
    std::uint32_t ifindex = 0;
    std::uint8_t prefixLength = 0;
    std::uint32_t flags = 0;     // IFA_FLAGS when present (32 bits), else ifa_flags
};

class AddressSink {
public:
    AddressSink() = default;
    AddressSink(const AddressSink&) = delete;
    AddressSink& operator=(const AddressSink&) = delete;
    virtual void onAddress(const AddressMessage& message) = 0;

protected:
    ~AddressSink() = default;
};

enum class Step { More, Done };

// Parses one datagram of a dump answering request `seq`: every RTM_NEWADDR of family AF_INET or
// AF_INET6 goes to `sink`; messages of another sequence number are ignored. Done after
// NLMSG_DONE; an Error for NLMSG_ERROR, an interrupted dump (NLM_F_DUMP_INTR) or malformed bytes.
Result<Step> parseAddressDump(std::span<const std::uint8_t> datagram, std::uint32_t seq, AddressSink& sink);

}  // namespace qdyn::detect::netlink
