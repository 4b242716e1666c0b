// Per-prefix token buckets in a fixed, keyed, four-way set-associative table. The bucket is kept
// as GCRA (one timestamp per slot): the same limits as a token bucket without fractional tokens.
#include "qdyn_server/rate_limiter.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <bit>
#include <limits>

namespace qdyn::server {

namespace {

constexpr std::size_t kWays = 4;
constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

std::uint64_t loadLittleEndian(const std::uint8_t* bytes, std::size_t count) noexcept {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < count; ++i)
        value |= static_cast<std::uint64_t>(bytes[i]) << (8U * i);
    return value;
}

std::array<std::uint64_t, 2> keyWords(const RateLimiter::HashKey& key) noexcept {
    return {loadLittleEndian(key.data(), 8), loadLittleEndian(key.data() + 8, 8)};
}

RateLimiter::HashKey randomKey() noexcept {
    RateLimiter::HashKey key{};
    // Should the generator fail, the key stays fixed: limiting still works, only the set
    // placement becomes predictable. Not worth refusing to start a DNS server over.
    static_cast<void>(RAND_bytes(key.data(), static_cast<int>(key.size())));
    return key;
}

// The top `bits` bits of a 64-bit word kept, the rest cleared (0 and 64 included).
std::uint64_t keepTopBits(std::uint64_t word, unsigned bits) noexcept {
    if (bits == 0) return 0;
    if (bits >= 64) return word;
    return word & ~(std::numeric_limits<std::uint64_t>::max() >> bits);
}

std::uint64_t loadBigEndian(std::span<const std::uint8_t> bytes) noexcept {
    std::uint64_t value = 0;
    for (const auto byte : bytes)
        value = (value << 8U) | byte;
    return value;
}

}  // namespace

namespace detail {

std::uint64_t sipHash24(const std::array<std::uint64_t, 2>& key, std::span<const std::uint8_t> data) noexcept {
    std::uint64_t v0 = key[0] ^ 0x736f6d6570736575ULL;
    std::uint64_t v1 = key[1] ^ 0x646f72616e646f6dULL;
    std::uint64_t v2 = key[0] ^ 0x6c7967656e657261ULL;
    std::uint64_t v3 = key[1] ^ 0x7465646279746573ULL;
    auto round = [&] {
        v0 += v1;
        v1 = std::rotl(v1, 13);
        v1 ^= v0;
        v0 = std::rotl(v0, 32);
        v2 += v3;
        v3 = std::rotl(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = std::rotl(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = std::rotl(v1, 17);
        v1 ^= v2;
        v2 = std::rotl(v2, 32);
    };
    auto absorb = [&](std::uint64_t word) {
        v3 ^= word;
        round();
        round();
        v0 ^= word;
    };
    const std::size_t whole = data.size() - data.size() % 8;
    for (std::size_t i = 0; i < whole; i += 8)
        absorb(loadLittleEndian(data.data() + i, 8));
    // The last word carries the remaining bytes and the length modulo 256 in its top byte.
    absorb(loadLittleEndian(data.data() + whole, data.size() - whole) |
           (static_cast<std::uint64_t>(data.size()) << 56U));
    v2 ^= 0xff;
    for (int i = 0; i < 4; ++i)
        round();
    return v0 ^ v1 ^ v2 ^ v3;
}

}  // namespace detail

RateLimiter::RateLimiter(const RateLimitOptions& options) : RateLimiter(options, randomKey()) {}

RateLimiter::RateLimiter(const RateLimitOptions& options, const HashKey& key)
    : m_options(options), m_key(keyWords(key)) {
    // Nonsense settings are clamped rather than refused: the config parser reports them.
    const std::int64_t rate = std::max<std::uint32_t>(m_options.responsesPerSecond, 1);
    const std::int64_t burst = std::max<std::uint32_t>(m_options.burst, 1);
    m_options.ipv4PrefixLength = std::min<std::uint8_t>(m_options.ipv4PrefixLength, 32);
    m_options.ipv6PrefixLength = std::min<std::uint8_t>(m_options.ipv6PrefixLength, 128);
    m_interval = std::max<std::int64_t>(kNanosPerSecond / rate, 1);
    m_tolerance = (burst - 1) * m_interval;
    // One allocation, here: check() never allocates.
    if (m_options.enabled) m_slots.resize(std::bit_ceil(std::max(m_options.tableSize, kWays)));
}

RateLimiter::Prefix RateLimiter::prefixOf(const IpAddress& source) const noexcept {
    const auto bytes = source.bytes();
    Prefix prefix;
    if (source.isV4()) {
        prefix.family = 4;
        prefix.high = keepTopBits(loadBigEndian(bytes) << 32U, m_options.ipv4PrefixLength);
    } else {
        prefix.family = 6;
        const unsigned bits = m_options.ipv6PrefixLength;
        prefix.high = keepTopBits(loadBigEndian(bytes.first(8)), std::min(bits, 64U));
        prefix.low = keepTopBits(loadBigEndian(bytes.subspan(8)), bits > 64 ? bits - 64 : 0);
    }
    return prefix;
}

std::size_t RateLimiter::setOf(const Prefix& prefix) const noexcept {
    std::array<std::uint8_t, 17> input{};
    input[0] = prefix.family;
    for (std::size_t i = 0; i < 8; ++i) {
        input[1 + i] = static_cast<std::uint8_t>(prefix.high >> (56U - 8U * i));
        input[9 + i] = static_cast<std::uint8_t>(prefix.low >> (56U - 8U * i));
    }
    const std::size_t sets = m_slots.size() / kWays;
    return static_cast<std::size_t>(detail::sipHash24(m_key, input)) & (sets - 1);
}

std::size_t RateLimiter::setOf(const IpAddress& source) const noexcept {
    return m_slots.empty() ? 0 : setOf(prefixOf(source));
}

RateLimiter::Slot& RateLimiter::slotFor(const Prefix& prefix, std::int64_t now) noexcept {
    Slot* set = m_slots.data() + setOf(prefix) * kWays;
    for (std::size_t i = 0; i < kWays; ++i) {
        if (set[i].prefix == prefix) return set[i];
    }
    // A full bucket (tat at or before now) remembers nothing a fresh slot would not; failing
    // that, evict the fullest bucket, the prefix least likely to be over its limit.
    Slot* victim = set;
    for (std::size_t i = 0; i < kWays; ++i) {
        if (set[i].prefix.family == 0 || set[i].tat <= now) {
            victim = &set[i];
            break;
        }
        if (set[i].tat < victim->tat) victim = &set[i];
    }
    *victim = Slot{prefix, 0, now};
    return *victim;
}

RateDecision RateLimiter::check(const IpAddress& source, Clock::time_point now) noexcept {
    if (!m_options.enabled) return RateDecision::Allow;
    const std::int64_t nowNs = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
    Slot& slot = slotFor(prefixOf(source), nowNs);
    const std::int64_t tat = std::max(slot.tat, nowNs);
    if (tat - nowNs <= m_tolerance) {
        slot.tat = tat + m_interval;
        return RateDecision::Allow;
    }
    // The first limited answer slips, so a real client over its limit learns to use TCP at once.
    const std::uint32_t index = slot.limited++;
    if (m_options.slip != 0 && index % m_options.slip == 0) return RateDecision::Slip;
    return RateDecision::Drop;
}

}  // namespace qdyn::server
