// The UPnP IGD source (miniupnpc) and the router sources' spec names: the GetExternalIPAddress
// answer read strictly, the source against qdyn-server's IGD echo on loopback through the root
// description URL, scripted IGDs that serve a garbage description, a SOAP fault, two addresses,
// a truncation trap or a control URL on another host, and SSDP discovery (found, and bounded
// when nobody answers) inside a network namespace, so no multicast ever leaves a test.
#include <arpa/inet.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <gtest/gtest.h>
#include <memory>
#include <string>
#include <thread>

#include "closed_port.hpp"
#include "echo_server_fixture.hpp"
#include "loopback_http_peer.hpp"
#include "namespace_child.hpp"
#include "qdyn/detect/detector.hpp"
#include "qdyn/detect/source_spec.hpp"
#include "qdyn/detect/upnp_source.hpp"

namespace qdyn::test {
namespace {
namespace detect_upnp_test {

using namespace std::chrono_literals;

constexpr std::string_view kService = "urn:schemas-upnp-org:service:WANIPConnection:1";

std::string envelope(const std::string& body) {
    return "<?xml version=\"1.0\"?>\r\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" "
           "s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body>" +
           body + "</s:Body></s:Envelope>\r\n";
}

std::string answerWith(const std::string& values) {
    return envelope("<u:GetExternalIPAddressResponse xmlns:u=\"" + std::string(kService) + "\">" + values +
                    "</u:GetExternalIPAddressResponse>");
}

std::string faultWith(int code, const std::string& description) {
    return envelope(
        "<s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail><UPnPError "
        "xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>" +
        std::to_string(code) + "</errorCode><errorDescription>" + description +
        "</errorDescription></UPnPError></detail></s:Fault>");
}

// A root description in the shape miniupnpd serves, with the given control URL (and the
// WANCommonInterfaceConfig service that miniupnpc's discovery wants of an IGD).
std::string descriptionWith(const std::string& controlUrl, std::string_view serviceType = kService) {
    return "<?xml version=\"1.0\"?><root xmlns=\"urn:schemas-upnp-org:device-1-0\"><specVersion><major>1</major>"
           "<minor>0</minor></specVersion><device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1"
           "</deviceType><deviceList><device><deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>"
           "<serviceList><service><serviceType>urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1</serviceType>"
           "<serviceId>urn:upnp-org:serviceId:WANCommonIFC1</serviceId><SCPDURL>/cif.xml</SCPDURL>"
           "<controlURL>/cif</controlURL><eventSubURL>/evt</eventSubURL></service></serviceList>"
           "<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType>"
           "<serviceList><service><serviceType>" +
           std::string(serviceType) +
           "</serviceType><serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId><SCPDURL>/scpd.xml</SCPDURL>"
           "<controlURL>" +
           controlUrl +
           "</controlURL><eventSubURL>/evt</eventSubURL></service></serviceList></device></deviceList></device>"
           "</deviceList></device></root>";
}

// Without miniupnpc only the error can be tested; the rest skips and says so.
#define REQUIRE_MINIUPNPC()                                                                                    \
    do {                                                                                                       \
        if (!detect::upnpAvailable()) {                                                                        \
            const auto answer = detect::UpnpSource({"http://127.0.0.1:1/x", 100ms}).detect(AddressFamily::V4); \
            ASSERT_FALSE(answer);                                                                              \
            EXPECT_NE(answer.message().find("built without miniupnpc"), std::string::npos);                    \
            GTEST_SKIP() << "qdyn was built WITHOUT miniupnpc: only its error was tested";                     \
        }                                                                                                      \
    } while (false)

TEST(UpnpAnswer, ExactlyOneIpv4Address) {
    REQUIRE_MINIUPNPC();
    const auto good =
        detect::parseExternalIpAnswer(answerWith("<NewExternalIPAddress>203.0.113.5</NewExternalIPAddress>"));
    ASSERT_TRUE(good) << good.message();
    EXPECT_EQ(*good, ip("203.0.113.5"));

    const std::pair<std::string, const char*> bad[] = {
        {faultWith(501, "Action Failed"), "UPnP error 501 (Action Failed)"},
        {faultWith(401, "Invalid Action"), "UPnP error 401"},
        {answerWith(""), "no NewExternalIPAddress"},
        {answerWith("<NewExternalIPAddress>203.0.113.5</NewExternalIPAddress>"
                    "<NewExternalIPAddress>198.51.100.5</NewExternalIPAddress>"),
         "2 NewExternalIPAddress"},
        {answerWith("<NewExternalIPAddress></NewExternalIPAddress>"), "empty"},
        {answerWith("<NewExternalIPAddress>2001:db8::5</NewExternalIPAddress>"), "not an IPv4 address"},
        {answerWith("<NewExternalIPAddress>203.0.113.5 </NewExternalIPAddress>"), "not an IPv4 address"},
        // miniupnpc's UPNP_GetExternalIPAddress would cut this to the valid "192.168.100.100".
        {answerWith("<NewExternalIPAddress>192.168.100.1001</NewExternalIPAddress>"), "not an IPv4 address"},
        {"<html><body>500 Internal Server Error</body></html>", "no NewExternalIPAddress"},
        {"", "no NewExternalIPAddress"},
    };
    for (const auto& [body, why] : bad) {
        const auto parsed = detect::parseExternalIpAnswer(body);
        ASSERT_FALSE(parsed) << body;
        EXPECT_NE(parsed.message().find(why), std::string::npos) << parsed.message();
    }
}

class UpnpAgainstServer : public ::testing::Test {
protected:
    void SetUp() override {
        auto config = echoServerConfig();
        config.httpOptions.igd = true;
        m_server = std::make_unique<server::Server>(config);
        const auto started = m_server->start();
        ASSERT_TRUE(started) << started.message();
    }
    void TearDown() override {
        if (m_server) m_server->stop();
    }
    std::string descriptionUrl() const {
        return "http://127.0.0.1:" + std::to_string(m_server->port("http")) + "/igd/rootDesc.xml";
    }
    std::unique_ptr<server::Server> m_server;
};

TEST_F(UpnpAgainstServer, QdynServerReportsThePeerAddress) {
    REQUIRE_MINIUPNPC();
    detect::UpnpSource source({descriptionUrl(), 100ms});
    EXPECT_EQ(source.describe(), "upnp " + descriptionUrl());
    const auto found = source.detect(AddressFamily::V4);
    ASSERT_TRUE(found) << found.message();
    ASSERT_EQ(found->size(), 1U);
    EXPECT_EQ(found->front().address, ip("127.0.0.1"));
}

TEST_F(UpnpAgainstServer, ThroughTheSpecAndTheDetector) {
    REQUIRE_MINIUPNPC();
    auto sources = detect::sourcesFromSpec("upnp:" + descriptionUrl());
    ASSERT_TRUE(sources) << sources.message();
    detect::DetectorOptions options;
    options.check.allowPrivate = true;  // loopback stays rejected: the detector must say so, not publish it
    detect::Detector detector(*sources, {}, options);
    const auto report = detector.detect(AddressFamily::V4);
    ASSERT_EQ(report.sources.size(), 1U);
    EXPECT_EQ(report.sources[0].status, detect::SourceStatus::Answered) << report.sources[0].error;
    ASSERT_EQ(report.sources[0].candidates.size(), 1U);
    EXPECT_EQ(report.sources[0].candidates[0].candidate.address, ip("127.0.0.1"));
    EXPECT_EQ(report.sources[0].candidates[0].check.verdict, detect::Verdict::Rejected);
    EXPECT_FALSE(report.chosen);
}

// A scripted IGD: the description at /rootDesc.xml, the SOAP answer at /ctl. What it serves is
// set before the peer starts.
class ScriptedIgd {
public:
    ScriptedIgd(std::string description, std::string answer, int answerStatus = 200)
        : m_description(std::move(description)),
          m_answer(std::move(answer)),
          m_status(answerStatus),
          m_peer([this](const LoopbackHttpPeer::Request& request) {
              if (request.target == "/rootDesc.xml") return LoopbackHttpPeer::Reply{200, m_description, {}};
              if (request.target == "/ctl") return LoopbackHttpPeer::Reply{m_status, m_answer, {}};
              return LoopbackHttpPeer::Reply{404, "not found", {}};
          }) {}

    Result<std::vector<detect::Candidate>> ask(AddressFamily family = AddressFamily::V4) {
        return detect::UpnpSource({m_peer.baseUrl() + "/rootDesc.xml", 100ms}).detect(family);
    }
    [[nodiscard]] std::vector<LoopbackHttpPeer::Request> requests() const { return m_peer.requests(); }

private:
    const std::string m_description;
    const std::string m_answer;
    const int m_status;
    LoopbackHttpPeer m_peer;
};

TEST(UpnpScripted, AGoodIgdIsAskedTheRightAction) {
    REQUIRE_MINIUPNPC();
    ScriptedIgd igd(descriptionWith("/ctl"), answerWith("<NewExternalIPAddress>198.51.100.77</NewExternalIPAddress>"));
    const auto found = igd.ask();
    ASSERT_TRUE(found) << found.message();
    EXPECT_EQ(found->front().address, ip("198.51.100.77"));
    const auto requests = igd.requests();
    ASSERT_EQ(requests.size(), 2U);
    EXPECT_EQ(requests[1].method, "POST");
    EXPECT_EQ(requests[1].header("soapaction"), "\"" + std::string(kService) + "#GetExternalIPAddress\"");
}

TEST(UpnpScripted, IPv6IsAnErrorWithoutTraffic) {
    ScriptedIgd igd(descriptionWith("/ctl"), answerWith("<NewExternalIPAddress>198.51.100.77</NewExternalIPAddress>"));
    const auto found = igd.ask(AddressFamily::V6);
    ASSERT_FALSE(found);
    EXPECT_NE(found.message().find("IPv4 only"), std::string::npos) << found.message();
    EXPECT_TRUE(igd.requests().empty());
}

TEST(UpnpScripted, BrokenIgdsAreClearErrors) {
    REQUIRE_MINIUPNPC();
    const std::string good = answerWith("<NewExternalIPAddress>198.51.100.77</NewExternalIPAddress>");
    const struct {
        std::string description;
        std::string answer;
        int status;
        const char* why;
    } cases[] = {
        {"this is not XML at all", good, 200, "no WANIPConnection or WANPPPConnection service"},
        {"<html><body>404</body></html>", good, 200, "no WANIPConnection"},
        {descriptionWith("/ctl", "urn:schemas-upnp-org:service:WANIPv6FirewallControl:1"), good, 200,
         "no WANIPConnection"},
        {descriptionWith(""), good, 200, "no control URL"},
        {descriptionWith("http://192.0.2.1:5000/ctl"), good, 200, "not on the host that served the description"},
        {descriptionWith("/ctl"), faultWith(401, "Invalid Action"), 500, "UPnP error 401 (Invalid Action)"},
        {descriptionWith("/ctl"), faultWith(501, "Action Failed"), 500, "UPnP error 501"},
        {descriptionWith("/ctl"), "garbage", 200, "no NewExternalIPAddress"},
        {descriptionWith("/ctl"),
         answerWith("<NewExternalIPAddress>198.51.100.1</NewExternalIPAddress>"
                    "<NewExternalIPAddress>198.51.100.2</NewExternalIPAddress>"),
         200, "2 NewExternalIPAddress"},
        {descriptionWith("/ctl"), answerWith("<NewExternalIPAddress>192.168.100.1001</NewExternalIPAddress>"), 200,
         "not an IPv4 address"},
        {descriptionWith("/ctl"), answerWith("<NewExternalIPAddress>0.0.0.0</NewExternalIPAddress>"), 200,
         "no external address (0.0.0.0)"},
        {descriptionWith("/ctl"), "", 200, "no answer from the control URL"},
    };
    for (const auto& item : cases) {
        ScriptedIgd igd(item.description, item.answer, item.status);
        const auto found = igd.ask();
        ASSERT_FALSE(found) << item.why;
        EXPECT_NE(found.message().find(item.why), std::string::npos) << found.message();
    }
}

TEST(UpnpScripted, NoServerIsAnError) {
    REQUIRE_MINIUPNPC();
    const ClosedPort closed;
    const auto found =
        detect::UpnpSource({"http://127.0.0.1:" + std::to_string(closed.port()) + "/rootDesc.xml", 100ms})
            .detect(AddressFamily::V4);
    ASSERT_FALSE(found);
    EXPECT_NE(found.message().find("cannot fetch the root description"), std::string::npos) << found.message();
}

// ---- SSDP discovery, inside a network namespace ----

constexpr const char* kSsdpGroup = "239.255.255.250";

// lo takes multicast and the SSDP group is routed to it, so the M-SEARCH stays on lo. "" or why not.
std::string ssdpOnLoopback() {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) return "socket failed";
    ifreq flags{};
    std::strncpy(flags.ifr_name, "lo", IFNAMSIZ - 1);
    std::string problem;
    if (::ioctl(fd, SIOCGIFFLAGS, &flags) != 0) {
        problem = std::string("SIOCGIFFLAGS: ") + std::strerror(errno);
    } else {
        flags.ifr_flags = static_cast<short>(flags.ifr_flags | IFF_MULTICAST);
        if (::ioctl(fd, SIOCSIFFLAGS, &flags) != 0) problem = std::string("SIOCSIFFLAGS: ") + std::strerror(errno);
    }
    if (problem.empty()) {
        rtentry route{};
        auto* destination = reinterpret_cast<sockaddr_in*>(&route.rt_dst);
        destination->sin_family = AF_INET;
        destination->sin_addr.s_addr = ::inet_addr(kSsdpGroup);
        auto* mask = reinterpret_cast<sockaddr_in*>(&route.rt_genmask);
        mask->sin_family = AF_INET;
        mask->sin_addr.s_addr = 0xffffffffU;
        route.rt_gateway.sa_family = AF_INET;
        route.rt_flags = RTF_UP | RTF_HOST;
        char device[] = "lo";
        route.rt_dev = device;
        if (::ioctl(fd, SIOCADDRT, &route) != 0) problem = std::string("SIOCADDRT: ") + std::strerror(errno);
    }
    ::close(fd);
    return problem;
}

// An SSDP responder on the group (port 1900) that answers every M-SEARCH with `location`.
class ScriptedSsdp {
public:
    explicit ScriptedSsdp(std::string location) : m_location(std::move(location)) {
        m_fd = ::socket(AF_INET, SOCK_DGRAM, 0);
        const int on = 1;
        ::setsockopt(m_fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(1900);
        ip_mreq group{};
        group.imr_multiaddr.s_addr = ::inet_addr(kSsdpGroup);
        group.imr_interface.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::setsockopt(m_fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &group, sizeof group) != 0) {
            m_problem = std::string("SSDP responder: ") + std::strerror(errno);
            return;
        }
        m_thread = std::thread([this] { serve(); });
    }
    ~ScriptedSsdp() {
        m_stop = true;
        if (m_thread.joinable()) m_thread.join();
        if (m_fd >= 0) ::close(m_fd);
    }
    ScriptedSsdp(const ScriptedSsdp&) = delete;
    ScriptedSsdp& operator=(const ScriptedSsdp&) = delete;

    [[nodiscard]] const std::string& problem() const { return m_problem; }
    [[nodiscard]] int searches() const { return m_searches; }

private:
    void serve() {
        char buffer[2048];
        while (!m_stop) {
            pollfd ready{m_fd, POLLIN, 0};
            if (::poll(&ready, 1, 20) <= 0) continue;
            sockaddr_in from{};
            socklen_t length = sizeof from;
            const auto got = ::recvfrom(m_fd, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &length);
            if (got <= 0) continue;
            const std::string request(buffer, static_cast<std::size_t>(got));
            if (request.rfind("M-SEARCH * HTTP/1.1\r\n", 0) != 0) continue;
            const auto st = request.find("\r\nST: ");
            if (st == std::string::npos) continue;
            const auto end = request.find("\r\n", st + 2);
            const std::string type = request.substr(st + 6, end - st - 6);
            ++m_searches;
            const std::string reply = "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: " + type +
                                      "\r\nUSN: uuid:5164796e-0000-4000-8000-0000000000aa::" + type +
                                      "\r\nEXT:\r\nSERVER: qdyn-test UPnP/1.1\r\nLOCATION: " + m_location + "\r\n\r\n";
            ::sendto(m_fd, reply.data(), reply.size(), 0, reinterpret_cast<const sockaddr*>(&from), sizeof from);
        }
    }

    std::string m_location;
    std::string m_problem;
    int m_fd = -1;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_searches{0};
    std::thread m_thread;
};

TEST(UpnpDiscovery, SsdpFindsTheIgdAndAsksIt) {
    REQUIRE_MINIUPNPC();
    inNamespace([] {
        if (auto problem = ssdpOnLoopback(); !problem.empty()) return problem;
        // A connected IGD as miniupnpc's discovery checks it: GetStatusInfo first, then the address.
        LoopbackHttpPeer igd([](const LoopbackHttpPeer::Request& request) {
            if (request.target == "/rootDesc.xml") return LoopbackHttpPeer::Reply{200, descriptionWith("/ctl"), {}};
            const auto action = request.header("soapaction").value_or("");
            if (action.find("#GetStatusInfo") != std::string::npos) {
                return LoopbackHttpPeer::Reply{
                    200,
                    envelope("<u:GetStatusInfoResponse xmlns:u=\"" + std::string(kService) +
                             "\"><NewConnectionStatus>Connected</NewConnectionStatus><NewLastConnectionError>"
                             "ERROR_NONE</NewLastConnectionError><NewUptime>5</NewUptime></u:GetStatusInfoResponse>"),
                    {}};
            }
            if (action.find("#GetExternalIPAddress") != std::string::npos) {
                return LoopbackHttpPeer::Reply{
                    200, answerWith("<NewExternalIPAddress>203.0.113.99</NewExternalIPAddress>"), {}};
            }
            return LoopbackHttpPeer::Reply{500, faultWith(401, "Invalid Action"), {}};
        });
        ScriptedSsdp ssdp(igd.baseUrl() + "/rootDesc.xml");
        if (!ssdp.problem().empty()) return ssdp.problem();
        Checks checks;
        const auto started = std::chrono::steady_clock::now();
        detect::UpnpSource source({"", 1000ms});
        const auto found = source.detect(AddressFamily::V4);
        checks.expect(found && found->front().address == ip("203.0.113.99"),
                      "discovered: " + (found ? found->front().address.toString() : found.message()));
        checks.expect(ssdp.searches() >= 1, "no M-SEARCH arrived");
        checks.expect(std::chrono::steady_clock::now() - started < 3s, "discovery took over 3 s");
        return checks.failures();
    });
}

TEST(UpnpDiscovery, NobodyAnsweringIsAnErrorWithinTheTimeout) {
    REQUIRE_MINIUPNPC();
    inNamespace([] {
        if (auto problem = ssdpOnLoopback(); !problem.empty()) return problem;
        Checks checks;
        const auto started = std::chrono::steady_clock::now();
        const auto found = detect::UpnpSource({"", 1000ms}).detect(AddressFamily::V4);
        const auto took = std::chrono::steady_clock::now() - started;
        checks.expect(!found && found.message().find("no UPnP device answered the SSDP search within 1000 ms") !=
                                    std::string::npos,
                      "silence: " + (found ? std::string("an answer") : found.message()));
        checks.expect(took >= 900ms && took < 2500ms, "silence: the discovery timeout was not kept");
        return checks.failures();
    });
}

TEST(RouterSpecs, UpnpAndNatpmpNamesMakeTheirSources) {
    const auto describedAs = [](std::string_view spec) {
        auto made = detect::sourcesFromSpec(spec);
        EXPECT_TRUE(made) << spec << ": " << (made ? "" : made.message());
        if (!made || made->size() != 1) return std::string();
        return std::string(made->front()->kind()) + "|" + made->front()->describe();
    };
    EXPECT_EQ(describedAs("upnp"), "upnp|upnp SSDP discovery");
    EXPECT_EQ(describedAs("upnp:http://192.0.2.1:5000/rootDesc.xml"), "upnp|upnp http://192.0.2.1:5000/rootDesc.xml");
    EXPECT_EQ(describedAs("natpmp"), "natpmp|natpmp default gateway");
    EXPECT_EQ(describedAs("natpmp:192.0.2.1"), "natpmp|natpmp 192.0.2.1");

    const std::pair<const char*, const char*> bad[] = {
        {"upnp:https://192.0.2.1/rootDesc.xml", "must start with http://"},
        {"upnp:192.0.2.1", "must start with http://"},
        {"upnp:http://", "must start with http://"},
        {"natpmp:2001:db8::1", "must be an IPv4 address"},
        {"natpmp:router.example.test", "must be an IPv4 address"},
        {"natpmp:192.0.2.1:5351", "must be an IPv4 address"},
        {"upnp:", "nothing after ':'"},
    };
    for (const auto& [spec, why] : bad) {
        const auto made = detect::sourcesFromSpec(spec);
        ASSERT_FALSE(made) << spec;
        EXPECT_NE(made.message().find(why), std::string::npos) << spec << ": " << made.message();
    }
    // Never asked unless named (source_spec.cpp says why).
    for (const auto spec : detect::defaultSourceSpecs()) {
        EXPECT_NE(spec.substr(0, 4), "upnp");
        EXPECT_NE(spec.substr(0, 6), "natpmp");
    }
}

}  // namespace detect_upnp_test
}  // namespace
}  // namespace qdyn::test
