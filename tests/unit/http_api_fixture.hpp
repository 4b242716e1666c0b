// A zone, its update service and the login machinery the HTTP API handlers run on, for tests
// that call the handlers directly (no sockets).
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "accounts/authenticator.hpp"
#include "accounts/credential_cache.hpp"
#include "accounts/login_throttle.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/http_message.hpp"
#include "qdyn_server/update_service.hpp"
#include "qdyn_server/zone.hpp"
#include "test_values.hpp"

namespace qdyn::test {

// alice (password s3cret, token "alice-token-1") has home and office; bob (pw) has bob and
// fixed; gnu (GnuDIP only) has gnu. A static AAAA sits on home, a static A on fixed.
inline server::Config httpApiConfig() {
    server::Config config;
    config.zone.origin = name("dyn.example.test");
    config.zone.nameserver = name("ns1.example.test");
    config.zone.email = "hostmaster@example.test";
    server::Account alice{"alice", "s3cret", {name("home.dyn.example.test"), name("office.dyn.example.test")}};
    alice.token = "alice-token-1";
    server::Account bob{"bob", "pw", {name("bob.dyn.example.test"), name("fixed.dyn.example.test")}};
    // gnu logs in over GnuDIP: its secret is md5hex("gnu-pass").
    server::Account gnu{"gnu", "unused-plain", {name("gnu.dyn.example.test")}};
    gnu.gnudipMd5 = "c94e7df17223ebc85c085192e9a4289b";
    config.accounts = {alice, bob, gnu};
    config.records.push_back(server::StaticRecord{name("home.dyn.example.test"), dns::rrtype::AAAA, 300,
                                                  server::addressRData(ip("2001:db8::1"))});
    config.records.push_back(server::StaticRecord{name("fixed.dyn.example.test"), dns::rrtype::A, 300,
                                                  server::addressRData(ip("192.0.2.99"))});
    return config;
}

class HttpApiTest : public ::testing::Test {
protected:
    explicit HttpApiTest(server::ThrottleOptions throttle = {0, 600, 900, 0})
        : m_config(httpApiConfig()),
          m_zone(server::buildInitialSnapshot(m_config, 1000).value()),
          m_updates(m_config, m_zone, nullptr, [] { return 1000U; }),
          m_throttle(throttle, [this] { return m_now; }),
          m_auth(m_config, m_cache, m_throttle) {}

    static server::HttpRequestInfo request(std::string target, std::string peer = "192.0.2.10") {
        server::HttpRequestInfo info;
        info.target = std::move(target);
        info.peer = ip(peer);
        info.peerPort = 40000;
        info.userAgent = "test/1.0";
        return info;
    }

    // The one address of each family the host serves.
    struct Published {
        std::optional<IpAddress> v4;
        std::optional<IpAddress> v6;
    };
    [[nodiscard]] Published addressesOf(std::string_view host) const {
        const auto all = m_zone.snapshot()->addressesOf(name(host));
        Published out;
        if (!all.v4.empty()) out.v4 = all.v4.front();
        if (!all.v6.empty()) out.v6 = all.v6.front();
        return out;
    }

    static std::optional<std::string> header(const server::HttpReply& reply, std::string_view key) {
        for (const auto& [name, value] : reply.headers) {
            if (name == key) return value;
        }
        return std::nullopt;
    }

    std::chrono::steady_clock::time_point m_now{std::chrono::hours(1)};
    server::Config m_config;
    server::Zone m_zone;
    server::UpdateService m_updates;
    server::CredentialCache m_cache;
    server::LoginThrottle m_throttle;
    server::Authenticator m_auth;
};

}  // namespace qdyn::test
