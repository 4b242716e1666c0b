// `qdyn query HOST` against qdyn-server in-process: the answer of a given DNS server, of a
// profile's verify servers, QDNS QUERY for a QDNS profile, NODATA and NXDOMAIN, a server that
// does not answer, JSON.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_run.hpp"
#include "closed_port.hpp"
#include "demo_server_config.hpp"
#include "exit_codes.hpp"
#include "qdyn_server/server.hpp"
#include "temp_dir.hpp"
#include "test_values.hpp"
#include "toml_text.hpp"

namespace qdyn::test {
namespace {
namespace cli_query_test {

using cli::kExitOk;
using cli::kExitRetryLater;
using cli::kExitUsage;

class CliQueryTest : public ::testing::Test {
protected:
    void SetUp() override {
        server::Config config = demoServerConfig();  // alice/s3cret may update home
        config.qdns = {server::ListenAddress{ip("127.0.0.1"), 0}};
        m_server = std::make_unique<server::Server>(config);
        auto started = m_server->start();
        ASSERT_TRUE(started) << started.message();
        m_dns = "127.0.0.1:" + std::to_string(m_server->port("dns-udp"));
        m_qdns = "qdns://127.0.0.1:" + std::to_string(m_server->port("qdns"));
        const auto secret = m_dir.write("alice.secret", "s3cret\n");
        m_profiles = m_dir.write("profiles.toml",
                                 "[profile.web]\nprotocol = \"dyndns2\"\nserver = \"http://127.0.0.1:" +
                                     std::to_string(m_server->port("http")) +
                                     "\"\nhosts = [\"home.dyn.example.test\"]\nusername = \"alice\"\npassword_file = " +
                                     tomlPath(secret) + "\n\n[profile.line]\nprotocol = \"qdns\"\nserver = \"" + m_qdns +
                                     "\"\nhosts = [\"home.dyn.example.test\"]\nusername = \"alice\"\npassword_file = " +
                                     tomlPath(secret) + "\nverify = [\"" + m_dns + "\"]\n");
        // Publish an address the way a user would.
        const CliRun update = runQdyn({"update", "--config", m_profiles.string(), "-p", "web", "-a", "203.0.113.7",
                                       "--state-dir", m_dir.path().string()});
        ASSERT_EQ(update.code, kExitOk) << update.out << update.err;
    }
    void TearDown() override {
        if (m_server) m_server->stop();
    }

    TempDir m_dir;
    std::unique_ptr<server::Server> m_server;
    std::string m_dns;
    std::string m_qdns;
    std::filesystem::path m_profiles;
};

TEST_F(CliQueryTest, TheGivenServersAnswerOneLineEach) {
    const CliRun both = runQdyn({"query", "home.dyn.example.test", "--server", m_dns});
    EXPECT_EQ(both.code, kExitOk) << both.err;
    EXPECT_EQ(linesOf(both.out), (std::vector<std::string>{
                                     "A 203.0.113.7 (" + m_dns + ")",
                                     "AAAA none (no such record) (" + m_dns + ")",
                                 }));
    const CliRun missing = runQdyn({"query", "nothing.dyn.example.test", "--server", m_dns, "--type", "A"});
    EXPECT_EQ(missing.code, kExitOk);
    EXPECT_EQ(missing.out, "A none (no such name, NXDOMAIN) (" + m_dns + ")\n");
}

TEST_F(CliQueryTest, AQdnsProfileAsksItsVerifyServersAndTheQdnsServer) {
    const CliRun result = runQdyn({"query", "home.dyn.example.test", "--config", m_profiles.string(), "--profile", "line",
                                   "--type", "A"});
    EXPECT_EQ(result.code, kExitOk) << result.err;
    EXPECT_EQ(linesOf(result.out), (std::vector<std::string>{
                                       "A 203.0.113.7 (" + m_dns + ")",
                                       "QDNS 203.0.113.7 (" + m_qdns + ")",
                                   }));
    const CliRun json = runQdyn({"query", "home.dyn.example.test", "--config", m_profiles.string(), "-p", "line", "--json"});
    EXPECT_EQ(json.code, kExitOk) << json.err;
    const auto parsed = nlohmann::json::parse(json.out);
    EXPECT_EQ(parsed["host"], "home.dyn.example.test");
    ASSERT_EQ(parsed["answers"].size(), 3U);
    EXPECT_EQ(parsed["answers"][0]["type"], "A");
    EXPECT_EQ(parsed["answers"][0]["status"], "ok");
    EXPECT_EQ(parsed["answers"][0]["addresses"], nlohmann::json::array({"203.0.113.7"}));
    EXPECT_EQ(parsed["answers"][1]["status"], "nodata");
    EXPECT_EQ(parsed["answers"][2]["server"], m_qdns);
    EXPECT_EQ(json.out.find("s3cret"), std::string::npos);  // QUERY needs no login
}

TEST_F(CliQueryTest, AServerThatDoesNotAnswerIsExit3AndBadInputIsExit2) {
    ClosedPort closed;
    const std::string silent = "127.0.0.1:" + std::to_string(closed.port());
    const CliRun down = runQdyn({"query", "home.dyn.example.test", "--server", silent, "--type", "A", "--timeout", "200"});
    EXPECT_EQ(down.code, kExitRetryLater);
    EXPECT_EQ(down.out.rfind("A error: ", 0), 0U) << down.out;
    EXPECT_NE(down.out.find("(" + silent + ")"), std::string::npos);
    EXPECT_EQ(runQdyn({"query", "home.dyn.example.test", "--server", "ns1.example.test"}).code, kExitUsage);
    EXPECT_EQ(runQdyn({"query", "bad..name", "--server", m_dns}).code, kExitUsage);
    EXPECT_EQ(runQdyn({"query", "home.dyn.example.test", "--type", "MX"}).code, kExitUsage);
    EXPECT_EQ(runQdyn({"query", "h.example.test", "--config", m_profiles.string(), "-p", "nope"}).code, kExitUsage);
}

}  // namespace cli_query_test
}  // namespace
}  // namespace qdyn::test
