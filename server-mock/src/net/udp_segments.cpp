// planSegmentGroups: sort the round's answers by peer and size, then cut the runs into groups.
#include "net/udp_segments.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace qdyn::server {

namespace {

// Peers in a fixed order: by the length of their address, then its bytes.
int comparePeers(const OutgoingDatagram& a, const OutgoingDatagram& b) {
    if (a.peer.size() != b.peer.size()) return a.peer.size() < b.peer.size() ? -1 : 1;
    return std::memcmp(a.peer.data(), b.peer.data(), a.peer.size());
}

// By peer; each peer's answers largest first, equal ones in arrival order.
bool before(const OutgoingDatagram& a, std::size_t ia, const OutgoingDatagram& b, std::size_t ib) {
    if (const int c = comparePeers(a, b); c != 0) return c < 0;
    if (a.size != b.size) return a.size > b.size;
    return ia < ib;
}

}  // namespace

std::size_t planSegmentGroups(std::span<const OutgoingDatagram> datagrams, std::span<std::size_t> order,
                              std::span<SegmentGroup> groups, bool segment) {
    const std::size_t n = datagrams.size();
    assert(order.size() >= n && groups.size() >= n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    if (!segment) {
        for (std::size_t i = 0; i < n; ++i) groups[i] = {i, 1, datagrams[i].size};
        return n;
    }
    std::sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n), [&](std::size_t a, std::size_t b) {
        return before(datagrams[a], a, datagrams[b], b);
    });
    std::size_t made = 0;
    for (std::size_t i = 0; i < n;) {
        const auto& head = datagrams[order[i]];
        const std::size_t segmentSize = head.size;
        std::size_t end = i + 1;
        std::size_t bytes = segmentSize;
        auto joins = [&](std::size_t at) {
            return at < n && at - i < kMaxSegmentsPerGroup && comparePeers(datagrams[order[at]], head) == 0 &&
                   bytes + datagrams[order[at]].size <= kMaxGroupBytes;
        };
        // The run of the head's size, then one smaller answer to the same peer as the last (an
        // empty datagram has no place in a group: the kernel could not tell it was there).
        if (segmentSize > 0) {
            while (joins(end) && datagrams[order[end]].size == segmentSize) bytes += datagrams[order[end++]].size;
            if (joins(end) && datagrams[order[end]].size > 0) bytes += datagrams[order[end++]].size;
        }
        groups[made++] = {i, end - i, segmentSize};
        i = end;
    }
    return made;
}

}  // namespace qdyn::server
