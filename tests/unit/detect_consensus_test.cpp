// The detector with scripted sources: fallback on errors, agreement and disagreement, private
// answers as "behind NAT", IPv6 through the policy, and per-source backoff on an injected clock.
#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "qdyn/detect/detector.hpp"

namespace qdyn::detect {
namespace {
namespace detect_consensus_test {

using namespace std::chrono_literals;

IpAddress ip(const char* text) {
    auto parsed = IpAddress::parse(text);
    EXPECT_TRUE(parsed.has_value()) << text;
    return parsed.value_or(IpAddress{});
}

// Answers with the next scripted reply (the last one repeats) and counts the calls.
class FakeSource final : public AddressSource {
public:
    using Reply = Result<std::vector<Candidate>>;
    FakeSource(std::string name, std::deque<Reply> replies) : m_name(std::move(name)), m_replies(std::move(replies)) {}

    [[nodiscard]] std::string_view kind() const override { return "fake"; }
    [[nodiscard]] std::string describe() const override { return m_name; }
    Result<std::vector<Candidate>> detect(AddressFamily /*family*/) override {
        ++calls;
        Reply reply = m_replies.front();
        if (m_replies.size() > 1) m_replies.pop_front();
        return reply;
    }
    int calls = 0;

private:
    std::string m_name;
    std::deque<Reply> m_replies;
};

FakeSource::Reply says(std::initializer_list<const char*> addresses) {
    std::vector<Candidate> out;
    for (const char* address : addresses) {
        Candidate candidate;
        candidate.address = ip(address);
        out.push_back(candidate);
    }
    return out;
}

FakeSource::Reply fails(const char* why) { return makeError(why); }

std::shared_ptr<FakeSource> source(const char* name, std::deque<FakeSource::Reply> replies) {
    return std::make_shared<FakeSource>(name, std::move(replies));
}

struct Fixture : ::testing::Test {
    std::chrono::steady_clock::time_point clock{std::chrono::hours(1000)};
    DetectorOptions options() {
        DetectorOptions o;
        o.check.allowDocumentation = true;
        o.now = [this] { return clock; };
        return o;
    }
};

using DetectConsensusTest = Fixture;

TEST_F(DetectConsensusTest, FirstAnswerWinsWithAgreementOne) {
    auto a = source("a", {says({"203.0.113.1"})});
    auto b = source("b", {says({"203.0.113.2"})});
    Detector detector({a, b}, {}, options());
    const DetectionReport report = detector.detect(AddressFamily::V4);
    ASSERT_TRUE(report.chosen.has_value()) << report.reason;
    EXPECT_EQ(*report.chosen, ip("203.0.113.1"));
    EXPECT_EQ(report.reason, "a reported it (documentation range)");
    EXPECT_EQ(b->calls, 0);
    ASSERT_EQ(report.sources.size(), 2U);
    EXPECT_EQ(report.sources[1].status, SourceStatus::NotAsked);
}

TEST_F(DetectConsensusTest, FallsBackOnErrorsAndBogons) {
    auto broken = source("broken", {fails("timeout")});
    auto liar = source("liar", {says({"127.0.0.1"})});
    auto good = source("good", {says({"198.51.100.4"})});
    Detector detector({broken, liar, good}, {}, options());
    const DetectionReport report = detector.detect(AddressFamily::V4);
    ASSERT_TRUE(report.chosen.has_value()) << report.reason;
    EXPECT_EQ(*report.chosen, ip("198.51.100.4"));
    EXPECT_EQ(report.sources[0].status, SourceStatus::Failed);
    EXPECT_EQ(report.sources[0].error, "timeout");
    EXPECT_EQ(report.sources[1].status, SourceStatus::Answered);
    EXPECT_FALSE(report.sources[1].answer.has_value());
    EXPECT_EQ(report.sources[1].candidates.at(0).check.verdict, Verdict::Rejected);
    EXPECT_EQ(report.sources[1].note, "no usable address: 127.0.0.1 is loopback");
}

TEST_F(DetectConsensusTest, AgreementOfTwo) {
    auto a = source("a", {says({"203.0.113.1"})});
    auto broken = source("broken", {fails("refused")});
    auto b = source("b", {says({"203.0.113.1"})});
    auto c = source("c", {says({"203.0.113.1"})});
    DetectorOptions o = options();
    o.requiredAgreement = 2;
    Detector detector({a, broken, b, c}, {}, o);
    const DetectionReport report = detector.detect(AddressFamily::V4);
    ASSERT_TRUE(report.chosen.has_value()) << report.reason;
    EXPECT_EQ(*report.chosen, ip("203.0.113.1"));
    EXPECT_EQ(report.reason, "2 sources agree");
    EXPECT_EQ(c->calls, 0);
}

TEST_F(DetectConsensusTest, DisagreementIsReportedAndNothingChosen) {
    auto a = source("a", {says({"203.0.113.1"})});
    auto b = source("b", {says({"203.0.113.2"})});
    DetectorOptions o = options();
    o.requiredAgreement = 2;
    Detector detector({a, b}, {}, o);
    const DetectionReport report = detector.detect(AddressFamily::V4);
    EXPECT_FALSE(report.chosen.has_value());
    EXPECT_TRUE(report.disagreement);
    EXPECT_EQ(report.reason, "sources disagree: a says 203.0.113.1; b says 203.0.113.2; nothing is published");
}

TEST_F(DetectConsensusTest, TooFewAnswersChoosesNothing) {
    auto a = source("a", {says({"203.0.113.1"})});
    auto broken = source("broken", {fails("refused")});
    DetectorOptions o = options();
    o.requiredAgreement = 2;
    Detector detector({a, broken}, {}, o);
    const DetectionReport report = detector.detect(AddressFamily::V4);
    EXPECT_FALSE(report.chosen.has_value());
    EXPECT_FALSE(report.disagreement);
    EXPECT_EQ(report.reason, "only 1 of the 2 agreeing sources required reported an address");
}

TEST_F(DetectConsensusTest, PrivateIsBehindNatAndNotChosen) {
    auto local = source("local", {says({"192.168.1.5"})});
    auto cgnat = source("cgnat", {says({"100.64.3.4"})});
    Detector detector({local, cgnat}, {}, options());
    const DetectionReport report = detector.detect(AddressFamily::V4);
    EXPECT_FALSE(report.chosen.has_value());
    EXPECT_TRUE(report.behindNat);
    ASSERT_TRUE(report.sources[0].behindNat.has_value());
    EXPECT_EQ(report.sources[0].note, "only 192.168.1.5 (behind NAT)");
    EXPECT_EQ(report.reason.rfind("behind NAT:", 0), 0U) << report.reason;
}

TEST_F(DetectConsensusTest, PrivateFallsThroughToAPublicSource) {
    auto local = source("local", {says({"10.0.0.2"})});
    auto echo = source("echo", {says({"203.0.113.8"})});
    Detector detector({local, echo}, {}, options());
    const DetectionReport report = detector.detect(AddressFamily::V4);
    ASSERT_TRUE(report.chosen.has_value());
    EXPECT_EQ(*report.chosen, ip("203.0.113.8"));
    EXPECT_TRUE(report.behindNat);
}

TEST_F(DetectConsensusTest, AllowPrivatePublishesIt) {
    auto local = source("local", {says({"10.0.0.2"})});
    DetectorOptions o = options();
    o.check.allowPrivate = true;
    Detector detector({local}, {}, o);
    const DetectionReport report = detector.detect(AddressFamily::V4);
    ASSERT_TRUE(report.chosen.has_value());
    EXPECT_EQ(*report.chosen, ip("10.0.0.2"));
}

TEST_F(DetectConsensusTest, WrongFamilyAnswerIsRejected) {
    auto confused = source("confused", {says({"2001:db8::1"})});
    Detector detector({confused}, {}, options());
    const DetectionReport report = detector.detect(AddressFamily::V4);
    EXPECT_FALSE(report.chosen.has_value());
    EXPECT_EQ(report.sources[0].candidates.at(0).check.why, "wrong address family");
}

TEST_F(DetectConsensusTest, Ipv6GoesThroughThePolicy) {
    Candidate temporary;
    temporary.address = ip("2001:db8::7");
    temporary.temporary = true;
    Candidate stable;
    stable.address = ip("2001:db8::5");
    stable.stable = true;
    auto local = source("local", {FakeSource::Reply(std::vector<Candidate>{temporary, stable})});
    Detector detector({}, {local}, options());
    const DetectionReport report = detector.detect(AddressFamily::V6);
    ASSERT_TRUE(report.chosen.has_value()) << report.reason;
    EXPECT_EQ(*report.chosen, ip("2001:db8::5"));
    EXPECT_NE(report.sources[0].note.find("skipped 2001:db8::7: temporary"), std::string::npos)
        << report.sources[0].note;
}

TEST_F(DetectConsensusTest, NoSourcesConfigured) {
    Detector detector({}, {}, options());
    const DetectionReport report = detector.detect(AddressFamily::V6);
    EXPECT_FALSE(report.chosen.has_value());
    EXPECT_EQ(report.reason, "no IPv6 source is configured");
}

TEST_F(DetectConsensusTest, FailedSourceBacksOffForAGrowingTime) {
    auto flaky = source("flaky", {fails("timeout"), fails("timeout"), says({"203.0.113.1"})});
    auto backup = source("backup", {says({"203.0.113.2"})});
    DetectorOptions o = options();
    o.backoff.initial = 10s;
    o.backoff.max = 15s;
    Detector detector({flaky, backup}, {}, o);

    EXPECT_EQ(*detector.detect(AddressFamily::V4).chosen, ip("203.0.113.2"));  // flaky fails once
    EXPECT_EQ(flaky->calls, 1);

    clock += 9s;  // still backing off: not asked
    DetectionReport report = detector.detect(AddressFamily::V4);
    EXPECT_EQ(flaky->calls, 1);
    EXPECT_EQ(report.sources[0].status, SourceStatus::BackingOff);
    EXPECT_EQ(report.sources[0].error, "failed 1 time(s); next try in 1 s");

    clock += 1s;  // retried, fails again: now 20 s, capped at 15 s
    detector.detect(AddressFamily::V4);
    EXPECT_EQ(flaky->calls, 2);
    clock += 14s;
    detector.detect(AddressFamily::V4);
    EXPECT_EQ(flaky->calls, 2);
    clock += 1s;
    report = detector.detect(AddressFamily::V4);
    EXPECT_EQ(flaky->calls, 3);
    ASSERT_TRUE(report.chosen.has_value());
    EXPECT_EQ(*report.chosen, ip("203.0.113.1"));

    // A success resets it: the next failure starts again at the initial delay.
    clock += 1s;
    detector.detect(AddressFamily::V4);
    EXPECT_EQ(flaky->calls, 4);
}

TEST_F(DetectConsensusTest, EverySourceFailing) {
    auto a = source("a", {fails("timeout")});
    Detector detector({a}, {}, options());
    const DetectionReport report = detector.detect(AddressFamily::V4);
    EXPECT_FALSE(report.chosen.has_value());
    EXPECT_EQ(report.reason, "every IPv4 source failed or is backing off");
}

}  // namespace detect_consensus_test
}  // namespace
}  // namespace qdyn::detect
