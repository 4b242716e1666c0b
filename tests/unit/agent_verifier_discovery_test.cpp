// Verification after an update (issue 7, point 2) with discovery (verify = true): the zone's
// servers found through a resolver, which is qdyn-server itself (it answers SOA and NS for its
// zone, with the name server's glue 127.0.0.1) or a scripted resolver; and scripted
// authoritative servers for the answers no honest server sends.
#include <algorithm>
#include <chrono>
#include <gtest/gtest.h>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "verifier_fixture.hpp"

namespace qdyn::test {
namespace {
namespace agent_verifier_discovery_test {

using agent::ServerVerdict;
using agent::VerifierOptions;
using agent::VerifyStatus;
using namespace std::chrono_literals;

constexpr std::string_view kHost = kVerifiedHost;

VerifierOptions autoMode(dns::ServerAddress resolver, std::uint16_t authorityPort) {
    VerifierOptions options;
    options.mode = config::VerifyMode::Auto;
    options.resolvers = {resolver};
    options.authorityPort = authorityPort;
    options.query = {300ms, 1};
    options.deadline = 5000ms;
    return options;
}

// The questions a scripted peer was asked, as "name TYPE" (the peer answers on its own thread).
class AskedLog {
public:
    void add(const dns::Message& query) {
        const std::lock_guard lock(m_mutex);
        m_asked.insert(query.questions.front().name.toString() + " " + dns::typeToString(query.questions.front().type));
    }
    std::set<std::string> asked() const {
        const std::lock_guard lock(m_mutex);
        return m_asked;
    }

private:
    mutable std::mutex m_mutex;
    std::set<std::string> m_asked;
};

using VerifierDiscoveryTest = VerifierServerTest;

TEST_F(VerifierDiscoveryTest, QdynServerAsTheResolverFindsItsOwnNameServer) {
    auto& server = startServer();
    publish(server, ip("203.0.113.7"));
    const agent::Verifier verifier(autoMode(loopback(dnsPort(server)), dnsPort(server)));
    const auto result = verifier.verify(std::string(kHost), ip("203.0.113.7"), ip("192.0.2.1"));
    EXPECT_EQ(result.status, VerifyStatus::Verified) << describe(result);
    EXPECT_EQ(result.zone, "dyn.example.test");
    ASSERT_EQ(result.servers.size(), 1U);
    EXPECT_EQ(result.servers[0].server, "ns1.dyn.example.test (127.0.0.1:" + std::to_string(dnsPort(server)) + ")");

    publish(server, ip("198.51.100.9"));
    const auto changed = verifier.verify(std::string(kHost), ip("203.0.113.7"), ip("192.0.2.1"));
    EXPECT_EQ(changed.status, VerifyStatus::Mismatch) << describe(changed);
    // A host that does not exist yet is found in its zone too (NXDOMAIN carries the SOA).
    const auto fresh = verifier.verify("nas.dyn.example.test", ip("203.0.113.8"), std::nullopt);
    EXPECT_EQ(fresh.zone, "dyn.example.test") << describe(fresh);
    EXPECT_EQ(fresh.servers.at(0).verdict, ServerVerdict::Empty) << describe(fresh);
}

TEST_F(VerifierDiscoveryTest, WalksUpWithoutAuthoritySectionsAndLooksUpNameServersWithoutGlue) {
    auto& server = startServer();
    publish(server, ip("203.0.113.7"));
    AskedLog log;
    ScriptedUdpPeer resolver(dnsScript([&](const dns::Message& query, dns::Message& reply) {
        log.add(query);
        reply.header.ra = true;
        const auto& question = query.questions.front();
        const std::string asked = question.name.toString();
        if (question.type == dns::rrtype::SOA && asked == "dyn.example.test.") {
            reply.answers = {soaRecord("dyn.example.test")};
        } else if (question.type == dns::rrtype::NS && asked == "dyn.example.test.") {
            // Two names, no glue; ns2 is an alias of ns1 (not allowed, but seen): one server.
            reply.answers = {nameRecord("dyn.example.test", dns::rrtype::NS, "ns1.dyn.example.test"),
                             nameRecord("dyn.example.test", dns::rrtype::NS, "NS1.dyn.example.test"),
                             nameRecord("dyn.example.test", dns::rrtype::NS, "ns2.dyn.example.test")};
        } else if (question.type == dns::rrtype::A && asked == "ns1.dyn.example.test.") {
            reply.answers = {addressRecord("ns1.dyn.example.test", "127.0.0.1")};
        } else if (question.type == dns::rrtype::A && asked == "ns2.dyn.example.test.") {
            reply.answers = {nameRecord("ns2.dyn.example.test", dns::rrtype::CNAME, "ns1.dyn.example.test"),
                             addressRecord("ns1.dyn.example.test", "127.0.0.1")};
        }
        // Everything else: NOERROR and empty, as a resolver with minimal responses says NODATA.
    }));
    const agent::Verifier verifier(autoMode(loopback(resolver.port()), dnsPort(server)));
    const auto result = verifier.verify(std::string(kHost), ip("203.0.113.7"), std::nullopt);
    EXPECT_EQ(result.status, VerifyStatus::Verified) << describe(result);
    EXPECT_EQ(result.zone, "dyn.example.test");
    ASSERT_EQ(result.servers.size(), 1U);
    EXPECT_EQ(result.servers[0].server, "ns1.dyn.example.test (127.0.0.1:" + std::to_string(dnsPort(server)) + ")");
    EXPECT_EQ(log.asked(),
              (std::set<std::string>{"home.dyn.example.test. SOA", "dyn.example.test. SOA", "dyn.example.test. NS",
                                     "ns1.dyn.example.test. A", "ns1.dyn.example.test. AAAA", "ns2.dyn.example.test. A",
                                     "ns2.dyn.example.test. AAAA"}));
}

// A resolver that gives the zone dyn.example.test with the NS names and glue of `ns`.
ScriptedUdpPeer::Script zoneResolver(std::vector<std::pair<std::string, std::vector<std::string>>> ns) {
    return dnsScript([ns = std::move(ns)](const dns::Message& query, dns::Message& reply) {
        const auto& question = query.questions.front();
        if (question.type == dns::rrtype::SOA) {
            reply.header.rcode = dns::Rcode::NxDomain;
            reply.authority = {soaRecord("dyn.example.test")};
        } else if (question.type == dns::rrtype::NS) {
            for (const auto& [nsName, glue] : ns) {
                reply.answers.push_back(nameRecord("dyn.example.test", dns::rrtype::NS, nsName));
                for (const auto& address : glue)
                    reply.additional.push_back(addressRecord(nsName, address));
            }
        }
    });
}

TEST_F(VerifierDiscoveryTest, AnAddressThatDoesNotAnswerCountsOnlyWhenItsServerAnswersNowhere) {
    auto& server = startServer();
    publish(server, ip("203.0.113.7"));
    // ns1 at 127.0.0.1 (qdyn-server) and at ::1, where nothing listens on that port: one server
    // that answered, so verified (as on a host without IPv6).
    ScriptedUdpPeer oneServer(zoneResolver({{"ns1.dyn.example.test", {"127.0.0.1", "::1"}}}));
    const auto result = agent::Verifier(autoMode(loopback(oneServer.port()), dnsPort(server)))
                            .verify(std::string(kHost), ip("203.0.113.7"), std::nullopt);
    EXPECT_EQ(result.status, VerifyStatus::Verified) << describe(result);
    ASSERT_EQ(result.servers.size(), 2U);
    EXPECT_EQ(result.servers[1].verdict, ServerVerdict::NoAnswer);

    // ns2 only at ::1: a server of its own that did not answer, so still propagating.
    ScriptedUdpPeer twoServers(
        zoneResolver({{"ns1.dyn.example.test", {"127.0.0.1"}}, {"ns2.dyn.example.test", {"::1"}}}));
    const auto two = agent::Verifier(autoMode(loopback(twoServers.port()), dnsPort(server)))
                         .verify(std::string(kHost), ip("203.0.113.7"), std::nullopt);
    EXPECT_EQ(two.status, VerifyStatus::Propagating) << describe(two);
    EXPECT_EQ(two.servers.at(1).server, "ns2.dyn.example.test ([::1]:" + std::to_string(dnsPort(server)) + ")");
}

TEST(VerifierDiscovery, AtMostEightNamesAndSixteenAddresses) {
    ScriptedUdpPeer silent([](std::span<const std::uint8_t>, const ScriptedUdpPeer::Io&) {});
    std::vector<std::pair<std::string, std::vector<std::string>>> twelve;
    std::vector<std::pair<std::string, std::vector<std::string>>> sixTimesThree;
    for (int i = 1; i <= 12; ++i) {
        const std::string n = std::to_string(i);
        twelve.push_back({"ns" + n + ".dyn.example.test", {"127.0.1." + n}});
        if (i <= 6)
            sixTimesThree.push_back({"ns" + n + ".dyn.example.test", {"127.0.2." + n, "127.0.3." + n, "127.0.4." + n}});
    }
    ScriptedUdpPeer manyNames(zoneResolver(twelve));
    ScriptedUdpPeer manyAddresses(zoneResolver(sixTimesThree));
    // Nothing listens at those addresses on the silent peer's port: every check times out, at once.
    auto options = autoMode(loopback(manyNames.port()), silent.port());
    options.query = {200ms, 1};
    const auto started = std::chrono::steady_clock::now();
    const auto names = agent::Verifier(options).verify(std::string(kHost), ip("203.0.113.7"), std::nullopt);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
    EXPECT_EQ(names.status, VerifyStatus::Unverifiable) << describe(names);
    EXPECT_EQ(names.servers.size(), agent::Verifier::kMaxNameServers);

    options.resolvers = {loopback(manyAddresses.port())};
    const auto addresses = agent::Verifier(options).verify(std::string(kHost), ip("203.0.113.7"), std::nullopt);
    EXPECT_EQ(addresses.servers.size(), agent::Verifier::kMaxAddresses) << describe(addresses);
}

TEST(VerifierDiscovery, ResolverFailuresAreUnverifiableWithTheReason) {
    const auto verifyWith = [](ScriptedUdpPeer& resolver) {
        return agent::Verifier(autoMode(loopback(resolver.port()), 53))
            .verify(std::string(kHost), ip("203.0.113.7"), std::nullopt);
    };
    ScriptedUdpPeer servfail(
        dnsScript([](const dns::Message&, dns::Message& reply) { reply.header.rcode = dns::Rcode::ServFail; }));
    const auto failed = verifyWith(servfail);
    EXPECT_EQ(failed.status, VerifyStatus::Unverifiable);
    EXPECT_NE(failed.summary.find("Cannot find the authoritative servers of home.dyn.example.test: asking for the SOA "
                                  "of home.dyn.example.test: resolver 127.0.0.1:"),
              std::string::npos)
        << failed.summary;
    EXPECT_NE(failed.summary.find("answered SERVFAIL"), std::string::npos) << failed.summary;

    // SOA records of unrelated zones, or of the root, never make a zone.
    ScriptedUdpPeer lying(dnsScript([](const dns::Message& query, dns::Message& reply) {
        reply.header.rcode = dns::Rcode::NxDomain;
        reply.answers = {soaRecord("example.org")};
        reply.authority = {soaRecord("victim.example"), soaRecord("."), soaRecord("home.dyn.example.test.evil")};
        (void)query;
    }));
    const auto lied = verifyWith(lying);
    EXPECT_EQ(lied.status, VerifyStatus::Unverifiable);
    EXPECT_NE(lied.summary.find("the resolvers know no zone that holds home.dyn.example.test"), std::string::npos)
        << lied.summary;

    ScriptedUdpPeer noNs(zoneResolver({}));
    const auto empty = verifyWith(noNs);
    EXPECT_NE(empty.summary.find("the resolvers list no name servers for the zone dyn.example.test"), std::string::npos)
        << empty.summary;

    ScriptedUdpPeer silent([](std::span<const std::uint8_t>, const ScriptedUdpPeer::Io&) {});
    const auto quiet = verifyWith(silent);
    EXPECT_EQ(quiet.status, VerifyStatus::Unverifiable);
    EXPECT_NE(quiet.summary.find("timed out"), std::string::npos) << quiet.summary;
}

// One scripted authoritative server in Servers mode, answering the host's A from `script`.
agent::Verification askScripted(const DnsScript& script, const std::optional<IpAddress>& previous = std::nullopt) {
    ScriptedUdpPeer peer(dnsScript([&](const dns::Message& query, dns::Message& reply) {
        reply.header.aa = true;
        script(query, reply);
    }));
    VerifierOptions options;
    options.mode = config::VerifyMode::Servers;
    options.servers = {loopback(peer.port())};
    options.query = {300ms, 1};
    return agent::Verifier(options).verify(std::string(kHost), ip("203.0.113.7"), previous);
}

TEST(VerifierAnswers, AnAliasIsFollowedOnceWithinTheAnswer) {
    const auto aliased = askScripted([](const dns::Message&, dns::Message& reply) {
        reply.answers = {nameRecord(kHost, dns::rrtype::CNAME, "box.dyn.example.test"),
                         addressRecord("box.dyn.example.test", "203.0.113.7")};
    });
    EXPECT_EQ(aliased.status, VerifyStatus::Verified) << describe(aliased);
    EXPECT_EQ(aliased.servers.at(0).aliasOf, "box.dyn.example.test");

    const auto outside = askScripted([](const dns::Message&, dns::Message& reply) {
        reply.answers = {nameRecord(kHost, dns::rrtype::CNAME, "home.provider.example")};
    });
    EXPECT_EQ(outside.status, VerifyStatus::Mismatch) << describe(outside);
    EXPECT_NE(outside.summary.find("the host is an alias (CNAME) of home.provider.example"), std::string::npos)
        << outside.summary;

    const auto chain = askScripted([](const dns::Message&, dns::Message& reply) {
        reply.answers = {nameRecord(kHost, dns::rrtype::CNAME, "a.dyn.example.test"),
                         nameRecord("a.dyn.example.test", dns::rrtype::CNAME, "b.dyn.example.test"),
                         addressRecord("b.dyn.example.test", "203.0.113.7")};
    });
    EXPECT_EQ(chain.status, VerifyStatus::Mismatch) << describe(chain);

    const auto loop = askScripted([](const dns::Message&, dns::Message& reply) {
        reply.answers = {nameRecord(kHost, dns::rrtype::CNAME, kHost)};
    });
    EXPECT_EQ(loop.status, VerifyStatus::Mismatch) << describe(loop);
}

TEST(VerifierAnswers, ExactlyTheNewAddressAndNothingElse) {
    const auto extra = askScripted([](const dns::Message&, dns::Message& reply) {
        reply.answers = {addressRecord(kHost, "203.0.113.7"), addressRecord(kHost, "192.0.2.99")};
    });
    EXPECT_EQ(extra.status, VerifyStatus::Mismatch) << describe(extra);
    EXPECT_NE(extra.summary.find("answers 192.0.2.99, 203.0.113.7 for"), std::string::npos) << extra.summary;

    const auto twice = askScripted([](const dns::Message&, dns::Message& reply) {
        reply.answers = {addressRecord(kHost, "203.0.113.7"), addressRecord(kHost, "203.0.113.7")};
    });
    EXPECT_EQ(twice.status, VerifyStatus::Verified) << describe(twice);

    // Records of another owner, class or type are not the host's: no record.
    const auto stray = askScripted([](const dns::Message&, dns::Message& reply) {
        auto chaos = addressRecord(kHost, "203.0.113.7");
        chaos.klass = dns::rrclass::CH;
        reply.answers = {addressRecord("other.dyn.example.test", "203.0.113.7"), chaos,
                         addressRecord(kHost, "2001:db8::7")};
    });
    EXPECT_EQ(stray.status, VerifyStatus::Mismatch) << describe(stray);
    EXPECT_EQ(stray.servers.at(0).verdict, ServerVerdict::Empty);
}

TEST(VerifierAnswers, NonAuthoritativeOrRefusingServersDoNotCount) {
    const auto cached = askScripted([](const dns::Message&, dns::Message& reply) {
        reply.header.aa = false;
        reply.answers = {addressRecord(kHost, "203.0.113.7")};
    });
    EXPECT_EQ(cached.status, VerifyStatus::Unverifiable) << describe(cached);
    EXPECT_NE(cached.servers.at(0).error.find("AA clear"), std::string::npos) << cached.servers.at(0).error;

    const auto refused =
        askScripted([](const dns::Message&, dns::Message& reply) { reply.header.rcode = dns::Rcode::Refused; });
    EXPECT_EQ(refused.status, VerifyStatus::Unverifiable) << describe(refused);
    EXPECT_NE(refused.summary.find("answered REFUSED: it does not serve the zone"), std::string::npos)
        << refused.summary;
}

}  // namespace agent_verifier_discovery_test
}  // namespace
}  // namespace qdyn::test
