// Reloading qdyn-server's configuration while it runs: in-process through Server::reload, and
// through SIGHUP to the executable. The dynamic records survive, new accounts and static
// records take effect, and a change that needs a restart is refused without harm.
#include <gtest/gtest.h>

#include <csignal>
#include <thread>

#include "process.hpp"
#include "qdyn/dns/transport.hpp"
#include "qdyn/protocols/dyndns2.hpp"
#include "server_fixture.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"

namespace qdyn::test {
namespace {
namespace server_reload_test {

std::vector<IpAddress> lookupAt(std::uint16_t port, const std::string& name) {
    const dns::ServerAddress server{*IpAddress::parse("127.0.0.1"), port};
    auto addresses = dns::queryAddresses(server, *dns::Name::parse(name), dns::rrtype::A);
    return addresses ? *addresses : std::vector<IpAddress>{};
}

class ServerReloadTest : public ServerFixture {
protected:
    void update(const std::string& user, const std::string& password, const std::string& host, const std::string& ip) {
        dyndns2::Settings settings;
        settings.baseUrl = httpBase();
        settings.username = user;
        settings.password = Secret(password);
        dyndns2::Client client(std::move(settings));
        const auto outcomes = client.update(UpdateRequest{{host}, IpAddress::parse(ip), std::nullopt});
        ASSERT_EQ(outcomes.size(), 1U);
        EXPECT_EQ(outcomes[0].outcome, OutcomeClass::Updated) << outcomes[0].code;
    }
};

TEST_F(ServerReloadTest, KeepsDynamicRecordsAndAppliesNewAccountsAndRecords) {
    update("alice", "s3cret", "home.dyn.example.test", "203.0.113.7");
    auto next = demoServerConfig();
    next.accounts.push_back(server::Account{"carol", "pw3", {*dns::Name::parse("carol.dyn.example.test")}});
    next.records.push_back(server::StaticRecord{*dns::Name::parse("static.dyn.example.test"), dns::rrtype::A, 60,
                                                dns::AData{IpAddress::parse("192.0.2.80")->v4Bytes()}});
    ASSERT_TRUE(m_server->reload(next));

    EXPECT_EQ(lookup("home.dyn.example.test").at(0).toString(), "203.0.113.7");  // kept
    EXPECT_EQ(lookup("static.dyn.example.test").at(0).toString(), "192.0.2.80");  // new static record
    update("carol", "pw3", "carol.dyn.example.test", "198.51.100.3");              // new account
    EXPECT_EQ(lookup("carol.dyn.example.test").at(0).toString(), "198.51.100.3");
}

TEST_F(ServerReloadTest, RemovingAGrantDropsItsRecordsAndRestartOnlyChangesAreRefused) {
    update("bob", "hunter2", "office.dyn.example.test", "203.0.113.9");
    auto withoutBob = demoServerConfig();
    std::erase_if(withoutBob.accounts, [](const server::Account& a) { return a.name == "bob"; });
    ASSERT_TRUE(m_server->reload(withoutBob));
    EXPECT_FALSE(dns::queryAddresses(dnsServer(), *dns::Name::parse("office.dyn.example.test"), dns::rrtype::A));

    auto otherListener = demoServerConfig();
    otherListener.http.push_back(server::ListenAddress{*IpAddress::parse("127.0.0.1"), 1});
    const auto refused = m_server->reload(otherListener);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.message().find("[listen] changed"), std::string::npos) << refused.message();
    update("alice", "s3cret", "home.dyn.example.test", "203.0.113.8");  // still serving, old config
}

const char* const kConfigV1 = R"([zone]
origin = "dyn.example.test"
nameserver = "ns1.dyn.example.test"
nameserver_addresses = ["127.0.0.1"]
[listen]
dns_udp = ["127.0.0.1:0"]
[[record]]
name = "www"
type = "A"
value = "192.0.2.1"
)";

TEST(ServerSighup, ReloadsTheFileAndRefusesABrokenOne) {
    TempDir dir;
    const auto config = dir.write("server.toml", kConfigV1);
    BackgroundProcess server;
    ServerPorts ports;
    ASSERT_TRUE(startServer(server, {QDYN_SERVER_PATH, "--config", config.string()}, ports));
    const auto port = static_cast<std::uint16_t>(std::stoi(ports.udp));
    ASSERT_EQ(lookupAt(port, "www.dyn.example.test").at(0).toString(), "192.0.2.1");

    // The listeners are written as before (port 0 stays "the port already bound").
    std::string v2 = kConfigV1;
    v2.replace(v2.find("192.0.2.1"), 9, "192.0.2.2");
    dir.write("server.toml", v2);
    server.signal(SIGHUP);
    bool changed = false;
    for (int i = 0; i < 50 && !changed; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        const auto now = lookupAt(port, "www.dyn.example.test");
        changed = !now.empty() && now[0].toString() == "192.0.2.2";
    }
    EXPECT_TRUE(changed) << "SIGHUP did not apply the new record";

    dir.write("server.toml", "this is not toml [");
    server.signal(SIGHUP);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(lookupAt(port, "www.dyn.example.test").at(0).toString(), "192.0.2.2");  // still the last good one
    EXPECT_EQ(server.stop(), 0);
}

}  // namespace server_reload_test
}  // namespace
}  // namespace qdyn::test
