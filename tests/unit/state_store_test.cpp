// StateStore: round trip, atomic replacement, and corrupt files treated as empty.
#include <gtest/gtest.h>

#include <fstream>

#include "qdyn/agent/state_store.hpp"
#include "temp_dir.hpp"

namespace qdyn::agent {
namespace {
namespace state_store_test {

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
#ifndef _WIN32
    // Windows has no mode bits: its permissions() derive from the read-only attribute alone.
    EXPECT_EQ(std::filesystem::status(file).permissions() & std::filesystem::perms::others_read,
              std::filesystem::perms::none);
#endif
}

TEST(StateStoreTest, CorruptFileIsIgnoredWithAWarning) {
    test::TempDir dir;
    for (const char* content : {"h\tv4\tnot-an-address\t1\n", "h\tv6\t203.0.113.7\t1\n", "h\tv4\t203.0.113.7\n",
                                "h\tv4\t203.0.113.7\t-5\n", "\tv4\t203.0.113.7\t1\n"}) {
        const auto file = dir.write("bad.state", content);
        const auto store = StateStore::open(file);
        EXPECT_FALSE(store.published("h", AddressFamily::V4)) << content;
        EXPECT_NE(store.warning().find("bad.state: line 1"), std::string::npos) << store.warning();
    }
}

TEST(StateStoreTest, KeepsOutcomesBackoffAndStopsAcrossASave) {
    test::TempDir dir;
    const auto file = dir.path() / "home.state";
    const TimePoint when(std::chrono::seconds(1'800'000'000));
    {
        StateStore store = StateStore::open(file);
        HostState& host = store.host("home.example.test");
        host.lastOutcome = OutcomeClass::RetryLater;
        host.lastCode = "911";
        host.lastDetail = "server trouble \"quoted\"\n";
        host.lastAttempt = when;
        host.failures = 3;
        host.retryAt = when + std::chrono::minutes(30);
        host.unchangedReplies = 2;
        host.stop = Stop{OutcomeClass::HostRejected, "nohost", "not yours", when, "0123456789abcdef"};
        store.profileStop = Stop{OutcomeClass::Abuse, "abuse", "blocked", when, "fedcba9876543210"};
        ASSERT_TRUE(store.save());
    }
    const auto store = StateStore::open(file);
    ASSERT_TRUE(store.warning().empty()) << store.warning();
    const HostState* host = store.find("home.example.test");
    ASSERT_NE(host, nullptr);
    EXPECT_EQ(host->lastOutcome, OutcomeClass::RetryLater);
    EXPECT_EQ(host->lastCode, "911");
    EXPECT_EQ(host->lastDetail, "server trouble \"quoted\"\n");
    EXPECT_EQ(host->failures, 3U);
    EXPECT_EQ(host->retryAt, when + std::chrono::minutes(30));
    EXPECT_EQ(host->unchangedReplies, 2U);
    ASSERT_TRUE(host->stop);
    EXPECT_EQ(host->stop->outcome, OutcomeClass::HostRejected);
    EXPECT_EQ(host->stop->fingerprint, "0123456789abcdef");
    ASSERT_TRUE(store.profileStop);
    EXPECT_EQ(store.profileStop->outcome, OutcomeClass::Abuse);
    EXPECT_EQ(store.profileStop->since, when);

    StateStore cleared = store;
    cleared.clearStopsAndBackoff();
    EXPECT_FALSE(cleared.profileStop);
    EXPECT_FALSE(cleared.find("home.example.test")->stop);
    EXPECT_EQ(cleared.find("home.example.test")->retryAt, TimePoint{});
}

TEST(StateStoreTest, AFileOverOneMebibyteIsIgnoredWithAWarning) {
    test::TempDir dir;
    std::string big = "home.example.test\tv4\t203.0.113.7\t1700000000\n";
    while (big.size() <= 1024 * 1024) big += "# padding padding padding padding padding padding padding padding\n";
    const auto store = StateStore::open(dir.write("big.state", big));
    EXPECT_NE(store.warning().find("larger than 1 MiB"), std::string::npos) << store.warning();
    EXPECT_FALSE(store.published("home.example.test", AddressFamily::V4));
    std::string fits = "home.example.test\tv4\t203.0.113.7\t1700000000\n";
    while (fits.size() < 900 * 1024) fits += "# padding padding padding padding padding padding padding padding\n";
    const auto kept = StateStore::open(dir.write("fits.state", fits));
    EXPECT_TRUE(kept.warning().empty()) << kept.warning();
    EXPECT_TRUE(kept.published("home.example.test", AddressFamily::V4)) << "read across many chunks";
}

TEST(StateStoreTest, ReadsTheTabSeparatedFormatOfEarlierVersions) {
    const auto store = StateStore::parse("# old\nhome.example.test\tv4\t203.0.113.7\t1700000000\n", "old.state");
    ASSERT_TRUE(store.warning().empty()) << store.warning();
    EXPECT_EQ(store.published("home.example.test", AddressFamily::V4)->address.toString(), "203.0.113.7");
}

TEST(StateStoreTest, AJsonStateWithWrongTypesIsIgnoredWithAWarning) {
    for (const char* content : {
             R"({"qdyn_state": 2, "hosts": {}})",
             R"({"qdyn_state": 1, "hosts": []})",
             R"({"qdyn_state": 1, "hosts": {"h": {"v4": {"address": "2001:db8::1", "when": 5}}}})",
             R"({"qdyn_state": 1, "hosts": {"h": {"retry_at": -1}}})",
             R"({"qdyn_state": 1, "hosts": {"h": {"failures": "many"}}})",
             R"({"qdyn_state": 1, "hosts": {}, "stop": {"outcome": "updated", "code": "", "detail": "", "since": 1, "fingerprint": ""}})",
             R"({"qdyn_state": 1, "hosts": {)",
         }) {
        const auto store = StateStore::parse(content, "bad.state");
        EXPECT_FALSE(store.warning().empty()) << content;
        EXPECT_TRUE(store.hosts().empty()) << content;
        EXPECT_FALSE(store.profileStop) << content;
    }
}

}  // namespace state_store_test
}  // namespace
}  // namespace qdyn::agent
