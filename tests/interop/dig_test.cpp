// Interop with dig (BIND's resolver tool, not qdyn's decoder): the qdyn-server executable is
// started on free loopback ports, the qdyn executable updates a host, dig reads it back.
#include <gtest/gtest.h>

#include <regex>

#include "process.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"

namespace qdyn::test {
namespace {
namespace dig_test {

// The shipped demo zone: dyn.example.test on free loopback ports, alice/s3cret may update home.
constexpr const char* kServerConfig = QDYN_SOURCE_DIR "/packaging/examples/demo-server.toml";

class DigInteropTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!haveProgram("dig")) {
            GTEST_FAIL() << "dig is not installed (package bind9-dnsutils); run packaging/deps/debian.sh";
        }
        ServerPorts ports;
        ASSERT_TRUE(startServer(m_server, {QDYN_SERVER_PATH, "--config", kServerConfig}, ports));
        m_dnsPort = ports.udp;
        m_tcpPort = ports.tcp;
        m_httpPort = ports.http;
        ASSERT_FALSE(m_dnsPort.empty());
        ASSERT_FALSE(m_tcpPort.empty()) << "the demo config lists dns_tcp";
        ASSERT_FALSE(m_httpPort.empty());
    }
    void TearDown() override {
        if (m_server.pid() > 0) {
            EXPECT_EQ(m_server.stop(), 0) << "qdyn-server must exit cleanly on SIGTERM";
        }
    }

    ProcessResult dig(const std::vector<std::string>& query) {
        std::vector<std::string> argv{"/usr/bin/dig", "@127.0.0.1", "-p", m_dnsPort, "+norecurse", "+time=2", "+tries=2"};
        argv.insert(argv.end(), query.begin(), query.end());
        return runProcess(argv);
    }

    // The same over TCP only (+tcp), against the dns-tcp listener.
    ProcessResult digTcp(const std::vector<std::string>& query) {
        std::vector<std::string> argv{"/usr/bin/dig", "+tcp", "@127.0.0.1", "-p", m_tcpPort, "+norecurse", "+time=2", "+tries=2"};
        argv.insert(argv.end(), query.begin(), query.end());
        return runProcess(argv);
    }

    TempDir m_dir;
    BackgroundProcess m_server;
    std::string m_dnsPort;
    std::string m_tcpPort;
    std::string m_httpPort;
};

TEST_F(DigInteropTest, DigSeesTheAddressTheCliSent) {
    const auto before = dig({"home.dyn.example.test", "A", "+short"});
    ASSERT_EQ(before.exitCode, 0) << before.err;
    EXPECT_EQ(before.out, "");

    const auto profile = m_dir.write("profiles.toml", "[profile.home]\nprotocol = \"dyndns2\"\nserver = \"http://127.0.0.1:" +
                                                          m_httpPort + "\"\nhosts = [\"home.dyn.example.test\"]\n"
                                                          "username = \"alice\"\npassword = \"s3cret\"\n");
    const auto update = runProcess({QDYN_CLI_PATH, "update", "--config", profile.string(), "--state-dir",
                                    (m_dir.path() / "state").string(), "--address", "203.0.113.7"});
    ASSERT_EQ(update.exitCode, 0) << update.out << update.err;

    const auto after = dig({"home.dyn.example.test", "A", "+short"});
    ASSERT_EQ(after.exitCode, 0) << after.err;
    EXPECT_EQ(after.out, "203.0.113.7\n");

    // dns_tcp: the same answer over TCP, authoritative with the host TTL.
    const auto overTcp = digTcp({"home.dyn.example.test", "A", "+noall", "+comments", "+answer"});
    ASSERT_EQ(overTcp.exitCode, 0) << overTcp.err;
    EXPECT_NE(overTcp.out.find("status: NOERROR"), std::string::npos) << overTcp.out;
    EXPECT_NE(overTcp.out.find(" aa"), std::string::npos) << overTcp.out;
    EXPECT_TRUE(std::regex_search(overTcp.out,
                                  std::regex(R"(home\.dyn\.example\.test\.\s+60\s+IN\s+A\s+203\.0\.113\.7)")))
        << overTcp.out;

    // The full answer is authoritative with the host TTL.
    const auto full = dig({"home.dyn.example.test", "A", "+noall", "+comments", "+answer"});
    EXPECT_NE(full.out.find("status: NOERROR"), std::string::npos) << full.out;
    EXPECT_NE(full.out.find(" aa"), std::string::npos) << full.out;
    EXPECT_TRUE(std::regex_search(full.out, std::regex(R"(home\.dyn\.example\.test\.\s+60\s+IN\s+A\s+203\.0\.113\.7)")))
        << full.out;

    // A wrong password changes nothing that dig can see.
    const auto wrong = m_dir.write("wrong.toml", "[profile.home]\nprotocol = \"dyndns2\"\nserver = \"http://127.0.0.1:" +
                                                     m_httpPort + "\"\nhosts = [\"home.dyn.example.test\"]\n"
                                                     "username = \"alice\"\npassword = \"guess\"\n");
    const auto denied = runProcess({QDYN_CLI_PATH, "update", "--config", wrong.string(), "--state-dir",
                                    (m_dir.path() / "state2").string(), "--address", "198.51.100.99"});
    EXPECT_EQ(denied.exitCode, 4) << denied.out << denied.err;
    EXPECT_EQ(dig({"home.dyn.example.test", "A", "+short"}).out, "203.0.113.7\n");
}

TEST_F(DigInteropTest, ApexSoaNsAndNegativeAnswers) {
    const auto soa = dig({"dyn.example.test", "SOA", "+short"});
    EXPECT_TRUE(std::regex_match(soa.out, std::regex(R"(ns1\.dyn\.example\.test\. hostmaster\.example\.test\. \d+ 600 300 604800 600\n)")))
        << soa.out;
    EXPECT_EQ(dig({"dyn.example.test", "NS", "+short"}).out, "ns1.dyn.example.test.\n");
    // dns_tcp: the SOA over TCP is the same record.
    const auto soaTcp = digTcp({"dyn.example.test", "SOA", "+short"});
    ASSERT_EQ(soaTcp.exitCode, 0) << soaTcp.err;
    EXPECT_EQ(soaTcp.out, soa.out);
    const auto missingTcp = digTcp({"nothere.dyn.example.test", "A"});
    EXPECT_NE(missingTcp.out.find("status: NXDOMAIN"), std::string::npos) << missingTcp.out;
    EXPECT_EQ(dig({"ns1.dyn.example.test", "A", "+short"}).out, "127.0.0.1\n");

    const auto missing = dig({"nothere.dyn.example.test", "A"});
    EXPECT_NE(missing.out.find("status: NXDOMAIN"), std::string::npos) << missing.out;
    EXPECT_NE(missing.out.find("AUTHORITY: 1"), std::string::npos) << missing.out;

    const auto nodata = dig({"home.dyn.example.test", "AAAA"});
    EXPECT_NE(nodata.out.find("status: NOERROR"), std::string::npos) << nodata.out;
    EXPECT_NE(nodata.out.find("ANSWER: 0, AUTHORITY: 1"), std::string::npos) << nodata.out;

    const auto outside = dig({"example.org", "A"});
    EXPECT_NE(outside.out.find("status: REFUSED"), std::string::npos) << outside.out;
}

}  // namespace dig_test
}  // namespace
}  // namespace qdyn::test
