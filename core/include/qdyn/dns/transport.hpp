// A DNS client transport: send one message to one server and wait for the matching answer,
// with a timeout. Used to read records back (verification, tests) and by detection later.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "qdyn/dns/message.hpp"
#include "qdyn/ip_address.hpp"
#include "qdyn/result.hpp"

namespace qdyn::dns {

struct ServerAddress {
    IpAddress address;
    std::uint16_t port = 53;
};

struct QueryOptions {
    std::chrono::milliseconds timeout{2000};  // per attempt
    int attempts = 2;
};

// Sends over UDP and returns the first reply from that server whose id and question match;
// anything else arriving on the socket is ignored (spoofing and stray datagrams).
Result<Message> exchangeUdp(const ServerAddress& server, const Message& query, const QueryOptions& options = {});

// A fresh query message with a random id for (name, type, IN), RD clear.
Message makeQuery(const Name& name, std::uint16_t type);

// The A or AAAA addresses a server gives for a name (empty on NODATA); an error for
// transport failures and for rcodes other than NOERROR.
Result<std::vector<IpAddress>> queryAddresses(const ServerAddress& server, const Name& name, std::uint16_t type,
                                              const QueryOptions& options = {});

}  // namespace qdyn::dns
