// LoginThrottle: counts failed logins per source (an IPv4 address or an IPv6 /64) and per
// account, and unchanged dyndns2 updates per account, and refuses a source or an account for a
// while once it goes over its limit ([throttle] in server.toml). A refused request costs no
// password hash, so a guessing client cannot make the server burn CPU on scrypt either.
//
// Counts run over a fixed window that starts at the first event; a block lasts `block` seconds
// from the event that crossed the limit. The table is bounded: past kMaxEntries the entries
// with nothing left to say go first, then half of the rest. Thread-safe; shared across reloads.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "qdyn/ip_address.hpp"
#include "qdyn_server/config.hpp"

namespace qdyn::server {

class LoginThrottle {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    static constexpr std::size_t kMaxEntries = 65536;

    explicit LoginThrottle(ThrottleOptions options = {}, Clock clock = &std::chrono::steady_clock::now);
    LoginThrottle(const LoginThrottle&) = delete;
    LoginThrottle& operator=(const LoginThrottle&) = delete;

    // A reload: new limits apply from the next event; running blocks keep their end.
    void configure(const ThrottleOptions& options);

    // How long a request from `source` (for `account`, when non-empty) must still wait; zero
    // when it may go on.
    [[nodiscard]] std::chrono::seconds retryAfter(const IpAddress& source, std::string_view account);
    // A failed login from `source`; `account` names an existing account the attempt was for
    // (empty for unknown names, which count against the source only).
    void failed(const IpAddress& source, std::string_view account);
    // A dyndns2 update of `account` that changed nothing.
    void unchanged(std::string_view account);

    [[nodiscard]] std::size_t size() const;

private:
    using TimePoint = std::chrono::steady_clock::time_point;
    struct Counter {
        std::uint32_t count = 0;
        TimePoint windowStart{};
        TimePoint blockedUntil{};
    };
    void bump(std::string key, std::uint32_t limit, TimePoint now);  // m_mutex held
    [[nodiscard]] std::chrono::seconds remaining(const std::string& key, TimePoint now) const;  // m_mutex held
    void makeRoom(TimePoint now);  // m_mutex held

    mutable std::mutex m_mutex;
    ThrottleOptions m_options;
    Clock m_clock;
    std::unordered_map<std::string, Counter> m_counters;
};

// The key a source is counted under: the IPv4 address, or the /64 of an IPv6 address (one
// customer usually holds a whole /64, so counting single addresses would be no limit at all).
std::string throttleSourceKey(const IpAddress& source);

}  // namespace qdyn::server
