// One host's cycle in words: agent::describeHost (shared by the CLI and qdyn-tray's log) and how
// `qdyn update` splits its lines between stdout and stderr, with and without --quiet.
#include <gtest/gtest.h>

#include <sstream>

#include "agent_output.hpp"
#include "qdyn/agent/report_text.hpp"

namespace {
namespace cli_report_text_test {

using namespace qdyn;
using agent::HostAction;
using agent::LogLevel;

agent::HostReport hostReport(HostAction action) {
    agent::HostReport report;
    report.profile = "home";
    report.host = "home.example.net";
    report.action = action;
    return report;
}

HostOutcome reply(OutcomeClass outcome, std::string code) {
    HostOutcome result;
    result.host = "home.example.net";
    result.outcome = outcome;
    result.code = std::move(code);
    return result;
}

struct Printed {
    std::string out;
    std::string err;
};

Printed print(const agent::HostReport& report, bool quiet) {
    std::ostringstream out;
    std::ostringstream err;
    cli::printHostReport(report, cli::OutputOptions{quiet}, out, err);
    return {out.str(), err.str()};
}

TEST(HostReportText, AnUpdateNamesTheClassTheCodeAndTheAddressesThenEachVerification) {
    auto report = hostReport(HostAction::Updated);
    report.outcome = reply(OutcomeClass::Updated, "good");
    report.addresses = {*IpAddress::parse("203.0.113.7"), *IpAddress::parse("2001:db8::7")};
    report.verification = {{"verified", "both servers answer 203.0.113.7"},
                           {"mismatch", "ns2 answers 198.51.100.1"},
                           {"propagating", "ns3 still answers the old address"}};
    const auto lines = agent::describeHost(report);
    ASSERT_EQ(lines.size(), 4U);
    EXPECT_EQ(lines[0].text, "[home] home.example.net: updated (good 203.0.113.7,2001:db8::7)");
    EXPECT_EQ(lines[0].level, LogLevel::Info);
    EXPECT_EQ(lines[1].text, "[home] home.example.net: verification verified: both servers answer 203.0.113.7");
    EXPECT_EQ(lines[1].level, LogLevel::Info);
    EXPECT_EQ(lines[2].level, LogLevel::Error);
    EXPECT_EQ(lines[3].level, LogLevel::Warning);
}

TEST(HostReportText, TheAddressesTheServerReportsWinOverTheOnesSent) {
    auto report = hostReport(HostAction::Unchanged);
    report.outcome = reply(OutcomeClass::Unchanged, "nochg");
    report.outcome->addresses = {*IpAddress::parse("198.51.100.9")};
    report.addresses = {*IpAddress::parse("203.0.113.7")};
    const auto lines = agent::describeHost(report);
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_EQ(lines[0].text, "[home] home.example.net: unchanged (nochg 198.51.100.9)");
}

TEST(HostReportText, EachActionHasItsLevel) {
    auto current = hostReport(HostAction::Current);
    current.reason = "203.0.113.7 is published";
    auto failed = hostReport(HostAction::Failed);
    failed.outcome = reply(OutcomeClass::RetryLater, "911");
    failed.reason = "the server is failing";
    auto backoff = hostReport(HostAction::Failed);
    backoff.outcome = reply(OutcomeClass::RetryLater, "911");
    backoff.reason = "retry-later (911): next try in 30 min";
    auto stopped = hostReport(HostAction::Stopped);
    stopped.reason = "badauth";
    auto waiting = hostReport(HostAction::BackingOff);
    waiting.reason = "next try in 4 min";

    const auto line = [](const agent::HostReport& report) { return agent::describeHost(report).at(0); };
    EXPECT_EQ(line(current).level, LogLevel::Debug);
    EXPECT_EQ(line(current).text, "[home] home.example.net: unchanged (nothing sent): 203.0.113.7 is published");
    EXPECT_EQ(line(failed).level, LogLevel::Error);
    EXPECT_EQ(line(failed).text, "[home] home.example.net: retry-later (911): the server is failing");
    // A backoff's reason already starts with the class: not said twice.
    EXPECT_EQ(line(backoff).text, "[home] home.example.net: retry-later (911): next try in 30 min");
    EXPECT_EQ(line(stopped).level, LogLevel::Error);
    EXPECT_EQ(line(stopped).text, "[home] home.example.net: " + std::string(toString(HostAction::Stopped)) + ": badauth");
    EXPECT_EQ(line(waiting).level, LogLevel::Warning);
}

TEST(HostReportText, ADryRunListsEveryRequestItWouldSend) {
    auto report = hostReport(HostAction::DryRun);
    report.wouldSend = {"GET http://127.0.0.1/nic/update?hostname=home.example.net", "second"};
    const auto lines = agent::describeHost(report);
    ASSERT_EQ(lines.size(), 2U);
    EXPECT_EQ(lines[0].text, "[home] would send: GET http://127.0.0.1/nic/update?hostname=home.example.net");
}

TEST(HostReportPrinting, SuccessGoesToStdoutAndAttentionToStderr) {
    auto report = hostReport(HostAction::Updated);
    report.outcome = reply(OutcomeClass::Updated, "good");
    report.addresses = {*IpAddress::parse("203.0.113.7")};
    report.verification = {{"mismatch", "ns2 answers 198.51.100.1"}};
    const auto printed = print(report, false);
    EXPECT_EQ(printed.out, "[home] home.example.net: updated (good 203.0.113.7)\n");
    EXPECT_EQ(printed.err, "[home] home.example.net: verification mismatch: ns2 answers 198.51.100.1\n");
}

TEST(HostReportPrinting, QuietKeepsOnlyWhatNeedsAttentionAndADryRunsRequests) {
    auto report = hostReport(HostAction::Updated);
    report.outcome = reply(OutcomeClass::Updated, "good");
    report.verification = {{"verified", "ok"}, {"mismatch", "ns2 answers 198.51.100.1"}};
    const auto updated = print(report, true);
    EXPECT_EQ(updated.out, "");
    // A mismatch needs attention: --quiet used to drop it with the success line.
    EXPECT_EQ(updated.err, "[home] home.example.net: verification mismatch: ns2 answers 198.51.100.1\n");

    auto current = hostReport(HostAction::Current);
    current.reason = "published";
    EXPECT_EQ(print(current, true).out, "");

    auto dryRun = hostReport(HostAction::DryRun);
    dryRun.wouldSend = {"request"};
    EXPECT_EQ(print(dryRun, true).out, "[home] would send: request\n");
}

}  // namespace cli_report_text_test
}  // namespace
