// The answer cache (answer_cache.hpp).
#include "dns/answer_cache.hpp"

#include <algorithm>

#include "dns/reply_basics.hpp"

namespace qdyn::server {

namespace {

constexpr std::size_t kHeader = 12;
constexpr std::size_t kMaxCachedQuery = 300;  // a plain query is far smaller; bigger ones are odd
constexpr std::uint8_t kLabelMax = 63;
constexpr std::size_t kNameMax = 255;

std::uint16_t u16(std::span<const std::uint8_t> bytes, std::size_t at) noexcept {
    return static_cast<std::uint16_t>((bytes[at] << 8U) | bytes[at + 1]);
}

std::string_view keyOf(std::span<const std::uint8_t> query) noexcept {
    // Everything after the ID.
    return {reinterpret_cast<const char*>(query.data()) + 2, query.size() - 2};
}

std::size_t index(DnsTransport transport) noexcept { return transport == DnsTransport::Udp ? 0 : 1; }

}  // namespace

bool AnswerCache::cacheable(std::span<const std::uint8_t> query) noexcept {
    if (query.size() < kHeader + 5 || query.size() > kMaxCachedQuery) return false;
    // QR = 0, opcode QUERY; one question; no answers or authority; at most one additional.
    if ((query[2] & 0xF8U) != 0) return false;
    if (u16(query, 4) != 1 || u16(query, 6) != 0 || u16(query, 8) != 0) return false;
    const std::uint16_t additional = u16(query, 10);
    if (additional > 1) return false;
    std::size_t at = kHeader;
    std::size_t nameLength = 1;
    while (at < query.size() && query[at] != 0) {
        const std::uint8_t label = query[at];
        if (label > kLabelMax) return false;  // a compression pointer or a reserved label type
        nameLength += label + 1U;
        if (nameLength > kNameMax) return false;
        at += label + 1U;
    }
    at += 1 + 4;  // the root label, type and class
    if (at > query.size()) return false;
    if (additional == 0) return at == query.size();
    // One OPT owned by the root with no options (RDLENGTH 0), ending the message.
    return query.size() - at == wire::kEmptyOptSize && query[at] == 0 && u16(query, at + 1) == dns::rrtype::OPT &&
           u16(query, at + 9) == 0;
}

void AnswerCache::reset(std::shared_ptr<const ZoneSnapshot> zone, std::shared_ptr<const void> generation) {
    for (auto& table : m_tables) table.clear();
    m_zone = std::move(zone);
    m_generation = std::move(generation);
}

std::vector<std::uint8_t> AnswerCache::lookup(std::span<const std::uint8_t> query, DnsTransport transport) {
    const auto found = m_tables[index(transport)].find(keyOf(query));
    if (!found) return {};
    ++m_hits;
    std::vector<std::uint8_t> answer(found->begin(), found->end());
    if (answer.size() >= 2) {  // always (remember() keeps whole messages); said for the optimizer
        answer[0] = query[0];
        answer[1] = query[1];
    }
    return answer;
}

void AnswerCache::remember(std::span<const std::uint8_t> query, std::span<const std::uint8_t> answer,
                           DnsTransport transport) {
    if (answer.size() < kHeader) return;  // a dropped query: nothing to repeat
    // Full: the table starts over. The hot names come back within moments; no bookkeeping per hit.
    m_tables[index(transport)].insert(keyOf(query), answer);
}

}  // namespace qdyn::server
