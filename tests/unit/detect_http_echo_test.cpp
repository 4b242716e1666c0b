// The HTTP echo source: the three body formats read strictly, qdyn-server's /ip, /ip.json and
// /checkip on loopback, the bad replies of the issue (an HTML error page, two addresses, the
// wrong family, a 30 MB body, an error status, a server that never answers), and the fallback
// to the next service with a per-service backoff.

#include <chrono>
#include <gtest/gtest.h>
#include <string>

#include "echo_server_fixture.hpp"
#include "loopback_http_peer.hpp"
#include "loopback_socket.hpp"
#include "qdyn/detect/http_echo_source.hpp"

namespace qdyn::test {
namespace {
namespace detect_http_echo_test {

using namespace std::chrono_literals;
using detect::EchoFormat;

TEST(EchoBody, PlainJsonAndCheckipGiveTheAddress) {
    EXPECT_EQ(detect::parseEchoBody("192.0.2.1", EchoFormat::PlainText).value(), ip("192.0.2.1"));
    EXPECT_EQ(detect::parseEchoBody(" \t2001:db8::1\r\n", EchoFormat::PlainText).value(), ip("2001:db8::1"));
    EXPECT_EQ(detect::parseEchoBody("{\"ip\":\"198.51.100.3\"}\n", EchoFormat::Json).value(), ip("198.51.100.3"));
    EXPECT_EQ(detect::parseEchoBody("{ \"ip\" : \"2001:db8::2\" }", EchoFormat::Json).value(), ip("2001:db8::2"));
    EXPECT_EQ(detect::parseEchoBody("<html><head><title>Current IP Check</title></head><body>Current IP Address: "
                                    "203.0.113.7</body></html>\r\n",
                                    EchoFormat::CheckipHtml)
                  .value(),
              ip("203.0.113.7"));
}

TEST(EchoBody, AnythingButOneAddressIsAnError) {
    const std::pair<std::string_view, EchoFormat> bad[] = {
        {"", EchoFormat::PlainText},
        {"192.0.2.1 192.0.2.2", EchoFormat::PlainText},
        {"192.0.2.1\n192.0.2.2\n", EchoFormat::PlainText},
        {"<html><body>503 Service Unavailable</body></html>", EchoFormat::PlainText},
        {"ip=192.0.2.1", EchoFormat::PlainText},
        {"192.0.2.1/24", EchoFormat::PlainText},
        {"{\"ip\":\"192.0.2.1\",\"country\":\"XX\"}", EchoFormat::Json},
        {"{\"ip\":\"192.0.2.1 \"}", EchoFormat::Json},
        {"{\"address\":\"192.0.2.1\"}", EchoFormat::Json},
        {"[\"192.0.2.1\"]", EchoFormat::Json},
        {"{\"ip\":\"192.0.2.1\"", EchoFormat::Json},
        {"192.0.2.1", EchoFormat::Json},
        {"<html><body>Current IP Address: 192.0.2.1, 192.0.2.2</body></html>", EchoFormat::CheckipHtml},
        {"<html><body>Your IP: 192.0.2.1</body></html>", EchoFormat::CheckipHtml},
        {"<body>Current IP Address: 192.0.2.1</body><body>Current IP Address: 192.0.2.2</body>",
         EchoFormat::CheckipHtml},
        {"<html><body>Current IP Address: 192.0.2.1", EchoFormat::CheckipHtml},
        {"192.0.2.1", EchoFormat::CheckipHtml},
    };
    for (const auto& [body, format] : bad)
        EXPECT_FALSE(detect::parseEchoBody(body, format)) << body;
}

LoopbackHttpPeer::Reply reply(int status, std::string body) {
    LoopbackHttpPeer::Reply out;
    out.status = status;
    out.body = std::move(body);
    return out;
}

detect::HttpEchoOptions optionsFor(std::vector<detect::HttpEchoService> services) {
    detect::HttpEchoOptions options;
    options.services = std::move(services);
    options.timeout = 2000ms;
    return options;
}

using HttpEchoAgainstServer = EchoServerTest;

TEST_F(HttpEchoAgainstServer, QdynServerEchoesInEveryFormat) {
    const std::string base = "http://127.0.0.1:" + std::to_string(port("http"));
    const detect::HttpEchoService services[] = {
        {base + "/ip", EchoFormat::PlainText}, {base + "/ip?format=json", EchoFormat::Json},
        {base + "/ip.json", EchoFormat::Json}, {base + "/checkip", EchoFormat::CheckipHtml},
        {base + "/", EchoFormat::CheckipHtml},
    };
    for (const auto& service : services) {
        detect::HttpEchoSource source(optionsFor({service}));
        const auto found = source.detect(AddressFamily::V4);
        ASSERT_TRUE(found) << service.url << ": " << found.message();
        ASSERT_EQ(found->size(), 1U);
        EXPECT_EQ(found->front().address, ip("127.0.0.1")) << service.url;
    }
}

TEST_F(HttpEchoAgainstServer, TheFamilyIsPinnedOnTheConnection) {
    // The listener is IPv4 only: pinned to IPv6, the request cannot reach it.
    detect::HttpEchoSource source(optionsFor({{"http://localhost:" + std::to_string(port("http")) + "/ip"}}));
    EXPECT_FALSE(source.detect(AddressFamily::V6));
    EXPECT_TRUE(source.detect(AddressFamily::V4));
}

// One scripted service that always answers `reply`.
Result<std::vector<detect::Candidate>> askPeer(const LoopbackHttpPeer::Reply& reply, EchoFormat format,
                                               AddressFamily family = AddressFamily::V4) {
    LoopbackHttpPeer peer([&](const LoopbackHttpPeer::Request&) { return reply; });
    detect::HttpEchoSource source(optionsFor({{peer.baseUrl() + "/ip", format}}));
    return source.detect(family);
}

TEST(HttpEchoSource, BadRepliesAreErrors) {
    EXPECT_FALSE(askPeer(reply(200, "<html><body><h1>502 Bad Gateway</h1></body></html>"), EchoFormat::PlainText));
    EXPECT_FALSE(askPeer(reply(200, "192.0.2.1\n192.0.2.2\n"), EchoFormat::PlainText));
    EXPECT_FALSE(askPeer(reply(503, "192.0.2.1\n"), EchoFormat::PlainText));
    EXPECT_FALSE(askPeer(reply(404, "{\"ip\":\"192.0.2.1\"}"), EchoFormat::Json));
    const auto wrongFamily = askPeer(reply(200, "2001:db8::1\n"), EchoFormat::PlainText);
    ASSERT_FALSE(wrongFamily);
    EXPECT_NE(wrongFamily.message().find("asked over IPv4"), std::string::npos) << wrongFamily.message();
    EXPECT_TRUE(askPeer(reply(200, "192.0.2.1\n"), EchoFormat::PlainText));  // the scripted peer itself works
}

TEST(HttpEchoSource, AThirtyMegabyteBodyIsCutOffAtTheCap) {
    const auto started = std::chrono::steady_clock::now();
    const auto found = askPeer(reply(200, std::string(30U * 1024U * 1024U, '1')), EchoFormat::PlainText);
    ASSERT_FALSE(found);
    EXPECT_NE(found.message().find("4096"), std::string::npos) << found.message();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST(HttpEchoSource, AServerThatNeverAnswersTimesOut) {
    SilentListener listener;
    ASSERT_NE(listener.port(), 0);
    auto options = optionsFor({{"http://127.0.0.1:" + std::to_string(listener.port()) + "/ip"}});
    options.timeout = 500ms;
    detect::HttpEchoSource source(options);
    const auto started = std::chrono::steady_clock::now();
    EXPECT_FALSE(source.detect(AddressFamily::V4));
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

TEST(HttpEchoSource, FallsBackToTheNextServiceAndBacksOffTheFailedOne) {
    LoopbackHttpPeer broken([](const LoopbackHttpPeer::Request&) { return reply(500, "oops"); });
    LoopbackHttpPeer good([](const LoopbackHttpPeer::Request&) { return reply(200, "192.0.2.10\n"); });
    auto now = std::chrono::steady_clock::time_point{} + 1h;
    auto options = optionsFor({{broken.baseUrl() + "/ip"}, {good.baseUrl() + "/ip"}});
    options.now = [&now] { return now; };
    detect::HttpEchoSource source(options);

    const auto first = source.detect(AddressFamily::V4);
    ASSERT_TRUE(first) << first.message();
    EXPECT_EQ(first->front().address, ip("192.0.2.10"));
    EXPECT_EQ(broken.requests().size(), 1U);

    now += 30s;  // inside the first backoff (60 s): the broken service is skipped
    ASSERT_TRUE(source.detect(AddressFamily::V4));
    EXPECT_EQ(broken.requests().size(), 1U);

    now += 31s;  // over: asked again, fails again, now backs off for 120 s
    ASSERT_TRUE(source.detect(AddressFamily::V4));
    EXPECT_EQ(broken.requests().size(), 2U);
    now += 90s;
    ASSERT_TRUE(source.detect(AddressFamily::V4));
    EXPECT_EQ(broken.requests().size(), 2U);
    EXPECT_EQ(good.requests().size(), 4U);
}

TEST(HttpEchoSource, ServicesOfTheOtherFamilyAreNotAsked) {
    LoopbackHttpPeer peer([](const LoopbackHttpPeer::Request&) { return reply(200, "192.0.2.1"); });
    detect::HttpEchoSource source(optionsFor({{peer.baseUrl() + "/ip", EchoFormat::PlainText, true, false}}));
    const auto found = source.detect(AddressFamily::V6);
    ASSERT_FALSE(found);
    EXPECT_NE(found.message().find("no service"), std::string::npos) << found.message();
    EXPECT_TRUE(peer.requests().empty());
}

TEST(HttpEchoDefaults, EveryFamilyHasServicesAndAllAreHttps) {
    int v4 = 0;
    int v6 = 0;
    for (const auto& service : detect::defaultHttpEchoServices()) {
        v4 += service.ipv4 ? 1 : 0;
        v6 += service.ipv6 ? 1 : 0;
        // checkip.dyndns.org serves plain HTTP only; every other one is asked over TLS.
        if (service.format != EchoFormat::CheckipHtml) {
            EXPECT_TRUE(service.url.starts_with("https://")) << service.url;
        }
    }
    EXPECT_GE(v4, 3);
    EXPECT_GE(v6, 3);
}

}  // namespace detect_http_echo_test
}  // namespace
}  // namespace qdyn::test
