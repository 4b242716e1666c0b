// AnswerTable (answer_table.hpp): linear probing, at most half the slots in use.
#include "dns/answer_table.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <functional>
#include <limits>

namespace qdyn::server {

namespace {

std::size_t hashOf(std::string_view key) noexcept { return std::hash<std::string_view>{}(key); }

std::uint32_t checkOf(std::size_t hash) noexcept {
    return static_cast<std::uint32_t>(hash >> (std::numeric_limits<std::size_t>::digits - 32));
}

}  // namespace

AnswerTable::AnswerTable(std::size_t maxEntries, std::size_t maxArenaBytes)
    : m_maxEntries(std::max<std::size_t>(maxEntries, 1)),
      m_maxArenaBytes(std::min<std::size_t>(maxArenaBytes, std::numeric_limits<std::uint32_t>::max())) {}

std::size_t AnswerTable::probe(std::string_view key, std::size_t hash) const noexcept {
    const std::size_t mask = m_slots.size() - 1;
    const std::uint32_t check = checkOf(hash);
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
        const Slot& slot = m_slots[i];
        if (slot.epoch != m_epoch) return i;  // empty: the key is not here
        if (slot.check == check && slot.keyLength == key.size() &&
            std::memcmp(m_arena.data() + slot.offset, key.data(), key.size()) == 0) {
            return i;
        }
    }
}

std::optional<std::span<const std::uint8_t>> AnswerTable::find(std::string_view key) const noexcept {
    if (m_size == 0) return std::nullopt;  // also before the first insert, when there are no slots
    const Slot& slot = m_slots[probe(key, hashOf(key))];
    if (slot.epoch != m_epoch) return std::nullopt;
    return std::span<const std::uint8_t>(m_arena.data() + slot.offset + slot.keyLength, slot.valueLength);
}

void AnswerTable::insert(std::string_view key, std::span<const std::uint8_t> value) {
    if (key.size() > kMaxKeyBytes || value.size() > kMaxValueBytes) return;
    const std::size_t bytes = key.size() + value.size();
    if (bytes > m_maxArenaBytes) return;
    if (m_slots.empty()) m_slots.resize(std::bit_ceil(m_maxEntries * 2));
    if (m_size >= m_maxEntries || m_arena.size() + bytes > m_maxArenaBytes) clear();
    const std::size_t hash = hashOf(key);
    Slot& slot = m_slots[probe(key, hash)];
    if (slot.epoch == m_epoch) return;  // already there
    slot.epoch = m_epoch;
    slot.check = checkOf(hash);
    slot.offset = static_cast<std::uint32_t>(m_arena.size());
    slot.keyLength = static_cast<std::uint16_t>(key.size());
    slot.valueLength = static_cast<std::uint16_t>(value.size());
    const auto* keyBytes = reinterpret_cast<const std::uint8_t*>(key.data());
    m_arena.insert(m_arena.end(), keyBytes, keyBytes + key.size());
    m_arena.insert(m_arena.end(), value.begin(), value.end());
    ++m_size;
}

void AnswerTable::clear() noexcept {
    m_arena.clear();  // keeps its capacity: the next entries are written where these were
    m_size = 0;
    if (++m_epoch == 0) {  // after 2^32 clears: no slot may look current by accident
        std::fill(m_slots.begin(), m_slots.end(), Slot{});
        m_epoch = 1;
    }
}

}  // namespace qdyn::server
