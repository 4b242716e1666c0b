// The CLI in-process: the command list, the exit-code policy, and parsing errors, with
// captured streams.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "app.hpp"
#include "exit_codes.hpp"
#include "qdyn/providers/catalog.hpp"

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
        HostOutcome{"a", OutcomeClass::Updated, "good", "", {}, {}},
        HostOutcome{"b", OutcomeClass::RetryLater, "911", "", {}, {}},
        HostOutcome{"c", OutcomeClass::AuthFailed, "badauth", "", {}, {}},
        HostOutcome{"d", OutcomeClass::HostRejected, "nohost", "", {}, {}},
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

// The lines of `text` without their newlines.
std::vector<std::string> linesOf(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream stream(text);
    for (std::string line; std::getline(stream, line);) lines.push_back(line);
    return lines;
}

// The start offset of each whitespace-separated field of a table line.
std::vector<std::size_t> columnStarts(const std::string& line) {
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] != ' ' && (i == 0 || line[i - 1] == ' ')) starts.push_back(i);
    }
    return starts;
}

TEST(CliProvidersTest, TheCommandIsListed) {
    std::set<std::string> names;
    for (CommandFactory factory : commandFactories()) {
        CLI::App app;
        names.insert(factory()->add(app)->get_name());
    }
    EXPECT_EQ(names.count("providers"), 1U);
}

TEST(CliProvidersTest, TableHasOneAlignedRowPerProviderAndAHint) {
    std::string out;
    std::string err;
    ASSERT_EQ(run({"providers"}, out, err), kExitOk);
    EXPECT_EQ(err, "");
    const auto lines = linesOf(out);
    const auto catalog = providers::catalog();
    ASSERT_EQ(lines.size(), catalog.size() + 4) << out;  // header, rows, blank line, two hint lines

    const auto header = columnStarts(lines[0]);
    ASSERT_EQ(header.size(), 4U) << lines[0];
    EXPECT_EQ(lines[0].substr(0, 4), "NAME");
    EXPECT_EQ(lines[0].substr(header[1], 8), "PROTOCOL");
    EXPECT_EQ(lines[0].substr(header[2], 6), "SERVER");
    EXPECT_EQ(lines[0].substr(header[3]), "IPV6");
    for (std::size_t i = 0; i < catalog.size(); ++i) {
        const providers::Provider& provider = catalog[i];
        const std::string& line = lines[i + 1];
        ASSERT_EQ(columnStarts(line), header) << "not aligned with the header: " << line;
        const std::string server = provider.server.empty() ? "(self-hosted)" : std::string(provider.server);
        const std::string ipv6 = provider.ipv6.empty() ? "-" : std::string(provider.ipv6);
        EXPECT_EQ(line.substr(0, header[1]),
                  std::string(provider.name) + std::string(header[1] - provider.name.size(), ' '));
        EXPECT_EQ(line.substr(header[1], provider.protocol.size()), provider.protocol) << line;
        EXPECT_EQ(line.substr(header[2], server.size()), server) << line;
        EXPECT_EQ(line.substr(header[3]), ipv6) << line;  // the last column has no trailing blanks
    }
    EXPECT_EQ(lines[catalog.size() + 1], "");
    EXPECT_EQ(lines[catalog.size() + 2],
              "Use one in a profile with provider = \"NAME\"; self-hosted ones also need server = \"URL\".");
    EXPECT_EQ(lines[catalog.size() + 3],
              "What the username and password mean for each: qdyn providers --json (\"notes\").");

    // Two rows spelled out, for a reader who wants to see the format.
    const auto row = [&lines](const std::string& name) {
        const auto found = std::find_if(lines.begin(), lines.end(),
                                        [&name](const std::string& line) { return line.rfind(name + ' ', 0) == 0; });
        return found == lines.end() ? std::vector<std::string>{} : std::vector<std::string>{*found};
    };
    const std::size_t pad = header[1];
    EXPECT_EQ(row("dynu"), std::vector<std::string>{"dynu" + std::string(pad - 4, ' ') + "dyndns2" +
                                                     std::string(header[2] - pad - 7, ' ') + "https://api.dynu.com" +
                                                     std::string(header[3] - header[2] - 20, ' ') + "myipv6"});
    EXPECT_EQ(row("nanodnsd"), std::vector<std::string>{"nanodnsd" + std::string(pad - 8, ' ') + "nanodnsd" +
                                                         std::string(header[2] - pad - 8, ' ') + "(self-hosted)" +
                                                         std::string(header[3] - header[2] - 13, ' ') + "-"});
}

TEST(CliProvidersTest, JsonHasEveryFieldOfEveryProvider) {
    std::string out;
    std::string err;
    ASSERT_EQ(run({"providers", "--json"}, out, err), kExitOk);
    EXPECT_EQ(err, "");
    const auto json = nlohmann::json::parse(out);  // throws, and so fails the test, on invalid JSON
    ASSERT_TRUE(json.is_array());
    const auto catalog = providers::catalog();
    ASSERT_EQ(json.size(), catalog.size());
    for (std::size_t i = 0; i < catalog.size(); ++i) {
        const auto& object = json[i];
        const providers::Provider& provider = catalog[i];
        ASSERT_TRUE(object.is_object());
        EXPECT_EQ(object.size(), 7U) << object.dump();
        EXPECT_EQ(object.at("name").get<std::string>(), provider.name);
        EXPECT_EQ(object.at("title").get<std::string>(), provider.title);
        EXPECT_EQ(object.at("protocol").get<std::string>(), provider.protocol);
        EXPECT_EQ(object.at("server").get<std::string>(), provider.server);
        EXPECT_EQ(object.at("path").get<std::string>(), provider.path);
        EXPECT_EQ(object.at("ipv6").get<std::string>(), provider.ipv6);
        EXPECT_EQ(object.at("notes").get<std::string>(), provider.notes);
    }
}

TEST(CliProvidersTest, UnknownOptionIsAUsageError) {
    std::string out;
    std::string err;
    EXPECT_EQ(run({"providers", "--xml"}, out, err), kExitUsage);
    EXPECT_NE(err.find("--xml"), std::string::npos) << err;
}

}  // namespace
}  // namespace qdyn::cli

namespace qdyn::cli {
namespace {

// `qdyn detect` with sources that need no network: what each says, the verdicts, the exit code.
TEST(CliDetectTest, ReportsEverySourceAndWhyNothingIsPublished) {
    std::string out;
    std::string err;
    // A private address is "behind NAT", a documentation one rejected: nothing to publish (3).
    ASSERT_EQ(run({"detect", "-4", "--source", "static:10.0.0.1", "--source", "static:192.0.2.1"}, out, err),
              kExitRetryLater)
        << err;
    EXPECT_NE(out.find("IPv4: none (behind NAT"), std::string::npos) << out;
    EXPECT_NE(out.find("10.0.0.1 [behind NAT: private (RFC 1918)]"), std::string::npos) << out;
    EXPECT_NE(out.find("192.0.2.1 [rejected: documentation range]"), std::string::npos) << out;
    EXPECT_EQ(out.find("IPv6"), std::string::npos) << "-4 asks IPv4 only";
}

TEST(CliDetectTest, AllowPrivatePublishesAPrivateAddress) {
    std::string out;
    std::string err;
    ASSERT_EQ(run({"detect", "-4", "--allow-private", "--source", "static:10.0.0.1"}, out, err), kExitOk) << err;
    EXPECT_EQ(out.rfind("IPv4: 10.0.0.1 (", 0), 0U) << out;
}

TEST(CliDetectTest, JsonHasOneReportPerFamilyWithEverySource) {
    std::string out;
    std::string err;
    ASSERT_EQ(run({"detect", "--json", "--source", "static:10.0.0.1"}, out, err), kExitRetryLater) << err;
    const auto json = nlohmann::json::parse(out);
    ASSERT_EQ(json.size(), 2U);
    EXPECT_EQ(json[0]["family"], "IPv4");
    EXPECT_EQ(json[0]["chosen"], "");
    EXPECT_EQ(json[0]["behind_nat"], true);
    EXPECT_EQ(json[0]["sources"][0]["candidates"][0]["verdict"], "behind NAT");
    EXPECT_EQ(json[1]["family"], "IPv6");
    EXPECT_EQ(json[1]["sources"][0]["status"], "failed");
}

TEST(CliDetectTest, ABadSourceIsAUsageError) {
    std::string out;
    std::string err;
    EXPECT_EQ(run({"detect", "--source", "teleport"}, out, err), kExitUsage);
    EXPECT_NE(err.find("unknown source \"teleport\""), std::string::npos) << err;
    EXPECT_EQ(run({"detect", "--source", "static:not-an-address"}, out, err), kExitUsage);
    EXPECT_EQ(run({"detect", "--source", "dns:127.0.0.1"}, out, err), kExitUsage);
    EXPECT_EQ(run({"detect", "--agree", "0"}, out, err), kExitUsage);
}

}  // namespace
}  // namespace qdyn::cli
