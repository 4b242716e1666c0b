// Failed-login and unchanged-update counting with fixed windows and timed blocks.
#include "accounts/login_throttle.hpp"

#include <algorithm>
#include <iterator>

namespace qdyn::server {

namespace {

std::string accountKey(char kind, std::string_view account) {
    std::string key(1, kind);
    key += ':';
    key += account;
    return key;
}

}  // namespace

std::string throttleSourceKey(const IpAddress& source) {
    if (source.isV4()) return "s:" + source.toString();
    IpAddress::V6Bytes prefix{};
    const auto bytes = source.bytes();
    std::copy_n(bytes.begin(), 8, prefix.begin());
    return "s:" + IpAddress::fromV6(prefix).toString() + "/64";
}

LoginThrottle::LoginThrottle(ThrottleOptions options, Clock clock) : m_options(options), m_clock(std::move(clock)) {}

void LoginThrottle::configure(const ThrottleOptions& options) {
    const std::lock_guard lock(m_mutex);
    m_options = options;
}

std::chrono::seconds LoginThrottle::remaining(const std::string& key, TimePoint now) const {
    const auto found = m_counters.find(key);
    if (found == m_counters.end() || found->second.blockedUntil <= now) return std::chrono::seconds(0);
    // Rounded up: "Retry-After: 0" while still blocked would invite an immediate retry.
    return std::chrono::ceil<std::chrono::seconds>(found->second.blockedUntil - now);
}

std::chrono::seconds LoginThrottle::retryAfter(const IpAddress& source, std::string_view account) {
    const auto now = m_clock();
    const std::lock_guard lock(m_mutex);
    auto wait = remaining(throttleSourceKey(source), now);
    if (!account.empty()) {
        wait = std::max({wait, remaining(accountKey('f', account), now), remaining(accountKey('u', account), now)});
    }
    return wait;
}

void LoginThrottle::failed(const IpAddress& source, std::string_view account) {
    const auto now = m_clock();
    const std::lock_guard lock(m_mutex);
    if (m_options.failures == 0) return;
    bump(throttleSourceKey(source), m_options.failures, now);
    if (!account.empty()) bump(accountKey('f', account), m_options.failures, now);
}

void LoginThrottle::unchanged(std::string_view account) {
    const auto now = m_clock();
    const std::lock_guard lock(m_mutex);
    if (m_options.unchanged == 0) return;
    bump(accountKey('u', account), m_options.unchanged, now);
}

void LoginThrottle::bump(std::string key, std::uint32_t limit, TimePoint now) {
    auto found = m_counters.find(key);
    if (found == m_counters.end()) {
        if (m_counters.size() >= kMaxEntries) makeRoom(now);
        found = m_counters.emplace(std::move(key), Counter{0, now, {}}).first;
    }
    Counter& counter = found->second;
    if (now - counter.windowStart >= std::chrono::seconds(m_options.window)) {
        counter.count = 0;
        counter.windowStart = now;
    }
    if (++counter.count >= limit) {
        counter.blockedUntil = now + std::chrono::seconds(m_options.block);
        // The block is the punishment; counting starts afresh once it is over.
        counter.count = 0;
        counter.windowStart = counter.blockedUntil;
    }
}

void LoginThrottle::makeRoom(TimePoint now) {
    const auto window = std::chrono::seconds(m_options.window);
    std::erase_if(m_counters, [&](const auto& entry) {
        return entry.second.blockedUntil <= now && now - entry.second.windowStart >= window;
    });
    // Still full (a flood of distinct sources within one window): forget half of them rather
    // than grow without bound; a forgotten source merely starts counting again.
    if (m_counters.size() >= kMaxEntries) {
        auto it = m_counters.begin();
        std::advance(it, static_cast<std::ptrdiff_t>(m_counters.size() / 2));
        m_counters.erase(m_counters.begin(), it);
    }
}

std::size_t LoginThrottle::size() const {
    const std::lock_guard lock(m_mutex);
    return m_counters.size();
}

}  // namespace qdyn::server
