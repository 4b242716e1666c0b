// The dyndns2 ("/nic/update") API as a pure function of a small request struct, so the whole
// protocol is testable without sockets; the HTTP listener only carries bytes.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "qdyn/ip_address.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/update_service.hpp"

namespace qdyn::server {

class CredentialCache;

// The parts of an HTTP request the update APIs look at, lifted out of the wire by the listener.
struct HttpRequestInfo {
    std::string method = "GET";
    std::string target;         // "/nic/update?hostname=...", as received
    std::string authorization;  // empty when the header is absent
    std::string userAgent;      // empty when the header is absent
    IpAddress peer;             // the connecting address (IPv4-mapped already unmapped)
};

struct HttpReply {
    unsigned status = 200;
    std::vector<std::pair<std::string, std::string>> headers;  // beyond Content-Type
    std::string contentType = "text/plain; charset=utf-8";
    std::string body;
    std::string logSummary;  // for the request log: user, hosts, codes; never a secret
    // The durable write this reply acknowledges (0: none). The server turns it into `later`.
    std::uint64_t ticket = 0;
    // When set, the listener writes nothing now and calls `later` with a sender instead, which
    // is called once, on the io thread, with the reply to write (an update is acknowledged
    // only once it is durable).
    std::function<void(std::function<void(HttpReply)>)> later;
};

// Return codes travel in the body with HTTP 200, as on the classic dyndns2 servers that
// ddclient and inadyn were written against; only badauth is a 401 (so clients see the
// challenge) and 911 a 500.
class Dyndns2Handler {
public:
    static constexpr std::size_t kMaxHosts = 20;

    // Both references must outlive the handler. Hashed passwords that passed scrypt are
    // remembered in `credentials` (which must outlive the handler too); without one the handler
    // keeps its own, so a reload (a new handler) starts with an empty cache.
    Dyndns2Handler(const Config& config, UpdateService& updates, CredentialCache* credentials = nullptr);
    ~Dyndns2Handler();
    Dyndns2Handler(const Dyndns2Handler&) = delete;
    Dyndns2Handler& operator=(const Dyndns2Handler&) = delete;

    [[nodiscard]] HttpReply handle(const HttpRequestInfo& request) const;

private:
    const Config& m_config;
    UpdateService& m_updates;
    std::unique_ptr<CredentialCache> m_ownCredentials;
    CredentialCache& m_credentials;
    bool m_anyHashed = false;  // some account has a password_hash: unknown users cost a scrypt too
};

}  // namespace qdyn::server
