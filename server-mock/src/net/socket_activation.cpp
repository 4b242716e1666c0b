// The front ends handed-over sockets can feed, and putting the sockets in place
// (socket_activation.hpp); taking them over is socket_activation_posix.cpp's.
#include "net/socket_activation.hpp"

#include <algorithm>
#include <array>

namespace qdyn::server {

namespace {

constexpr std::array<ActivatableFrontEnd, 11> kActivatableFrontEnds{{
    {"dns-udp", true, &Config::dnsUdp},
    {"dns-tcp", false, &Config::dnsTcp},
    {"http", false, &Config::http},
    {"https", false, &Config::https},
    {"qdns", false, &Config::qdns},
    {"qdns-tls", false, &Config::qdnsTls},
    {"miniupdate", false, &Config::miniupdate},
    {"gnudip", false, &Config::gnudip},
    {"myip", true, &Config::myip},
    {"stun", true, &Config::stun},
    {"natpmp", true, &Config::natpmp},
}};

}  // namespace

const ActivatableFrontEnd* activatableFrontEnd(std::string_view kind) {
    const auto found = std::find_if(kActivatableFrontEnds.begin(), kActivatableFrontEnds.end(),
                                    [&](const ActivatableFrontEnd& front) { return front.kind == kind; });
    return found == kActivatableFrontEnds.end() ? nullptr : &*found;
}

void applyActivatedSockets(const std::vector<ActivatedSocket>& sockets, Config& config) {
    for (const auto& front : kActivatableFrontEnds) {
        std::vector<ListenAddress> handed;
        for (const auto& socket : sockets) {
            if (socket.kind == front.kind) handed.push_back(socket.where);
        }
        if (!handed.empty()) config.*front.list = std::move(handed);
    }
}

}  // namespace qdyn::server
