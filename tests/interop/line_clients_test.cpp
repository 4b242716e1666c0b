// Interop of qdyn-server's line protocols with clients written by others: the example QDNS
// client of seed 000 (Python, run by python3 with only the server's host and port changed)
// updates a host, and dig reads the answer over UDP. Nothing leaves loopback.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "peer_programs.hpp"
#include "process.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"

namespace qdyn::test {
namespace {
namespace line_clients_test {

constexpr const char* kSeedClient = QDYN_SOURCE_DIR "/tests/interop/scripts/seed000_qdns_client.py";

// The seed's client logs in as "username" with "password": an account of exactly that.
constexpr const char* kServerConfig = R"([zone]
origin = "dyn.example.test"
nameserver = "ns1.dyn.example.test"
nameserver_addresses = ["127.0.0.1"]
email = "hostmaster@example.test"

[listen]
dns_udp = ["127.0.0.1:0"]
qdns = ["127.0.0.1:0"]

[[account]]
name = "username"
password = "password"
hosts = ["home.dyn.example.test"]
)";

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

class LineClientsInteropTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_python = programPath("python3");
        m_dig = programPath("dig");
        if (m_python.empty()) GTEST_FAIL() << "python3 is not installed (package python3); run packaging/deps/debian.sh";
        if (m_dig.empty()) GTEST_FAIL() << "dig is not installed (package bind9-dnsutils); run packaging/deps/debian.sh";
        const auto config = m_dir.write("server.toml", kServerConfig);
        ASSERT_TRUE(startServer(m_server, {QDYN_SERVER_PATH, "--config", config.string()}, m_ports));
        ASSERT_FALSE(m_ports.byKind["qdns"].empty()) << "the config lists a qdns listener";
    }
    void TearDown() override {
        if (m_server.pid() > 0) {
            EXPECT_EQ(m_server.stop(), 0) << "qdyn-server must exit cleanly on SIGTERM";
        }
    }

    std::string dig(const std::string& name, const std::string& type) {
        const auto result = runProcess({m_dig, "@127.0.0.1", "-p", m_ports.udp, "+norecurse", "+time=2", "+tries=2",
                                        "+short", name, type});
        EXPECT_EQ(result.exitCode, 0) << result.err;
        return result.out;
    }

    TempDir m_dir;
    BackgroundProcess m_server;
    ServerPorts m_ports;
    std::string m_python;
    std::string m_dig;
};

TEST_F(LineClientsInteropTest, TheSeedsPythonQdnsClientUpdatesQdynServer) {
    // The seed's code with only the host and the port of its connect call changed.
    auto client = readFile(kSeedClient);
    const std::string seedTarget = R"(("qdns-server.example.com", 7393))";
    const auto at = client.find(seedTarget);
    ASSERT_NE(at, std::string::npos) << "the seed client's connect call is not in " << kSeedClient;
    ASSERT_EQ(client.find(seedTarget, at + 1), std::string::npos);
    client.replace(at, seedTarget.size(), "(\"127.0.0.1\", " + m_ports.byKind["qdns"] + ")");
    client += "\nimport sys\nprint(update_dns(sys.argv[1], sys.argv[2]))\n";
    const auto script = m_dir.write("seed_client.py", client);

    const auto run = runProcess({m_python, script.string(), "home.dyn.example.test", "203.0.113.7"});
    ASSERT_EQ(run.exitCode, 0) << run.err;
    EXPECT_EQ(run.out, "True\n");
    EXPECT_EQ(dig("home.dyn.example.test", "A"), "203.0.113.7\n");

    // And a host the account does not own: the seed client sees the refusal.
    const auto refused = runProcess({m_python, script.string(), "other.dyn.example.test", "203.0.113.8"});
    ASSERT_EQ(refused.exitCode, 0) << refused.err;
    EXPECT_EQ(refused.out, "False\n");
    EXPECT_EQ(dig("other.dyn.example.test", "A"), "");
}

}  // namespace line_clients_test
}  // namespace
}  // namespace qdyn::test
