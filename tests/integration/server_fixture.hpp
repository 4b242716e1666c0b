// A qdyn-server running in-process on loopback with free ports, for one test.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "qdyn/dns/transport.hpp"
#include "demo_server_config.hpp"
#include "qdyn_server/server.hpp"

namespace qdyn::test {

class ServerFixture : public ::testing::Test {
protected:
    void SetUp() override {
        m_server = std::make_unique<server::Server>(demoServerConfig());
        auto started = m_server->start();
        ASSERT_TRUE(started) << started.message();
        ASSERT_NE(m_server->port("dns-udp"), 0);
        ASSERT_NE(m_server->port("http"), 0);
    }
    void TearDown() override {
        if (m_server) m_server->stop();
    }

    [[nodiscard]] std::string httpBase() const {
        return "http://127.0.0.1:" + std::to_string(m_server->port("http"));
    }
    [[nodiscard]] dns::ServerAddress dnsServer() const {
        return dns::ServerAddress{*IpAddress::parse("127.0.0.1"), m_server->port("dns-udp")};
    }
    // The A or AAAA records of a name, read over DNS (UDP) from the running server.
    [[nodiscard]] std::vector<IpAddress> lookup(const std::string& name, std::uint16_t type = dns::rrtype::A) const {
        auto addresses = dns::queryAddresses(dnsServer(), *dns::Name::parse(name), type);
        EXPECT_TRUE(addresses) << addresses.message();
        return addresses ? *addresses : std::vector<IpAddress>{};
    }

    std::unique_ptr<server::Server> m_server;
};

}  // namespace qdyn::test
