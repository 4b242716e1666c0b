// qdyn-server's TOML configuration: the happy path, defaults, relative host names, and errors
// that name the file and line.
#include <gtest/gtest.h>

#include <string>

#include "qdyn_server/config.hpp"
#include "qdyn_server/zone.hpp"
#include "temp_dir.hpp"
#include "test_values.hpp"

namespace {
namespace server_config_test {

using qdyn::IpAddress;
using qdyn::server::Config;
namespace dns = qdyn::dns;

using qdyn::test::name;

const char* const kGood = R"(# demo
[zone]
origin = "dyn.example.test"
nameserver = "ns1.dyn.example.test"
nameserver_addresses = ["127.0.0.1", "::1"]
email = "hostmaster@example.test"
host_ttl = 30

[listen]
dns_udp = ["127.0.0.1:0", "[::1]:5353"]
http = ["127.0.0.1:0"]

[[account]]
name = "alice"
password = "s3cret"
hosts = ["home.dyn.example.test", "office", "Deep.Sub.dyn.example.test."]

[[account]]
name = "bob"
password = "hunter2"
hosts = ["bob"]
)";

// Parses a config that is expected to fail and returns the message.
std::string errorOf(const std::string& toml) {
    auto config = Config::parse(toml, "server.toml");
    EXPECT_FALSE(config) << "expected an error for:\n" << toml;
    return config ? std::string() : config.message();
}

const std::string kZone = "[zone]\norigin = \"dyn.example.test\"\nnameserver = \"ns1.example.test\"\n";

TEST(ServerConfig, ParsesTheFullExample) {
    auto config = Config::parse(kGood, "server.toml");
    ASSERT_TRUE(config) << config.message();
    EXPECT_EQ(config->zone.origin, name("dyn.example.test"));
    EXPECT_EQ(config->zone.nameserver, name("ns1.dyn.example.test"));
    ASSERT_EQ(config->zone.nameserverGlue.size(), 2U);
    EXPECT_EQ(config->zone.nameserverGlue[1], IpAddress::parse("::1").value());
    EXPECT_EQ(config->zone.hostTtl, 30U);
    EXPECT_EQ(config->zone.apexTtl, 86400U);  // nanodnsd defaults for everything not given
    EXPECT_EQ(config->zone.refresh, 600U);
    EXPECT_EQ(config->zone.retry, 300U);
    EXPECT_EQ(config->zone.expire, 604800U);
    EXPECT_EQ(config->zone.minimum, 600U);

    ASSERT_EQ(config->dnsUdp.size(), 2U);
    EXPECT_EQ(config->dnsUdp[0].address, IpAddress::parse("127.0.0.1").value());
    EXPECT_EQ(config->dnsUdp[0].port, 0);
    EXPECT_EQ(config->dnsUdp[1].address, IpAddress::parse("::1").value());
    EXPECT_EQ(config->dnsUdp[1].port, 5353);
    ASSERT_EQ(config->http.size(), 1U);

    ASSERT_EQ(config->accounts.size(), 2U);
    const auto& alice = config->accounts[0];
    EXPECT_EQ(alice.name, "alice");
    EXPECT_EQ(alice.password, "s3cret");
    ASSERT_EQ(alice.hosts.size(), 3U);
    EXPECT_EQ(alice.hosts[0], name("home.dyn.example.test"));
    EXPECT_EQ(alice.hosts[1], name("office.dyn.example.test"));  // relative to the zone
    EXPECT_EQ(alice.hosts[2], name("deep.sub.dyn.example.test"));
    EXPECT_EQ(config->accounts[1].hosts[0], name("bob.dyn.example.test"));
}

TEST(ServerConfig, MinimalConfigHasNoListenersOrAccounts) {
    auto config = Config::parse(kZone, "server.toml");
    ASSERT_TRUE(config) << config.message();
    EXPECT_TRUE(config->dnsUdp.empty());
    EXPECT_TRUE(config->dnsTcp.empty());
    EXPECT_TRUE(config->http.empty());
    EXPECT_EQ(config->dns.tcpIdleTimeout, 10U);
    EXPECT_EQ(config->dns.tcpMaxConnections, 256U);
    EXPECT_EQ(config->dns.udpBatchWaitMicroseconds, 100U);
    EXPECT_TRUE(config->dns.udpSegmentation);
    EXPECT_TRUE(config->accounts.empty());
}

TEST(ServerConfig, RnameEscapesDotsBeforeTheAt) {
    auto rname = qdyn::server::rnameFromEmail("john.doe@example.test", name("dyn.example.test"));
    ASSERT_TRUE(rname) << rname.message();
    EXPECT_EQ(rname->toString(), "john\\.doe.example.test.");
    EXPECT_EQ(rname->labelCount(), 3U);
    auto plain = qdyn::server::rnameFromEmail("hostmaster@example.test", name("dyn.example.test"));
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->toString(), "hostmaster.example.test.");
    auto local = qdyn::server::rnameFromEmail("hostmaster", name("dyn.example.test"));
    ASSERT_TRUE(local);
    EXPECT_EQ(local->toString(), "hostmaster.dyn.example.test.");
    EXPECT_FALSE(qdyn::server::rnameFromEmail("@example.test", name("dyn.example.test")));
    EXPECT_FALSE(qdyn::server::rnameFromEmail("a@b@c", name("dyn.example.test")));
}

TEST(ServerConfig, UnknownKeysAreErrorsWithTheirLine) {
    EXPECT_EQ(errorOf(kZone + "hots_ttl = 60\n"), "server.toml:4: unknown key 'hots_ttl' in [zone]");
    EXPECT_EQ(errorOf(kZone + "[listen]\ndns_tls = []\n"), "server.toml:5: unknown key 'dns_tls' in [listen]");
    EXPECT_EQ(errorOf(kZone + "[dns]\ntcp_timeout = 5\n"), "server.toml:5: unknown key 'tcp_timeout' in [dns]");
    EXPECT_EQ(errorOf(kZone + "[[account]]\nname = \"a\"\npasswd = \"x\"\n"),
              "server.toml:6: unknown key 'passwd' in [[account]]");
    EXPECT_EQ(errorOf(kZone + "[zones]\n"), "server.toml:4: unknown key 'zones' in the top level");
}

TEST(ServerConfig, SyntaxErrorsNameTheLine) {
    const auto message = errorOf(kZone + "host_ttl = = 3\n");
    EXPECT_EQ(message.rfind("server.toml:4: ", 0), 0U) << message;
}

TEST(ServerConfig, ZoneIsRequiredAndComplete) {
    EXPECT_EQ(errorOf("[listen]\n"), "server.toml: missing [zone] table");
    EXPECT_EQ(errorOf("[zone]\nnameserver = \"ns.example.test\"\n"),
              "server.toml:1: [zone] needs origin (the zone's name)");
    EXPECT_EQ(errorOf("[zone]\norigin = \"dyn.example.test\"\n"),
              "server.toml:1: [zone] needs nameserver (the zone's NS and SOA MNAME)");
    EXPECT_EQ(errorOf("[zone]\norigin = \"\"\nnameserver = \"ns.example.test\"\n"),
              "server.toml:2: origin must not be empty");
    EXPECT_EQ(errorOf("[zone]\norigin = 5\nnameserver = \"ns.example.test\"\n"), "server.toml:2: origin must be a string");
    const auto badName = errorOf("[zone]\norigin = \"a..b\"\nnameserver = \"ns.example.test\"\n");
    EXPECT_EQ(badName.rfind("server.toml:2: origin: ", 0), 0U) << badName;
}

TEST(ServerConfig, TtlsAreCheckedIntegers) {
    EXPECT_EQ(errorOf(kZone + "host_ttl = \"60\"\n"), "server.toml:4: host_ttl must be an integer (seconds)");
    EXPECT_EQ(errorOf(kZone + "refresh = -1\n"), "server.toml:4: refresh must be between 0 and 2147483647");
    EXPECT_EQ(errorOf(kZone + "expire = 4294967296\n"), "server.toml:4: expire must be between 0 and 2147483647");
}

TEST(ServerConfig, GlueOnlyForAnInZoneNameServer) {
    EXPECT_EQ(errorOf(kZone + "nameserver_addresses = [\"192.0.2.1\"]\n"),
              "server.toml:4: nameserver_addresses only apply when nameserver is inside the zone");
    EXPECT_EQ(errorOf("[zone]\norigin = \"dyn.example.test\"\nnameserver = \"ns.dyn.example.test\"\n"
                      "nameserver_addresses = [\"192.0.2.300\"]\n"),
              "server.toml:4: nameserver_addresses: '192.0.2.300' is not an IP address");
}

TEST(ServerConfig, ListenAddressesAreValidated) {
    auto listen = [](const std::string& value) { return kZone + "[listen]\ndns_udp = [" + value + "]\n"; };
    EXPECT_EQ(errorOf(listen("\"127.0.0.1\"")), "server.toml:5: dns_udp '127.0.0.1': expected address:port");
    EXPECT_EQ(errorOf(listen("\"127.0.0.1:65536\"")),
              "server.toml:5: dns_udp '127.0.0.1:65536': '65536' is not a port (0..65535)");
    EXPECT_EQ(errorOf(listen("\"127.0.0.1:x\"")), "server.toml:5: dns_udp '127.0.0.1:x': 'x' is not a port (0..65535)");
    EXPECT_EQ(errorOf(listen("\"127.0.0.1:\"")), "server.toml:5: dns_udp '127.0.0.1:': '' is not a port (0..65535)");
    EXPECT_EQ(errorOf(listen("\"localhost:53\"")), "server.toml:5: dns_udp 'localhost:53': 'localhost' is not an IP address");
    EXPECT_EQ(errorOf(listen("\"::1:53\"")), "server.toml:5: dns_udp '::1:53': IPv6 addresses need brackets: [addr]:port");
    EXPECT_EQ(errorOf(listen("\"[127.0.0.1]:53\"")),
              "server.toml:5: dns_udp '[127.0.0.1]:53': brackets are for IPv6 addresses only");
    EXPECT_EQ(errorOf(listen("\"127.0.0.1:53\", \"127.0.0.1:53\"")),
              "server.toml:5: dns_udp '127.0.0.1:53' is listed twice");
    EXPECT_EQ(errorOf(listen("53")), "server.toml:5: dns_udp must contain only strings");
    auto ok = Config::parse(listen("\"[::]:53\", \"0.0.0.0:53\", \"127.0.0.1:0\", \"127.0.0.1:0\""), "server.toml");
    ASSERT_TRUE(ok) << ok.message();
    EXPECT_EQ(ok->dnsUdp.size(), 4U);
}

TEST(ServerConfig, DnsTcpListenersAndLimits) {
    auto config = Config::parse(kZone + "[listen]\ndns_tcp = [\"127.0.0.1:0\", \"[::1]:53\"]\n"
                                        "[dns]\ntcp_idle_timeout = 1\ntcp_max_connections = 2\n",
                                "server.toml");
    ASSERT_TRUE(config) << config.message();
    ASSERT_EQ(config->dnsTcp.size(), 2U);
    EXPECT_EQ(config->dnsTcp[1].address, IpAddress::parse("::1").value());
    EXPECT_EQ(config->dnsTcp[1].port, 53);
    EXPECT_EQ(config->dns.tcpIdleTimeout, 1U);
    EXPECT_EQ(config->dns.tcpMaxConnections, 2U);

    EXPECT_EQ(errorOf(kZone + "[listen]\ndns_tcp = [\"127.0.0.1\"]\n"),
              "server.toml:5: dns_tcp '127.0.0.1': expected address:port");
    EXPECT_EQ(errorOf(kZone + "[listen]\ndns_tcp = [\"127.0.0.1:53\", \"127.0.0.1:53\"]\n"),
              "server.toml:5: dns_tcp '127.0.0.1:53' is listed twice");
    auto dns = [](const std::string& body) { return kZone + "[dns]\n" + body + "\n"; };
    EXPECT_EQ(errorOf(dns("tcp_idle_timeout = 0")), "server.toml:5: tcp_idle_timeout must be between 1 and 3600");
    EXPECT_EQ(errorOf(dns("tcp_idle_timeout = 3601")), "server.toml:5: tcp_idle_timeout must be between 1 and 3600");
    EXPECT_EQ(errorOf(dns("tcp_idle_timeout = \"10\"")),
              "server.toml:5: tcp_idle_timeout must be an integer (seconds)");
    EXPECT_EQ(errorOf(dns("tcp_max_connections = 0")),
              "server.toml:5: tcp_max_connections must be between 1 and 65535");
    EXPECT_EQ(errorOf(dns("tcp_max_connections = -3")),
              "server.toml:5: tcp_max_connections must be between 1 and 65535");
    EXPECT_EQ(errorOf(dns("tcp_max_connections = 1.5")), "server.toml:5: tcp_max_connections must be an integer");
    for (const auto* wait : {"0", "1000"}) {
        auto parsed = Config::parse(dns(std::string("udp_batch_wait = ") + wait), "server.toml");
        ASSERT_TRUE(parsed) << parsed.message();
        EXPECT_EQ(parsed->dns.udpBatchWaitMicroseconds, static_cast<std::uint32_t>(std::stoul(wait)));
    }
    EXPECT_EQ(errorOf(dns("udp_batch_wait = 1001")), "server.toml:5: udp_batch_wait must be between 0 and 1000");
    EXPECT_EQ(errorOf(dns("udp_batch_wait = -1")), "server.toml:5: udp_batch_wait must be between 0 and 1000");
    EXPECT_EQ(errorOf(dns("udp_batch_wait = \"100us\"")),
              "server.toml:5: udp_batch_wait must be an integer (microseconds)");
    auto unsegmented = Config::parse(dns("udp_segmentation = false"), "server.toml");
    ASSERT_TRUE(unsegmented) << unsegmented.message();
    EXPECT_FALSE(unsegmented->dns.udpSegmentation);
    EXPECT_EQ(errorOf(dns("udp_segmentation = 1")), "server.toml:5: udp_segmentation must be true or false");
    EXPECT_EQ(errorOf(kZone + "dns = 1\n"), "server.toml:4: unknown key 'dns' in [zone]");
    EXPECT_EQ(errorOf("dns = 1\n" + kZone), "server.toml:1: dns must be a table ([dns])");
}

TEST(ServerConfig, AccountsAreValidated) {
    auto account = [](const std::string& body) { return kZone + "[[account]]\n" + body; };
    EXPECT_EQ(errorOf(account("password = \"p\"\nhosts = [\"a\"]\n")), "server.toml:4: [[account]] needs name");
    EXPECT_EQ(errorOf(account("name = \"\"\npassword = \"p\"\nhosts = [\"a\"]\n")),
              "server.toml:5: account name must not be empty");
    EXPECT_EQ(errorOf(account("name = \"a:b\"\npassword = \"p\"\nhosts = [\"a\"]\n")),
              "server.toml:5: account name must not contain ':'");
    EXPECT_EQ(errorOf(account("name = \"a\"\nhosts = [\"a\"]\n")), "server.toml:4: [[account]] 'a' needs password or password_hash");
    EXPECT_EQ(errorOf(account("name = \"a\"\npassword = \"\"\nhosts = [\"a\"]\n")),
              "server.toml:6: password must not be empty");
    EXPECT_EQ(errorOf(account("name = \"a\"\npassword = \"p\"\nhosts = []\n")),
              "server.toml:7: hosts must list at least one name");
    EXPECT_EQ(errorOf(account("name = \"a\"\npassword = \"p\"\nhosts = [\"home.other.test\"]\n")),
              "server.toml:7: host 'home.other.test' is not inside the zone dyn.example.test. "
              "(write a single label, the full name, or an absolute name ending in '.')");
    EXPECT_EQ(errorOf(account("name = \"a\"\npassword = \"p\"\nhosts = [\"home.other.test.\"]\n")),
              "server.toml:7: host 'home.other.test.' is not inside the zone dyn.example.test.");
    EXPECT_EQ(errorOf(account("name = \"a\"\npassword = \"p\"\nhosts = [\"dyn.example.test\"]\n")),
              "server.toml:7: host 'dyn.example.test' is the zone apex, which holds SOA and NS only");
    EXPECT_EQ(errorOf(account("name = \"a\"\npassword = \"p\"\nhosts = [\"\"]\n")),
              "server.toml:7: host '' must not be empty");
    EXPECT_EQ(errorOf(account("name = \"a\"\npassword = \"p\"\nhosts = [\"home\", \"HOME.dyn.example.test\"]\n")),
              "server.toml:7: host 'HOME.dyn.example.test' is listed twice");
    EXPECT_EQ(errorOf(account("name = \"a\"\npassword = \"p\"\nhosts = [\"a\"]\n[[account]]\nname = \"a\"\n"
                              "password = \"q\"\nhosts = [\"b\"]\n")),
              "server.toml:8: account 'a' is defined twice");
    EXPECT_EQ(errorOf("[zone]\norigin = \"dyn.example.test\"\nnameserver = \"ns.dyn.example.test\"\n"
                      "[[account]]\nname = \"a\"\npassword = \"p\"\nhosts = [\"ns\"]\n"),
              "server.toml:7: host 'ns' is the zone's name server and cannot be updated");
}

TEST(ServerConfig, LoadNamesTheFileInErrors) {
    qdyn::test::TempDir dir;
    const auto good = dir.write("server.toml", kGood);
    auto loaded = Config::load(good);
    ASSERT_TRUE(loaded) << loaded.message();
    EXPECT_EQ(loaded->accounts.size(), 2U);

    const auto bad = dir.write("bad.toml", kZone + "bogus = 1\n");
    auto failed = Config::load(bad);
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.message(), bad.string() + ":4: unknown key 'bogus' in [zone]");

    auto missing = Config::load(dir.path() / "absent.toml");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.message().find("absent.toml: cannot open"), std::string::npos) << missing.message();
}

TEST(ServerConfig, ExampleConfigParses) {
    auto example = Config::load(std::string(QDYN_SOURCE_DIR) + "/packaging/examples/qdyn-server.toml");
    ASSERT_TRUE(example) << example.message();
    EXPECT_EQ(example->zone.origin, name("dyn.example.test"));
    ASSERT_EQ(example->accounts.size(), 1U);
    EXPECT_EQ(example->accounts[0].hosts.at(0), name("home.dyn.example.test"));
    ASSERT_EQ(example->dnsTcp.size(), 1U);
    EXPECT_EQ(example->dnsTcp[0].port, 5353);

    auto demo = Config::load(std::string(QDYN_SOURCE_DIR) + "/packaging/examples/demo-server.toml");
    ASSERT_TRUE(demo) << demo.message();
    ASSERT_EQ(demo->dnsTcp.size(), 1U);
    EXPECT_EQ(demo->dnsTcp[0].port, 0);
}

}  // namespace server_config_test
}  // namespace
