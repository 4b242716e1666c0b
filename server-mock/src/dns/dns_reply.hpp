// What a DNS front end hands a listener for one message: the reply to send now, a promise to
// send it later (an UPDATE is acknowledged only once its write is durable), or a stream of
// messages (a zone transfer).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace qdyn::server {

struct DnsReply {
    using Sender = std::function<void(std::vector<std::uint8_t>)>;
    // The next message of a stream; empty when it is complete. It may throw, which ends the
    // connection (the client then sees the transfer fail instead of a silently short one).
    using Stream = std::function<std::vector<std::uint8_t>()>;

    std::vector<std::uint8_t> wire;  // sent at once; empty (and no `later`): nothing to send
    // When set, the listener sends nothing now and calls `later` with a sender instead; `later`
    // calls that sender exactly once, on the io thread, with the bytes to send (empty: none).
    std::function<void(Sender)> later;
    // When set (and `wire` empty): several messages, made one at a time. The TCP listener asks
    // for the next one only once the previous one is written, so a transfer of a million names
    // never sits in memory whole; nothing else is written in between. Over UDP only the first
    // message would be sent (the front ends never stream there).
    Stream stream;

    DnsReply() = default;
    DnsReply(std::vector<std::uint8_t> bytes) : wire(std::move(bytes)) {}  // NOLINT(google-explicit-constructor)
};

}  // namespace qdyn::server
