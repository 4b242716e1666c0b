// Counters for /metrics (Prometheus text format 0.0.4): DNS answers by transport and rcode,
// updates by protocol and outcome, authentication failures, rate-limited answers, and the
// store's commit figures. Counting is lock-free on the query path.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "qdyn_server/store.hpp"
#include "qdyn_server/zone.hpp"

namespace qdyn::server {

// The forwarder's figures at scrape time ([forward]).
struct ForwardStats {
    std::uint64_t accepted = 0;  // UPDATE messages the primary applied
    std::uint64_t failed = 0;    // attempts that failed (no answer, refused, bad TSIG)
    std::size_t pending = 0;     // RRsets waiting to be sent
};

class Metrics {
public:
    // rcode: the 4-bit header RCODE of a sent answer; a dropped query counts as `dropped`.
    void countAnswer(bool tcp, std::uint8_t rcode) noexcept;
    void countDropped(bool tcp) noexcept;
    void countUpdate(const std::string& protocol, const std::string& outcome);
    void countAuthFailure(const std::string& protocol);

    // The whole exposition; `zone`, `store` and `forward` (both may be null) add figures read at
    // scrape time.
    [[nodiscard]] std::string render(const ZoneSnapshot& zone, const Store* store,
                                     const ForwardStats* forward = nullptr) const;

private:
    static constexpr std::size_t kRcodes = 16;
    std::array<std::array<std::atomic<std::uint64_t>, kRcodes>, 2> m_answers{};
    std::array<std::atomic<std::uint64_t>, 2> m_dropped{};
    mutable std::mutex m_mutex;  // the update maps: written once per update, not per query
    std::map<std::pair<std::string, std::string>, std::uint64_t> m_updates;
    std::map<std::string, std::uint64_t> m_authFailures;
};

}  // namespace qdyn::server
