// The HTTP reply's wire form: status line, headers, connection handling per HTTP version,
// Content-Length, HEAD without a body.
#include <gtest/gtest.h>

#include <string>

#include "http/reply_wire.hpp"
#include "qdyn/version.hpp"

namespace {
namespace server_http_reply_wire_test {

using qdyn::server::HttpReply;
using qdyn::server::writeReply;

HttpReply sample() {
    HttpReply reply;
    reply.status = 401;
    reply.body = "badauth\n";
    reply.headers.emplace_back("WWW-Authenticate", "Basic realm=\"qdyn\"");
    return reply;
}

const std::string kServer = std::string("Server: qdyn-server/") + qdyn::kVersion + "\r\n";

TEST(HttpReplyWire, Http11KeptAliveHasNoConnectionHeader) {
    std::string out;
    writeReply(out, sample(), 11, true, false);
    EXPECT_EQ(out, "HTTP/1.1 401 Unauthorized\r\n" + kServer +
                       "Content-Type: text/plain; charset=utf-8\r\n"
                       "Cache-Control: no-store\r\n"
                       "WWW-Authenticate: Basic realm=\"qdyn\"\r\n"
                       "Content-Length: 8\r\n"
                       "\r\n"
                       "badauth\n");
}

TEST(HttpReplyWire, Http11ClosingSaysClose) {
    std::string out;
    writeReply(out, sample(), 11, false, false);
    EXPECT_NE(out.find("\r\nConnection: close\r\nContent-Length: 8\r\n\r\nbadauth\n"), std::string::npos) << out;
}

TEST(HttpReplyWire, Http10SaysKeepAliveOnlyWhenItStaysOpen) {
    std::string out;
    writeReply(out, sample(), 10, true, false);
    EXPECT_EQ(out.rfind("HTTP/1.0 401 Unauthorized\r\n", 0), 0U) << out;
    EXPECT_NE(out.find("\r\nConnection: keep-alive\r\n"), std::string::npos) << out;
    writeReply(out, sample(), 10, false, false);
    EXPECT_EQ(out.find("Connection:"), std::string::npos) << out;
}

TEST(HttpReplyWire, HeadKeepsTheLengthAndDropsTheBody) {
    HttpReply reply;
    reply.body = "192.0.2.7\n";
    std::string out;
    writeReply(out, reply, 11, true, true);
    EXPECT_EQ(out.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << out;
    EXPECT_NE(out.find("\r\nContent-Length: 10\r\n\r\n"), std::string::npos) << out;
    EXPECT_EQ(out.substr(out.size() - 4), "\r\n\r\n");
}

TEST(HttpReplyWire, TheBufferIsReplacedAndAnUnknownStatusStillHasAReason) {
    HttpReply reply;
    reply.status = 599;
    reply.contentType = "application/json";
    std::string out = "leftover from the previous reply";
    writeReply(out, reply, 11, true, false);
    EXPECT_EQ(out.rfind("HTTP/1.1 599 ", 0), 0U) << out;
    EXPECT_NE(out.find("\r\nContent-Type: application/json\r\n"), std::string::npos);
    EXPECT_NE(out.find("\r\nContent-Length: 0\r\n\r\n"), std::string::npos);
    EXPECT_EQ(out.find("leftover"), std::string::npos);
}

}  // namespace server_http_reply_wire_test
}  // namespace
