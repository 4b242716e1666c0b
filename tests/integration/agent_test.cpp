// The agent against qdyn-server in-process, with a fake clock: it updates only on a change or a
// refresh, backs off after temporary failures, sends exactly one request to a server answering
// badauth, abuse or miniupdate ERR and none after a restart until the profile changes, stops
// only the rejected host, runs its hooks, and keeps all of it across restarts.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "closed_port.hpp"
#include "qdyn/agent/agent.hpp"
#include "qdyn/crypto/digest.hpp"
#include "qdyn/protocols/registry.hpp"
#include "server_fixture.hpp"
#include "temp_dir.hpp"
#include "test_values.hpp"

namespace qdyn::test {
namespace {
namespace agent_test {

using namespace std::chrono_literals;
using agent::HostAction;

class FakeClock final : public agent::Clock {
public:
    [[nodiscard]] agent::TimePoint now() const override { return m_now; }
    void advance(std::chrono::seconds by) { m_now += by; }

private:
    agent::TimePoint m_now = agent::TimePoint(std::chrono::seconds(1'800'000'000));
};

// Counts the agent's calls into a real protocol client: one call, one request on the wire.
class CountingProtocol final : public UpdateProtocol {
public:
    CountingProtocol(std::unique_ptr<UpdateProtocol> inner, std::atomic<int>& calls) : m_inner(std::move(inner)), m_calls(calls) {}
    [[nodiscard]] std::string_view name() const override { return m_inner->name(); }
    std::vector<HostOutcome> update(const UpdateRequest& request) override {
        ++m_calls;
        return m_inner->update(request);
    }
    [[nodiscard]] std::vector<std::string> describe(const UpdateRequest& request) const override {
        return m_inner->describe(request);
    }

private:
    std::unique_ptr<UpdateProtocol> m_inner;
    std::atomic<int>& m_calls;
};

class AgentTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto config = demoServerConfig();
        config.miniupdate = {server::ListenAddress{ip("127.0.0.1"), 0}};
        config.throttle = server::ThrottleOptions{3, 600, 900, 0};
        for (auto& account : config.accounts) {
            if (account.name == "alice") account.gnudipMd5 = crypto::md5Hex("s3cret").value();
        }
        startServer(config);
        writeAddress("203.0.113.7");
    }
    void TearDown() override {
        if (m_server) m_server->stop();
    }

    void startServer(const server::Config& config) {
        m_server = std::make_unique<server::Server>(config);
        auto started = m_server->start();
        ASSERT_TRUE(started) << started.message();
    }

    void writeAddress(const std::string& address) {
        std::ofstream(m_dir.path() / "address") << address << "\n";
    }

    [[nodiscard]] std::string dyndns2(const std::string& password = "s3cret",
                                      const std::string& hosts = "\"home.dyn.example.test\"",
                                      const std::string& extra = "") const {
        return "[profile.home]\nprotocol = \"dyndns2\"\nserver = \"http://127.0.0.1:" +
               std::to_string(m_server->port("http")) + "\"\nhosts = [" + hosts +
               "]\nusername = \"alice\"\npassword = \"" + password + "\"\ntimeout = 5\nverify = false\n" +
               "detect = [\"file:" + (m_dir.path() / "address").string() + "\"]\n" + extra;
    }

    [[nodiscard]] std::unique_ptr<agent::Agent> makeAgent(const std::string& profileText) {
        auto profiles = config::parseProfiles(profileText, "agent-test.toml", m_dir.path());
        EXPECT_TRUE(profiles) << profiles.message();
        agent::AgentOptions options;
        options.stateDir = m_dir.path() / "state";
        options.clock = m_clock;
        options.check.allowDocumentation = true;
        options.random = [] { return 0.5; };  // no jitter: exact delays
        options.makeProtocol = [this](const config::Profile& profile) -> Result<std::unique_ptr<UpdateProtocol>> {
            auto inner = makeProtocol(profile);
            if (!inner) return inner.error();
            return std::unique_ptr<UpdateProtocol>(std::make_unique<CountingProtocol>(std::move(*inner), m_calls));
        };
        options.runHook = [this](const std::vector<std::string>& argv, const agent::HookEvent& event) -> Result<void> {
            m_hooks.push_back(argv.front() + " " + event.event + " " + event.host + " " + event.oldIpv4 + "->" +
                              event.newIpv4 + " " + event.outcome);
            return {};
        };
        options.log = [this](agent::LogLevel, std::string_view line) { m_log << line << '\n'; };
        return std::make_unique<agent::Agent>(profiles ? std::move(*profiles) : config::ProfileSet{}, options);
    }

    [[nodiscard]] std::vector<IpAddress> served(const std::string& host) const { return m_server->addressesOf(name(host)); }

    static const agent::HostReport& only(const agent::CycleReport& report) {
        EXPECT_EQ(report.hosts.size(), 1U);
        return report.hosts.front();
    }

    TempDir m_dir;
    std::shared_ptr<FakeClock> m_clock = std::make_shared<FakeClock>();
    std::unique_ptr<server::Server> m_server;
    std::atomic<int> m_calls{0};
    std::vector<std::string> m_hooks;
    std::ostringstream m_log;
};

TEST_F(AgentTest, APasswordLeftInTheKeychainIsNeverSent) {
    std::string profile = dyndns2("x", "\"home.dyn.example.test\", \"nas.dyn.example.test\"");
    profile.replace(profile.find("password = \"x\""), std::string("password = \"x\"").size(),
                    "password_keychain = true");
    auto agent = makeAgent(profile);
    agent::CycleOptions forced;
    forced.force = true;
    for (const auto trigger : {agent::Trigger::Start, agent::Trigger::Manual}) {
        const auto report = agent->cycle(trigger, forced);
        ASSERT_EQ(report.hosts.size(), 2U);
        for (const auto& host : report.hosts) {
            EXPECT_EQ(host.action, HostAction::Broken) << host.host;
            EXPECT_EQ(host.reason,
                      "its password is in the desktop keychain (saved by qdyn-tray), which the qdyn command cannot "
                      "read; use password_file or password_env to share it with the CLI");
        }
        EXPECT_TRUE(report.detections.empty()) << "nothing detected for a profile that cannot be sent";
    }
    EXPECT_EQ(m_calls, 0) << "nothing sent, so no badauth stop can be earned";
    EXPECT_TRUE(served("home.dyn.example.test").empty());
}

TEST_F(AgentTest, UpdatesOnlyWhenTheAddressChangesAndKeepsThatAcrossRestarts) {
    auto agent = makeAgent(dyndns2());
    const auto first = agent->cycle(agent::Trigger::Start);
    EXPECT_EQ(only(first).action, HostAction::Updated) << only(first).reason;
    EXPECT_EQ(m_calls, 1);
    ASSERT_EQ(served("home.dyn.example.test").size(), 1U);
    EXPECT_EQ(served("home.dyn.example.test").front().toString(), "203.0.113.7");

    m_clock->advance(5min);
    const auto second = agent->cycle(agent::Trigger::Poll);
    EXPECT_EQ(only(second).action, HostAction::Current) << only(second).reason;
    EXPECT_EQ(m_calls, 1) << "nothing changed: nothing sent";

    auto restarted = makeAgent(dyndns2());
    EXPECT_EQ(only(restarted->cycle(agent::Trigger::Start)).action, HostAction::Current);
    EXPECT_EQ(m_calls, 1) << "the state survives a restart";

    writeAddress("203.0.113.8");
    const auto changed = restarted->cycle(agent::Trigger::NetworkChange);
    EXPECT_EQ(only(changed).action, HostAction::Updated);
    EXPECT_NE(only(changed).reason.find("IPv4 changed from 203.0.113.7 to 203.0.113.8"), std::string::npos)
        << only(changed).reason;
    EXPECT_EQ(m_calls, 2);
    EXPECT_EQ(served("home.dyn.example.test").front().toString(), "203.0.113.8");
    ASSERT_EQ(m_hooks.size(), 0U) << "no hooks configured in the profile: none run";
}

TEST_F(AgentTest, RefreshesAnUnchangedAddressAfterTheConfiguredAge) {
    auto agent = makeAgent(dyndns2("s3cret", "\"home.dyn.example.test\"", "refresh_after = \"7d\"\n"));
    agent->cycle(agent::Trigger::Start);
    m_clock->advance(std::chrono::hours(24 * 7) - 1min);
    EXPECT_EQ(only(agent->cycle(agent::Trigger::Poll)).action, HostAction::Current);
    EXPECT_EQ(m_calls, 1);
    m_clock->advance(2min);
    const auto refreshed = agent->cycle(agent::Trigger::Poll);
    EXPECT_EQ(m_calls, 2);
    EXPECT_EQ(only(refreshed).action, HostAction::Unchanged) << "the server already had it: nochg";
    EXPECT_NE(only(refreshed).reason.find("refresh"), std::string::npos) << only(refreshed).reason;
    EXPECT_EQ(m_log.str().find("Providers treat repeated"), std::string::npos) << "a refresh is no reason to warn";
}

TEST_F(AgentTest, BacksOffExponentiallyAfterTemporaryFailures) {
    const ClosedPort closed;
    std::string text = dyndns2();
    const std::string live = "http://127.0.0.1:" + std::to_string(m_server->port("http"));
    text.replace(text.find(live), live.size(), "http://127.0.0.1:" + std::to_string(closed.port()));
    auto agent = makeAgent(text);

    const auto first = agent->cycle(agent::Trigger::Start);
    EXPECT_EQ(only(first).action, HostAction::Failed);
    EXPECT_EQ(only(first).retryAt - m_clock->now(), std::chrono::seconds(60)) << only(first).reason;
    EXPECT_EQ(agent->nextDue(), only(first).retryAt) << "the backoff ends before the next poll";

    m_clock->advance(30s);
    const auto waiting = agent->cycle(agent::Trigger::NetworkChange);
    EXPECT_EQ(only(waiting).action, HostAction::BackingOff) << "a network change does not cut a backoff short";
    EXPECT_EQ(m_calls, 1);

    m_clock->advance(31s);
    const auto second = agent->cycle(agent::Trigger::Poll);
    EXPECT_EQ(m_calls, 2);
    EXPECT_EQ(only(second).retryAt - m_clock->now(), std::chrono::seconds(120)) << "doubled";

    auto restarted = makeAgent(text);
    m_clock->advance(60s);
    EXPECT_EQ(only(restarted->cycle(agent::Trigger::Start)).action, HostAction::BackingOff)
        << "the backoff survives a restart";
    EXPECT_EQ(m_calls, 2);
    agent::CycleOptions force;
    force.force = true;
    EXPECT_EQ(only(restarted->cycle(agent::Trigger::Manual, force)).action, HostAction::Failed) << "--force tries anyway";
    EXPECT_EQ(m_calls, 3);
}

struct FatalCase {
    const char* name;
    const char* expectedCode;
};

class AgentFatalReplyTest : public AgentTest, public ::testing::WithParamInterface<FatalCase> {
protected:
    // A profile whose first request gets the fatal reply, and the same profile fixed.
    std::pair<std::string, std::string> profiles() {
        const std::string which = GetParam().name;
        if (which == "miniupdate-err") {
            const std::string base = "[profile.home]\nprotocol = \"miniupdate\"\nserver = \"miniupdate://127.0.0.1:" +
                                     std::to_string(m_server->port("miniupdate")) +
                                     "\"\nhosts = [\"home.dyn.example.test\"]\nusername = \"alice\"\ntimeout = 5\n"
                                     "verify = false\ndetect = [\"file:" + (m_dir.path() / "address").string() + "\"]\n";
            return {base + "password = \"wrong\"\n", base + "password = \"s3cret\"\n"};
        }
        if (which == "abuse") {
            // Three bad logins from this address block it: the agent's first request meets `abuse`.
            auto bad = config::parseProfiles(dyndns2("wrong"), "bad.toml");
            auto client = makeProtocol(bad->profiles.front());
            for (int i = 0; i < 3; ++i) (*client)->update(UpdateRequest{{"home.dyn.example.test"}, ip("203.0.113.1"), {}});
            return {dyndns2(), dyndns2("s3cret", "\"home.dyn.example.test\"", "poll_interval = 60\n")};
        }
        return {dyndns2("wrong"), dyndns2()};
    }
};

TEST_P(AgentFatalReplyTest, SendsExactlyOneRequestAndNoneAfterARestartUntilTheProfileChanges) {
    const auto [failing, fixed] = profiles();
    auto agent = makeAgent(failing);
    const auto first = agent->cycle(agent::Trigger::Start);
    ASSERT_EQ(only(first).action, HostAction::Failed) << only(first).reason;
    ASSERT_TRUE(only(first).outcome);
    EXPECT_EQ(only(first).outcome->code, GetParam().expectedCode);
    EXPECT_EQ(m_calls, 1);

    for (int i = 0; i < 3; ++i) {
        m_clock->advance(std::chrono::hours(24 * 30));
        writeAddress("203.0.113." + std::to_string(20 + i));
        const auto again = agent->cycle(i == 0 ? agent::Trigger::NetworkChange : agent::Trigger::Poll);
        EXPECT_EQ(only(again).action, HostAction::Stopped);
    }
    agent::CycleOptions force;
    force.force = true;
    EXPECT_EQ(only(agent->cycle(agent::Trigger::Manual, force)).action, HostAction::Stopped) << "not even --force";
    auto restarted = makeAgent(failing);
    const auto afterRestart = restarted->cycle(agent::Trigger::Start);
    EXPECT_EQ(only(afterRestart).action, HostAction::Stopped);
    EXPECT_NE(only(afterRestart).reason.find("qdyn reset"), std::string::npos) << only(afterRestart).reason;
    EXPECT_EQ(m_calls, 1) << "one request in all";
    EXPECT_TRUE(served("home.dyn.example.test").empty());

    if (std::string(GetParam().name) == "abuse") {
        m_server->stop();  // a restart clears the server's in-memory block
        auto config = demoServerConfig();
        config.throttle = server::ThrottleOptions{3, 600, 900, 0};
        startServer(config);
        const std::string port = std::to_string(m_server->port("http"));
        auto retarget = [&](std::string text) {
            const auto at = text.find("127.0.0.1:") + 10;
            return text.replace(at, text.find('"', at) - at, port);
        };
        auto changedAgent = makeAgent(retarget(fixed));
        EXPECT_EQ(only(changedAgent->cycle(agent::Trigger::Start)).action, HostAction::Updated);
    } else {
        auto changedAgent = makeAgent(fixed);
        const auto lifted = changedAgent->cycle(agent::Trigger::Start);
        EXPECT_EQ(only(lifted).action, HostAction::Updated) << only(lifted).reason;
    }
    EXPECT_EQ(m_calls, 2) << "the changed profile lifted the stop";
    EXPECT_NE(m_log.str().find("the profile changed since it was stopped"), std::string::npos) << m_log.str();
}

INSTANTIATE_TEST_SUITE_P(Replies, AgentFatalReplyTest,
                         ::testing::Values(FatalCase{"badauth", "badauth"}, FatalCase{"abuse", "abuse"},
                                           FatalCase{"miniupdate-err", "ERR"}),
                         [](const auto& paramInfo) {
                             std::string name = paramInfo.param.name;
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

TEST_F(AgentTest, ARejectedHostStopsAloneAndTheOthersGoOn) {
    auto agent = makeAgent(dyndns2("s3cret", "\"home.dyn.example.test\", \"office.dyn.example.test\""));
    const auto first = agent->cycle(agent::Trigger::Start);
    ASSERT_EQ(first.hosts.size(), 2U);
    EXPECT_EQ(first.hosts[0].action, HostAction::Updated) << first.hosts[0].reason;
    EXPECT_EQ(first.hosts[1].action, HostAction::Failed);
    EXPECT_EQ(first.hosts[1].outcome->outcome, OutcomeClass::HostRejected) << "bob's host, not alice's";
    EXPECT_EQ(m_calls, 1);

    writeAddress("203.0.113.9");
    const auto second = agent->cycle(agent::Trigger::NetworkChange);
    EXPECT_EQ(second.hosts[0].action, HostAction::Updated);
    EXPECT_EQ(second.hosts[1].action, HostAction::Stopped);
    EXPECT_EQ(m_calls, 2);
    EXPECT_EQ(served("home.dyn.example.test").front().toString(), "203.0.113.9");
}

TEST_F(AgentTest, RunsTheChangeHookOnAChangeAndTheFailureHookOncePerStreak) {
    const std::string hooks = "on_change = [\"/bin/changed\"]\non_failure = [\"/bin/failed\"]\n";
    auto agent = makeAgent(dyndns2("s3cret", "\"home.dyn.example.test\"", hooks));
    agent->cycle(agent::Trigger::Start);
    writeAddress("203.0.113.8");
    agent->cycle(agent::Trigger::NetworkChange);
    ASSERT_EQ(m_hooks.size(), 2U);
    EXPECT_EQ(m_hooks[0], "/bin/changed change home.dyn.example.test ->203.0.113.7 updated");
    EXPECT_EQ(m_hooks[1], "/bin/changed change home.dyn.example.test 203.0.113.7->203.0.113.8 updated");

    m_server->stop();
    writeAddress("203.0.113.9");
    agent->cycle(agent::Trigger::NetworkChange);
    m_clock->advance(std::chrono::hours(1));
    agent->cycle(agent::Trigger::Poll);
    EXPECT_EQ(m_calls, 4);
    ASSERT_EQ(m_hooks.size(), 3U) << "one failure hook for two failures in a row";
    EXPECT_EQ(m_hooks[2], "/bin/failed failure home.dyn.example.test ->203.0.113.9 retry-later");
}

TEST_F(AgentTest, VerifiesTheUpdateAtTheProfilesAuthoritativeServers) {
    std::string text = dyndns2();
    text.replace(text.find("verify = false"), 14,
                 "verify = [\"127.0.0.1:" + std::to_string(m_server->port("dns-udp")) + "\"]");
    auto agent = makeAgent(text);
    const auto report = agent->cycle(agent::Trigger::Start);
    ASSERT_EQ(only(report).action, HostAction::Updated) << only(report).reason;
    ASSERT_EQ(only(report).verification.size(), 1U);
    EXPECT_EQ(only(report).verification.front().status, "verified") << only(report).verification.front().summary;

    std::string unreachable = text;
    const std::string port = std::to_string(m_server->port("dns-udp"));
    const ClosedPort closed;
    unreachable.replace(unreachable.find("127.0.0.1:" + port), 10 + port.size(),
                        "127.0.0.1:" + std::to_string(closed.port()));
    writeAddress("203.0.113.8");
    auto silent = makeAgent(unreachable);
    const auto second = silent->cycle(agent::Trigger::NetworkChange);
    ASSERT_EQ(only(second).verification.size(), 1U);
    EXPECT_EQ(only(second).verification.front().status, "unverifiable");
}

TEST_F(AgentTest, PublishesBothFamiliesWithTheProfilesIpv6Policy) {
    // The profile's IPv6 policy reaches detection: the detected prefix with a fixed interface id.
    const std::string extra = "families = [\"ipv4\", \"ipv6\"]\ndetect_ipv6 = [\"static:2001:db8:5:6::77\"]\n"
                              "ipv6_interface_id = \"::1:2:3:4\"\n";
    auto agent = makeAgent(dyndns2("s3cret", "\"home.dyn.example.test\"", extra));
    const auto report = agent->cycle(agent::Trigger::Start);
    ASSERT_EQ(only(report).action, HostAction::Updated) << only(report).reason;
    ASSERT_EQ(report.detections.size(), 2U);
    std::vector<std::string> served;
    for (const auto& address : this->served("home.dyn.example.test")) served.push_back(address.toString());
    std::sort(served.begin(), served.end());
    EXPECT_EQ(served, (std::vector<std::string>{"2001:db8:5:6:1:2:3:4", "203.0.113.7"}));
    EXPECT_EQ(only(agent->cycle(agent::Trigger::Poll)).action, HostAction::Current) << "both families are current";
    EXPECT_EQ(m_calls, 1);
}

TEST_F(AgentTest, WarnsWhenTheServerKeepsSayingItAlreadyHadAChangedAddress) {
    auto agent = makeAgent(dyndns2());
    agent->cycle(agent::Trigger::Start);
    const auto stateFile = agent::stateFile(m_dir.path() / "state", "home");
    for (int i = 0; i < 2; ++i) {
        // Another client's view: the state says .6 was published, the server still has .7.
        auto state = agent::StateStore::open(stateFile);
        state.recordPublished("home.dyn.example.test", ip("203.0.113.6"), m_clock->now());
        ASSERT_TRUE(state.save());
        EXPECT_EQ(only(agent->cycle(agent::Trigger::Poll)).action, HostAction::Unchanged);
    }
    EXPECT_EQ(m_calls, 3);
    EXPECT_NE(m_log.str().find("Providers treat repeated"), std::string::npos) << m_log.str();
}

TEST_F(AgentTest, ADryRunSendsNothingAndChangesNoState) {
    auto agent = makeAgent(dyndns2());
    agent::CycleOptions dry;
    dry.dryRun = true;
    const auto report = agent->cycle(agent::Trigger::Manual, dry);
    EXPECT_EQ(only(report).action, HostAction::DryRun);
    ASSERT_FALSE(only(report).wouldSend.empty());
    EXPECT_EQ(only(report).wouldSend.front().find("s3cret"), std::string::npos);
    EXPECT_EQ(m_calls, 0);
    EXPECT_FALSE(std::filesystem::exists(m_dir.path() / "state" / "home.state"));
}

TEST_F(AgentTest, NoPublishableAddressSendsNothingAndSaysWhy) {
    writeAddress("10.1.2.3");
    auto agent = makeAgent(dyndns2());
    const auto report = agent->cycle(agent::Trigger::Start);
    EXPECT_EQ(only(report).action, HostAction::NoAddress);
    EXPECT_NE(only(report).reason.find("IPv4"), std::string::npos) << only(report).reason;
    EXPECT_EQ(m_calls, 0);
    ASSERT_EQ(report.detections.size(), 1U);
    EXPECT_TRUE(report.detections.front().behindNat);
}

TEST_F(AgentTest, ResetLiftsAStop) {
    auto agent = makeAgent(dyndns2("wrong"));
    agent->cycle(agent::Trigger::Start);
    auto state = agent::StateStore::open(agent::stateFile(m_dir.path() / "state", "home"));
    ASSERT_TRUE(state.profileStop);
    state.clearStopsAndBackoff();
    ASSERT_TRUE(state.save());
    agent->cycle(agent::Trigger::Manual);
    EXPECT_EQ(m_calls, 2) << "after a reset the agent may try once more";
}

}  // namespace agent_test
}  // namespace
}  // namespace qdyn::test
