// An HttpReply as bytes on the wire: the status line, the server's fixed headers, the reply's
// own, the connection header and Content-Length, then the body. Written by hand into a buffer
// the session keeps, instead of through a Beast response and serializer: one append per part,
// and no allocation once the buffer has grown to a reply's size.
#pragma once

#include <string>

#include "qdyn_server/http_message.hpp"

namespace qdyn::server {

// Replaces `out` with the reply. `version` is the request's (10 or 11); `keepAlive` whether the
// connection stays open after it (HTTP/1.1 says "close" when not, HTTP/1.0 says "keep-alive"
// when it does); `head` leaves the body out but keeps its Content-Length (RFC 9110 9.3.2).
// The reply's headers must not repeat the ones written here (Server, Content-Type,
// Cache-Control, Connection, Content-Length).
void writeReply(std::string& out, const HttpReply& reply, unsigned version, bool keepAlive, bool head);

}  // namespace qdyn::server
