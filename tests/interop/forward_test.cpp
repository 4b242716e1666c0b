// Forward mode against BIND 9.18 as the external primary (dynonym's model, seed 004):
// qdyn-server takes updates (nsupdate with alice's key, and dyndns2 over HTTP) and passes every
// accepted change on to `named` as one TSIG-signed RFC 2136 UPDATE. dig reads the result from
// BIND. The primary starts after qdyn-server has already accepted an update (it must be retried
// until BIND answers), and a restart of qdyn-server resyncs what BIND holds. Both servers run on
// free loopback ports in a temporary directory and are stopped by their PIDs.
#include <chrono>
#include <filesystem>
#include <gtest/gtest.h>
#include <string>
#include <thread>

#include "bind_primary.hpp"
#include "peer_programs.hpp"
#include "process.hpp"
#include "qdyn/net/http_client.hpp"
#include "qdyn/secret.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"

namespace qdyn::test {
namespace {
namespace forward_test {

// Fixed test keys (never used for anything real).
constexpr const char* kForwardSecret = "cWR5bi10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVmISE=";
constexpr const char* kAliceSecret = "GR5g4DuMxjC27pD6mZCGfjcbAbDuZOyccRxqAl4tPlE=";
constexpr auto kArrivalLimit = std::chrono::seconds(10);

// BIND's copy of the zone: its own SOA and NS, a static name, and a stale address for nas that
// qdyn-server's resync must remove.
const char* const kBindZone =
    "$TTL 60\n"
    "@    IN SOA ns1.example.test. hostmaster.example.test. 1 600 300 604800 60\n"
    "@    IN NS  ns1.example.test.\n"
    "www  IN A   192.0.2.80\n"
    "nas  IN A   192.0.2.99\n";

std::string serverConfig(std::uint16_t port, std::uint16_t bindPort, const std::string& storePath) {
    return R"([zone]
origin = "dyn.example.test"
nameserver = "ns1.dyn.example.test"
nameserver_addresses = ["127.0.0.1"]

[listen]
dns_udp = ["127.0.0.1:)" + std::to_string(port) + R"("]
dns_tcp = ["127.0.0.1:)" + std::to_string(port) + R"("]
http = ["127.0.0.1:0"]

[store]
path = ")" + storePath + R"("

[[account]]
name = "alice"
password = "s3cret"
hosts = ["home", "nas"]

[[tsig_key]]
name = "alice-key"
secret = ")" + kAliceSecret + R"("
account = "alice"

[[tsig_key]]
name = "fwd-key"
secret = ")" + kForwardSecret + R"("

[forward]
server = "127.0.0.1:)" + std::to_string(bindPort) + R"("
tsig_key = "fwd-key"
timeout_ms = 500
retry_max = 1
)";
}

class ForwardInteropTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_dig = programPath("dig");
        m_nsupdate = programPath("nsupdate");
        if (m_dig.empty() || m_nsupdate.empty()) GTEST_FAIL() << "dig/nsupdate are not installed (package bind9-dnsutils)";
        m_port = freeLoopbackPort();
        m_bindPort = freeLoopbackPort();
        ASSERT_NE(m_port, 0);
        ASSERT_NE(m_bindPort, 0);
        ASSERT_NE(m_port, m_bindPort);
        m_config = m_dir.write("server.toml", serverConfig(m_port, m_bindPort, (m_dir.path() / "state.db").string()));
        startQdyn();
    }

    void TearDown() override {
        if (m_bind.pid() > 0) m_bind.stop();
        if (m_qdyn.pid() > 0) {
            EXPECT_EQ(m_qdyn.stop(), 0) << "qdyn-server must exit cleanly on SIGTERM";
        }
    }

    void startQdyn() { ASSERT_TRUE(startServer(m_qdyn, {QDYN_SERVER_PATH, "--config", m_config.string()}, m_ports)); }

    void startBind() {
        ASSERT_TRUE(startBindPrimary(m_bind, m_bindDir,
                                     BindPrimary{"dyn.example.test", kBindZone, "fwd-key", kForwardSecret, m_bindPort}));
        ASSERT_TRUE(waitForZone(m_bindPort, "dyn.example.test"));
    }

    void nsupdate(const std::string& commands) {
        const auto script = m_dir.write("nsupdate.txt", "server 127.0.0.1 " + std::to_string(m_port) +
                                                            "\nzone dyn.example.test\n" + commands + "send\n");
        const auto result =
            runProcess({m_nsupdate, "-y", std::string("hmac-sha256:alice-key:") + kAliceSecret, "-t", "5", script.string()});
        EXPECT_EQ(result.exitCode, 0) << result.out << result.err;
    }

    // dig's short answer from BIND for a name and type.
    std::string bind(const std::string& host, const std::string& type) {
        const auto result = runProcess({m_dig, "@127.0.0.1", "-p", std::to_string(m_bindPort), "+short", "+norecurse",
                                        "+time=1", "+tries=1", host, type});
        return result.exitCode == 0 ? result.out : std::string("(dig failed)");
    }

    // Waits until BIND answers `expected`; fails with what it answered last.
    void expectOnBind(const std::string& host, const std::string& type, const std::string& expected) {
        const auto deadline = std::chrono::steady_clock::now() + kArrivalLimit;
        std::string seen;
        while (std::chrono::steady_clock::now() < deadline) {
            seen = bind(host, type);
            if (seen == expected) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        ADD_FAILURE() << "BIND answers '" << seen << "' for " << host << " " << type << ", expected '" << expected << "'";
    }

    // A GET on qdyn-server's HTTP listener (the body, or why it failed).
    std::string httpGet(const std::string& target, const char* user = nullptr, const char* password = nullptr) {
        net::HttpRequest request;
        request.url = "http://127.0.0.1:" + m_ports.http + target;
        request.userAgent = "qdyn-forward-test/1.0";
        request.timeout = std::chrono::seconds(5);
        const Secret secret(password != nullptr ? password : "");
        if (user != nullptr) {
            request.username = user;
            request.password = &secret;
        }
        auto response = net::HttpClient().get(request);
        return response ? response->body : "(HTTP failed: " + response.message() + ")";
    }

    std::string metrics() { return httpGet("/metrics"); }

    TempDir m_dir;
    TempDir m_bindDir;
    BackgroundProcess m_qdyn;
    BackgroundProcess m_bind;
    ServerPorts m_ports;
    std::filesystem::path m_config;
    std::uint16_t m_port = 0;
    std::uint16_t m_bindPort = 0;
    std::string m_dig;
    std::string m_nsupdate;
};

TEST_F(ForwardInteropTest, UpdatesReachBindEvenWhenItStartsLater) {
    // BIND is not running yet: qdyn-server accepts the update and keeps retrying the forward.
    nsupdate("update delete home.dyn.example.test A\nupdate add home.dyn.example.test 60 A 203.0.113.7\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    EXPECT_NE(metrics().find("qdyn_forward_messages_total{result=\"failed\"} "), std::string::npos);
    startBind();
    expectOnBind("home.dyn.example.test", "A", "203.0.113.7\n");
    // The resync at start-up also removed the address BIND had for nas (qdyn-server has none).
    expectOnBind("nas.dyn.example.test", "A", "");
    // What qdyn-server does not manage stays as BIND has it.
    EXPECT_EQ(bind("www.dyn.example.test", "A"), "192.0.2.80\n");

    // Both families in one update, then a dyndns2 update over HTTP.
    nsupdate("update delete home.dyn.example.test A\nupdate add home.dyn.example.test 60 A 203.0.113.8\n"
             "update add home.dyn.example.test 60 AAAA 2001:db8::8\n");
    expectOnBind("home.dyn.example.test", "A", "203.0.113.8\n");
    expectOnBind("home.dyn.example.test", "AAAA", "2001:db8::8\n");
    EXPECT_EQ(httpGet("/nic/update?hostname=nas.dyn.example.test&myip=198.51.100.4", "alice", "s3cret"),
              "good 198.51.100.4\n");
    expectOnBind("nas.dyn.example.test", "A", "198.51.100.4\n");

    // A deletion travels too, and the TTL is the one qdyn-server serves.
    nsupdate("update delete home.dyn.example.test AAAA\n");
    expectOnBind("home.dyn.example.test", "AAAA", "");
    const auto ttl = runProcess({m_dig, "@127.0.0.1", "-p", std::to_string(m_bindPort), "+noall", "+answer",
                                 "+norecurse", "+time=1", "home.dyn.example.test", "A"});
    EXPECT_NE(ttl.out.find("\t60\tIN\tA\t203.0.113.8"), std::string::npos) << ttl.out;
    EXPECT_NE(metrics().find("qdyn_forward_pending_rrsets 0\n"), std::string::npos) << metrics();
}

TEST_F(ForwardInteropTest, ARestartResyncsWhatBindMissedWhileQdynWasDown) {
    startBind();
    nsupdate("update delete home.dyn.example.test A\nupdate add home.dyn.example.test 60 A 203.0.113.20\n");
    expectOnBind("home.dyn.example.test", "A", "203.0.113.20\n");
    ASSERT_EQ(m_qdyn.stop(), 0);

    // Someone changes BIND behind qdyn-server's back; the restart puts qdyn-server's state back.
    const auto script = m_dir.write("direct.txt", "server 127.0.0.1 " + std::to_string(m_bindPort) +
                                                      "\nzone dyn.example.test\nupdate delete home.dyn.example.test A\n"
                                                      "update add home.dyn.example.test 60 A 192.0.2.66\nsend\n");
    const auto direct =
        runProcess({m_nsupdate, "-y", std::string("hmac-sha256:fwd-key:") + kForwardSecret, "-t", "5", script.string()});
    ASSERT_EQ(direct.exitCode, 0) << direct.out << direct.err;
    ASSERT_EQ(bind("home.dyn.example.test", "A"), "192.0.2.66\n");
    startQdyn();
    expectOnBind("home.dyn.example.test", "A", "203.0.113.20\n");
}

}  // namespace forward_test
}  // namespace
}  // namespace qdyn::test
