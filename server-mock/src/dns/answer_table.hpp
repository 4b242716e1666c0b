// The answer cache's storage for one transport: byte keys to byte values, open addressing over
// a flat array of slots, each holding part of its key's hash and where the key and the value
// sit, one after the other, in one arena. A hit reads one slot and one stretch of the arena:
// with a million names the cache no longer fits the processor's caches, and a node-based map
// read four places per hit (bucket, node, key, value), each a likely miss.
//
// There is no removal: when the table holds its most entries, or the arena its most bytes, the
// next insert starts over. clear() is O(1) (the slots carry the epoch they were written in), so
// a new zone version, which empties the cache, costs nothing however big the table.
// Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace qdyn::server {

class AnswerTable {
public:
    static constexpr std::size_t kMaxKeyBytes = 0xFFFF;
    static constexpr std::size_t kMaxValueBytes = 0xFFFF;

    // At most `maxEntries` entries and `maxArenaBytes` octets of keys and values.
    explicit AnswerTable(std::size_t maxEntries, std::size_t maxArenaBytes = kDefaultArenaBytes);

    // The value stored under `key`; valid until the next insert() or clear().
    [[nodiscard]] std::optional<std::span<const std::uint8_t>> find(std::string_view key) const noexcept;
    // Stores `value` under `key` unless the key is there already (the first value stays) or
    // either is too big. Starts over first when full.
    void insert(std::string_view key, std::span<const std::uint8_t> value);
    void clear() noexcept;
    [[nodiscard]] std::size_t size() const noexcept { return m_size; }

    static constexpr std::size_t kDefaultArenaBytes = 32U << 20U;

private:
    struct Slot {
        std::uint32_t epoch = 0;  // the slot is in use when it equals m_epoch
        std::uint32_t check = 0;  // the hash's high bits: most mismatches end here
        std::uint32_t offset = 0;  // the key in the arena, the value right after it
        std::uint16_t keyLength = 0;
        std::uint16_t valueLength = 0;
    };
    // The slot of `key`, or the empty slot where it would go.
    [[nodiscard]] std::size_t probe(std::string_view key, std::size_t hash) const noexcept;

    std::size_t m_maxEntries;
    std::size_t m_maxArenaBytes;
    std::vector<Slot> m_slots;  // a power of two, at least twice m_maxEntries; made at first insert
    std::vector<std::uint8_t> m_arena;
    std::uint32_t m_epoch = 1;
    std::size_t m_size = 0;
};

}  // namespace qdyn::server
