// The account and tsig-key commands against the real qdyn-server executable: an account added
// with --password-stdin updates over /nic/update; `account passwd` + SIGHUP refuses the old
// password and accepts the new one; `tsig-key add` + SIGHUP lets nsupdate sign with the printed
// spec. Everything on loopback with free ports; every process is stopped by its PID.
#include <chrono>
#include <csignal>
#include <functional>
#include <gtest/gtest.h>
#include <regex>
#include <thread>

#include "process.hpp"
#include "qdyn/dns/transport.hpp"
#include "qdyn/protocols/dyndns2.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"

namespace qdyn::test {
namespace {
namespace account_commands_test {

const char* const kServerToml = R"([zone]
origin = "dyn.example.test"
nameserver = "ns1.dyn.example.test"
nameserver_addresses = ["127.0.0.1"]

[listen]
dns_udp = ["127.0.0.1:0"]
dns_tcp = ["127.0.0.1:0"]
http = ["127.0.0.1:0"]

[accounts]
file = "accounts.toml"
)";

class AccountCommandsBinaryTest : public ::testing::Test {
protected:
    void SetUp() override { m_config = m_dir.write("server.toml", kServerToml, 0644); }
    void TearDown() override {
        if (m_server.pid() > 0) {
            EXPECT_EQ(m_server.stop(), 0) << "qdyn-server must exit cleanly on SIGTERM";
        }
    }

    ProcessResult command(const std::vector<std::string>& args, const std::string& input = "") {
        std::vector<std::string> argv{QDYN_SERVER_PATH, "--config", m_config.string()};
        argv.insert(argv.end(), args.begin(), args.end());
        return runProcessWithInput(argv, input);
    }

    OutcomeClass update(const std::string& user, const std::string& password, const std::string& ip) {
        dyndns2::Settings settings;
        settings.baseUrl = "http://127.0.0.1:" + m_ports.http;
        settings.username = user;
        settings.password = Secret(password);
        settings.timeout = std::chrono::milliseconds(5000);
        dyndns2::Client client(std::move(settings));
        const auto outcomes =
            client.update(UpdateRequest{{"home.dyn.example.test"}, IpAddress::parse(ip), std::nullopt});
        return outcomes.size() == 1 ? outcomes[0].outcome : OutcomeClass::RetryLater;
    }

    std::vector<IpAddress> lookup(const std::string& name) {
        const dns::ServerAddress server{*IpAddress::parse("127.0.0.1"),
                                        static_cast<std::uint16_t>(std::stoi(m_ports.udp))};
        auto addresses = dns::queryAddresses(server, *dns::Name::parse(name), dns::rrtype::A);
        return addresses ? *addresses : std::vector<IpAddress>{};
    }

    // SIGHUP is applied asynchronously: poll until `done` holds (or give up after five seconds).
    static bool eventually(const std::function<bool()>& done) {
        for (int i = 0; i < 50; ++i) {
            if (done()) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return done();
    }

    TempDir m_dir;
    std::filesystem::path m_config;
    BackgroundProcess m_server;
    ServerPorts m_ports;
};

TEST_F(AccountCommandsBinaryTest, AddPasswdAndTsigKeyApplyOnSighup) {
    const auto added = command({"account", "add", "carol", "--host", "home", "--password-stdin"}, "first-pw\n");
    ASSERT_EQ(added.exitCode, 0) << added.out << added.err;
    EXPECT_NE(added.out.find("send SIGHUP to qdyn-server (systemctl reload qdyn-server) to apply"), std::string::npos);
    EXPECT_EQ(added.out.find("first-pw"), std::string::npos);

    ASSERT_TRUE(startServer(m_server, {QDYN_SERVER_PATH, "--config", m_config.string()}, m_ports));
    ASSERT_FALSE(m_ports.http.empty());
    EXPECT_EQ(update("carol", "first-pw", "203.0.113.7"), OutcomeClass::Updated);
    ASSERT_EQ(lookup("home.dyn.example.test").size(), 1U);
    EXPECT_EQ(lookup("home.dyn.example.test")[0].toString(), "203.0.113.7");
    EXPECT_EQ(update("carol", "wrong", "203.0.113.9"), OutcomeClass::AuthFailed);

    // A new password: after SIGHUP the old one (cached or not) is refused, the new one works.
    const auto changed = command({"account", "passwd", "carol", "--password-stdin"}, "second-pw\n");
    ASSERT_EQ(changed.exitCode, 0) << changed.out << changed.err;
    m_server.signal(SIGHUP);
    // (Another address than below: a try before the reload lands must not make that one nochg.)
    EXPECT_TRUE(eventually([&] { return update("carol", "first-pw", "203.0.113.99") == OutcomeClass::AuthFailed; }));
    EXPECT_EQ(update("carol", "second-pw", "203.0.113.8"), OutcomeClass::Updated);
    EXPECT_EQ(lookup("home.dyn.example.test").at(0).toString(), "203.0.113.8");

    // A TSIG key: nsupdate signs with the spec the command printed.
    ASSERT_TRUE(haveProgram("nsupdate")) << "nsupdate is not installed (package bind9-dnsutils)";
    const auto keyed = command({"tsig-key", "add", "carol-key", "--account", "carol"});
    ASSERT_EQ(keyed.exitCode, 0) << keyed.out << keyed.err;
    std::smatch match;
    ASSERT_TRUE(
        std::regex_search(keyed.out, match, std::regex("\nnsupdate -y (hmac-sha256:carol-key:[A-Za-z0-9+/=]+)\n")))
        << keyed.out;
    const std::string spec = match[1].str();
    const auto listed = command({"tsig-key", "list"});
    EXPECT_EQ(listed.exitCode, 0);
    EXPECT_EQ(listed.out.find(spec.substr(spec.rfind(':') + 1)), std::string::npos) << "list must not show secrets";

    m_server.signal(SIGHUP);
    const auto script = m_dir.write("nsupdate.txt", "server 127.0.0.1 " + m_ports.udp +
                                                        "\nzone dyn.example.test\n"
                                                        "update delete home.dyn.example.test A\n"
                                                        "update add home.dyn.example.test 60 A 198.51.100.42\nsend\n");
    ProcessResult signed_;
    EXPECT_TRUE(eventually([&] {
        signed_ = runProcess({"/usr/bin/nsupdate", "-y", spec, "-t", "3", script.string()});
        return signed_.exitCode == 0;
    })) << signed_.out
        << signed_.err;
    EXPECT_EQ(lookup("home.dyn.example.test").at(0).toString(), "198.51.100.42");

    // Removing the key takes it away again on the next SIGHUP.
    ASSERT_EQ(command({"tsig-key", "remove", "carol-key"}).exitCode, 0);
    m_server.signal(SIGHUP);
    EXPECT_TRUE(eventually([&] {
        return runProcess({"/usr/bin/nsupdate", "-y", spec, "-t", "3", script.string()}).exitCode != 0;
    }));
}

TEST_F(AccountCommandsBinaryTest, ExitCodesOfTheBinary) {
    EXPECT_EQ(command({"account", "list"}).exitCode, 0);
    EXPECT_EQ(command({"account", "add", "carol", "--host", "elsewhere.example.org"}).exitCode, 2);
    EXPECT_EQ(command({"account", "add", "carol", "--host", "home", "--password-stdin"}, "").exitCode, 2);
    EXPECT_EQ(command({"account", "frobnicate"}).exitCode, 2);
    const auto help = command({"tsig-key", "--help"});
    EXPECT_EQ(help.exitCode, 0);
    EXPECT_NE(help.out.find("nsupdate -y hmac-sha256:alice-key:SECRET"), std::string::npos) << help.out;
    // The directory of the accounts file is missing: an I/O error.
    std::string elsewhere = kServerToml;
    elsewhere.replace(elsewhere.find("\"accounts.toml\""), 15, "\"missing/accounts.toml\"");
    m_dir.write("server.toml", elsewhere);
    const auto io = command({"account", "add", "carol", "--host", "home", "--password-stdin"}, "pw\n");
    EXPECT_EQ(io.exitCode, 1) << io.err;
}

}  // namespace account_commands_test
}  // namespace
}  // namespace qdyn::test
