// qdyn-server on IPv6 loopback (nsupdate and dig over [::1], UDP and TCP), and the expiry of
// dynamic records across a kill -9 and restart: the deadline is stored, not restarted.
#include <gtest/gtest.h>

#include <thread>

#include "process.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"

namespace qdyn::test {
namespace {
namespace server_ipv6_expiry_test {

constexpr const char* kSecret = "GR5g4DuMxjC27pD6mZCGfjcbAbDuZOyccRxqAl4tPlE=";

std::string config(const std::string& storePath, const std::string& expire) {
    return std::string(R"([zone]
origin = "dyn.example.test"
nameserver = "ns1.dyn.example.test"
nameserver_addresses = ["::1"]
host_expire = ")") + expire + R"("

[listen]
dns_udp = ["127.0.0.1:0", "[::1]:0"]
dns_tcp = ["127.0.0.1:0", "[::1]:0"]

[store]
path = ")" + storePath + R"("

[[account]]
name = "alice"
password = "s3cret"
hosts = ["home"]

[[tsig_key]]
name = "alice-key"
secret = ")" + kSecret + R"("
account = "alice"
)";
}

class ServerIpv6ExpiryTest : public ::testing::Test {
protected:
    void SetUp() override {
        for (const char* program : {"nsupdate", "dig"}) {
            if (!haveProgram(program)) {
                GTEST_FAIL() << program << " is not installed (package bind9-dnsutils); run packaging/deps/debian.sh";
            }
        }
    }
    void TearDown() override {
        if (m_server.pid() > 0) {
            EXPECT_EQ(m_server.stop(), 0);
        }
    }
    void start(const std::string& expire) {
        const auto path = m_dir.write("server.toml", config((m_dir.path() / "state.db").string(), expire));
        ASSERT_TRUE(startServer(m_server, {QDYN_SERVER_PATH, "--config", path.string()}, m_ports));
        ASSERT_FALSE(m_ports.udp6.empty()) << "no [::1] UDP listener printed";
        ASSERT_FALSE(m_ports.tcp6.empty()) << "no [::1] TCP listener printed";
    }
    ProcessResult nsupdate(const std::string& server, const std::string& port, const std::string& commands, bool tcp) {
        const auto script = m_dir.write("nsupdate.txt", "server " + server + " " + port +
                                                            "\nzone dyn.example.test\n" + commands + "send\n");
        std::vector<std::string> argv{"/usr/bin/nsupdate", "-y", std::string("hmac-sha256:alice-key:") + kSecret, "-t", "5"};
        if (tcp) argv.emplace_back("-v");
        argv.push_back(script.string());
        return runProcess(argv);
    }
    std::string dig(const std::vector<std::string>& args) {
        std::vector<std::string> argv{"/usr/bin/dig", "+norecurse", "+time=2", "+tries=2", "+short"};
        argv.insert(argv.end(), args.begin(), args.end());
        const auto result = runProcess(argv);
        EXPECT_EQ(result.exitCode, 0) << result.err;
        return result.out;
    }

    TempDir m_dir;
    BackgroundProcess m_server;
    ServerPorts m_ports;
};

TEST_F(ServerIpv6ExpiryTest, UpdatesAndAnswersOverIpv6UdpAndTcp) {
    start("1d");
    const auto udp = nsupdate("::1", m_ports.udp6, "update add home.dyn.example.test 60 AAAA 2001:db8::7\n", false);
    ASSERT_EQ(udp.exitCode, 0) << udp.out << udp.err;
    const auto tcp = nsupdate("::1", m_ports.tcp6, "update add home.dyn.example.test 60 A 203.0.113.7\n", true);
    ASSERT_EQ(tcp.exitCode, 0) << tcp.out << tcp.err;
    EXPECT_EQ(dig({"-6", "@::1", "-p", m_ports.udp6, "home.dyn.example.test", "AAAA"}), "2001:db8::7\n");
    EXPECT_EQ(dig({"-6", "+tcp", "@::1", "-p", m_ports.tcp6, "home.dyn.example.test", "A"}), "203.0.113.7\n");
    EXPECT_EQ(dig({"@127.0.0.1", "-p", m_ports.udp, "ns1.dyn.example.test", "AAAA"}), "::1\n");
}

TEST_F(ServerIpv6ExpiryTest, ExpiryIsKeptAcrossAKillAndRestart) {
    start("3s");
    const auto updatedAt = std::chrono::steady_clock::now();
    const auto added = nsupdate("127.0.0.1", m_ports.udp, "update add home.dyn.example.test 60 A 203.0.113.9\n", false);
    ASSERT_EQ(added.exitCode, 0) << added.out << added.err;
    m_server.kill();
    start("3s");
    // Still there right after the restart (well within its 3 s)...
    EXPECT_EQ(dig({"@127.0.0.1", "-p", m_ports.udp, "home.dyn.example.test", "A"}), "203.0.113.9\n");
    // ...and gone about 3 s after the update, not 3 s after the restart. The expiry timer ticks
    // once a second, so allow until 5 s.
    bool gone = false;
    while (!gone && std::chrono::steady_clock::now() - updatedAt < std::chrono::seconds(6)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        gone = dig({"@127.0.0.1", "-p", m_ports.udp, "home.dyn.example.test", "A"}).empty();
    }
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - updatedAt);
    EXPECT_TRUE(gone) << "the record did not expire";
    EXPECT_LE(elapsed.count(), 5200) << "expired " << elapsed.count() << " ms after the update";
    EXPECT_GE(elapsed.count(), 2000) << "expired too early";
}

}  // namespace server_ipv6_expiry_test
}  // namespace
}  // namespace qdyn::test
