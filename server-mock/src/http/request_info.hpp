// Lifts the fields the APIs read out of a parsed Beast request: used by the listener and by the
// request fuzz target, so what is fuzzed is what the server runs.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "qdyn_server/http_message.hpp"

namespace qdyn::server {

inline HttpRequestInfo requestInfoFrom(const boost::beast::http::request<boost::beast::http::string_body>& request,
                                       const IpAddress& peer, std::uint16_t peerPort, bool secure) {
    namespace http = boost::beast::http;
    HttpRequestInfo info;
    info.method = std::string(request.method_string());
    info.target = std::string(request.target());
    info.authorization = std::string(request[http::field::authorization]);
    info.userAgent = std::string(request[http::field::user_agent]);
    info.contentType = std::string(request[http::field::content_type]);
    info.soapAction = std::string(request["SOAPAction"]);
    info.body = request.body();
    info.peer = peer;
    info.peerPort = peerPort;
    info.secure = secure;
    return info;
}

}  // namespace qdyn::server
