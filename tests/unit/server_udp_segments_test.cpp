// planSegmentGroups: which answers of a round travel together in one segmented message. A group
// is one peer's answers, all of one size but the last (no larger); caps on segments and bytes
// hold; every answer is in exactly one group.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "net/udp_segments.hpp"

namespace {
namespace server_udp_segments_test {

using qdyn::server::kMaxGroupBytes;
using qdyn::server::kMaxSegmentsPerGroup;
using qdyn::server::OutgoingDatagram;
using qdyn::server::planSegmentGroups;
using qdyn::server::SegmentGroup;

const std::vector<std::uint8_t> kPeerA = {2, 0, 0x13, 0x88, 127, 0, 0, 1};
const std::vector<std::uint8_t> kPeerB = {2, 0, 0x13, 0x89, 127, 0, 0, 1};

struct Plan {
    std::vector<std::size_t> order;
    std::vector<SegmentGroup> groups;
    // Each group as "peer:size,size,..." (peer A or B), in plan order.
    std::vector<std::string> described;
};

Plan plan(const std::vector<OutgoingDatagram>& datagrams, bool segment = true) {
    Plan out;
    out.order.resize(datagrams.size());
    out.groups.resize(datagrams.size());
    out.groups.resize(planSegmentGroups(datagrams, out.order, out.groups, segment));
    for (const auto& group : out.groups) {
        const auto& first = datagrams[out.order[group.first]];
        std::string text = first.peer.data() == kPeerA.data() ? "A:" : "B:";
        for (std::size_t k = group.first; k < group.first + group.count; ++k) {
            text += (k > group.first ? "," : "") + std::to_string(datagrams[out.order[k]].size);
        }
        out.described.push_back(text);
    }
    return out;
}

OutgoingDatagram to(const std::vector<std::uint8_t>& peer, std::size_t size) { return {peer, size}; }

// The invariants every plan keeps, whatever the input.
void expectValid(const std::vector<OutgoingDatagram>& datagrams, const Plan& made) {
    std::vector<std::size_t> seen(made.order.begin(), made.order.end());
    std::sort(seen.begin(), seen.end());
    for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i) << "an answer missing or twice";
    std::size_t next = 0;
    for (const auto& group : made.groups) {
        EXPECT_EQ(group.first, next) << "groups tile the order";
        next = group.first + group.count;
        ASSERT_GE(group.count, 1U);
        EXPECT_LE(group.count, kMaxSegmentsPerGroup);
        std::size_t bytes = 0;
        const auto& head = datagrams[made.order[group.first]];
        EXPECT_EQ(group.segmentSize, head.size);
        for (std::size_t k = group.first; k < group.first + group.count; ++k) {
            const auto& one = datagrams[made.order[k]];
            bytes += one.size;
            EXPECT_TRUE(std::equal(one.peer.begin(), one.peer.end(), head.peer.begin(), head.peer.end()));
            if (k + 1 < group.first + group.count) {
                EXPECT_EQ(one.size, group.segmentSize);
            } else if (group.count > 1) {
                EXPECT_LE(one.size, group.segmentSize);
                EXPECT_GT(one.size, 0U);
            }
        }
        if (group.count > 1) {
            EXPECT_LE(bytes, kMaxGroupBytes);
        }
    }
    EXPECT_EQ(next, datagrams.size());
}

TEST(UdpSegments, EachPeersAnswersGoLargestFirstARunThenOneSmaller) {
    const std::vector<OutgoingDatagram> round = {to(kPeerA, 60), to(kPeerB, 72), to(kPeerA, 72), to(kPeerA, 60),
                                                 to(kPeerB, 72), to(kPeerA, 90), to(kPeerA, 60), to(kPeerB, 51)};
    const auto made = plan(round);
    expectValid(round, made);
    EXPECT_EQ(made.described, (std::vector<std::string>{"A:90,72", "A:60,60,60", "B:72,72,51"}));
}

TEST(UdpSegments, EqualAnswersKeepTheirArrivalOrder) {
    const std::vector<OutgoingDatagram> round = {to(kPeerA, 60), to(kPeerA, 60), to(kPeerA, 60)};
    const auto made = plan(round);
    EXPECT_EQ(made.order, (std::vector<std::size_t>{0, 1, 2}));
    ASSERT_EQ(made.groups.size(), 1U);
    EXPECT_EQ(made.groups[0].count, 3U);
    EXPECT_EQ(made.groups[0].segmentSize, 60U);
}

TEST(UdpSegments, AGroupHoldsAtMostTheKernelsSegments) {
    const std::vector<OutgoingDatagram> round(kMaxSegmentsPerGroup + 1, to(kPeerA, 40));
    const auto made = plan(round);
    expectValid(round, made);
    ASSERT_EQ(made.groups.size(), 2U);
    EXPECT_EQ(made.groups[0].count, kMaxSegmentsPerGroup);
    EXPECT_EQ(made.groups[1].count, 1U);
}

TEST(UdpSegments, AGroupHoldsAtMostOnePacketsBytes) {
    // 1232-octet answers (the EDNS limit): 48 fit in a group, and a smaller one does not join.
    std::vector<OutgoingDatagram> round(50, to(kPeerA, 1232));
    round.push_back(to(kPeerA, 700));
    const auto made = plan(round);
    expectValid(round, made);
    ASSERT_EQ(made.groups.size(), 2U);
    EXPECT_EQ(made.groups[0].count, kMaxGroupBytes / 1232);
    EXPECT_EQ(made.groups[1].count, 3U);  // the other two and the smaller one
}

TEST(UdpSegments, EmptyAnswersNeverShareAGroup) {
    const std::vector<OutgoingDatagram> round = {to(kPeerA, 0), to(kPeerA, 0), to(kPeerA, 30), to(kPeerA, 30)};
    const auto made = plan(round);
    expectValid(round, made);
    EXPECT_EQ(made.described, (std::vector<std::string>{"A:30,30", "A:0", "A:0"}));
}

TEST(UdpSegments, WithoutSegmentationEveryAnswerGoesAloneInArrivalOrder) {
    const std::vector<OutgoingDatagram> round = {to(kPeerB, 60), to(kPeerA, 60), to(kPeerA, 60)};
    const auto made = plan(round, false);
    expectValid(round, made);
    EXPECT_EQ(made.described, (std::vector<std::string>{"B:60", "A:60", "A:60"}));
}

TEST(UdpSegments, AnyMixOfPeersAndSizesMakesAValidPlan) {
    std::uint32_t seed = 12345;
    auto next = [&seed] { return seed = seed * 1103515245U + 12345U, seed >> 16; };
    for (int round = 0; round < 500; ++round) {
        std::vector<OutgoingDatagram> datagrams(next() % 65);
        for (auto& one : datagrams) one = to(next() % 2 ? kPeerA : kPeerB, next() % 4 == 0 ? 1232 : 40 + next() % 6);
        expectValid(datagrams, plan(datagrams));
    }
}

}  // namespace server_udp_segments_test
}  // namespace
