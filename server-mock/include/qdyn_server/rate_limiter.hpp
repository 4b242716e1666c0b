// Response rate limiting for UDP answers that carry no verified server cookie, per source
// prefix, in the manner of BIND's RRL: an open authoritative server is otherwise a free
// amplifier towards whoever's address an attacker writes into the queries.
//
// Each prefix (IPv4 /24 and IPv6 /56 by default, as a client's neighbours and a typical
// customer delegation share fate) owns a token bucket. Over the limit, every `slip`-th answer
// goes out as a bare TC=1 reply (a real client retries over TCP, which cannot be spoofed) and
// the rest are dropped.
//
// Memory is fixed: a table of `tableSize` slots in sets of four, chosen by a SipHash of the
// prefix under a random key so nobody can aim many prefixes at one set. A prefix not in its set
// takes a slot whose bucket has refilled (it holds nothing worth remembering), else the one
// with the most tokens left, so the prefixes being limited are the last ones to lose their state.
//
// Not thread-safe, by design: it is called from the single UDP io thread, so there is no mutex;
// each check() is O(1) and allocates nothing. Queries with a valid server cookie must not be
// passed to it (the caller skips them).
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "qdyn/ip_address.hpp"

namespace qdyn::server {

struct RateLimitOptions {
    bool enabled = true;
    std::uint32_t responsesPerSecond = 20;  // sustained answers per prefix; at least 1
    std::uint32_t burst = 40;               // answers a quiet prefix may get at once; at least 1
    std::uint8_t ipv4PrefixLength = 24;     // 0..32
    std::uint8_t ipv6PrefixLength = 56;     // 0..128
    // Every slip-th limited answer is sent truncated: 1 truncates all, 0 drops all (BIND's "slip").
    std::uint32_t slip = 2;
    std::size_t tableSize = 65536;  // slots; rounded up to a power of two, at least 4
};

enum class RateDecision : std::uint8_t {
    Allow,  // answer normally
    Slip,   // send a minimal reply with TC=1 (and the question), nothing else
    Drop,   // send nothing
};

class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;
    using HashKey = std::array<std::uint8_t, 16>;

    // The hash key comes from RAND_bytes (a fixed one would let an attacker precompute sets).
    explicit RateLimiter(const RateLimitOptions& options);
    // With a given key: for tests that need to know which prefixes share a set.
    RateLimiter(const RateLimitOptions& options, const HashKey& key);

    RateDecision check(const IpAddress& source, Clock::time_point now) noexcept;

    [[nodiscard]] std::size_t slotCount() const noexcept { return m_slots.size(); }
    // The set a source falls into (for tests of the table's behaviour when full).
    [[nodiscard]] std::size_t setOf(const IpAddress& source) const noexcept;

private:
    struct Prefix {
        std::uint64_t high = 0;
        std::uint64_t low = 0;
        std::uint8_t family = 0;  // 0: slot unused, 4 or 6
        friend bool operator==(const Prefix&, const Prefix&) = default;
    };
    struct Slot {
        Prefix prefix;
        std::uint32_t limited = 0;  // limited answers so far, for the slip ratio
        // The bucket as GCRA: the theoretical arrival time of the next answer, in ns. An empty
        // bucket is far ahead of now; at or before now the bucket is full.
        std::int64_t tat = 0;
    };

    [[nodiscard]] Prefix prefixOf(const IpAddress& source) const noexcept;
    [[nodiscard]] std::size_t setOf(const Prefix& prefix) const noexcept;
    Slot& slotFor(const Prefix& prefix, std::int64_t now) noexcept;

    RateLimitOptions m_options;
    std::array<std::uint64_t, 2> m_key{};
    std::int64_t m_interval = 0;   // ns between answers at the sustained rate
    std::int64_t m_tolerance = 0;  // how far ahead of now tat may run: (burst - 1) intervals
    std::vector<Slot> m_slots;
};

namespace detail {
// SipHash-2-4 (64-bit output) with the key as two little-endian words, as in the reference
// implementation. Allocation-free; exposed for its test vectors.
std::uint64_t sipHash24(const std::array<std::uint64_t, 2>& key, std::span<const std::uint8_t> data) noexcept;
}  // namespace detail

}  // namespace qdyn::server
