// What the verifier tests share: qdyn-servers with the demo zone started in process (and stopped
// when the test ends), an update through dyndns2 as the agent would make it, and scripted DNS
// peers (a resolver or an authoritative server) answering from a function.
#pragma once

#include <chrono>
#include <functional>
#include <gtest/gtest.h>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "demo_server_config.hpp"
#include "echo_server_fixture.hpp"
#include "qdyn/agent/verifier.hpp"
#include "qdyn/dns/message.hpp"
#include "qdyn/protocols/dyndns2.hpp"
#include "qdyn_server/server.hpp"
#include "test_values.hpp"

namespace qdyn::test {

inline constexpr std::string_view kVerifiedHost = "home.dyn.example.test";

// The status, the summary and every server's verdict, for failure messages.
inline std::string describe(const agent::Verification& result) {
    std::string text = std::string(agent::toString(result.status)) + ": " + result.summary;
    for (const auto& check : result.servers) {
        text += "\n  " + check.server + " -> " + std::string(agent::toString(check.verdict)) + " [";
        for (const auto& address : check.addresses)
            text += address.toString() + " ";
        text += "] " + check.error;
    }
    return text;
}

inline dns::ServerAddress loopback(std::uint16_t port) {
    return {ip("127.0.0.1"), port};
}

// Fills in the reply to one decoded query (id, QR, RD and the question are already set).
using DnsScript = std::function<void(const dns::Message& query, dns::Message& reply)>;

// A ScriptedUdpPeer script that decodes each request and answers it through `script`;
// undecodable requests get no answer.
inline ScriptedUdpPeer::Script dnsScript(DnsScript script) {
    return [script = std::move(script)](std::span<const std::uint8_t> request, const ScriptedUdpPeer::Io& io) {
        auto query = dns::decodeMessage(request);
        if (!query || query->questions.size() != 1) return;
        dns::Message reply;
        reply.header.id = query->header.id;
        reply.header.qr = true;
        reply.header.rd = query->header.rd;
        reply.questions = query->questions;
        script(*query, reply);
        io.send(dns::encodeMessage(reply));
    };
}

inline dns::ResourceRecord addressRecord(std::string_view owner, std::string_view address) {
    const IpAddress parsed = ip(address);
    if (parsed.isV4()) return {name(owner), dns::rrtype::A, dns::rrclass::Internet, 60, dns::AData{parsed.v4Bytes()}};
    return {name(owner), dns::rrtype::AAAA, dns::rrclass::Internet, 60, dns::AaaaData{parsed.v6Bytes()}};
}

inline dns::ResourceRecord nameRecord(std::string_view owner, std::uint16_t type, std::string_view target) {
    return {name(owner), type, dns::rrclass::Internet, 60, dns::NameData{name(target)}};
}

inline dns::ResourceRecord soaRecord(std::string_view zone) {
    return {name(zone), dns::rrtype::SOA, dns::rrclass::Internet, 60,
            dns::SoaData{name("ns1.dyn.example.test"), name("hostmaster.example.test"), 1, 600, 300, 604800, 600}};
}

// qdyn-servers with the demo zone, started on free loopback ports and stopped when the test ends.
class VerifierServerTest : public ::testing::Test {
protected:
    server::Server& startServer() {
        auto& server = *m_servers.emplace_back(std::make_unique<server::Server>(demoServerConfig()));
        const auto started = server.start();
        EXPECT_TRUE(started) << started.message();
        return server;
    }
    void TearDown() override {
        for (auto& server : m_servers)
            server->stop();
    }

    // alice updates `host` to `address` over dyndns2, as the agent's protocol would.
    static void publish(server::Server& server, const IpAddress& address, std::string_view host = kVerifiedHost) {
        dyndns2::Settings settings;
        settings.baseUrl = "http://127.0.0.1:" + std::to_string(server.port("http"));
        settings.username = "alice";
        settings.password = Secret("s3cret");
        settings.timeout = std::chrono::milliseconds(5000);
        dyndns2::Client client(std::move(settings));
        UpdateRequest request{{std::string(host)}, std::nullopt, std::nullopt};
        (address.isV4() ? request.ipv4 : request.ipv6) = address;
        const auto outcomes = client.update(request);
        ASSERT_EQ(outcomes.size(), 1U);
        ASSERT_EQ(outcomes[0].outcome, OutcomeClass::Updated) << outcomes[0].code << ": " << outcomes[0].detail;
    }

    static agent::VerifierOptions serversMode(std::vector<dns::ServerAddress> servers) {
        agent::VerifierOptions options;
        options.mode = config::VerifyMode::Servers;
        options.servers = std::move(servers);
        options.query = {std::chrono::milliseconds(500), 2};
        options.deadline = std::chrono::milliseconds(5000);
        return options;
    }

    static std::uint16_t dnsPort(const server::Server& server) { return server.port("dns-udp"); }

    std::vector<std::unique_ptr<server::Server>> m_servers;
};

}  // namespace qdyn::test
