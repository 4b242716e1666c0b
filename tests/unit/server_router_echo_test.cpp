// qdyn-server's router echoes: the NAT-PMP responder's answers (every result code, what is
// dropped, sizes, the epoch), its listener on loopback (rate limited, garbage ignored), the UPnP
// IGD routes (description, SOAP action, faults), and the [listen] natpmp and [http] igd keys.
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "echo/natpmp_server.hpp"
#include "echo_server_fixture.hpp"
#include "generation.hpp"
#include "http/api_routes.hpp"
#include "http/igd_handler.hpp"
#include "line/myip_udp.hpp"
#include "loopback_socket.hpp"
#include "qdyn/detect/natpmp_message.hpp"
#include "qdyn/detect/upnp_source.hpp"
#include "qdyn_server/http_router.hpp"
#include "socket_api.hpp"

namespace qdyn::test {
namespace {
namespace server_router_echo_test {

namespace natpmp = detect::natpmp;
using Bytes = std::vector<std::uint8_t>;
using server::NatpmpListener;

constexpr std::uint32_t kEpoch = 0x01020304;

std::optional<Bytes> answer(const Bytes& request, std::string_view peer = "192.0.2.1") {
    return NatpmpListener::answerFor(request, ip(peer), kEpoch);
}

TEST(NatpmpAnswer, ExternalAddressIsTheQuerierWithEpochAndSuccess) {
    const auto reply = answer({0, 0}, "198.51.100.9");
    ASSERT_TRUE(reply);
    EXPECT_EQ(*reply, (Bytes{0, 128, 0, 0, 1, 2, 3, 4, 198, 51, 100, 9}));
    const auto read = natpmp::parseExternalAddressReply(*reply);  // as the client reads it
    ASSERT_TRUE(read) << read.message();
    EXPECT_EQ(read->address, ip("198.51.100.9"));
    EXPECT_EQ(read->epoch, kEpoch);
}

TEST(NatpmpAnswer, EveryResultCodeTheResponderGives) {
    // Another version: 1, whatever the request's length (a PCP request is version 2, 24+ octets).
    EXPECT_EQ(answer({1, 0}), (Bytes{0, 128, 0, 1, 1, 2, 3, 4}));
    Bytes pcp(24, 0);
    pcp[0] = 2;
    pcp[1] = 1;
    EXPECT_EQ(answer(pcp), (Bytes{0, 129, 0, 1, 1, 2, 3, 4}));
    // Mapping requests and unknown opcodes: 5, it is an echo, not a NAT.
    Bytes mapUdp(12, 0);
    mapUdp[1] = 1;
    EXPECT_EQ(answer(mapUdp), (Bytes{0, 129, 0, 5, 1, 2, 3, 4}));
    Bytes mapTcp = mapUdp;
    mapTcp[1] = 2;
    EXPECT_EQ(answer(mapTcp), (Bytes{0, 130, 0, 5, 1, 2, 3, 4}));
    EXPECT_EQ(answer({0, 3}), (Bytes{0, 131, 0, 5, 1, 2, 3, 4}));
    EXPECT_EQ(answer({0, 127, 9, 9, 9}), (Bytes{0, 255, 0, 5, 1, 2, 3, 4}));
}

TEST(NatpmpAnswer, MalformedRequestsAndResponsesAreDropped) {
    const Bytes dropped[] = {
        {},
        {0},
        {0, 0, 0},  // an external address request is 2 octets
        {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        {0, 1},  // a mapping request is 12
        {0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        {0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        {0, 128, 0, 0, 0, 0, 0, 0, 192, 0, 2, 1},  // a response: never answered
        {0, 129},
        {1, 255},  // a response of another version too
        {'\n'},
    };
    for (const auto& request : dropped)
        EXPECT_FALSE(answer(request)) << request.size() << " octets";
    // Only IPv4 queriers are answered (the listener is IPv4 only anyway).
    EXPECT_FALSE(answer({0, 0}, "2001:db8::1"));
}

TEST(NatpmpAnswer, AnswersAreSmall) {
    for (unsigned opcode = 0; opcode < 256; ++opcode) {
        for (const std::size_t size : {std::size_t{2}, std::size_t{12}, NatpmpListener::kMaxRequest}) {
            Bytes request(size, 0);
            request[1] = static_cast<std::uint8_t>(opcode);
            if (const auto reply = answer(request)) {
                EXPECT_LE(reply->size(), 12U);
                EXPECT_EQ((*reply)[1], opcode | 128U);
            }
        }
    }
}

class NatpmpServer : public ::testing::Test {
protected:
    void SetUp() override {
        auto config = echoServerConfig();
        config.natpmp = {{ip("127.0.0.1"), 0}};  // the server may take any port; libnatpmp may not
        m_server = std::make_unique<server::Server>(config);
        const auto started = m_server->start();
        ASSERT_TRUE(started) << started.message();
        m_to.sin_family = AF_INET;
        m_to.sin_port = htons(m_server->port("natpmp"));
        m_to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    }
    void TearDown() override {
        if (m_server) m_server->stop();
    }
    void send(const Fd& fd, const Bytes& data) {
        sendTo(fd.get(), data.data(), data.size(), reinterpret_cast<const sockaddr*>(&m_to), sizeof m_to);
    }

    std::unique_ptr<server::Server> m_server;
    sockaddr_in m_to{};
};

TEST_F(NatpmpServer, AnswersTheQuerierIgnoresGarbageAndIsRateLimited) {
    const Fd fd(openSocket(AF_INET, SOCK_DGRAM));
    send(fd, {0});
    send(fd, {0, 128, 0, 0, 0, 0, 0, 0, 127, 0, 0, 1});
    send(fd, Bytes(1400, 0));
    ASSERT_FALSE(waitReadable(fd.get(), 300));

    send(fd, {0, 0});
    ASSERT_TRUE(waitReadable(fd.get(), 2000));
    std::uint8_t buffer[64];
    const auto got = receiveBytes(fd.get(), buffer, sizeof buffer);
    ASSERT_EQ(got, 12);
    const auto reply = natpmp::parseExternalAddressReply(std::span<const std::uint8_t>(buffer, 12));
    ASSERT_TRUE(reply) << reply.message();
    EXPECT_EQ(reply->resultCode, 0);
    EXPECT_EQ(reply->address, ip("127.0.0.1"));
    EXPECT_LT(reply->epoch, 60U);  // seconds since the listener opened

    constexpr int kRequests = 40;
    for (int i = 0; i < kRequests; ++i)
        send(fd, {0, 0});
    int answers = 0;
    while (waitReadable(fd.get(), 500)) {
        if (receiveBytes(fd.get(), buffer, sizeof buffer) > 0) ++answers;
    }
    EXPECT_GE(answers, 1);
    EXPECT_LE(answers, static_cast<int>(server::MyipUdp::kBurst + 2 * server::MyipUdp::kAnswersPerSecond));
}

// ---- the UPnP IGD routes ----

server::HttpRouter routerWith(bool igd) {
    server::HttpOptions options;
    options.igd = igd;
    server::HttpRouter router;
    // The IGD and echo routes never call the hooks; the update APIs are not asked here.
    server::addApiRoutes(router, options, server::ApiRouteHooks{});
    return router;
}

server::HttpRequestInfo soap(std::string action, std::string_view peer = "192.0.2.7") {
    server::HttpRequestInfo request;
    request.method = "POST";
    request.target = std::string(server::igd::kControlPath);
    request.contentType = "text/xml; charset=\"utf-8\"";
    request.soapAction = std::move(action);
    request.body =
        "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
        "<s:Body><u:GetExternalIPAddress xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\"/>"
        "</s:Body></s:Envelope>";
    request.peer = ip(peer);
    return request;
}

const std::string kAction = "\"urn:schemas-upnp-org:service:WANIPConnection:1#GetExternalIPAddress\"";

TEST(IgdRoutes, DescriptionsNameTheServiceAndItsControlUrl) {
    const auto router = routerWith(true);
    server::HttpRequestInfo get;
    get.target = "/igd/rootDesc.xml";
    const auto description = router.dispatch(get);
    EXPECT_EQ(description.status, 200U);
    EXPECT_EQ(description.contentType, "text/xml; charset=\"utf-8\"");
    for (const char* part :
         {"urn:schemas-upnp-org:device:InternetGatewayDevice:1", "urn:schemas-upnp-org:device:WANConnectionDevice:1",
          "<serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType>",
          "<controlURL>/igd/control/WANIPConn1</controlURL>", "<SCPDURL>/igd/WANIPConn1.xml</SCPDURL>"}) {
        EXPECT_NE(description.body.find(part), std::string::npos) << part;
    }
    get.target = "/igd/WANIPConn1.xml";
    const auto service = router.dispatch(get);
    EXPECT_EQ(service.status, 200U);
    EXPECT_NE(service.body.find("<name>GetExternalIPAddress</name>"), std::string::npos);
}

TEST(IgdRoutes, GetExternalIPAddressAnswersThePeer) {
    const auto reply = routerWith(true).dispatch(soap(kAction));
    EXPECT_EQ(reply.status, 200U);
    EXPECT_NE(reply.body.find("<NewExternalIPAddress>192.0.2.7</NewExternalIPAddress>"), std::string::npos)
        << reply.body;
    if (detect::upnpAvailable()) {  // read back as the client reads it (miniupnpc's parser)
        const auto read = detect::parseExternalIpAnswer(reply.body);
        ASSERT_TRUE(read) << read.message();
        EXPECT_EQ(*read, ip("192.0.2.7"));
    }
    // Unquoted works too (UDA 1.0 examples quote it; some control points do not).
    EXPECT_EQ(routerWith(true).dispatch(soap(kAction.substr(1, kAction.size() - 2))).status, 200U);
}

TEST(IgdRoutes, OtherActionsServicesAndPeersAreSoapFaults) {
    const auto router = routerWith(true);
    const std::pair<server::HttpRequestInfo, const char*> faults[] = {
        {soap("\"urn:schemas-upnp-org:service:WANIPConnection:1#AddPortMapping\""), "401"},
        {soap("\"urn:schemas-upnp-org:service:WANIPConnection:1#GetStatusInfo\""), "401"},
        {soap("\"urn:schemas-upnp-org:service:WANPPPConnection:1#GetExternalIPAddress\""), "401"},
        {soap(""), "401"},
        {soap("GetExternalIPAddress"), "401"},
        {soap("\"urn:schemas-upnp-org:service:WANIPConnection:1#\""), "401"},
        {soap(kAction, "2001:db8::7"), "501"},
    };
    for (const auto& [request, code] : faults) {
        const auto reply = router.dispatch(request);
        EXPECT_EQ(reply.status, 500U) << request.soapAction;
        EXPECT_NE(reply.body.find(std::string("<errorCode>") + code + "</errorCode>"), std::string::npos)
            << request.soapAction << ": " << reply.body;
        if (detect::upnpAvailable()) {
            const auto read = detect::parseExternalIpAnswer(reply.body);
            ASSERT_FALSE(read);
            EXPECT_NE(read.message().find(std::string("UPnP error ") + code), std::string::npos) << read.message();
        }
    }
    auto get = soap(kAction);
    get.method = "GET";
    EXPECT_EQ(router.dispatch(get).status, 405U);
}

TEST(IgdRoutes, OffByDefault) {
    const auto router = routerWith(false);
    EXPECT_EQ(router.dispatch(soap(kAction)).status, 404U);
    server::HttpRequestInfo get;
    get.target = "/igd/rootDesc.xml";
    EXPECT_EQ(router.dispatch(get).status, 404U);
}

TEST(IgdSoapAction, ExactServiceAndAPlainActionName) {
    using server::igd::soapActionFor;
    EXPECT_EQ(soapActionFor(kAction), "GetExternalIPAddress");
    EXPECT_EQ(soapActionFor("urn:schemas-upnp-org:service:WANIPConnection:1#AddPortMapping"), "AddPortMapping");
    for (const char* bad : {"", "\"\"", "\"", "#GetExternalIPAddress",
                            "\"urn:schemas-upnp-org:service:WANIPConnection:2#GetExternalIPAddress\"",
                            "\"urn:schemas-upnp-org:service:WANIPConnection:1#Get External\"",
                            "\"urn:schemas-upnp-org:service:WANIPConnection:1#GetExternalIPAddress",
                            "urn:schemas-upnp-org:service:WANIPConnection:1#a#b",
                            " \"urn:schemas-upnp-org:service:WANIPConnection:1#GetExternalIPAddress\""}) {
        EXPECT_FALSE(soapActionFor(bad)) << bad;
    }
}

// ---- configuration ----

const std::string kZone = "[zone]\norigin = \"dyn.example.test\"\nnameserver = \"ns1.example.test\"\n";

TEST(RouterEchoConfig, NatpmpListenersAreIpv4OnlyAndIgdIsAFlag) {
    const auto config = server::Config::parse(kZone +
                                                  "[listen]\nnatpmp = [\"127.0.0.1:5351\", \"0.0.0.0:5351\"]\n"
                                                  "[http]\nigd = true\n",
                                              "server.toml");
    ASSERT_TRUE(config) << config.message();
    ASSERT_EQ(config->natpmp.size(), 2U);
    EXPECT_EQ(config->natpmp[0].port, 5351);
    EXPECT_TRUE(config->httpOptions.igd);
    EXPECT_FALSE(server::Config::parse(kZone, "server.toml")->httpOptions.igd);

    const auto v6 = server::Config::parse(kZone + "[listen]\nnatpmp = [\"[::1]:5351\"]\n", "server.toml");
    ASSERT_FALSE(v6);
    EXPECT_NE(v6.message().find("server.toml:5"), std::string::npos) << v6.message();
    EXPECT_NE(v6.message().find("IPv4 only"), std::string::npos) << v6.message();
    EXPECT_FALSE(server::Config::parse(kZone + "[listen]\nnatpmp = \"127.0.0.1:5351\"\n", "server.toml"));
    const auto notBool = server::Config::parse(kZone + "[http]\nigd = \"yes\"\n", "server.toml");
    ASSERT_FALSE(notBool);
    EXPECT_NE(notBool.message().find("igd must be true or false"), std::string::npos) << notBool.message();
}

TEST(RouterEchoConfig, BothNeedARestart) {
    const auto running = echoServerConfig();
    auto next = running;
    next.natpmp.push_back({ip("127.0.0.1"), 5351});
    EXPECT_EQ(server::restartNeededFor(running, next), "[listen] changed");
    next = running;
    next.httpOptions.igd = true;
    EXPECT_EQ(server::restartNeededFor(running, next), "[http] igd changed");
}

}  // namespace server_router_echo_test
}  // namespace
}  // namespace qdyn::test
