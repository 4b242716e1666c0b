// What a DNS front end hands a listener for one message: the reply to send now, or a promise to
// send it later (an UPDATE is acknowledged only once its write is durable).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace qdyn::server {

struct DnsReply {
    using Sender = std::function<void(std::vector<std::uint8_t>)>;

    std::vector<std::uint8_t> wire;  // sent at once; empty (and no `later`): nothing to send
    // When set, the listener sends nothing now and calls `later` with a sender instead; `later`
    // calls that sender exactly once, on the io thread, with the bytes to send (empty: none).
    std::function<void(Sender)> later;

    DnsReply() = default;
    DnsReply(std::vector<std::uint8_t> bytes) : wire(std::move(bytes)) {}  // NOLINT(google-explicit-constructor)
};

}  // namespace qdyn::server
