// qdyn-server as the primary of a real secondary: Knot 3.2 (`knotd`) bootstraps the zone by a
// TSIG-signed AXFR, is sent a signed NOTIFY after each update (made with nsupdate) and fetches
// the change by IXFR; an update must be answered by Knot within 2 s. dig checks the transfers
// on its own: a signed multi-message AXFR (dig verifies every message's MAC) and IXFR. Both
// servers run on free loopback ports in a temporary directory and are stopped by their PIDs.
#include <chrono>
#include <filesystem>
#include <gtest/gtest.h>
#include <iostream>
#include <regex>
#include <string>
#include <thread>

#include "peer_programs.hpp"
#include "process.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"

namespace qdyn::test {
namespace {
namespace secondary_test {

// Fixed test keys (never used for anything real).
constexpr const char* kXfrSecret = "cWR5bi10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVmISE=";
constexpr const char* kAliceSecret = "GR5g4DuMxjC27pD6mZCGfjcbAbDuZOyccRxqAl4tPlE=";
constexpr const char* kWrongSecret = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
// Enough static names that a full transfer needs several messages.
constexpr int kStaticNames = 2000;
constexpr auto kPropagationLimit = std::chrono::seconds(2);
constexpr auto kPollInterval = std::chrono::milliseconds(50);

std::string serverConfig(std::uint16_t port, std::uint16_t knotPort, const std::string& storePath) {
    std::string text = R"([zone]
origin = "dyn.example.test"
nameserver = "ns1.dyn.example.test"
nameserver_addresses = ["127.0.0.1"]
email = "hostmaster@example.test"

[listen]
dns_udp = ["127.0.0.1:)" +
                       std::to_string(port) + R"("]
dns_tcp = ["127.0.0.1:)" +
                       std::to_string(port) + R"("]

[store]
path = ")" + storePath +
                       R"("

[[account]]
name = "alice"
password = "s3cret"
hosts = ["home"]

[[record]]
name = "www"
type = "CNAME"
value = "home"

[[tsig_key]]
name = "alice-key"
secret = ")" + kAliceSecret +
                       R"("
account = "alice"

[[tsig_key]]
name = "xfr-key"
secret = ")" + kXfrSecret +
                       R"("

[[secondary]]
address = "127.0.0.1"
port = )" + std::to_string(knotPort) +
                       R"(
tsig_key = "xfr-key"
)";
    for (int i = 0; i < kStaticNames; ++i) {
        text += "\n[[record]]\nname = \"t" + std::to_string(i) + "\"\ntype = \"TXT\"\nvalue = \"static text " +
                std::to_string(i) + " of the zone\"\n";
    }
    return text;
}

// Knot as a secondary of qdyn-server: its primary signs with xfr-key, and NOTIFY is accepted
// from 127.0.0.1 signed with the same key.
std::string knotConfig(const std::string& dir, std::uint16_t port, std::uint16_t primaryPort) {
    return "server:\n  rundir: " + dir + "/run\n  listen: 127.0.0.1@" + std::to_string(port) +
           "\nlog:\n  - target: stderr\n    any: info\n"
           "database:\n  storage: " +
           dir +
           "/db\n"
           "key:\n  - id: xfr-key\n    algorithm: hmac-sha256\n    secret: " +
           kXfrSecret + "\nremote:\n  - id: qdyn\n    address: 127.0.0.1@" + std::to_string(primaryPort) +
           "\n    key: xfr-key\n"
           "acl:\n  - id: notify_from_qdyn\n    address: 127.0.0.1\n    key: xfr-key\n    action: notify\n"
           "template:\n  - id: default\n    storage: " +
           dir +
           "/zones\n"
           "zone:\n  - domain: dyn.example.test\n    master: qdyn\n    acl: notify_from_qdyn\n";
}

class SecondaryInteropTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_knotd = programPath("knotd");
        if (m_knotd.empty()) GTEST_FAIL() << "knotd is not installed (package knot); run packaging/deps/debian.sh";
        m_kdig = programPath("kdig");
        if (m_kdig.empty()) GTEST_FAIL() << "kdig is not installed (package knot-dnsutils)";
        m_dig = programPath("dig");
        m_nsupdate = programPath("nsupdate");
        if (m_dig.empty() || m_nsupdate.empty())
            GTEST_FAIL() << "dig/nsupdate are not installed (package bind9-dnsutils)";

        m_port = freeLoopbackPort();
        m_knotPort = freeLoopbackPort();
        ASSERT_NE(m_port, 0);
        ASSERT_NE(m_knotPort, 0);
        ASSERT_NE(m_port, m_knotPort);
        const std::string dir = m_dir.path().string();
        const auto config = m_dir.write("server.toml", serverConfig(m_port, m_knotPort, dir + "/state.db"));
        ServerPorts ports;
        ASSERT_TRUE(startServer(m_qdyn, {QDYN_SERVER_PATH, "--config", config.string()}, ports));
        ASSERT_EQ(ports.tcp, std::to_string(m_port));

        for (const char* sub : {"run", "db", "zones"})
            std::filesystem::create_directories(m_dir.path() / sub);
        const auto knotConf = m_dir.write("knot.conf", knotConfig(dir, m_knotPort, m_port));
        const auto check = runProcess({programPath("knotc"), "-c", knotConf.string(), "conf-check"});
        ASSERT_EQ(check.exitCode, 0) << check.out << check.err;
        ASSERT_TRUE(m_knot.start({m_knotd, "-c", knotConf.string()}));

        // Knot bootstraps the zone by AXFR as soon as it starts.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (knotSerial() != qdynSerial()) {
            ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "Knot did not load the zone from qdyn-server";
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }

    void TearDown() override {
        if (m_knot.pid() > 0) m_knot.stop();
        if (m_qdyn.pid() > 0) {
            EXPECT_EQ(m_qdyn.stop(), 0) << "qdyn-server must exit cleanly on SIGTERM";
        }
    }

    ProcessResult nsupdate(const std::string& commands) {
        const auto script = m_dir.write("nsupdate.txt", "server 127.0.0.1 " + std::to_string(m_port) +
                                                            "\nzone dyn.example.test\n" + commands + "send\n");
        return runProcess(
            {m_nsupdate, "-y", std::string("hmac-sha256:alice-key:") + kAliceSecret, "-t", "5", script.string()});
    }

    std::string kdigKnot(const std::string& name, const std::string& type) {
        const auto result = runProcess({m_kdig, "@127.0.0.1", "-p", std::to_string(m_knotPort), "+norecurse", "+time=1",
                                        "+retry=0", "+short", name, type});
        return result.exitCode == 0 ? result.out : std::string();
    }

    std::string serialOf(const std::string& soaShort) {
        std::smatch match;
        static const std::regex serial(R"(^\S+ \S+ (\d+) )");
        return std::regex_search(soaShort, match, serial) ? match[1].str() : std::string("none");
    }
    std::string knotSerial() { return serialOf(kdigKnot("dyn.example.test", "SOA")); }
    std::string qdynSerial() {
        const auto result = runProcess(
            {m_dig, "@127.0.0.1", "-p", std::to_string(m_port), "+short", "+time=2", "dyn.example.test", "SOA"});
        return serialOf(result.out);
    }

    ProcessResult dig(const std::vector<std::string>& args) {
        std::vector<std::string> argv{m_dig, "@127.0.0.1", "-p", std::to_string(m_port), "+time=5", "+tries=1"};
        argv.insert(argv.end(), args.begin(), args.end());
        return runProcess(argv);
    }

    // Updates home's address on qdyn-server and returns how long Knot took to answer it,
    // counted from the moment qdyn-server acknowledged the update.
    std::chrono::milliseconds propagate(const std::string& address) {
        const auto result =
            nsupdate("update delete home.dyn.example.test A\nupdate add home.dyn.example.test 60 A " + address + "\n");
        EXPECT_EQ(result.exitCode, 0) << result.out << result.err;
        const auto start = std::chrono::steady_clock::now();
        for (;;) {
            const bool answered = kdigKnot("home.dyn.example.test", "A") == address + "\n";
            // Counted once kdig has returned: an upper bound that includes kdig's own run.
            const auto elapsed =
                std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
            if (answered) return elapsed;
            if (elapsed > kPropagationLimit) {
                ADD_FAILURE() << "Knot still does not answer " << address << " " << elapsed.count()
                              << " ms after the update";
                return elapsed;
            }
            std::this_thread::sleep_for(kPollInterval);
        }
    }

    TempDir m_dir;
    BackgroundProcess m_qdyn;
    BackgroundProcess m_knot;
    std::uint16_t m_port = 0;
    std::uint16_t m_knotPort = 0;
    std::string m_knotd;
    std::string m_kdig;
    std::string m_dig;
    std::string m_nsupdate;
    const std::string m_xfrKey = std::string("hmac-sha256:xfr-key:") + kXfrSecret;
};

TEST_F(SecondaryInteropTest, KnotAnswersAnUpdateWithinTwoSeconds) {
    const auto first = propagate("203.0.113.7");
    const auto second = propagate("203.0.113.8");  // by IXFR from the journal
    std::cout << "[ propagation ] qdyn-server -> Knot: " << first.count() << " ms, then " << second.count() << " ms"
              << std::endl;
    RecordProperty("propagation_ms", std::to_string(first.count()) + "," + std::to_string(second.count()));
    EXPECT_EQ(knotSerial(), qdynSerial());
    EXPECT_EQ(kdigKnot("www.dyn.example.test", "CNAME"), "home.dyn.example.test.\n");
}

TEST_F(SecondaryInteropTest, DigTransfersTheWholeZoneWithTheKeyOnly) {
    propagate("198.51.100.20");
    const auto axfr = dig({"-y", m_xfrKey, "dyn.example.test", "AXFR"});
    ASSERT_EQ(axfr.exitCode, 0) << axfr.err;
    const std::regex size(R"(XFR size: (\d+) records \(messages (\d+),)");
    std::smatch match;
    ASSERT_TRUE(std::regex_search(axfr.out, match, size)) << axfr.out.substr(0, 2000);
    // SOA twice, NS, ns1 A, www CNAME, home A and the static names; dig checked every MAC.
    EXPECT_EQ(std::stoi(match[1].str()), 5 + 1 + kStaticNames);
    EXPECT_GE(std::stoi(match[2].str()), 2) << "a zone this size needs several messages";
    EXPECT_NE(axfr.out.find("home.dyn.example.test.\t60\tIN\tA\t198.51.100.20"), std::string::npos);
    EXPECT_EQ(axfr.out.find("Transfer failed"), std::string::npos);

    for (const std::vector<std::string>& refused :
         {std::vector<std::string>{"dyn.example.test", "AXFR"},
          std::vector<std::string>{"-y", std::string("hmac-sha256:xfr-key:") + kWrongSecret, "dyn.example.test",
                                   "AXFR"},
          std::vector<std::string>{"-y", std::string("hmac-sha256:alice-key:") + kAliceSecret, "dyn.example.test",
                                   "AXFR"}}) {
        const auto result = dig(refused);
        EXPECT_NE(result.out.find("Transfer failed"), std::string::npos) << result.out;
    }
}

TEST_F(SecondaryInteropTest, DigIxfrGetsTheChangesSinceItsSerial) {
    const std::string before = qdynSerial();
    propagate("203.0.113.9");
    const std::string after = qdynSerial();
    ASSERT_NE(before, after);
    const auto ixfr = dig({"-y", m_xfrKey, "dyn.example.test", "IXFR=" + before});
    ASSERT_EQ(ixfr.exitCode, 0) << ixfr.err;
    EXPECT_NE(ixfr.out.find("home.dyn.example.test.\t60\tIN\tA\t203.0.113.9"), std::string::npos) << ixfr.out;
    EXPECT_NE(ixfr.out.find(" " + before + " "), std::string::npos) << "the old SOA opens the step";
    EXPECT_EQ(ixfr.out.find("t1.dyn.example.test"), std::string::npos) << "incremental, not the whole zone";
    EXPECT_EQ(ixfr.out.find("Transfer failed"), std::string::npos);

    const auto upToDate = dig({"-y", m_xfrKey, "dyn.example.test", "IXFR=" + after});
    ASSERT_EQ(upToDate.exitCode, 0) << upToDate.err;
    const std::regex size(R"(XFR size: (\d+) records)");
    std::smatch match;
    ASSERT_TRUE(std::regex_search(upToDate.out, match, size)) << upToDate.out;
    EXPECT_EQ(match[1].str(), "1") << "an up-to-date secondary gets the SOA alone";
}

}  // namespace secondary_test
}  // namespace
}  // namespace qdyn::test
