// The dyndns2 server handler, the router in front of it, and the query/Basic-auth parsing,
// all without sockets.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "accounts/authenticator.hpp"
#include "accounts/credential_cache.hpp"
#include "accounts/login_throttle.hpp"
#include "qdyn_server/dyndns2_handler.hpp"
#include "qdyn_server/http_fields.hpp"
#include "qdyn_server/http_router.hpp"
#include "qdyn_server/update_service.hpp"
#include "qdyn_server/zone.hpp"
#include "test_values.hpp"

namespace {
namespace server_dyndns2_handler_test {

using qdyn::IpAddress;
using namespace qdyn::server;
namespace dns = qdyn::dns;

using qdyn::test::ip;
using qdyn::test::name;

// "alice:s3cret" and friends, base64-encoded by hand so the test does not share the decoder.
constexpr const char* kAlice = "Basic YWxpY2U6czNjcmV0";         // alice:s3cret
constexpr const char* kAliceWrong = "Basic YWxpY2U6d3Jvbmc=";    // alice:wrong
constexpr const char* kMallory = "Basic bWFsbG9yeTpzM2NyZXQ=";   // mallory:s3cret
constexpr const char* kBob = "Basic Ym9iOnB3";                   // bob:pw
// carol has a password_hash: scrypt of "correct horse battery staple" (ln=10 to keep tests fast),
// made with `openssl kdf ... SCRYPT`.
constexpr const char* kCarolHash =
    "$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/AXJlRU";
// The same with the password "another password" (after `account passwd`).
constexpr const char* kCarolNewHash =
    "$scrypt$ln=10,r=8,p=1$EBESExQVFhcYGRobHB0eHw$mMr9tokDIHlnMMDSBl33lywl2CZgqhtJpVyj7nPoH3M";
constexpr const char* kCarol = "Basic Y2Fyb2w6Y29ycmVjdCBob3JzZSBiYXR0ZXJ5IHN0YXBsZQ==";       // carol:correct horse battery staple
constexpr const char* kCarolWrong = "Basic Y2Fyb2w6Y29ycmVjdCBob3JzZSBiYXR0ZXJ5IHN0YXBsZXI=";  // ...stapler

// The throttle is tested on its own; here it stays out of the way of repeated wrong logins.
constexpr ThrottleOptions kNoThrottle{0, 600, 900, 0};

Config demoConfig() {
    Config config;
    config.zone.origin = name("dyn.example.test");
    config.zone.nameserver = name("ns1.example.test");
    config.zone.email = "hostmaster@example.test";
    config.accounts = {
        Account{"alice", "s3cret", {name("home.dyn.example.test"), name("office.dyn.example.test")}},
        Account{"bob", "pw", {name("bob.dyn.example.test")}},
        Account{"carol", "", {name("carol.dyn.example.test")}, kCarolHash},
    };
    return config;
}

class Dyndns2HandlerTest : public ::testing::Test {
protected:
    Dyndns2HandlerTest()
        : m_config(demoConfig()),
          m_zone(buildInitialSnapshot(m_config, 1000).value()),
          m_updates(m_config, m_zone, nullptr, [] { return 1000U; }),
          m_auth(m_config, m_cache, m_throttle),
          m_handler(m_updates, m_auth) {}

    HttpReply get(const std::string& target, const std::string& auth = kAlice, const std::string& agent = "test/1.0",
                  const std::string& peer = "192.0.2.10") {
        return getFrom(m_handler, target, auth, agent, peer);
    }
    static HttpReply getFrom(const Dyndns2Handler& handler, const std::string& target, const std::string& auth,
                             const std::string& agent = "test/1.0", const std::string& peer = "192.0.2.10") {
        HttpRequestInfo request;
        request.target = target;
        request.authorization = auth;
        request.userAgent = agent;
        request.peer = ip(peer);
        return handler.handle(request);
    }

    // The one address of a family the host serves, if any.
    struct Published {
        std::optional<IpAddress> v4;
        std::optional<IpAddress> v6;
    };
    [[nodiscard]] Published addressesOf(std::string_view host) const {
        const auto all = m_zone.snapshot()->addressesOf(name(host));
        EXPECT_LE(all.v4.size(), 1U);
        EXPECT_LE(all.v6.size(), 1U);
        Published out;
        if (!all.v4.empty()) out.v4 = all.v4.front();
        if (!all.v6.empty()) out.v6 = all.v6.front();
        return out;
    }

    Config m_config;
    Zone m_zone;
    UpdateService m_updates;
    CredentialCache m_cache;
    LoginThrottle m_throttle{kNoThrottle};
    Authenticator m_auth;
    Dyndns2Handler m_handler;
};

bool hasChallenge(const HttpReply& reply) {
    for (const auto& [key, value] : reply.headers) {
        if (key == "WWW-Authenticate" && value == "Basic realm=\"qdyn\"") return true;
    }
    return false;
}

TEST_F(Dyndns2HandlerTest, GoodThenNochg) {
    const auto first = get("/nic/update?hostname=home.dyn.example.test&myip=203.0.113.7");
    EXPECT_EQ(first.status, 200U);
    EXPECT_EQ(first.contentType, "text/plain; charset=utf-8");
    EXPECT_EQ(first.body, "good 203.0.113.7\n");
    EXPECT_EQ(addressesOf("home.dyn.example.test").v4, ip("203.0.113.7"));
    EXPECT_FALSE(addressesOf("home.dyn.example.test").v6);  // peer is IPv4: no AAAA invented

    const auto second = get("/nic/update?hostname=home.dyn.example.test&myip=203.0.113.7");
    EXPECT_EQ(second.body, "nochg 203.0.113.7\n");
    EXPECT_EQ(second.logSummary.find("s3cret"), std::string::npos);
}

TEST_F(Dyndns2HandlerTest, MissingOrMalformedAuthorizationIsChallenged) {
    for (const auto* auth : {"", "Bearer abc", "Basic", "Basic !!!!", "Basic YWxpY2U=" /* no colon */}) {
        SCOPED_TRACE(auth);
        const auto reply = get("/nic/update?hostname=home.dyn.example.test", auth);
        EXPECT_EQ(reply.status, 401U);
        EXPECT_EQ(reply.body, "badauth\n");
        EXPECT_TRUE(hasChallenge(reply));
    }
}

TEST_F(Dyndns2HandlerTest, WrongPasswordOrUnknownUserIsBadauth) {
    for (const auto* auth : {kAliceWrong, kMallory}) {
        const auto reply = get("/nic/update?hostname=home.dyn.example.test&myip=203.0.113.7", auth);
        EXPECT_EQ(reply.status, 401U);
        EXPECT_EQ(reply.body, "badauth\n");
        EXPECT_EQ(reply.logSummary.find("s3cret"), std::string::npos);
    }
    EXPECT_FALSE(addressesOf("home.dyn.example.test").v4);
}

TEST_F(Dyndns2HandlerTest, AuthSchemeIsCaseInsensitive) {
    EXPECT_EQ(get("/nic/update?hostname=home.dyn.example.test&myip=203.0.113.7", "basic YWxpY2U6czNjcmV0").body,
              "good 203.0.113.7\n");
}

TEST_F(Dyndns2HandlerTest, NoUserAgentIsBadagent) {
    const auto reply = get("/nic/update?hostname=home.dyn.example.test&myip=203.0.113.7", kAlice, "");
    EXPECT_EQ(reply.body, "badagent\n");
    EXPECT_FALSE(addressesOf("home.dyn.example.test").v4);
}

TEST_F(Dyndns2HandlerTest, HostnameMustBeAnFqdn) {
    EXPECT_EQ(get("/nic/update?myip=203.0.113.7").body, "notfqdn\n");
    EXPECT_EQ(get("/nic/update?hostname=&myip=203.0.113.7").body, "notfqdn\n");
    EXPECT_EQ(get("/nic/update?hostname=home&myip=203.0.113.7").body, "notfqdn\n");
    EXPECT_EQ(get("/nic/update?hostname=bad..name.test&myip=203.0.113.7").body, "notfqdn\n");
    EXPECT_EQ(get("/nic/update").body, "notfqdn\n");
}

TEST_F(Dyndns2HandlerTest, OneLinePerHostInRequestOrder) {
    const auto reply = get("/nic/update?hostname=office.dyn.example.test,bob.dyn.example.test,home,"
                           "nothere.dyn.example.test,home.dyn.example.test,other.test&myip=203.0.113.7");
    EXPECT_EQ(reply.status, 200U);
    EXPECT_EQ(reply.body,
              "good 203.0.113.7\n"
              "nohost\n"      // bob's host: not granted to alice
              "notfqdn\n"     // "home" is not fully qualified
              "nohost\n"      // not in the zone's names
              "good 203.0.113.7\n"
              "nohost\n");    // outside the zone
    EXPECT_FALSE(addressesOf("bob.dyn.example.test").v4);
}

TEST_F(Dyndns2HandlerTest, MoreThanTwentyHostsIsNumhost) {
    std::string hosts;
    for (int i = 0; i < 21; ++i) hosts += (i ? "," : "") + std::string("home.dyn.example.test");
    EXPECT_EQ(get("/nic/update?hostname=" + hosts + "&myip=203.0.113.7").body, "numhost\n");
    EXPECT_FALSE(addressesOf("home.dyn.example.test").v4);
    hosts.resize(hosts.size() - std::string(",home.dyn.example.test").size());
    const auto twenty = get("/nic/update?hostname=" + hosts + "&myip=203.0.113.7");
    EXPECT_EQ(twenty.body.substr(0, 17), "good 203.0.113.7\n");
}

TEST_F(Dyndns2HandlerTest, SystemMustBeDyndns) {
    EXPECT_EQ(get("/nic/update?system=dyndns&hostname=home.dyn.example.test&myip=203.0.113.7").body,
              "good 203.0.113.7\n");
    EXPECT_EQ(get("/nic/update?system=statdns&hostname=home.dyn.example.test&myip=203.0.113.8").body, "badsys\n");
    EXPECT_EQ(addressesOf("home.dyn.example.test").v4, ip("203.0.113.7"));
}

TEST_F(Dyndns2HandlerTest, MyipCommaFormSetsBothFamilies) {
    const auto reply = get("/nic/update?hostname=home.dyn.example.test&myip=203.0.113.7,2001:db8::7");
    EXPECT_EQ(reply.body, "good 203.0.113.7,2001:db8::7\n");
    EXPECT_EQ(addressesOf("home.dyn.example.test").v4, ip("203.0.113.7"));
    EXPECT_EQ(addressesOf("home.dyn.example.test").v6, ip("2001:db8::7"));
}

TEST_F(Dyndns2HandlerTest, PercentEncodedValuesAreDecoded) {
    const auto reply =
        get("/nic/update?hostname=home%2Edyn.example.test%2Coffice.dyn.example.test&myip=2001%3Adb8%3A%3A9");
    // Peer is IPv4, so A comes from the peer; AAAA from the decoded myip.
    EXPECT_EQ(reply.body, "good 192.0.2.10,2001:db8::9\ngood 192.0.2.10,2001:db8::9\n");
    EXPECT_EQ(addressesOf("office.dyn.example.test").v6, ip("2001:db8::9"));
}

TEST_F(Dyndns2HandlerTest, AddressSourcesFollowDesecOrder) {
    // myipv4 / ipv6 parameters (Dynu, deSEC style).
    EXPECT_EQ(get("/nic/update?hostname=home.dyn.example.test&myipv4=198.51.100.1&myipv6=2001:db8::1").body,
              "good 198.51.100.1,2001:db8::1\n");
    EXPECT_EQ(get("/nic/update?hostname=home.dyn.example.test&ip=198.51.100.2&ipv6=2001:db8::2").body,
              "good 198.51.100.2,2001:db8::2\n");
    // myip wins over myipv4 for IPv4; myipv6 wins over myip for IPv6.
    EXPECT_EQ(get("/nic/update?hostname=home.dyn.example.test&myipv4=198.51.100.3&myip=198.51.100.4,2001:db8::4"
                  "&myipv6=2001:db8::5")
                  .body,
              "good 198.51.100.4,2001:db8::5\n");
}

TEST_F(Dyndns2HandlerTest, MissingOrInvalidAddressFallsBackToThePeer) {
    EXPECT_EQ(get("/nic/update?hostname=home.dyn.example.test").body, "good 192.0.2.10\n");
    EXPECT_EQ(get("/nic/update?hostname=home.dyn.example.test&myip=not-an-ip", kAlice, "t", "192.0.2.11").body,
              "good 192.0.2.11\n");
    // An IPv6 peer without any address given updates AAAA only; A stays.
    EXPECT_EQ(get("/nic/update?hostname=home.dyn.example.test", kAlice, "t", "2001:db8::99").body,
              "good 2001:db8::99\n");
    EXPECT_EQ(addressesOf("home.dyn.example.test").v4, ip("192.0.2.11"));
    EXPECT_EQ(addressesOf("home.dyn.example.test").v6, ip("2001:db8::99"));
}

TEST_F(Dyndns2HandlerTest, EachAccountUpdatesItsOwnHosts) {
    EXPECT_EQ(get("/nic/update?hostname=bob.dyn.example.test&myip=198.51.100.77", kBob).body, "good 198.51.100.77\n");
    EXPECT_EQ(get("/nic/update?hostname=home.dyn.example.test&myip=198.51.100.77", kBob).body, "nohost\n");
}

TEST_F(Dyndns2HandlerTest, HashedPasswordsAreCheckedWithScryptThenCached) {
    CredentialCache cache;
    const Authenticator auth(m_config, cache, m_throttle);
    const Dyndns2Handler handler(m_updates, auth);
    const std::string update = "/nic/update?hostname=carol.dyn.example.test&myip=198.51.100.8";
    EXPECT_EQ(getFrom(handler, update, kCarolWrong).status, 401U);
    EXPECT_EQ(cache.size(), 0U);  // a failure is never remembered
    EXPECT_EQ(getFrom(handler, update, kCarol).body, "good 198.51.100.8\n");
    EXPECT_EQ(cache.size(), 1U);
    EXPECT_EQ(getFrom(handler, update, kCarol).body, "nochg 198.51.100.8\n");  // from the cache
    EXPECT_EQ(cache.size(), 1U);
    EXPECT_EQ(getFrom(handler, update, kCarolWrong).body, "badauth\n");
    const auto logged = getFrom(handler, update, kCarol).logSummary;
    EXPECT_EQ(logged.find("correct horse"), std::string::npos);
    EXPECT_EQ(logged.find("$scrypt"), std::string::npos);

    // `account passwd` + reload: a new hash. The old password is refused although the cache
    // still holds its tag (the tag covers the hash), the new one is accepted.
    Config changed = m_config;
    changed.accounts[2].passwordHash = kCarolNewHash;
    const Authenticator reloadedAuth(changed, cache, m_throttle);
    const Dyndns2Handler reloaded(m_updates, reloadedAuth);
    EXPECT_EQ(getFrom(reloaded, update, kCarol).status, 401U);
    EXPECT_EQ(getFrom(reloaded, update, "Basic Y2Fyb2w6YW5vdGhlciBwYXNzd29yZA==" /* carol:another password */).body,
              "nochg 198.51.100.8\n");
}

TEST_F(Dyndns2HandlerTest, UnknownUsersAreRefusedLikeWrongPasswords) {
    // With hashed accounts around, an unknown user costs a scrypt against a fixed hash, so the
    // answer and its timing match a wrong password.
    const auto unknown = get("/nic/update?hostname=carol.dyn.example.test", kMallory);
    const auto wrong = get("/nic/update?hostname=carol.dyn.example.test", kCarolWrong);
    EXPECT_EQ(unknown.status, 401U);
    EXPECT_EQ(unknown.body, wrong.body);
    EXPECT_EQ(unknown.headers, wrong.headers);
    EXPECT_EQ(unknown.logSummary, "badauth (unknown user)");
}

TEST(HttpRouter, RoutesByExactPathAndMethod) {
    HttpRouter router;
    router.add("/nic/update", {"GET"}, [](const HttpRequestInfo&) {
        HttpReply reply;
        reply.body = "routed\n";
        return reply;
    });
    HttpRequestInfo request;
    request.target = "/nic/update?hostname=x";
    EXPECT_EQ(router.dispatch(request).body, "routed\n");

    request.method = "POST";
    const auto notAllowed = router.dispatch(request);
    EXPECT_EQ(notAllowed.status, 405U);
    ASSERT_EQ(notAllowed.headers.size(), 1U);
    EXPECT_EQ(notAllowed.headers[0].first, "Allow");
    EXPECT_EQ(notAllowed.headers[0].second, "GET");

    request.method = "GET";
    for (const auto* target : {"/", "/nic/update/", "/nic/updatex", "/NIC/UPDATE", "/nic"}) {
        request.target = target;
        EXPECT_EQ(router.dispatch(request).status, 404U) << target;
    }
}

TEST(HttpFields, PercentDecodingKeepsRawValues) {
    EXPECT_EQ(percentDecode("a%2Cb"), "a,b");
    EXPECT_EQ(percentDecode("a%2cb"), "a,b");
    EXPECT_EQ(percentDecode("100%"), "100%");
    EXPECT_EQ(percentDecode("%zz%4"), "%zz%4");
    EXPECT_EQ(percentDecode("a+b"), "a+b");
    EXPECT_EQ(percentDecode("%00").size(), 1U);
}

TEST(HttpFields, QueryParsing) {
    const auto params = parseQuery("a=1&&b=%32&c&a=3&=x");
    ASSERT_EQ(params.size(), 5U);
    EXPECT_EQ(findParam(params, "a"), "1");  // the first occurrence wins
    EXPECT_EQ(findParam(params, "b"), "2");
    EXPECT_EQ(findParam(params, "c"), "");
    EXPECT_FALSE(findParam(params, "d"));
    EXPECT_EQ(splitTarget("/p?q=1").first, "/p");
    EXPECT_EQ(splitTarget("/p?q=1").second, "q=1");
    EXPECT_EQ(splitTarget("/p").second, "");
}

TEST(HttpFields, BasicAuthIsStrict) {
    auto alice = parseBasicAuth("Basic YWxpY2U6czNjcmV0");
    ASSERT_TRUE(alice);
    EXPECT_EQ(alice->user, "alice");
    EXPECT_EQ(alice->password, "s3cret");
    auto colon = parseBasicAuth("Basic dTpwOnE=");  // u:p:q -> the password keeps its colon
    ASSERT_TRUE(colon);
    EXPECT_EQ(colon->user, "u");
    EXPECT_EQ(colon->password, "p:q");
    auto empty = parseBasicAuth("BASIC Og==");  // ":"
    ASSERT_TRUE(empty);
    EXPECT_EQ(empty->user, "");
    EXPECT_FALSE(parseBasicAuth("Basic YWxpY2U6czNjcmV0=="));  // bad padding
    EXPECT_FALSE(parseBasicAuth("Basic YWxp Y2U6"));
    EXPECT_FALSE(parseBasicAuth("Basic=YWxpY2U6czNjcmV0"));
    EXPECT_FALSE(parseBasicAuth("Basic Y=Fs"));
    EXPECT_FALSE(parseBasicAuth("Basic YWxpY2U6czNjcmV0_"));
    EXPECT_FALSE(parseBasicAuth("Digest YWxpY2U6czNjcmV0"));
}

}  // namespace server_dyndns2_handler_test
}  // namespace
