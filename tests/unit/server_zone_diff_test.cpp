// diffServed: what one name's change means for IXFR (RFC 1995) — single records of a changed
// RRset, whole RRsets on a TTL change, addresses hidden by going offline, names created and
// removed.
#include <gtest/gtest.h>
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
    return {name("h.dyn.example.test"), dns::rrtype::A, dns::rrclass::IN, ttl, addressRData(ip(address))};
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
