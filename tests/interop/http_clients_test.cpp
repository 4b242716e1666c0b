// Interop of qdyn-server's HTTP update side with third-party clients: ddclient 3.10 (dyndns2)
// and inadyn 2.10 (a `custom` provider) update a host on /nic/update, and dig reads the answer
// from qdyn-server over UDP. Every recipe follows PEERS.md; nothing leaves loopback.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "peer_programs.hpp"
#include "process.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"

namespace qdyn::test {
namespace {
namespace http_clients_test {

// The shipped demo zone: dyn.example.test on free loopback ports; alice/s3cret may update home
// and nas, bob/hunter2 may update office.
constexpr const char* kServerConfig = QDYN_SOURCE_DIR "/packaging/examples/demo-server.toml";

class HttpClientsInteropTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_dig = programPath("dig");
        if (m_dig.empty()) {
            GTEST_FAIL() << "dig is not installed (package bind9-dnsutils); run packaging/deps/debian.sh";
        }
        ServerPorts ports;
        ASSERT_TRUE(startServer(m_server, {QDYN_SERVER_PATH, "--config", kServerConfig}, ports));
        m_dnsPort = ports.udp;
        m_httpPort = ports.http;
        ASSERT_FALSE(m_dnsPort.empty());
        ASSERT_FALSE(m_httpPort.empty()) << "the demo config lists an http listener";
    }
    void TearDown() override {
        if (m_server.pid() > 0) {
            EXPECT_EQ(m_server.stop(), 0) << "qdyn-server must exit cleanly on SIGTERM";
        }
    }

    // The path of a client program, or a failure naming the package that provides it.
    static ::testing::AssertionResult findClient(const std::string& program, std::string& path) {
        path = programPath(program);
        if (!path.empty()) return ::testing::AssertionSuccess();
        return ::testing::AssertionFailure() << program << " is not installed (package " << program
                                             << "); run packaging/deps/debian.sh";
    }

    // The addresses qdyn-server answers for `name`, one per line (dig +short), over UDP.
    std::string dig(const std::string& name, const std::string& type) {
        const auto result = runProcess({m_dig, "@127.0.0.1", "-p", m_dnsPort, "+norecurse", "+time=2", "+tries=2",
                                        "+short", name, type});
        EXPECT_EQ(result.exitCode, 0) << result.err;
        return result.out;
    }

    // One foreground ddclient run (PEERS.md): `-daemon 0` on the command line, never in the
    // file; a fresh cache and -force so the address is always sent.
    ProcessResult ddclient(const std::string& ddclientPath, const std::string& login, const std::string& password,
                           const std::string& host, const std::string& address) {
        const auto config = m_dir.write("ddclient.conf", "syslog=no\n"
                                                         "ssl=no\n"
                                                         "protocol=dyndns2\n"
                                                         "server=127.0.0.1:" + m_httpPort + "\n"
                                                         "use=ip, ip=" + address + "\n"
                                                         "login=" + login + "\n"
                                                         "password=" + password + "\n" +
                                                         host + "\n");
        const auto cache = m_dir.path() / "ddclient.cache";
        std::filesystem::remove(cache);
        return runProcess({ddclientPath, "-daemon", "0", "-foreground", "-noquiet", "-verbose", "-file",
                           config.string(), "-cache", cache.string(), "-force"},
                          {}, std::chrono::seconds(30));
    }

    // One inadyn run (PEERS.md): the address comes from checkip-command, the cache is seeded
    // so inadyn never resolves the hostname through the system resolver, --force with -1.
    ProcessResult inadyn(const std::string& inadynPath, const std::string& username, const std::string& password,
                         const std::string& host, const std::string& address) {
        const auto config = m_dir.write("inadyn.conf", "period = 300\n"
                                                       "custom localtest {\n"
                                                       "    username        = " + username + "\n"
                                                       "    password        = " + password + "\n"
                                                       "    checkip-command = \"echo " + address + "\"\n"
                                                       "    ddns-server     = 127.0.0.1:" + m_httpPort + "\n"
                                                       "    ddns-path       = \"/nic/update?hostname=%h&myip=%i\"\n"
                                                       "    ssl             = false\n"
                                                       "    hostname        = " + host + "\n"
                                                       "}\n");
        const auto cacheDir = m_dir.path() / "inadyn-cache";
        std::filesystem::create_directories(cacheDir);
        m_dir.write("inadyn-cache/" + host + ".cache", "0.0.0.0\n");
        return runProcess({inadynPath, "-1", "--foreground", "--no-pidfile", "--cache-dir=" + cacheDir.string(), "-l",
                           "debug", "-f", config.string(), "--force"},
                          {}, std::chrono::seconds(30));
    }

    TempDir m_dir;
    BackgroundProcess m_server;
    std::string m_dig;
    std::string m_dnsPort;
    std::string m_httpPort;
};

TEST_F(HttpClientsInteropTest, DdclientUpdatesAHostAndDigSeesIt) {
    std::string path;
    ASSERT_TRUE(findClient("ddclient", path));
    EXPECT_EQ(dig("home.dyn.example.test", "A"), "");

    const auto result = ddclient(path, "alice", "s3cret", "home.dyn.example.test", "203.0.113.7");
    const std::string output = result.out + result.err;
    ASSERT_FALSE(result.timedOut) << output;
    EXPECT_EQ(result.exitCode, 0) << output;
    EXPECT_NE(output.find("SUCCESS:"), std::string::npos) << output;
    EXPECT_EQ(output.find("FAILED:"), std::string::npos) << output;
    EXPECT_EQ(dig("home.dyn.example.test", "A"), "203.0.113.7\n");

    // A second, different address replaces the first (not added beside it).
    const auto again = ddclient(path, "alice", "s3cret", "home.dyn.example.test", "198.51.100.23");
    EXPECT_NE((again.out + again.err).find("SUCCESS:"), std::string::npos) << again.out << again.err;
    EXPECT_EQ(dig("home.dyn.example.test", "A"), "198.51.100.23\n");
}

TEST_F(HttpClientsInteropTest, DdclientWithAWrongPasswordFailsAndChangesNothing) {
    std::string path;
    ASSERT_TRUE(findClient("ddclient", path));
    const auto good = ddclient(path, "alice", "s3cret", "home.dyn.example.test", "203.0.113.7");
    ASSERT_NE((good.out + good.err).find("SUCCESS:"), std::string::npos) << good.out << good.err;

    const auto denied = ddclient(path, "alice", "guess", "home.dyn.example.test", "198.51.100.99");
    const std::string output = denied.out + denied.err;
    ASSERT_FALSE(denied.timedOut) << output;
    EXPECT_NE(denied.exitCode, 0) << output;
    EXPECT_NE(output.find("FAILED:   updating home.dyn.example.test: authorization failed"), std::string::npos)
        << output;
    EXPECT_NE(output.find("badauth"), std::string::npos) << "ddclient should show the server's reply: " << output;
    EXPECT_EQ(output.find("SUCCESS:"), std::string::npos) << output;
    EXPECT_EQ(dig("home.dyn.example.test", "A"), "203.0.113.7\n");
}

TEST_F(HttpClientsInteropTest, InadynCustomProviderUpdatesAHostAndDigSeesIt) {
    std::string path;
    ASSERT_TRUE(findClient("inadyn", path));
    EXPECT_EQ(dig("office.dyn.example.test", "A"), "");

    const auto result = inadyn(path, "bob", "hunter2", "office.dyn.example.test", "203.0.113.8");
    const std::string output = result.out + result.err;
    ASSERT_FALSE(result.timedOut) << output;
    EXPECT_EQ(result.exitCode, 0) << output;
    EXPECT_NE(output.find("Successful alias table update for office.dyn.example.test => new IP# 203.0.113.8"),
              std::string::npos)
        << output;
    EXPECT_EQ(dig("office.dyn.example.test", "A"), "203.0.113.8\n") << output;
}

TEST_F(HttpClientsInteropTest, InadynWithAWrongPasswordChangesNothing) {
    std::string path;
    ASSERT_TRUE(findClient("inadyn", path));
    const auto result = inadyn(path, "bob", "guess", "office.dyn.example.test", "203.0.113.8");
    const std::string output = result.out + result.err;
    ASSERT_FALSE(result.timedOut) << output;
    EXPECT_NE(result.exitCode, 0) << "inadyn must report the rejected update: " << output;
    EXPECT_EQ(dig("office.dyn.example.test", "A"), "") << output;
}

}  // namespace http_clients_test
}  // namespace
}  // namespace qdyn::test
