// The address echo services clients use to find their public address (PROTOCOLS.md "Where
// the public address comes from"): the connecting address as plain text (/ip, as dynonym and
// icanhazip answer), JSON (/ip.json or /ip?format=json, as ipify answers), a checkip.dyndns
// style HTML page (/ and /checkip), and dynonym's /port and /socket.
#pragma once

#include "qdyn_server/http_message.hpp"

namespace qdyn::server::echo {

HttpReply plainAddress(const HttpRequestInfo& request);  // /ip
HttpReply jsonAddress(const HttpRequestInfo& request);   // /ip.json
HttpReply checkipPage(const HttpRequestInfo& request);   // / and /checkip
HttpReply port(const HttpRequestInfo& request);          // /port
HttpReply socket(const HttpRequestInfo& request);        // /socket: "a:p" or "[v6]:p"

}  // namespace qdyn::server::echo
