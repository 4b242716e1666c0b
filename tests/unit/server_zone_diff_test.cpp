// diffServed: what one name's change means for IXFR (RFC 1995) — single records of a changed
// RRset, whole RRsets on a TTL change, addresses hidden by going offline, names created and
// removed.
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "qdyn_server/zone.hpp"
#include "test_values.hpp"

namespace {
namespace server_zone_diff_test {

using namespace qdyn::server;
namespace dns = qdyn::dns;
using qdyn::test::ip;
using qdyn::test::name;
using Records = std::vector<dns::ResourceRecord>;

Node withA(std::initializer_list<const char*> addresses, std::uint32_t ttl = 60) {
    RRset rrset{dns::rrtype::A, ttl, true, {}};
    for (const char* address : addresses)
        rrset.rdatas.push_back(addressRData(ip(address)));
    Node node;
    node.rrsets.push_back(rrset);
    node.rrsets.push_back(RRset{dns::rrtype::TXT, 60, false, {dns::TxtData{{"static"}}}});
    return node;
}

dns::ResourceRecord a(const char* address, std::uint32_t ttl = 60) {
    return {name("h.dyn.example.test"), dns::rrtype::A, dns::rrclass::Internet, ttl, addressRData(ip(address))};
}

struct Diff {
    Records removed;
    Records added;
};

Diff diff(const Node* before, const Node* after) {
    Diff out;
    diffServed(name("h.dyn.example.test"), before, after, out.removed, out.added);
    return out;
}

TEST(ZoneDiffTest, AChangedRRsetLosesAndGainsSingleRecords) {
    const Node before = withA({"192.0.2.1", "192.0.2.2", "192.0.2.3"});
    const Node after = withA({"192.0.2.2", "192.0.2.3", "192.0.2.4"});
    const auto changes = diff(&before, &after);
    EXPECT_EQ(changes.removed, Records{a("192.0.2.1")});
    EXPECT_EQ(changes.added, Records{a("192.0.2.4")});
    EXPECT_TRUE(diff(&before, &before).removed.empty());
    EXPECT_TRUE(diff(&before, &before).added.empty());
}

// Small address RRsets are compared in place, large ones and other types through their wire
// forms: both ways give the same single-record difference.
TEST(ZoneDiffTest, LargeAddressRRsetsAndTextRRsetsDiffRecordByRecord) {
    Node before;
    Node after;
    RRset oldA{dns::rrtype::A, 60, true, {}};
    RRset newA{dns::rrtype::A, 60, true, {}};
    for (int i = 1; i <= 10; ++i) oldA.rdatas.push_back(addressRData(ip(("192.0.2." + std::to_string(i)).c_str())));
    for (int i = 2; i <= 11; ++i) newA.rdatas.push_back(addressRData(ip(("192.0.2." + std::to_string(i)).c_str())));
    before.rrsets.push_back(oldA);
    after.rrsets.push_back(newA);
    before.rrsets.push_back(RRset{dns::rrtype::TXT, 60, false, {dns::TxtData{{"one"}}, dns::TxtData{{"two"}}}});
    after.rrsets.push_back(RRset{dns::rrtype::TXT, 60, false, {dns::TxtData{{"two"}}, dns::TxtData{{"three"}}}});
    const auto changes = diff(&before, &after);
    const dns::ResourceRecord oneTxt{name("h.dyn.example.test"), dns::rrtype::TXT, dns::rrclass::Internet, 60, dns::TxtData{{"one"}}};
    const dns::ResourceRecord threeTxt{name("h.dyn.example.test"), dns::rrtype::TXT, dns::rrclass::Internet, 60,
                                       dns::TxtData{{"three"}}};
    EXPECT_EQ(changes.removed, (Records{a("192.0.2.1"), oneTxt}));
    EXPECT_EQ(changes.added, (Records{a("192.0.2.11"), threeTxt}));
}

TEST(ZoneDiffTest, ANewTtlReplacesTheWholeRRset) {
    const Node before = withA({"192.0.2.1"}, 60);
    const Node after = withA({"192.0.2.1"}, 30);
    const auto changes = diff(&before, &after);
    EXPECT_EQ(changes.removed, Records{a("192.0.2.1", 60)});
    EXPECT_EQ(changes.added, Records{a("192.0.2.1", 30)});
}

TEST(ZoneDiffTest, GoingOfflineRemovesTheDynamicAddressesOnly) {
    const Node before = withA({"192.0.2.1"});
    Node after = before;
    after.offline = true;
    const auto changes = diff(&before, &after);
    EXPECT_EQ(changes.removed, Records{a("192.0.2.1")});
    EXPECT_TRUE(changes.added.empty()) << "the static TXT stays";
}

TEST(ZoneDiffTest, ANewOrVanishedNameAddsOrRemovesAllItsRecords) {
    const Node node = withA({"192.0.2.1"});
    EXPECT_EQ(diff(nullptr, &node).added.size(), 2U);
    EXPECT_EQ(diff(&node, nullptr).removed.size(), 2U);
    EXPECT_TRUE(diff(nullptr, nullptr).added.empty());
}

}  // namespace server_zone_diff_test
}  // namespace
