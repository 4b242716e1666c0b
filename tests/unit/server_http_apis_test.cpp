// The nanodnsd, dynonym and miniDNS APIs and the echo services of qdyn-server, called
// directly (no sockets): every documented reply, and the state of the zone after each.
#include <gtest/gtest.h>

#include "http/dynonym_handler.hpp"
#include "http/echo_handler.hpp"
#include "http/minidns_handler.hpp"
#include "http/nanodnsd_handler.hpp"
#include "http_api_fixture.hpp"

namespace qdyn::test {
namespace {
namespace server_http_apis_test {

using server::HttpReply;

// ---- nanodnsd /api/update ----

class NanodnsdApiTest : public HttpApiTest {
protected:
    HttpReply get(const std::string& query, const std::string& method = "GET") {
        auto info = request("/api/update?" + query);
        info.method = method;
        return m_handler.handle(info);
    }
    server::NanodnsdHandler m_handler{m_updates, m_auth};
};

TEST_F(NanodnsdApiTest, UpdatesBothFamiliesWithTheToken) {
    const auto reply = get("hostname=office.dyn.example.test&ipv4=198.51.100.4&ipv6=2001:db8::4&token=alice-token-1");
    EXPECT_EQ(reply.status, 200U);
    EXPECT_EQ(reply.body, "ok\n");
    EXPECT_EQ(addressesOf("office.dyn.example.test").v4, ip("198.51.100.4"));
    EXPECT_EQ(addressesOf("office.dyn.example.test").v6, ip("2001:db8::4"));
    EXPECT_EQ(reply.logSummary.find("alice-token-1"), std::string::npos);
}

TEST_F(NanodnsdApiTest, AMissingFamilyIsRemovedButAStaticOneStays) {
    ASSERT_EQ(get("hostname=office.dyn.example.test&ipv4=198.51.100.4&ipv6=2001:db8::4&token=alice-token-1").body, "ok\n");
    // The Fritz!Box lost IPv6 and sends "ipv6=" empty: the AAAA goes.
    EXPECT_EQ(get("hostname=office.dyn.example.test&ipv4=198.51.100.5&ipv6=&token=alice-token-1").body, "ok\n");
    EXPECT_EQ(addressesOf("office.dyn.example.test").v4, ip("198.51.100.5"));
    EXPECT_FALSE(addressesOf("office.dyn.example.test").v6);
    // home has a static AAAA: updating only its A leaves that alone.
    EXPECT_EQ(get("hostname=home.dyn.example.test&ipv4=198.51.100.6&token=alice-token-1").body, "ok\n");
    EXPECT_EQ(addressesOf("home.dyn.example.test").v6, ip("2001:db8::1"));
    EXPECT_EQ(addressesOf("home.dyn.example.test").v4, ip("198.51.100.6"));
}

TEST_F(NanodnsdApiTest, PercentEncodedAndRawValuesAndPostAllWork) {
    EXPECT_EQ(get("hostname=office.dyn.example.test&ipv6=2001%3Adb8%3A%3A7&token=alice%2Dtoken%2D1").body, "ok\n");
    EXPECT_EQ(addressesOf("office.dyn.example.test").v6, ip("2001:db8::7"));
    EXPECT_EQ(get("hostname=office.dyn.example.test&ipv4=203.0.113.9&token=alice-token-1", "POST").body, "ok\n");
    auto form = request("/api/update");
    form.method = "POST";
    form.contentType = "application/x-www-form-urlencoded; charset=utf-8";
    form.body = "hostname=office.dyn.example.test&ipv4=203.0.113.10&token=alice-token-1";
    EXPECT_EQ(m_handler.handle(form).body, "ok\n");
    EXPECT_EQ(addressesOf("office.dyn.example.test").v4, ip("203.0.113.10"));
}

TEST_F(NanodnsdApiTest, EveryRefusalHasNanodnsdsReply) {
    struct Case {
        const char* query;
        unsigned status;
        const char* body;
    };
    const Case cases[] = {
        {"token=alice-token-1&ipv4=192.0.2.1", 400, "hostname required\n"},
        {"hostname=&token=alice-token-1", 400, "hostname required\n"},
        {"hostname=office.dyn.example.test&ipv4=192.0.2.1", 403, "authorization required\n"},
        {"hostname=office.dyn.example.test&ipv4=1.2.3&token=alice-token-1", 400, "bad ipv4 address\n"},
        {"hostname=office.dyn.example.test&ipv4=2001:db8::1&token=alice-token-1", 400, "bad ipv4 address\n"},
        {"hostname=office.dyn.example.test&ipv6=192.0.2.1&token=alice-token-1", 400, "bad ipv6 address\n"},
        {"hostname=office.dyn.example.test&ipv4=192.0.2.1&token=wrong-token", 403, "forbidden\n"},
        {"hostname=bob.dyn.example.test&ipv4=192.0.2.1&token=alice-token-1", 403, "forbidden\n"},
        {"hostname=www.example.org&ipv4=192.0.2.1&token=alice-token-1", 403, "forbidden\n"},
        {"hostname=home.dyn.example.test&ipv6=2001:db8::5&token=alice-token-1", 403, "forbidden\n"},  // static AAAA
        {"hostname=bad..name&token=alice-token-1", 400, "bad request\n"},
        {"hostname=office.dyn.example.test&hostname=home.dyn.example.test&token=alice-token-1", 400, "bad request\n"},
    };
    for (const auto& c : cases) {
        const auto reply = get(c.query);
        EXPECT_EQ(reply.status, c.status) << c.query;
        EXPECT_EQ(reply.body, c.body) << c.query;
    }
    EXPECT_FALSE(addressesOf("office.dyn.example.test").v4);
    EXPECT_FALSE(addressesOf("bob.dyn.example.test").v4);
    EXPECT_EQ(get("hostname=office.dyn.example.test&token=alice-token-1", "DELETE").status, 501U);
}

TEST_F(NanodnsdApiTest, AnAcknowledgedUpdateCarriesItsFailureReply) {
    // Without a store there is no ticket, but the reply still says what a failed write sends.
    const auto reply = get("hostname=office.dyn.example.test&ipv4=198.51.100.4&token=alice-token-1");
    EXPECT_EQ(reply.storeFailureBody, "update failed\n");
}

// ---- dynonym /dns/update ----

class DynonymApiTest : public HttpApiTest {
protected:
    HttpReply get(const std::string& query, const std::string& auth = "Basic YWxpY2U6czNjcmV0" /* alice:s3cret */,
                  const std::string& peer = "192.0.2.10") {
        auto info = request("/dns/update?" + query, peer);
        info.authorization = auth;
        return m_handler.handle(info);
    }
    server::DynonymHandler m_handler{m_updates, m_auth};
};

TEST_F(DynonymApiTest, SucceedsWithAnEmptyBody) {
    const auto reply = get("domain=office.dyn.example.test&ipv4=198.51.100.1&ipv6=2001:db8::a");
    EXPECT_EQ(reply.status, 200U);
    EXPECT_EQ(reply.body, "");
    EXPECT_EQ(addressesOf("office.dyn.example.test").v4, ip("198.51.100.1"));
    EXPECT_EQ(addressesOf("office.dyn.example.test").v6, ip("2001:db8::a"));
    // One family given: the other keeps its record.
    EXPECT_EQ(get("domain=office.dyn.example.test&ipv4=198.51.100.2").status, 200U);
    EXPECT_EQ(addressesOf("office.dyn.example.test").v6, ip("2001:db8::a"));
    // Neither: the connecting address.
    EXPECT_EQ(get("domain=office.dyn.example.test", "Basic YWxpY2U6czNjcmV0", "203.0.113.50").status, 200U);
    EXPECT_EQ(addressesOf("office.dyn.example.test").v4, ip("203.0.113.50"));
}

TEST_F(DynonymApiTest, RefusalsUseDynonymsStatusCodes) {
    const auto none = get("domain=office.dyn.example.test&ipv4=198.51.100.1", "");
    EXPECT_EQ(none.status, 401U);
    EXPECT_EQ(header(none, "WWW-Authenticate"), "Basic realm=\"qdyn\"");
    EXPECT_EQ(get("domain=office.dyn.example.test", "Basic YWxpY2U6d3Jvbmc=" /* alice:wrong */).status, 401U);
    EXPECT_EQ(get("domain=office.dyn.example.test", "Bearer abc").status, 401U);
    EXPECT_EQ(get("domain=bob.dyn.example.test&ipv4=198.51.100.1").status, 403U);
    EXPECT_EQ(get("domain=Bob.dyn.example.test.&ipv4=198.51.100.1").status, 403U);
    EXPECT_EQ(get("domain=nothere&ipv4=198.51.100.1").status, 400U);
    EXPECT_EQ(get("ipv4=198.51.100.1").status, 400U);
    EXPECT_EQ(get("domain=office.dyn.example.test&ipv4=300.1.1.1").status, 400U);
    EXPECT_EQ(get("domain=office.dyn.example.test&ipv6=198.51.100.1").status, 400U);
    EXPECT_EQ(get("domain=office.dyn.example.test&ipv4=198.51.100.1&ipv4=198.51.100.2").status, 400U);
    EXPECT_FALSE(addressesOf("office.dyn.example.test").v4);
    EXPECT_FALSE(addressesOf("bob.dyn.example.test").v4);
}

// ---- miniDNS /areg.php ----

class MinidnsApiTest : public HttpApiTest {
protected:
    HttpReply get(const std::string& query, const std::string& peer = "192.0.2.10") {
        return m_handler.handle(request("/areg.php?" + query, peer));
    }
    server::MinidnsHandler m_handler{m_config, m_updates, m_auth};
};

TEST_F(MinidnsApiTest, AddMapsTheHostAndSaysSo) {
    const auto reply = get("opcode=ADD&host=office&username=alice&password=s3cret&ip=198.51.100.33");
    EXPECT_EQ(reply.status, 200U);
    EXPECT_EQ(reply.body, "okay. OFFICE mapped to 198.51.100.33.\n");
    EXPECT_EQ(addressesOf("office.dyn.example.test").v4, ip("198.51.100.33"));
    EXPECT_EQ(reply.logSummary.find("s3cret"), std::string::npos);
    // A full name, an IPv6 address, and no ip (the connecting address).
    EXPECT_EQ(get("opcode=ADD&host=office.dyn.example.test&username=alice&password=s3cret&ip=2001:db8::33").body,
              "okay. OFFICE.DYN.EXAMPLE.TEST mapped to 2001:db8::33.\n");
    EXPECT_EQ(addressesOf("office.dyn.example.test").v6, ip("2001:db8::33"));
    EXPECT_EQ(get("opcode=ADD&host=office&username=alice&password=s3cret", "203.0.113.77").body,
              "okay. OFFICE mapped to 203.0.113.77.\n");
    EXPECT_EQ(addressesOf("office.dyn.example.test").v4, ip("203.0.113.77"));
}

TEST_F(MinidnsApiTest, FailuresAreTheScriptsLines) {
    constexpr const char* kBadLogin = "auth_fail. Incorrect username/password/hostname.\n";
    constexpr const char* kBadHost = "auth_fail. Host name format error.\n";
    EXPECT_EQ(get("opcode=ADD&host=office&username=alice&password=nope&ip=198.51.100.1").body, kBadLogin);
    EXPECT_EQ(get("opcode=ADD&host=office&username=mallory&password=s3cret&ip=198.51.100.1").body, kBadLogin);
    EXPECT_EQ(get("opcode=ADD&host=bob&username=alice&password=s3cret&ip=198.51.100.1").body, kBadLogin);
    EXPECT_EQ(get("opcode=ADD&host=office&ip=198.51.100.1").body, kBadLogin);
    EXPECT_EQ(get("opcode=ADD&host=bad..host&username=alice&password=s3cret").body, kBadHost);
    EXPECT_EQ(get("opcode=ADD&host=&username=alice&password=s3cret").body, kBadHost);
    EXPECT_EQ(get("opcode=ADD&username=alice&password=s3cret").body, kBadHost);
    EXPECT_EQ(get("opcode=DEL&host=office&username=alice&password=s3cret").body, "auth_fail. Unknown opcode.\n");
    EXPECT_EQ(get("opcode=ADD&host=office&username=alice&password=s3cret&ip=not-an-ip").body,
              "auth_fail. IP address format error.\n");
    EXPECT_FALSE(addressesOf("office.dyn.example.test").v4);
    EXPECT_FALSE(addressesOf("bob.dyn.example.test").v4);
}

// ---- echo services ----

TEST(EchoApi, EachFormatCarriesThePeer) {
    server::HttpRequestInfo info;
    info.target = "/ip";
    info.peer = ip("203.0.113.5");
    info.peerPort = 51234;
    EXPECT_EQ(server::echo::plainAddress(info).body, "203.0.113.5\n");
    info.target = "/ip?format=json";
    EXPECT_EQ(server::echo::plainAddress(info).body, "{\"ip\":\"203.0.113.5\"}\n");
    EXPECT_EQ(server::echo::plainAddress(info).contentType, "application/json");
    EXPECT_EQ(server::echo::jsonAddress(info).body, "{\"ip\":\"203.0.113.5\"}\n");
    EXPECT_NE(server::echo::checkipPage(info).body.find("Current IP Address: 203.0.113.5</body>"), std::string::npos);
    EXPECT_EQ(server::echo::port(info).body, "51234\n");
    EXPECT_EQ(server::echo::socket(info).body, "203.0.113.5:51234\n");
    info.peer = ip("2001:db8::5");
    EXPECT_EQ(server::echo::socket(info).body, "[2001:db8::5]:51234\n");
}

}  // namespace server_http_apis_test
}  // namespace
}  // namespace qdyn::test
