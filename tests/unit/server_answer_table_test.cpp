// The answer cache's table: what goes in comes out byte for byte, the first value under a key
// stays, a full table (entries or bytes) starts over, clear() empties it at once, and many keys
// sharing few slots are all still told apart.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "dns/answer_table.hpp"

namespace {
namespace server_answer_table_test {

using qdyn::server::AnswerTable;
using Bytes = std::vector<std::uint8_t>;

Bytes bytesOf(const std::string& text) { return Bytes(text.begin(), text.end()); }

Bytes found(const AnswerTable& table, const std::string& key) {
    const auto value = table.find(key);
    return value ? Bytes(value->begin(), value->end()) : Bytes{};
}

TEST(AnswerTableTest, WhatGoesInComesOut) {
    AnswerTable table(8);
    EXPECT_FALSE(table.find("key").has_value());
    table.insert("key", bytesOf("value"));
    table.insert("other key", bytesOf("other value"));
    table.insert("empty", {});
    EXPECT_EQ(found(table, "key"), bytesOf("value"));
    EXPECT_EQ(found(table, "other key"), bytesOf("other value"));
    ASSERT_TRUE(table.find("empty").has_value());
    EXPECT_TRUE(table.find("empty")->empty());
    EXPECT_FALSE(table.find("ke").has_value());
    EXPECT_FALSE(table.find("key2").has_value());
    EXPECT_EQ(table.size(), 3U);
}

TEST(AnswerTableTest, TheFirstValueUnderAKeyStays) {
    AnswerTable table(8);
    table.insert("key", bytesOf("first"));
    table.insert("key", bytesOf("second"));
    EXPECT_EQ(found(table, "key"), bytesOf("first"));
    EXPECT_EQ(table.size(), 1U);
}

TEST(AnswerTableTest, StartsOverWhenItHoldsItsMostEntries) {
    AnswerTable table(2);
    table.insert("a", bytesOf("1"));
    table.insert("b", bytesOf("2"));
    table.insert("c", bytesOf("3"));
    EXPECT_EQ(table.size(), 1U);
    EXPECT_FALSE(table.find("a").has_value());
    EXPECT_FALSE(table.find("b").has_value());
    EXPECT_EQ(found(table, "c"), bytesOf("3"));
}

TEST(AnswerTableTest, StartsOverWhenItHoldsItsMostBytes) {
    AnswerTable table(100, 16);
    table.insert("key1", bytesOf("12345"));  // 9 octets
    table.insert("key2", bytesOf("12345"));  // 18 in all: over 16, so the table starts over
    EXPECT_EQ(table.size(), 1U);
    EXPECT_FALSE(table.find("key1").has_value());
    EXPECT_EQ(found(table, "key2"), bytesOf("12345"));
    table.insert("a key far too long", bytesOf("for the arena"));  // never fits: not taken
    EXPECT_FALSE(table.find("a key far too long").has_value());
    EXPECT_EQ(found(table, "key2"), bytesOf("12345"));
}

TEST(AnswerTableTest, ClearEmptiesItAndItFillsAgain) {
    AnswerTable table(4);
    for (int round = 0; round < 3; ++round) {
        table.insert("a", bytesOf("1"));
        table.insert("b", bytesOf("2"));
        EXPECT_EQ(found(table, "a"), bytesOf("1"));
        table.clear();
        EXPECT_EQ(table.size(), 0U);
        EXPECT_FALSE(table.find("a").has_value());
        EXPECT_FALSE(table.find("b").has_value());
        table.insert("b", bytesOf("new"));
        EXPECT_EQ(found(table, "b"), bytesOf("new"));
        EXPECT_FALSE(table.find("a").has_value());
        table.clear();
    }
}

TEST(AnswerTableTest, ManyKeysAreAllToldApart) {
    // 1000 entries in 2048 slots: long probe runs, entries left over from earlier epochs in the
    // way; every key must still find its own value and no other.
    AnswerTable table(1000);
    for (int epoch = 0; epoch < 3; ++epoch) {
        for (int i = 0; i < 1000; ++i) {
            table.insert("host" + std::to_string(i) + "." + std::to_string(epoch), bytesOf("value " + std::to_string(i * 7 + epoch)));
        }
        EXPECT_EQ(table.size(), 1000U);
        for (int i = 0; i < 1000; ++i) {
            ASSERT_EQ(found(table, "host" + std::to_string(i) + "." + std::to_string(epoch)),
                      bytesOf("value " + std::to_string(i * 7 + epoch)))
                << i;
            ASSERT_FALSE(table.find("host" + std::to_string(i) + "." + std::to_string(epoch + 1)).has_value());
            if (epoch > 0) {  // what the previous epoch left in the slots is gone
                ASSERT_FALSE(table.find("host" + std::to_string(i) + "." + std::to_string(epoch - 1)).has_value());
            }
        }
        table.clear();
    }
}

}  // namespace server_answer_table_test
}  // namespace
