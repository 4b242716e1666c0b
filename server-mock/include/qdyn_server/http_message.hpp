// The parts of an HTTP request the update APIs look at, and the reply they give: plain structs,
// so every API is a pure function testable without sockets; the listener only carries bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "qdyn/ip_address.hpp"

namespace qdyn::server {

struct HttpRequestInfo {
    std::string method = "GET";
    std::string target;         // "/nic/update?hostname=...", as received
    std::string authorization;  // empty when the header is absent
    std::string userAgent;      // empty when the header is absent
    std::string contentType;    // of the body; empty when absent
    std::string soapAction;     // the SOAPACTION header (UPnP control requests); empty when absent
    std::string body;           // POST bodies (application/x-www-form-urlencoded) carry parameters too
    IpAddress peer;             // the connecting address (IPv4-mapped already unmapped)
    std::uint16_t peerPort = 0;
    bool secure = false;        // arrived over TLS
};

struct HttpReply {
    unsigned status = 200;
    std::vector<std::pair<std::string, std::string>> headers;  // beyond Content-Type
    std::string contentType = "text/plain; charset=utf-8";
    std::string body;
    std::string logSummary;  // for the request log: user, hosts, codes; never a secret
    // The durable write this reply acknowledges (0: none). The server turns it into `later`.
    std::uint64_t ticket = 0;
    // What goes out instead when that write cannot be made durable: each API's own failure.
    unsigned storeFailureStatus = 500;
    std::string storeFailureBody = "911\n";
    // When set, the listener writes nothing now and calls `later` with a sender instead, which
    // is called once, on the io thread, with the reply to write (an update is acknowledged
    // only once it is durable).
    std::function<void(std::function<void(HttpReply)>)> later;
};

// A reply with a status, a text body and a log summary.
inline HttpReply textReply(unsigned status, std::string body, std::string summary) {
    HttpReply reply;
    reply.status = status;
    reply.body = std::move(body);
    reply.logSummary = std::move(summary);
    return reply;
}

}  // namespace qdyn::server
