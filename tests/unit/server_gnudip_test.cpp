// GnuDIP over HTTP on qdyn-server, called directly: the signed salt, each reqc, and every way
// a login is refused (wrong hash, expired, reused or forged salt, no GnuDIP secret).
#include <gtest/gtest.h>

#include "http/gnudip_handler.hpp"
#include "http_api_fixture.hpp"
#include "qdyn/crypto/digest.hpp"

namespace qdyn::test {
namespace {
namespace server_gnudip_test {

// The content of <meta name="NAME" content="...">, or "" when absent.
std::string meta(const std::string& html, const std::string& name) {
    const std::string open = "<meta name=\"" + name + "\" content=\"";
    const auto at = html.find(open);
    if (at == std::string::npos) return {};
    const auto start = at + open.size();
    return html.substr(start, html.find('"', start) - start);
}

class GnudipApiTest : public HttpApiTest {
protected:
    struct Salt {
        std::string salt, time, sign;
    };
    Salt salt() {
        const auto reply = m_handler.handle(request(std::string(server::GnudipHandler::kPath)));
        EXPECT_EQ(reply.status, 200U);
        EXPECT_TRUE(server::GnudipHandler::isSaltPage(reply));
        return {meta(reply.body, "salt"), meta(reply.body, "time"), meta(reply.body, "sign")};
    }
    static std::string hashFor(const std::string& password, const std::string& saltText) {
        return crypto::md5Hex({crypto::md5Hex(password).value(), ".", saltText}).value();
    }
    server::HttpReply update(const Salt& s, const std::string& rest, const std::string& user = "gnu",
                             const std::string& password = "gnu-pass", const std::string& peer = "192.0.2.10") {
        return m_handler.handle(request(std::string(server::GnudipHandler::kPath) + "?salt=" + s.salt + "&time=" +
                                            s.time + "&sign=" + s.sign + "&user=" + user +
                                            "&pass=" + hashFor(password, s.salt) + "&domn=dyn.example.test&" + rest,
                                        peer));
    }

    std::int64_t m_unix = 1'700'000'000;
    server::GnudipSalts m_salts{[this] { return m_unix; }};
    server::GnudipHandler m_handler{m_config, m_updates, m_auth, m_salts};
};

TEST_F(GnudipApiTest, TheSaltPageCarriesASignedSalt) {
    const auto s = salt();
    EXPECT_EQ(s.salt.size(), 10U);
    EXPECT_EQ(s.time, "1700000000");
    EXPECT_EQ(s.sign.size(), 64U);
    EXPECT_NE(salt().salt, s.salt);
}

TEST_F(GnudipApiTest, EachRequestCodeDoesWhatGnudipSays) {
    auto reply = update(salt(), "reqc=0&addr=198.51.100.70");
    EXPECT_EQ(meta(reply.body, "retc"), "0") << reply.body;
    EXPECT_EQ(addressesOf("gnu.dyn.example.test").v4, ip("198.51.100.70"));

    reply = update(salt(), "reqc=2", "gnu", "gnu-pass", "203.0.113.70");
    EXPECT_EQ(meta(reply.body, "retc"), "0");
    EXPECT_EQ(meta(reply.body, "addr"), "203.0.113.70");
    EXPECT_EQ(addressesOf("gnu.dyn.example.test").v4, ip("203.0.113.70"));

    reply = update(salt(), "reqc=1");
    EXPECT_EQ(meta(reply.body, "retc"), "2");
    EXPECT_FALSE(addressesOf("gnu.dyn.example.test").v4);  // offline: withheld
    EXPECT_EQ(reply.logSummary.find("gnu-pass"), std::string::npos);
}

TEST_F(GnudipApiTest, EveryBadLoginIsRetcOneAndChangesNothing) {
    auto s = salt();
    EXPECT_EQ(meta(update(s, "reqc=0&addr=198.51.100.1", "gnu", "wrong").body, "retc"), "1");
    EXPECT_EQ(meta(update(s, "reqc=0&addr=198.51.100.1", "nobody").body, "retc"), "1");
    // alice has a plain password, so her md5 is derived, but alice.dyn.example.test is not hers.
    EXPECT_EQ(meta(update(salt(), "reqc=0&addr=198.51.100.1", "alice", "s3cret").body, "retc"), "1");
    EXPECT_EQ(meta(update(salt(), "reqc=0&addr=2001:db8::1").body, "retc"), "1");
    EXPECT_EQ(meta(update(salt(), "reqc=0").body, "retc"), "1");
    EXPECT_EQ(meta(update(salt(), "reqc=3&addr=198.51.100.1").body, "retc"), "1");
    EXPECT_EQ(meta(update(salt(), "reqc=2", "gnu", "gnu-pass", "2001:db8::9").body, "retc"), "1");
    auto forged = salt();
    forged.sign[0] = forged.sign[0] == 'a' ? 'b' : 'a';
    EXPECT_EQ(meta(update(forged, "reqc=0&addr=198.51.100.1").body, "retc"), "1");
    auto late = salt();
    m_unix += 60;  // the default lifetime
    EXPECT_EQ(meta(update(late, "reqc=0&addr=198.51.100.1").body, "retc"), "1");
    EXPECT_FALSE(addressesOf("gnu.dyn.example.test").v4);
    EXPECT_FALSE(addressesOf("alice.dyn.example.test").v4);
}

TEST_F(GnudipApiTest, ASaltWorksOnceSoACapturedRequestCannotBeReplayed) {
    const auto s = salt();
    EXPECT_EQ(meta(update(s, "reqc=0&addr=198.51.100.71").body, "retc"), "0");
    EXPECT_EQ(meta(update(s, "reqc=0&addr=198.51.100.66").body, "retc"), "1");
    EXPECT_EQ(addressesOf("gnu.dyn.example.test").v4, ip("198.51.100.71"));
}

TEST_F(GnudipApiTest, AHashedOnlyAccountCannotLogInOverGnudip) {
    // bob has a plain password in the fixture; with a password_hash only there is no md5.
    m_config.accounts[1].password.clear();
    m_config.accounts[1].passwordHash =
        "$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/AXJlRU";
    const auto reply = update(salt(), "reqc=0&addr=198.51.100.1", "bob", "correct horse battery staple");
    EXPECT_EQ(meta(reply.body, "retc"), "1");
    EXPECT_NE(reply.logSummary.find("no gnudip_md5"), std::string::npos) << reply.logSummary;
}

}  // namespace server_gnudip_test
}  // namespace
}  // namespace qdyn::test
