// StateStore: round trip, atomic replacement, and corrupt files treated as empty.
#include <gtest/gtest.h>

#include <fstream>

#include "qdyn/agent/state_store.hpp"
#include "temp_dir.hpp"

namespace qdyn::agent {
namespace {

TEST(StateStoreTest, MissingFileIsEmpty) {
    test::TempDir dir;
    const auto store = StateStore::open(dir.path() / "none.state");
    EXPECT_FALSE(store.published("h", AddressFamily::V4));
    EXPECT_TRUE(store.warning().empty());
}

TEST(StateStoreTest, RoundTripsBothFamilies) {
    test::TempDir dir;
    const auto file = dir.path() / "sub" / "home.state";
    const auto when = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
    {
        StateStore store = StateStore::open(file);
        store.recordPublished("home.example.test", *IpAddress::parse("203.0.113.7"), when);
        store.recordPublished("home.example.test", *IpAddress::parse("2001:db8::7"), when);
        ASSERT_TRUE(store.save());
    }
    const auto store = StateStore::open(file);
    const auto v4 = store.published("home.example.test", AddressFamily::V4);
    ASSERT_TRUE(v4);
    EXPECT_EQ(v4->address.toString(), "203.0.113.7");
    EXPECT_EQ(v4->when, when);
    EXPECT_EQ(store.published("home.example.test", AddressFamily::V6)->address.toString(), "2001:db8::7");
    EXPECT_FALSE(std::filesystem::exists(file.string() + ".tmp"));
    EXPECT_EQ(std::filesystem::status(file).permissions() & std::filesystem::perms::others_read,
              std::filesystem::perms::none);
}

TEST(StateStoreTest, CorruptFileIsIgnoredWithAWarning) {
    test::TempDir dir;
    for (const char* content : {"h\tv4\tnot-an-address\t1\n", "h\tv6\t203.0.113.7\t1\n", "h\tv4\t203.0.113.7\n",
                                "h\tv4\t203.0.113.7\t-5\n", "\tv4\t203.0.113.7\t1\n"}) {
        const auto file = dir.write("bad.state", content);
        const auto store = StateStore::open(file);
        EXPECT_FALSE(store.published("h", AddressFamily::V4)) << content;
        EXPECT_NE(store.warning().find("bad.state:1"), std::string::npos) << content;
    }
}

}  // namespace
}  // namespace qdyn::agent
