// Interop of qdyn-server's RFC 2136 side with the real clients: BIND's nsupdate (UDP and TCP)
// and Knot's knsupdate sign UPDATEs with TSIG; dig and kdig read the results back. The server
// runs as its own executable with a SQLite store, so a kill -9 between the update and a
// restart shows that an acknowledged update is durable.
#include <gtest/gtest.h>

#include "process.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"

namespace qdyn::test {
namespace {
namespace nsupdate_test {

// Fixed test keys (never used for anything real).
constexpr const char* kAliceSecret = "GR5g4DuMxjC27pD6mZCGfjcbAbDuZOyccRxqAl4tPlE=";
constexpr const char* kBobSecret = "q0FjhK2pO1sXBw6r5yBjRk7a7qf0rW2c0c8z8mJYq6E=";

std::string serverConfig(const std::string& storePath) {
    return std::string(R"([zone]
origin = "dyn.example.test"
nameserver = "ns1.dyn.example.test"
nameserver_addresses = ["127.0.0.1"]
email = "hostmaster@example.test"

[listen]
dns_udp = ["127.0.0.1:0"]
dns_tcp = ["127.0.0.1:0"]

[store]
path = ")") + storePath + R"("

[[account]]
name = "alice"
password = "s3cret"
hosts = ["home"]

[[account]]
name = "bob"
password = "hunter2"
hosts = ["office"]

[[record]]
name = "www"
type = "CNAME"
value = "home"

[[tsig_key]]
name = "alice-key"
algorithm = "hmac-sha256"
secret = ")" + kAliceSecret + R"("
account = "alice"

[[tsig_key]]
name = "bob-key"
algorithm = "hmac-sha512"
secret = ")" + kBobSecret + R"("
account = "bob"
)";
}

class NsupdateInteropTest : public ::testing::Test {
protected:
    void SetUp() override {
        for (const char* program : {"nsupdate", "dig"}) {
            if (!haveProgram(program)) {
                GTEST_FAIL() << program << " is not installed (package bind9-dnsutils); run packaging/deps/debian.sh";
            }
        }
        for (const char* program : {"knsupdate", "kdig"}) {
            if (!haveProgram(program)) {
                GTEST_FAIL() << program << " is not installed (package knot-dnsutils); run packaging/deps/debian.sh";
            }
        }
        m_config = m_dir.write("server.toml", serverConfig((m_dir.path() / "state.db").string()));
        startQdynServer();
    }
    void TearDown() override {
        if (m_server.pid() > 0) {
            EXPECT_EQ(m_server.stop(), 0) << "qdyn-server must exit cleanly on SIGTERM";
        }
    }

    void startQdynServer() {
        ASSERT_TRUE(startServer(m_server, {QDYN_SERVER_PATH, "--config", m_config.string()}, m_ports));
        ASSERT_FALSE(m_ports.udp.empty());
        ASSERT_FALSE(m_ports.tcp.empty());
    }

    // nsupdate with a script; `key` is the -y spec; `tcp` adds -v.
    ProcessResult nsupdate(const std::string& key, const std::string& commands, bool tcp = false) {
        const auto script = m_dir.write("nsupdate.txt", "server 127.0.0.1 " + (tcp ? m_ports.tcp : m_ports.udp) +
                                                            "\nzone dyn.example.test\n" + commands + "send\nanswer\n");
        std::vector<std::string> argv{"/usr/bin/nsupdate", "-y", key, "-t", "5"};
        if (tcp) argv.emplace_back("-v");
        argv.push_back(script.string());
        return runProcess(argv);
    }

    ProcessResult knsupdate(const std::string& key, const std::string& commands) {
        const auto script = m_dir.write("knsupdate.txt", "server 127.0.0.1 " + m_ports.udp +
                                                             "\nzone dyn.example.test.\norigin dyn.example.test.\n" +
                                                             commands + "send\nanswer\n");
        return runProcess({"/usr/bin/knsupdate", "-y", key, "-t", "5", script.string()});
    }

    std::string dig(const std::string& name, const std::string& type) {
        const auto result = runProcess({"/usr/bin/dig", "@127.0.0.1", "-p", m_ports.udp, "+norecurse", "+time=2",
                                        "+tries=2", "+short", name, type});
        EXPECT_EQ(result.exitCode, 0) << result.err;
        return result.out;
    }

    std::string kdig(const std::string& name, const std::string& type) {
        const auto result = runProcess({"/usr/bin/kdig", "@127.0.0.1", "-p", m_ports.tcp, "+tcp", "+norecurse",
                                        "+time=2", "+retry=1", "+short", name, type});
        EXPECT_EQ(result.exitCode, 0) << result.err;
        return result.out;
    }

    TempDir m_dir;
    std::filesystem::path m_config;
    BackgroundProcess m_server;
    ServerPorts m_ports;
    const std::string m_alice = std::string("hmac-sha256:alice-key:") + kAliceSecret;
    const std::string m_bob = std::string("hmac-sha512:bob-key:") + kBobSecret;
};

TEST_F(NsupdateInteropTest, NsupdateReplacesAnAddressAndAddsAnAcmeTxt) {
    const auto added = nsupdate(m_alice,
                                "update delete home.dyn.example.test A\n"
                                "update add home.dyn.example.test 60 A 203.0.113.7\n"
                                "update add _acme-challenge.home.dyn.example.test 30 TXT \"token-123\"\n");
    ASSERT_EQ(added.exitCode, 0) << added.out << added.err;
    EXPECT_NE(added.out.find("status: NOERROR"), std::string::npos) << added.out;
    EXPECT_EQ(dig("home.dyn.example.test", "A"), "203.0.113.7\n");
    EXPECT_EQ(dig("www.dyn.example.test", "A"), "home.dyn.example.test.\n203.0.113.7\n");  // the static CNAME
    EXPECT_EQ(kdig("_acme-challenge.home.dyn.example.test", "TXT"), "\"token-123\"\n");

    // Over TCP (-v), with a prerequisite that holds: the TXT goes again.
    const auto removed = nsupdate(m_alice,
                                  "prereq yxrrset _acme-challenge.home.dyn.example.test TXT\n"
                                  "update delete _acme-challenge.home.dyn.example.test TXT\n",
                                  true);
    ASSERT_EQ(removed.exitCode, 0) << removed.out << removed.err;
    EXPECT_EQ(dig("_acme-challenge.home.dyn.example.test", "TXT"), "");
    EXPECT_EQ(dig("home.dyn.example.test", "A"), "203.0.113.7\n");
}

TEST_F(NsupdateInteropTest, KnsupdateUpdatesWithSha512AndKdigReadsIt) {
    const auto result = knsupdate(m_bob, "update add office 120 AAAA 2001:db8::99\n");
    ASSERT_EQ(result.exitCode, 0) << result.out << result.err;
    EXPECT_EQ(kdig("office.dyn.example.test", "AAAA"), "2001:db8::99\n");
    EXPECT_EQ(dig("office.dyn.example.test", "AAAA"), "2001:db8::99\n");
}

TEST_F(NsupdateInteropTest, FailingPrerequisiteChangesNothing) {
    // home exists (a configured host) but holds no A yet: "the A RRset exists" is false.
    const auto result = nsupdate(m_alice,
                                 "prereq yxrrset home.dyn.example.test A\n"
                                 "update add home.dyn.example.test 60 A 192.0.2.1\n");
    EXPECT_NE(result.exitCode, 0);
    EXPECT_NE((result.out + result.err).find("NXRRSET"), std::string::npos) << result.out << result.err;
    EXPECT_EQ(dig("home.dyn.example.test", "A"), "");

    ASSERT_EQ(nsupdate(m_alice, "update add home.dyn.example.test 60 A 192.0.2.1\n").exitCode, 0);
    const auto taken = nsupdate(m_alice,
                                "prereq nxdomain home.dyn.example.test\n"
                                "update add home.dyn.example.test 60 A 192.0.2.2\n");
    EXPECT_NE(taken.exitCode, 0);
    EXPECT_NE((taken.out + taken.err).find("YXDOMAIN"), std::string::npos) << taken.out << taken.err;
    EXPECT_EQ(dig("home.dyn.example.test", "A"), "192.0.2.1\n");
}

TEST_F(NsupdateInteropTest, ForeignHostsWrongKeysAndUnsignedUpdatesAreRefused) {
    const auto foreign = nsupdate(m_alice, "update add office.dyn.example.test 60 A 192.0.2.1\n");
    EXPECT_NE(foreign.exitCode, 0);
    EXPECT_NE((foreign.out + foreign.err).find("REFUSED"), std::string::npos) << foreign.out << foreign.err;

    const auto wrongSecret =
        nsupdate("hmac-sha256:alice-key:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "update add home.dyn.example.test 60 A 192.0.2.1\n");
    EXPECT_NE(wrongSecret.exitCode, 0);
    const auto unknownKey = nsupdate(std::string("hmac-sha256:mallory-key:") + kAliceSecret,
                                     "update add home.dyn.example.test 60 A 192.0.2.1\n");
    EXPECT_NE(unknownKey.exitCode, 0);

    const auto script = m_dir.write("unsigned.txt", "server 127.0.0.1 " + m_ports.udp +
                                                        "\nzone dyn.example.test\nupdate add home.dyn.example.test 60 A 192.0.2.1\nsend\n");
    const auto unsignedUpdate = runProcess({"/usr/bin/nsupdate", "-t", "5", script.string()});
    EXPECT_NE(unsignedUpdate.exitCode, 0);
    EXPECT_NE((unsignedUpdate.out + unsignedUpdate.err).find("REFUSED"), std::string::npos) << unsignedUpdate.err;

    EXPECT_EQ(dig("home.dyn.example.test", "A"), "");
    EXPECT_EQ(dig("office.dyn.example.test", "A"), "");
}

TEST_F(NsupdateInteropTest, AnAcknowledgedUpdateSurvivesKillDashNine) {
    const auto result = nsupdate(m_alice, "update add home.dyn.example.test 60 A 198.51.100.42\n");
    ASSERT_EQ(result.exitCode, 0) << result.out << result.err;
    const auto serialBefore = dig("dyn.example.test", "SOA");
    m_server.kill();  // no shutdown, no flush: only what was durable when nsupdate got its answer
    startQdynServer();
    EXPECT_EQ(dig("home.dyn.example.test", "A"), "198.51.100.42\n");
    EXPECT_NE(dig("dyn.example.test", "SOA"), serialBefore);  // the serial moved on at the restart
}

}  // namespace nsupdate_test
}  // namespace
}  // namespace qdyn::test
