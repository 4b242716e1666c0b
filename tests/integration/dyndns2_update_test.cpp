// The thin path in-process: qdyn's dyndns2 client updates qdyn-server over HTTP, and the new
// address is read back over DNS.
#include <gtest/gtest.h>

#include "qdyn/protocols/dyndns2.hpp"
#include "server_fixture.hpp"

namespace qdyn::test {
namespace {
namespace dyndns2_update_test {

class Dyndns2UpdateTest : public ServerFixture {
protected:
    [[nodiscard]] dyndns2::Client client(const std::string& user, const std::string& password) const {
        dyndns2::Settings settings;
        settings.baseUrl = httpBase();
        settings.username = user;
        settings.password = Secret(password);
        settings.timeout = std::chrono::milliseconds(5000);
        return dyndns2::Client(std::move(settings));
    }
};

TEST_F(Dyndns2UpdateTest, UpdatesAndReadsBackOverDns) {
    EXPECT_TRUE(lookup("home.dyn.example.test").empty());
    auto alice = client("alice", "s3cret");
    UpdateRequest request{{"home.dyn.example.test"}, IpAddress::parse("203.0.113.7"), std::nullopt};
    const auto outcomes = alice.update(request);
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::Updated) << outcomes[0].code << ": " << outcomes[0].detail;
    const auto addresses = lookup("home.dyn.example.test");
    ASSERT_EQ(addresses.size(), 1U);
    EXPECT_EQ(addresses[0].toString(), "203.0.113.7");

    // The same address again is nochg, and the record stays.
    const auto again = alice.update(request);
    EXPECT_EQ(again[0].outcome, OutcomeClass::Unchanged) << again[0].code;
    EXPECT_EQ(lookup("home.dyn.example.test").at(0).toString(), "203.0.113.7");
}

TEST_F(Dyndns2UpdateTest, UpdatesBothFamiliesAndSeveralHosts) {
    auto alice = client("alice", "s3cret");
    UpdateRequest request{{"home.dyn.example.test", "nas.dyn.example.test"},
                          IpAddress::parse("198.51.100.20"),
                          IpAddress::parse("2001:db8::20")};
    const auto outcomes = alice.update(request);
    ASSERT_EQ(outcomes.size(), 2U);
    for (const auto& outcome : outcomes) EXPECT_EQ(outcome.outcome, OutcomeClass::Updated) << outcome.code;
    EXPECT_EQ(lookup("nas.dyn.example.test").at(0).toString(), "198.51.100.20");
    EXPECT_EQ(lookup("nas.dyn.example.test", dns::rrtype::AAAA).at(0).toString(), "2001:db8::20");
}

TEST_F(Dyndns2UpdateTest, WithoutAnAddressTheServerUsesThePeer) {
    auto alice = client("alice", "s3cret");
    const auto outcomes = alice.update(UpdateRequest{{"home.dyn.example.test"}, std::nullopt, std::nullopt});
    ASSERT_EQ(outcomes[0].outcome, OutcomeClass::Updated) << outcomes[0].code;
    EXPECT_EQ(lookup("home.dyn.example.test").at(0).toString(), "127.0.0.1");
}

TEST_F(Dyndns2UpdateTest, WrongPasswordIsAuthFailedAndChangesNothing) {
    auto alice = client("alice", "s3cret");
    ASSERT_EQ(alice.update(UpdateRequest{{"home.dyn.example.test"}, IpAddress::parse("203.0.113.7"), std::nullopt})[0]
                  .outcome,
              OutcomeClass::Updated);
    auto mallory = client("alice", "wrong");
    const auto outcomes =
        mallory.update(UpdateRequest{{"home.dyn.example.test"}, IpAddress::parse("203.0.113.66"), std::nullopt});
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::AuthFailed) << outcomes[0].code;
    EXPECT_EQ(lookup("home.dyn.example.test").at(0).toString(), "203.0.113.7");
}

TEST_F(Dyndns2UpdateTest, AnotherAccountsHostIsRejectedAndOthersStillUpdate) {
    auto bob = client("bob", "hunter2");
    const auto outcomes = bob.update(
        UpdateRequest{{"home.dyn.example.test", "office.dyn.example.test"}, IpAddress::parse("192.0.2.44"), std::nullopt});
    ASSERT_EQ(outcomes.size(), 2U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::HostRejected) << outcomes[0].code;
    EXPECT_EQ(outcomes[1].outcome, OutcomeClass::Updated) << outcomes[1].code;
    EXPECT_TRUE(lookup("home.dyn.example.test").empty());
    EXPECT_EQ(lookup("office.dyn.example.test").at(0).toString(), "192.0.2.44");
}

}  // namespace dyndns2_update_test
}  // namespace
}  // namespace qdyn::test
