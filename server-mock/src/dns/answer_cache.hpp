// Encoded answers to recent plain queries, for one zone version and one configuration: a query
// whose octets after the ID match one answered before gets a copy of that answer with its own
// ID, skipping decode, lookup and encode. The answer is a function of exactly those octets,
// the snapshot, the generation and the transport, so a hit is the answer the responder would
// have made (question case included, since the key keeps the case).
//
// Only plain queries are cached: opcode QUERY, one question without compression, no answer or
// authority records, and either no additional record or one OPT with no options (a cookie
// makes every answer different). The rate limit is applied before the cache, by the caller.
// Used on the io thread only: not thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "dns/answer_table.hpp"
#include "qdyn_server/dns_responder.hpp"
#include "qdyn_server/zone.hpp"

namespace qdyn::server {

class AnswerCache {
public:
    static constexpr std::size_t kDefaultEntries = 65536;
    explicit AnswerCache(std::size_t maxEntries = kDefaultEntries) : m_tables{AnswerTable(maxEntries), AnswerTable(maxEntries)} {}

    // True when `query` has the plain shape described above.
    static bool cacheable(std::span<const std::uint8_t> query) noexcept;

    // The cached answer to `query` with the query's ID, or an empty vector. `zone` and
    // `generation` identify what the answer was made from; a different one empties the cache.
    template <typename Generation>
    std::vector<std::uint8_t> find(std::span<const std::uint8_t> query, const std::shared_ptr<const ZoneSnapshot>& zone,
                                   const std::shared_ptr<Generation>& generation, DnsTransport transport) {
        if (zone != m_zone || generation.get() != m_generation.get()) {
            reset(zone, generation);
            return {};
        }
        return lookup(query, transport);
    }
    // Remembers the answer to a cacheable query (made against the zone and generation last
    // passed to find()).
    void remember(std::span<const std::uint8_t> query, std::span<const std::uint8_t> answer, DnsTransport transport);

    [[nodiscard]] std::size_t size() const noexcept { return m_tables[0].size() + m_tables[1].size(); }
    [[nodiscard]] std::uint64_t hits() const noexcept { return m_hits; }

private:
    void reset(std::shared_ptr<const ZoneSnapshot> zone, std::shared_ptr<const void> generation);
    std::vector<std::uint8_t> lookup(std::span<const std::uint8_t> query, DnsTransport transport);

    std::array<AnswerTable, 2> m_tables;  // by transport: the size limits differ
    // Held, not just compared: a freed version's address could be reused by the next one.
    std::shared_ptr<const ZoneSnapshot> m_zone;
    std::shared_ptr<const void> m_generation;
    std::uint64_t m_hits = 0;
};

}  // namespace qdyn::server
