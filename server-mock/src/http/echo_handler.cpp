// Echo replies: each is the peer address in one format; nothing is read from the request but
// its connection (and, for /ip, the ipify-style format switch).
#include "http/echo_handler.hpp"

#include "qdyn_server/http_fields.hpp"

namespace qdyn::server::echo {

namespace {

HttpReply withBody(std::string contentType, std::string body) {
    HttpReply reply;
    reply.contentType = std::move(contentType);
    reply.body = std::move(body);
    reply.logSummary = "echo";
    return reply;
}

}  // namespace

HttpReply plainAddress(const HttpRequestInfo& request) {
    const auto params = parseQuery(splitTarget(request.target).second);
    if (const auto format = findParam(params, "format"); format && *format == "json") return jsonAddress(request);
    return withBody("text/plain; charset=utf-8", request.peer.toString() + "\n");
}

HttpReply jsonAddress(const HttpRequestInfo& request) {
    // An address has no character JSON would need escaped.
    return withBody("application/json", "{\"ip\":\"" + request.peer.toString() + "\"}\n");
}

HttpReply checkipPage(const HttpRequestInfo& request) {
    return withBody("text/html; charset=utf-8",
                    "<html><head><title>Current IP Check</title></head><body>Current IP Address: " +
                        request.peer.toString() + "</body></html>\n");
}

HttpReply port(const HttpRequestInfo& request) {
    return withBody("text/plain; charset=utf-8", std::to_string(request.peerPort) + "\n");
}

HttpReply socket(const HttpRequestInfo& request) {
    const std::string address = request.peer.isV6() ? "[" + request.peer.toString() + "]" : request.peer.toString();
    return withBody("text/plain; charset=utf-8", address + ":" + std::to_string(request.peerPort) + "\n");
}

}  // namespace qdyn::server::echo
