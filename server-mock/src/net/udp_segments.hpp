// Grouping one round of UDP answers for segmentation offload (Linux's UDP_SEGMENT, 4.18 and
// later): one sendmsg then carries several datagrams to one peer, all of one size but the last,
// which may be smaller. The kernel builds, routes and hands on the group as one packet and cuts
// it into the datagrams at the end (on loopback: at the receiving socket). Over UDP nearly all
// of a DNS server's time is that per-datagram path, so a resolver's burst of queries costs much
// less to answer. Each datagram still arrives on its own, with its own bytes; only the order of
// the answers to one peer within a round changes (UDP never promised it).
//
// The plan is portable arithmetic over sizes and peer addresses; sending it is the listener's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace qdyn::server {

// One answer of the round: where it goes (the socket address's bytes) and its length.
struct OutgoingDatagram {
    std::span<const std::uint8_t> peer;
    std::size_t size = 0;
};

// `count` datagrams, order[first] .. order[first + count - 1]: all to one peer, all of
// `segmentSize` octets but the last, which is no larger.
struct SegmentGroup {
    std::size_t first = 0;
    std::size_t count = 0;
    std::size_t segmentSize = 0;
};

// What one group may hold: the kernel's own cap on segments (UDP_MAX_SEGMENTS, 64 since 4.18)
// and on a packet (64 KiB, with room to spare for the headers).
inline constexpr std::size_t kMaxSegmentsPerGroup = 64;
inline constexpr std::size_t kMaxGroupBytes = 60000;

// Fills `order` (at least datagrams.size() entries) with the datagrams' indexes so that each
// group's datagrams are consecutive, and `groups` (as many) with the groups; returns how many
// groups. Per peer the answers go largest first: a run of one size, then one smaller answer
// to close the group. Without `segment`, every datagram is its own group, in the order given.
std::size_t planSegmentGroups(std::span<const OutgoingDatagram> datagrams, std::span<std::size_t> order,
                              std::span<SegmentGroup> groups, bool segment = true);

}  // namespace qdyn::server
