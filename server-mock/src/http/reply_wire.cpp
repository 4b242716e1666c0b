// The reply's wire form (reply_wire.hpp).
#include "http/reply_wire.hpp"

#include <charconv>
#include <string_view>

#include <boost/beast/http/status.hpp>

#include "qdyn/version.hpp"

namespace qdyn::server {

namespace {

void appendNumber(std::string& out, unsigned long long value) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out.append(digits, end);
}

void appendHeader(std::string& out, std::string_view name, std::string_view value) {
    out.append(name);
    out.append(": ");
    out.append(value);
    out.append("\r\n");
}

}  // namespace

void writeReply(std::string& out, const HttpReply& reply, unsigned version, bool keepAlive, bool head) {
    namespace http = boost::beast::http;
    out.clear();
    out.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    appendNumber(out, reply.status);
    out.push_back(' ');
    // Beast's table of reason phrases; "<unknown-status>" for a code it does not know.
    const auto reason = http::obsolete_reason(http::int_to_status(reply.status));
    out.append(reason.data(), reason.size());
    out.append("\r\n");
    static const std::string server = std::string("qdyn-server/") + kVersion;
    appendHeader(out, "Server", server);
    appendHeader(out, "Content-Type", reply.contentType);
    appendHeader(out, "Cache-Control", "no-store");
    for (const auto& [name, value] : reply.headers) appendHeader(out, name, value);
    // HTTP/1.1 connections persist unless one side says "close"; HTTP/1.0 ones close unless
    // both say "keep-alive" (RFC 9112 9.3).
    if (version == 10 && keepAlive) appendHeader(out, "Connection", "keep-alive");
    if (version != 10 && !keepAlive) appendHeader(out, "Connection", "close");
    out.append("Content-Length: ");
    appendNumber(out, reply.body.size());
    out.append("\r\n\r\n");
    if (!head) out.append(reply.body);
}

}  // namespace qdyn::server
