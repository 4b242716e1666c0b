// verify_updates: after the update benchmark's kill -9 and restart, checks over DNS that every
// acknowledged update is served (tests/bench/updates.sh).
//
//   verify_updates DNS_PORT ACKED_FILE ZONE
//
// ACKED_FILE has one line per host, "INDEX ROUND": the last round the server acknowledged for
// host h<INDEX>.ZONE. The benchmark's updates set host i in round r to the IPv6 address
// 2001:db8:(0x1000 + i / 65535):(i % 65535 + 1):1:1:1:r, so the AAAA served must be that round or a later one (an
// update sent but not acknowledged before the kill may have become durable too). Prints the
// number of hosts checked and lost; exits 1 when any is lost or unreadable.
#include <cstdint>
#include <fstream>
#include <iostream>
#include <string>

#include "qdyn/dns/name.hpp"
#include "qdyn/dns/transport.hpp"
#include "qdyn/ip_address.hpp"

namespace {

// The round encoded in a benchmark address of host `index`, or -1 when it is not one.
long roundOf(const qdyn::IpAddress& address, std::uint32_t index) {
    if (!address.isV6()) return -1;
    const auto& b = address.v6Bytes();
    const auto word = [&](std::size_t i) { return static_cast<std::uint32_t>(b[2 * i] << 8U | b[2 * i + 1]); };
    if (word(0) != 0x2001 || word(1) != 0x0db8 || word(4) != 1 || word(5) != 1 || word(6) != 1) return -1;
    if (word(2) != 0x1000 + index / 65535 || word(3) != index % 65535 + 1) return -1;
    return static_cast<long>(word(7));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: verify_updates DNS_PORT ACKED_FILE ZONE\n";
        return 2;
    }
    const auto port = static_cast<std::uint16_t>(std::stoul(argv[1]));
    const qdyn::dns::ServerAddress server{*qdyn::IpAddress::parse("127.0.0.1"), port};
    std::ifstream acked(argv[2]);
    if (!acked) {
        std::cerr << "verify_updates: cannot read " << argv[2] << '\n';
        return 2;
    }
    std::uint64_t checked = 0;
    std::uint64_t lost = 0;
    std::uint32_t index = 0;
    long round = 0;
    while (acked >> index >> round) {
        ++checked;
        const auto name = qdyn::dns::Name::parse("h" + std::to_string(index) + "." + argv[3]);
        auto served = name ? qdyn::dns::queryAddresses(server, *name, qdyn::dns::rrtype::AAAA)
                           : qdyn::Result<std::vector<qdyn::IpAddress>>(qdyn::makeError("bad name"));
        long seen = -1;
        if (served) {
            for (const auto& address : *served) seen = std::max(seen, roundOf(address, index));
        }
        if (seen < round) {
            if (lost < 10) {
                std::cerr << "lost: h" << index << " acknowledged round " << round << ", served "
                          << (served ? std::to_string(seen) : served.message()) << '\n';
            }
            ++lost;
        }
    }
    std::cout << "checked=" << checked << " lost=" << lost << '\n';
    return lost == 0 ? 0 : 1;
}
