// A DNS client transport: send one message to one server and wait for the matching answer,
// with a timeout, over UDP, TCP (2-octet length framing) or UDP falling back to TCP. Used for
// RFC 2136 updates, to read records back (verification, tests) and by detection later.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

#include "qdyn/dns/message.hpp"
#include "qdyn/ip_address.hpp"
#include "qdyn/result.hpp"

namespace qdyn::dns {

struct ServerAddress {
    IpAddress address;
    std::uint16_t port = 53;
    friend bool operator==(const ServerAddress&, const ServerAddress&) = default;
};

struct QueryOptions {
    std::chrono::milliseconds timeout{2000};  // per attempt
    int attempts = 2;
};

// Sends over UDP and returns the first reply from that server whose id and question match;
// anything else arriving on the socket is ignored (spoofing and stray datagrams).
Result<Message> exchangeUdp(const ServerAddress& server, const Message& query, const QueryOptions& options = {});

// A reply with the exact octets it arrived as (TSIG verification needs them).
struct Reply {
    Message message;
    std::vector<std::uint8_t> wire;
};

// The same for an already encoded request (e.g. TSIG-signed); `query` is its decoded form,
// used to match the reply (id, and question/zone section unless the reply has none).
Result<Reply> exchangeUdpWire(const ServerAddress& server, const Message& query, std::span<const std::uint8_t> wire,
                              const QueryOptions& options = {});

// Over TCP with the 2-octet length prefix (RFC 1035 4.2.2); one connection per attempt, the
// timeout covers connect, send and receive.
Result<Reply> exchangeTcpWire(const ServerAddress& server, const Message& query, std::span<const std::uint8_t> wire,
                              const QueryOptions& options = {});
Result<Message> exchangeTcp(const ServerAddress& server, const Message& query, const QueryOptions& options = {});

// UDP first; TCP when the request exceeds 512 octets or the UDP reply has TC set.
Result<Reply> exchangeWire(const ServerAddress& server, const Message& query, std::span<const std::uint8_t> wire,
                           const QueryOptions& options = {});
Result<Message> exchange(const ServerAddress& server, const Message& query, const QueryOptions& options = {});

// A random message id (per-thread generator seeded from std::random_device).
std::uint16_t randomId();

// A fresh query message with a random id for (name, type, IN), RD clear.
Message makeQuery(const Name& name, std::uint16_t type);

// The A or AAAA addresses a server gives for a name (empty on NODATA); an error for
// transport failures and for rcodes other than NOERROR.
Result<std::vector<IpAddress>> queryAddresses(const ServerAddress& server, const Name& name, std::uint16_t type,
                                              const QueryOptions& options = {});

}  // namespace qdyn::dns
