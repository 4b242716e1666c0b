// GnuDIP HTTP client: MD5 from the crypto unit, the strict meta tag reader on pages as real
// servers write them, the salted login, and the two-step exchange against a loopback server.
#include <gtest/gtest.h>

#include "closed_port.hpp"
#include "loopback_http_peer.hpp"
#include "qdyn/crypto/digest.hpp"
#include "qdyn/protocols/gnudip.hpp"

namespace qdyn::gnudip {
namespace {
namespace gnudip_client_test {

using test::LoopbackHttpPeer;

const std::optional<IpAddress> kV4 = IpAddress::parse("203.0.113.7");
const std::optional<IpAddress> kV6 = IpAddress::parse("2001:db8::7");

// The page GnuDIP 2.3.5's gdipupdt.cgi sends for a salt (pg_updtsrv), byte for byte in shape.
std::string saltPage(const std::string& salt, const std::string& time, const std::string& sign) {
    return "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\"\n"
           "                      \"http://www.w3.org/TR/html4/loose.dtd\\\">\n<html>\n<head>\n"
           "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">\n"
           "<title>\nGnuDIP Update Server\n</title>\n\n"
           "<meta name=\"salt\" content=\"" +
           salt +
           "\">\n\n"
           "<meta name=\"time\" content=\"" +
           time +
           "\">\n\n"
           "<meta name=\"sign\" content=\"" +
           sign +
           "\">\n"
           "\n</head>\n<body>\n<center>\n<h2>\nGnuDIP Update Server\n</h2>\nSalt "
           "generated\n</center>\n</body>\n</html>\n";
}

std::string replyPage(const std::string& retc, const std::string& addr = {}) {
    std::string page =
        "<html>\n<head>\n<title>\nGnuDIP Update Server\n</title>\n<meta name=\"retc\" content=\"" + retc + "\">\n";
    if (!addr.empty()) page += "<meta name=\"addr\" content=\"" + addr + "\">\n";
    return page + "</head>\n<body>\nSuccessful update request\n</body>\n</html>\n";
}

Settings settingsFor(const std::string& baseUrl) {
    Settings settings;
    settings.endpoint.baseUrl = baseUrl;
    settings.endpoint.path = std::string(kDefaultPath);
    settings.endpoint.timeout = std::chrono::milliseconds(3000);
    settings.username = "alice";
    settings.password = Secret("topsecret");
    return settings;
}

TEST(DigestTest, Md5HexMatchesKnownVectors) {
    EXPECT_EQ(crypto::md5Hex("").value(), "d41d8cd98f00b204e9800998ecf8427e");
    EXPECT_EQ(crypto::md5Hex("abc").value(), "900150983cd24fb0d6963f7d28e17f72");
    EXPECT_EQ(crypto::md5Hex({"a", "", "bc"}).value(), "900150983cd24fb0d6963f7d28e17f72");
    EXPECT_EQ(crypto::md5Hex("topsecret").value(), "ea847988ba59727dbf4e34ee75726dc3");
}

TEST(GnudipHashTest, SaltsTheHexOfTheHex) {
    // md5hex(md5hex("topsecret") + "." + "AbCdEfGh12"), computed independently.
    const auto hash = passwordHash(Secret("topsecret"), "AbCdEfGh12");
    ASSERT_TRUE(hash) << hash.message();
    EXPECT_EQ(hash->reveal(), "e68d73a3937ff96d44711dbca5b3737f");
}

TEST(GnudipMetaTest, ReadsARealSaltPage) {
    const auto challenge = parseChallenge(saltPage("AbCdEfGh12", "1700000000", "0123456789abcdef0123456789abcdef"));
    ASSERT_TRUE(challenge) << challenge.message();
    EXPECT_EQ(challenge->salt, "AbCdEfGh12");
    EXPECT_EQ(challenge->time, "1700000000");
    EXPECT_EQ(challenge->sign, "0123456789abcdef0123456789abcdef");
    const auto tags = parseMetaTags(saltPage("s", "1", "g"));
    ASSERT_TRUE(tags);
    EXPECT_EQ(tags->size(), 3U) << "the http-equiv tag is skipped";
}

TEST(GnudipMetaTest, AcceptsSelfClosingTagsAndBlanks) {
    const auto tags = parseMetaTags("<meta\tname=\"retc\"\n content=\"0\" />");
    ASSERT_TRUE(tags);
    ASSERT_EQ(tags->size(), 1U);
    EXPECT_EQ((*tags)[0].name, "retc");
    EXPECT_EQ((*tags)[0].content, "0");
    EXPECT_TRUE(parseMetaTags("<metadata name=\"x\">"));
    EXPECT_TRUE(parseMetaTags("no tags at all")->empty());
}

TEST(GnudipMetaTest, RefusesWhatItCannotReadExactly) {
    for (const char* html : {
             "<meta name=\"retc\" content=\"0\"><meta name=\"retc\" content=\"1\">",  // two answers
             "<meta name='retc' content='0'>",                                        // single quotes
             "<meta name=\"retc\" content=\"0\"",                                     // cut off
             "<meta name=\"retc\" content=\"0",                                       // open quote
             "<meta name=\"retc\"content=\"0\">",                                     // no blank
             "<meta name=\"retc\" value=\"0\">",                                      // not content
             "<meta name=\"retc\" content=\"0\" lang=\"en\">",                        // extra attribute
             "<meta name=\"\" content=\"0\">",                                        // empty name
             "<meta name=\"retc\" content=\"0\x01\">",                                // control character
             "<meta name=\"retc\" content=\"<b>\">",
             "<meta",
         }) {
        EXPECT_FALSE(parseMetaTags(html)) << html;
    }
    EXPECT_FALSE(parseMetaTags("<meta name=\"salt\" content=\"" + std::string(300, 'a') + "\">"));
    std::string many;
    for (int i = 0; i < 40; ++i)
        many += "<meta name=\"n" + std::to_string(i) + "\" content=\"v\">";
    EXPECT_FALSE(parseMetaTags(many));
}

TEST(GnudipMetaTest, IgnoresTagsNotWrittenTheGnudipWay) {
    // Content before name, or upper-case tags, are not GnuDIP's: no salt is found in them.
    EXPECT_FALSE(
        parseChallenge("<meta content=\"s\" name=\"salt\"><meta name=\"time\" content=\"1\">"
                       "<meta name=\"sign\" content=\"g\">"));
    EXPECT_FALSE(
        parseChallenge("<META NAME=\"salt\" CONTENT=\"s\"><META NAME=\"time\" CONTENT=\"1\">"
                       "<META NAME=\"sign\" CONTENT=\"g\">"));
    EXPECT_FALSE(parseChallenge(saltPage("s", "17x", "g")));  // time is digits
    EXPECT_FALSE(parseChallenge(saltPage("s a", "1", "g")));  // no blanks in a salt
    EXPECT_FALSE(parseChallenge(replyPage("0")));
}

TEST(GnudipHostTest, TheHostIsUserDotDomain) {
    EXPECT_EQ(domainOf("alice.example.net", "alice").value(), "example.net");
    EXPECT_EQ(domainOf("Alice.dyn.example.net", "alice").value(), "dyn.example.net");
    for (const char* host : {"bob.example.net", "alice", "alice.", "aliceb.example.net", "example.net"}) {
        const auto domain = domainOf(host, "alice");
        ASSERT_FALSE(domain) << host;
        EXPECT_NE(domain.message().find("\"alice.\""), std::string::npos) << domain.message();
    }
}

TEST(GnudipUrlTest, BuildsEachRequestCode) {
    const Settings settings = settingsFor("https://gnudip.example.net");
    const Challenge challenge{"AbCdEfGh12", "1700000000", "a+b/c="};
    EXPECT_EQ(buildUpdateUrl(settings, challenge, "example.net", "e68d73a3937ff96d44711dbca5b3737f",
                             RequestCode::SetAddress, kV4),
              "https://gnudip.example.net/gnudip/cgi-bin/gdipupdt.cgi?salt=AbCdEfGh12&time=1700000000&sign=a%2Bb%2Fc%3D"
              "&user=alice&pass=e68d73a3937ff96d44711dbca5b3737f&domn=example.net&reqc=0&addr=203.0.113.7");
    EXPECT_EQ(buildUpdateUrl(settings, challenge, "example.net", "h", RequestCode::ConnectingAddress, kV4),
              "https://gnudip.example.net/gnudip/cgi-bin/gdipupdt.cgi?salt=AbCdEfGh12&time=1700000000&sign=a%2Bb%2Fc%3D"
              "&user=alice&pass=h&domn=example.net&reqc=2");
    EXPECT_EQ(buildUpdateUrl(settings, challenge, "example.net", std::nullopt, RequestCode::Offline, std::nullopt),
              "https://gnudip.example.net/gnudip/cgi-bin/gdipupdt.cgi?salt=AbCdEfGh12&time=1700000000&sign=a%2Bb%2Fc%3D"
              "&user=alice&pass=***&domn=example.net&reqc=1");
}

TEST(GnudipClassifierTest, MapsEveryReturnCode) {
    const HostOutcome updated = classifyReply("h", 200, replyPage("0"), RequestCode::SetAddress);
    EXPECT_EQ(updated.outcome, OutcomeClass::Updated);
    EXPECT_EQ(updated.code, "retc 0");
    const HostOutcome connecting =
        classifyReply("h", 200, replyPage("0", "198.51.100.4"), RequestCode::ConnectingAddress);
    EXPECT_EQ(connecting.outcome, OutcomeClass::Updated);
    ASSERT_EQ(connecting.addresses.size(), 1U);
    EXPECT_EQ(connecting.addresses[0], *IpAddress::parse("198.51.100.4"));
    EXPECT_EQ(classifyReply("h", 200, replyPage("1"), RequestCode::SetAddress).outcome, OutcomeClass::AuthFailed);
    EXPECT_EQ(classifyReply("h", 200, replyPage("2"), RequestCode::Offline).outcome, OutcomeClass::Updated);
}

TEST(GnudipClassifierTest, UnexpectedOrMissingCodesAreRetried) {
    EXPECT_EQ(classifyReply("h", 200, replyPage("2"), RequestCode::SetAddress).outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(classifyReply("h", 200, replyPage("0"), RequestCode::Offline).outcome, OutcomeClass::RetryLater);
    for (const std::string retc : {"3", "01", " 0", "ok", ""}) {
        EXPECT_EQ(classifyReply("h", 200, replyPage(retc), RequestCode::SetAddress).outcome, OutcomeClass::RetryLater)
            << retc;
    }
    EXPECT_EQ(classifyReply("h", 200, "<html>retc 0</html>", RequestCode::SetAddress).outcome,
              OutcomeClass::RetryLater);
    // A broken server answers 500 with retc 1: that is no verdict on the credentials.
    EXPECT_EQ(classifyReply("h", 500, replyPage("1"), RequestCode::SetAddress).outcome, OutcomeClass::RetryLater);
    const HostOutcome throttled = classifyReply("h", 429, "", RequestCode::SetAddress, std::string_view("45"));
    EXPECT_NE(throttled.detail.find("45 s"), std::string::npos);
    EXPECT_EQ(classifyReply("h", 401, "", RequestCode::SetAddress).outcome, OutcomeClass::AuthFailed);
}

// A GnuDIP server that hands out one salt and checks the login like gdipupdt.cgi does.
LoopbackHttpPeer::Reply gnudipServer(const LoopbackHttpPeer::Request& request) {
    const std::string path(kDefaultPath);
    if (request.target == path) return {200, saltPage("AbCdEfGh12", "1700000000", "sig"), {}};
    const std::string expected = path +
                                 "?salt=AbCdEfGh12&time=1700000000&sign=sig&user=alice"
                                 "&pass=e68d73a3937ff96d44711dbca5b3737f&domn=";
    if (request.target.rfind(expected, 0) != 0) return {200, replyPage("1"), {}};
    if (request.target.find("&reqc=2") != std::string::npos) return {200, replyPage("0", "127.0.0.1"), {}};
    return {200, replyPage("0"), {}};
}

TEST(GnudipClientTest, SaltThenSignedUpdatePerHost) {
    LoopbackHttpPeer peer(gnudipServer);
    Client client(settingsFor(peer.baseUrl()));
    const auto outcomes = client.update({{"alice.example.net", "bob.example.net", "alice.other.example"}, kV4, kV6});
    ASSERT_EQ(outcomes.size(), 3U);
    EXPECT_EQ(outcomes[0].host, "alice.example.net");
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::Updated);
    EXPECT_NE(outcomes[0].detail.find("IPv4 only"), std::string::npos) << "say that the IPv6 address was not sent";
    EXPECT_EQ(outcomes[1].outcome, OutcomeClass::HostRejected);
    EXPECT_EQ(outcomes[1].code, "host");
    EXPECT_EQ(outcomes[2].outcome, OutcomeClass::Updated);
    const auto requests = peer.requests();
    ASSERT_EQ(requests.size(), 4U) << "two requests per valid host, none for the rejected one";
    EXPECT_EQ(requests[0].target, std::string(kDefaultPath));
    EXPECT_EQ(requests[1].target,
              std::string(kDefaultPath) +
                  "?salt=AbCdEfGh12&time=1700000000&sign=sig&user=alice"
                  "&pass=e68d73a3937ff96d44711dbca5b3737f&domn=example.net&reqc=0&addr=203.0.113.7");
    EXPECT_NE(requests[3].target.find("&domn=other.example&reqc=0"), std::string::npos);
}

TEST(GnudipClientTest, WithoutIpv4TheServerTakesTheConnectingAddress) {
    LoopbackHttpPeer peer(gnudipServer);
    Client client(settingsFor(peer.baseUrl()));
    const auto outcomes = client.update({{"alice.example.net"}, std::nullopt, std::nullopt});
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::Updated);
    ASSERT_EQ(outcomes[0].addresses.size(), 1U);
    EXPECT_EQ(outcomes[0].addresses[0], *IpAddress::parse("127.0.0.1"));
    const auto requests = peer.requests();
    ASSERT_EQ(requests.size(), 2U);
    EXPECT_EQ(requests[1].target.substr(requests[1].target.size() - 7), "&reqc=2");
}

TEST(GnudipClientTest, WrongPasswordIsAuthFailed) {
    LoopbackHttpPeer peer(gnudipServer);
    Settings settings = settingsFor(peer.baseUrl());
    settings.password = Secret("wrong");
    Client client(std::move(settings));
    const auto outcomes = client.update({{"alice.example.net"}, kV4, std::nullopt});
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::AuthFailed);
}

TEST(GnudipClientTest, APageWithoutSaltStopsBeforeTheLogin) {
    LoopbackHttpPeer peer([](const LoopbackHttpPeer::Request&) {
        return LoopbackHttpPeer::Reply{200, "<html>It works!</html>", {}};
    });
    Client client(settingsFor(peer.baseUrl()));
    const auto outcomes = client.update({{"alice.example.net"}, kV4, std::nullopt});
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(outcomes[0].code, "no-salt");
    EXPECT_EQ(peer.requests().size(), 1U);
}

TEST(GnudipClientTest, NetworkFailureIsRetryLater) {
    const test::ClosedPort closed;
    Client client(settingsFor("http://127.0.0.1:" + std::to_string(closed.port())));
    const auto outcomes = client.update({{"alice.example.net"}, kV4, std::nullopt});
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(outcomes[0].code, "network");
}

TEST(GnudipClientTest, DescribeShowsBothStepsWithoutTheHash) {
    Client client(settingsFor("https://gnudip.example.net"));
    const auto lines = client.describe({{"alice.example.net", "bob.example.net"}, kV4, std::nullopt});
    ASSERT_EQ(lines.size(), 3U);
    EXPECT_EQ(lines[0], "GET https://gnudip.example.net/gnudip/cgi-bin/gdipupdt.cgi (for a salt, time and sign)");
    EXPECT_EQ(lines[1],
              "GET https://gnudip.example.net/gnudip/cgi-bin/gdipupdt.cgi?salt=SALT&time=TIME&sign=SIGN"
              "&user=alice&pass=***&domn=example.net&reqc=0&addr=203.0.113.7");
    EXPECT_NE(lines[2].find("nothing for bob.example.net"), std::string::npos);
    for (const auto& line : lines)
        EXPECT_EQ(line.find("topsecret"), std::string::npos);
}

}  // namespace gnudip_client_test
}  // namespace
}  // namespace qdyn::gnudip
