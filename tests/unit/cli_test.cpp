// The CLI in-process: the command list, the exit-code policy, and parsing errors, with
// captured streams.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "app.hpp"
#include "exit_codes.hpp"

namespace qdyn::cli {
namespace {

int run(std::vector<const char*> args, std::string& out, std::string& err) {
    args.insert(args.begin(), "qdyn");
    std::ostringstream o;
    std::ostringstream e;
    const int code = runCli(static_cast<int>(args.size()), args.data(), o, e);
    out = o.str();
    err = e.str();
    return code;
}

TEST(CliTest, EveryCommandIsListedOnceAndHasAName) {
    std::set<std::string> names;
    for (CommandFactory factory : commandFactories()) {
        CLI::App app;
        auto command = factory();
        CLI::App* sub = command->add(app);
        ASSERT_NE(sub, nullptr);
        EXPECT_FALSE(sub->get_description().empty()) << sub->get_name();
        EXPECT_TRUE(names.insert(sub->get_name()).second) << "listed twice: " << sub->get_name();
    }
    EXPECT_EQ(names.count("update"), 1U);
}

TEST(CliTest, ExitCodesAreDistinctPerFailingClass) {
    std::set<int> codes;
    for (OutcomeClass outcome : {OutcomeClass::RetryLater, OutcomeClass::AuthFailed, OutcomeClass::HostRejected,
                                 OutcomeClass::Abuse, OutcomeClass::ClockSkew}) {
        const int code = exitCodeFor(outcome);
        EXPECT_NE(code, 0);
        EXPECT_NE(code, kExitUsage);
        EXPECT_TRUE(codes.insert(code).second) << toString(outcome);
    }
    EXPECT_EQ(exitCodeFor(OutcomeClass::Updated), 0);
    EXPECT_EQ(exitCodeFor(OutcomeClass::Unchanged), 0);
}

TEST(CliTest, TheMostSeriousOutcomeDecides) {
    const std::vector<HostOutcome> mixed{
        HostOutcome{"a", OutcomeClass::Updated, "good", "", {}},
        HostOutcome{"b", OutcomeClass::RetryLater, "911", "", {}},
        HostOutcome{"c", OutcomeClass::AuthFailed, "badauth", "", {}},
        HostOutcome{"d", OutcomeClass::HostRejected, "nohost", "", {}},
    };
    EXPECT_EQ(exitCodeFor(mixed), kExitAuthFailed);
    EXPECT_EQ(exitCodeFor(std::span(mixed).first(2)), kExitRetryLater);
    EXPECT_EQ(exitCodeFor(std::span<const HostOutcome>()), kExitOk);
}

TEST(CliTest, ParseErrorsAreUsageErrorsOnStderr) {
    std::string out;
    std::string err;
    EXPECT_EQ(run({"update", "--no-such-option"}, out, err), kExitUsage);
    EXPECT_NE(err.find("--no-such-option"), std::string::npos) << err;
    EXPECT_EQ(run({"--version"}, out, err), kExitOk);
    EXPECT_EQ(out.rfind("qdyn ", 0), 0U);
}

TEST(CliTest, MissingProfileFileSaysWhichAndHow) {
    std::string out;
    std::string err;
    EXPECT_EQ(run({"update", "--config", "/nonexistent/profiles.toml"}, out, err), kExitUsage);
    EXPECT_NE(err.find("/nonexistent/profiles.toml"), std::string::npos) << err;
}

}  // namespace
}  // namespace qdyn::cli
