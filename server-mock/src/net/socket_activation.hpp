// systemd socket activation (sd_listen_fds(3)) without libsystemd: the service manager binds
// the sockets (port 53 and 80 without root) and hands them over from fd 3 on, announced by
// LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES. Each socket's FileDescriptorName= says which front
// end it feeds:
//
//   dns (UDP and TCP), dns-udp, dns-tcp, http, https, qdns, qdns-tls, miniupdate, gnudip, myip,
//   stun, natpmp
//
// A front end that receives sockets serves on those alone; the others bind what [listen] says.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "qdyn/result.hpp"
#include "qdyn_server/config.hpp"

namespace qdyn::server {

struct ActivatedSocket {
    std::string kind;  // "dns-udp", "http", ...: the [listen] key with '-' for '_'
    ListenAddress where;
};

// A front end that can take handed-over sockets: the name its sockets carry, their kind, and
// the [listen] list they replace. Nothing for a name no front end has.
struct ActivatableFrontEnd {
    std::string_view kind;
    bool datagram;
    std::vector<ListenAddress> Config::*list;
};
const ActivatableFrontEnd* activatableFrontEnd(std::string_view kind);

// The sockets handed to this process, each checked (stream sockets listening, datagram sockets
// for the UDP front ends) and marked close-on-exec; the three variables are removed so that a
// child never takes them for its own. None when the variables are absent or meant for another
// process. An unknown name or a socket of the wrong type is an error naming it. POSIX only
// (socket_activation_posix.cpp); Windows has no such hand-over, so none are ever taken there.
Result<std::vector<ActivatedSocket>> takeActivatedSockets();

// Puts the sockets in place of [listen]'s entries for their front ends (on start and on every
// reload, so a reload sees the same listeners).
void applyActivatedSockets(const std::vector<ActivatedSocket>& sockets, Config& config);

}  // namespace qdyn::server
