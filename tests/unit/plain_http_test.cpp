// HttpClient's plain http:// path (core/src/net/plain_http.cpp), which sends without libcurl:
// which requests it takes, the request exactly as it leaves, and its failures. The protocol
// tests (dyndns2, nanodnsd, echo services...) run over it too.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include "closed_port.hpp"
#include "loopback_http_peer.hpp"
#include "loopback_socket.hpp"
#include "net/plain_http.hpp"
#include "qdyn/net/http_client.hpp"
#include "scoped_environment.hpp"

namespace qdyn::test {
namespace {
namespace plain_http_test {

using namespace std::chrono_literals;

net::HttpRequest requestFor(std::string url) {
    net::HttpRequest request;
    request.url = std::move(url);
    request.timeout = 3s;
    request.connectTimeout = 2s;
    return request;
}

TEST(PlainHttp, TakesPlainUrlsAndLeavesTheRestToLibcurl) {
    for (const char* url : {"http://127.0.0.1:8080/nic/update?hostname=a", "HTTP://example.test", "http://[::1]/ip",
                            "http://example.test?x=1", "http://example.test/a#fragment"}) {
        EXPECT_TRUE(net::plainHttpTakes(requestFor(url))) << url;
    }
    for (const char* url : {"https://example.test/", "http://user:pw@example.test/", "http://exa mple.test/",
                            "http://example.test/a b", "http://example.test:0/", "http://example.test:65536/",
                            "http://[::1/", "http://[192.0.2.1]/", "ftp://example.test/", "http://"}) {
        EXPECT_FALSE(net::plainHttpTakes(requestFor(url))) << url;
    }
    const ScopedEnvironment proxy("http_proxy", "http://192.0.2.1:3128");
    EXPECT_FALSE(net::plainHttpTakes(requestFor("http://example.test/")));
}

TEST(PlainHttp, SendsTheRequestAsLibcurlWould) {
    LoopbackHttpPeer peer([](const LoopbackHttpPeer::Request&) {
        return LoopbackHttpPeer::Reply{200, "good 192.0.2.1\n", {{"X-Answer", "  padded  "}, {"Retry-After", "60"}}};
    });
    auto request = requestFor(peer.baseUrl() + "/nic/update?hostname=home.example.test&myip=192.0.2.1#ignored");
    request.userAgent = "qdyn/test";
    request.username = "alice";
    const Secret password("s3cret:with colon");
    request.password = &password;
    request.headers = {{"X-Extra", "one two"}};
    net::HttpClient client;
    const auto response = client.get(request);
    ASSERT_TRUE(response) << response.message();
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "good 192.0.2.1\n");
    EXPECT_EQ(response->header("x-answer").value_or(""), "padded");
    EXPECT_EQ(response->header("RETRY-AFTER").value_or(""), "60");
    ASSERT_TRUE(response->peerAddress);
    EXPECT_EQ(response->peerAddress->toString(), "127.0.0.1");

    const auto requests = peer.requests();
    ASSERT_EQ(requests.size(), 1U);
    EXPECT_EQ(requests[0].method, "GET");
    EXPECT_EQ(requests[0].target, "/nic/update?hostname=home.example.test&myip=192.0.2.1");
    EXPECT_EQ(requests[0].header("host").value_or(""), peer.baseUrl().substr(7));
    EXPECT_EQ(requests[0].header("user-agent").value_or(""), "qdyn/test");
    EXPECT_EQ(requests[0].header("accept").value_or(""), "*/*");
    EXPECT_EQ(requests[0].header("x-extra").value_or(""), "one two");
    // base64("alice:s3cret:with colon")
    EXPECT_EQ(requests[0].header("authorization").value_or(""), "Basic YWxpY2U6czNjcmV0OndpdGggY29sb24=");
}

TEST(PlainHttp, AnyStatusIsAResponseNotAnError) {
    LoopbackHttpPeer peer([](const LoopbackHttpPeer::Request&) { return LoopbackHttpPeer::Reply{401, "badauth\n", {}}; });
    net::HttpClient client;
    const auto response = client.get(requestFor(peer.baseUrl() + "/nic/update"));
    ASSERT_TRUE(response) << response.message();
    EXPECT_EQ(response->status, 401);
    EXPECT_EQ(response->body, "badauth\n");
}

TEST(PlainHttp, ABodyOverTheCapIsAnError) {
    LoopbackHttpPeer peer([](const LoopbackHttpPeer::Request&) {
        return LoopbackHttpPeer::Reply{200, std::string(100000, 'x'), {}};
    });
    auto request = requestFor(peer.baseUrl() + "/");
    request.maxBodyBytes = 1000;
    net::HttpClient client;
    const auto response = client.get(request);
    ASSERT_FALSE(response);
    EXPECT_NE(response.message().find("larger than 1000 bytes"), std::string::npos) << response.message();
}

TEST(PlainHttp, RefusesToSendALineBreakInAHeader) {
    LoopbackHttpPeer peer([](const LoopbackHttpPeer::Request&) { return LoopbackHttpPeer::Reply{200, "ok", {}}; });
    auto request = requestFor(peer.baseUrl() + "/");
    request.headers = {{"X-Evil", "a\r\nX-Injected: yes"}};
    net::HttpClient client;
    const auto response = client.get(request);
    ASSERT_FALSE(response);
    EXPECT_NE(response.message().find("X-Evil"), std::string::npos) << response.message();
    EXPECT_TRUE(peer.requests().empty());
}

TEST(PlainHttp, ConnectionFailuresNameTheServerAndHideTheQuery) {
    const ClosedPort closed;
    net::HttpClient client;
    const auto response = client.get(requestFor("http://127.0.0.1:" + std::to_string(closed.port()) + "/u?password=secret"));
    ASSERT_FALSE(response);
    EXPECT_NE(response.message().find("cannot connect to 127.0.0.1:" + std::to_string(closed.port())), std::string::npos)
        << response.message();
    EXPECT_EQ(response.message().find("secret"), std::string::npos) << response.message();
}

TEST(PlainHttp, ThePinnedFamilyIsKept) {
    auto request = requestFor("http://127.0.0.1:9/");
    request.family = AddressFamily::V6;
    net::HttpClient client;
    const auto response = client.get(request);
    ASSERT_FALSE(response);
    EXPECT_NE(response.message().find("has no IPv6 address"), std::string::npos) << response.message();
}

TEST(PlainHttp, AServerThatSendsNothingTimesOut) {
    SilentListener listener;
    ASSERT_NE(listener.port(), 0);
    auto request = requestFor("http://127.0.0.1:" + std::to_string(listener.port()) + "/");
    request.timeout = 300ms;
    net::HttpClient client;
    const auto started = std::chrono::steady_clock::now();
    const auto response = client.get(request);
    const auto took = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(response);
    EXPECT_NE(response.message().find("timed out after 300 ms"), std::string::npos) << response.message();
    EXPECT_LT(took, 2s);
}

// The reply reader fed in pieces of every size gives the same reply.
TEST(PlainHttpReader, AnySplitOfTheBytesReadsTheSameReply) {
    const std::string reply = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n"
                              "X-Thing:  value \r\n\r\n5\r\ngood \r\n9\r\n192.0.2.1\r\n0\r\n\r\n";
    for (std::size_t piece = 1; piece <= reply.size(); ++piece) {
        net::ResponseReader reader(4096);
        std::optional<net::ResponseReader::State> state;
        for (std::size_t at = 0; at < reply.size(); at += piece) {
            const auto fed = reader.feed(std::string_view(reply).substr(at, piece));
            ASSERT_TRUE(fed) << fed.message() << " (pieces of " << piece << ")";
            state = *fed;
        }
        ASSERT_EQ(state, net::ResponseReader::State::Done) << "pieces of " << piece;
        const auto response = reader.take();
        EXPECT_EQ(response.status, 200);
        EXPECT_EQ(response.body, "good 192.0.2.1");
        EXPECT_EQ(response.header("x-thing").value_or(""), "value");
    }
}

TEST(PlainHttpReader, ABodyOverTheCapIsRefusedHoweverItArrives) {
    const std::string header = "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n";
    // Header and the start of the body in one piece: the case Beast's async_read let through.
    net::ResponseReader together(1000);
    const auto fed = together.feed(header + std::string(3000, 'x'));
    EXPECT_FALSE(fed);
    EXPECT_TRUE(together.tooLarge());
    // A body without a length, read until the connection closes.
    net::ResponseReader open(1000);
    ASSERT_TRUE(open.feed("HTTP/1.1 200 OK\r\n\r\n"));
    const auto more = open.feed(std::string(3000, 'x'));
    EXPECT_FALSE(more);
    EXPECT_TRUE(open.tooLarge());
}

TEST(PlainHttpReader, ABodyThatEndsWithTheConnection) {
    net::ResponseReader reader(4096);
    ASSERT_EQ(reader.feed("HTTP/1.0 200 OK\r\n\r\n192.0.2.7\n").value(), net::ResponseReader::State::NeedMore);
    ASSERT_TRUE(reader.finish());
    EXPECT_EQ(reader.take().body, "192.0.2.7\n");
}

TEST(PlainHttpReader, ACutOffOrMalformedReplyIsAnError) {
    net::ResponseReader cut(4096);
    ASSERT_TRUE(cut.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"));
    EXPECT_FALSE(cut.finish());
    net::ResponseReader headless(4096);
    ASSERT_TRUE(headless.feed("HTTP/1.1 200 OK\r\nContent-"));
    EXPECT_FALSE(headless.finish());
    net::ResponseReader garbage(4096);
    EXPECT_FALSE(garbage.feed("SMTP ready\r\n\r\n"));
    EXPECT_FALSE(garbage.tooLarge());
    net::ResponseReader status(4096);  // three digits, but no HTTP status (found by the fuzz target)
    EXPECT_FALSE(status.feed("HTTP/1.0 002 OK\r\n\r\n192.0.2.7\n"));
}

TEST(PlainHttpReader, InterimRepliesAreSkipped) {
    net::ResponseReader reader(4096);
    ASSERT_EQ(reader.feed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                  .value(),
              net::ResponseReader::State::Done);
    const auto response = reader.take();
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "ok");
}

}  // namespace plain_http_test
}  // namespace
}  // namespace qdyn::test
