// `qdyn import` in-process: the real inadyn.conf(5) examples and a ddclient.conf converted to
// stdout or to --output (0600, never over an existing file without --force), the notes on
// stderr with file and line and without passwords, the refusals.
#include <gtest/gtest.h>

#ifndef _WIN32
#include <sys/stat.h>  // chmod
#endif

#include <fstream>
#include <string>

#include "cli_run.hpp"
#include "exit_codes.hpp"
#include "qdyn/config/profile.hpp"
#include "qdyn/private_file.hpp"
#include "temp_dir.hpp"

namespace qdyn::test {
namespace {
namespace cli_import_test {

using cli::kExitOk;
using cli::kExitUsage;

const std::string kExamples = QDYN_SOURCE_DIR "/tests/data/import/inadyn.conf.5-examples.conf";

std::string contentOf(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(CliImportTest, TheManualsInadynExamplesGoToStdoutAndTheNotesToStderr) {
    const CliRun result = runQdyn({"import", kExamples});
    ASSERT_EQ(result.code, kExitOk) << result.err;
    auto loaded = config::parseProfiles(result.out, "out.toml");
    ASSERT_TRUE(loaded) << loaded.message();
    EXPECT_EQ(loaded->profiles.size(), 7U);
    EXPECT_EQ(result.out.rfind("# qdyn profiles converted by `qdyn import` from " + kExamples + " (inadyn syntax).\n", 0), 0U);
    const auto lines = linesOf(result.err);
    ASSERT_EQ(lines.size(), 13U) << result.err;
    EXPECT_EQ(lines[0], kExamples + ":12: not converted: provider freedns (default@freedns.afraid.org) has no qdyn "
                                    "equivalent (`qdyn providers` lists the services qdyn speaks; a custom section may fit)");
    EXPECT_EQ(lines[6].rfind(kExamples + ":86: not converted: checkip-command needs a shell", 0), 0U) << lines[6];
    EXPECT_EQ(lines[12], "qdyn import: converted 7 profiles from " + kExamples + " (inadyn); 12 notes above");
    // The examples' passwords are in the profiles (stdout), never in the notes.
    EXPECT_NE(result.out.find("secret21"), std::string::npos);
    for (const char* secret : {"secret1", "secret21", "case-sensitive-pwd", "api_token", "mypass"}) {
        EXPECT_EQ(result.err.find(secret), std::string::npos) << secret;
    }
}

TEST(CliImportTest, OutputIsPrivateAndNeverReplacedWithoutForce) {
    TempDir dir;
    const auto ddclient = dir.write("ddclient.conf",
                                    "daemon=600\nsyslog=yes\nprotocol=dyndns2, login=me, password=hunter2 \\\n"
                                    "  home.example.net\n");
    const auto output = dir.path() / "profiles.toml";
    const CliRun first = runQdyn({"import", ddclient.string(), "--output", output.string()});
    ASSERT_EQ(first.code, kExitOk) << first.err;
    EXPECT_EQ(first.out, "");
    EXPECT_EQ(linesOf(first.err), (std::vector<std::string>{
                                      ddclient.string() + ":2: not converted: syslog=yes (qdyn logs to stderr, and to "
                                                          "syslog or the journal under `qdyn run`)",
                                      "qdyn import: wrote " + output.string() + " (" + std::string(privateFileWords()) + ")",
                                      "qdyn import: converted 1 profile from " + ddclient.string() +
                                          " (ddclient); 1 note above",
                                  }));
#ifndef _WIN32
    EXPECT_EQ(fileMode(output), 0600U);
#endif
    const std::string written = contentOf(output);
    EXPECT_NE(written.find("[profile.dyn]\nprovider = \"dyn\"\nhosts = [\"home.example.net\"]\nusername = \"me\"\n"
                           "password = \"hunter2\"\npoll_interval = \"10m\"\n"),
              std::string::npos)
        << written;
    EXPECT_TRUE(config::loadProfiles(output));  // private, so the inline password is accepted

    const CliRun again = runQdyn({"import", ddclient.string(), "--output", output.string()});
    EXPECT_EQ(again.code, kExitUsage);
    EXPECT_NE(again.err.find(output.string() + " exists; use --force to replace it"), std::string::npos) << again.err;
#ifndef _WIN32
    ASSERT_EQ(::chmod(output.c_str(), 0644), 0);
#endif
    const CliRun forced = runQdyn({"import", ddclient.string(), "--output", output.string(), "--force"});
    EXPECT_EQ(forced.code, kExitOk) << forced.err;
#ifdef _WIN32
    GTEST_SKIP() << "file mode bits are POSIX; Windows uses access lists (the rest of the test ran)";
#else
    EXPECT_EQ(fileMode(output), 0600U);  // made private again: it holds a password
#endif
}

TEST(CliImportTest, FormatsNothingConvertibleAndMissingFiles) {
    TempDir dir;
    // ddclient's own sample holds only global settings: nothing to convert, said, and exit 2.
    const std::string sample = QDYN_SOURCE_DIR "/tests/data/import/sample-etc_ddclient.conf";
    const CliRun nothing = runQdyn({"import", sample});
    EXPECT_EQ(nothing.code, kExitUsage);
    EXPECT_EQ(linesOf(nothing.err).back(), "qdyn import: " + sample +
                                               ": nothing could be converted into a qdyn profile (read as ddclient.conf)");
    EXPECT_EQ(nothing.out, "");
    // Read as inadyn, a ddclient file is a syntax error at its first setting without blanks.
    const CliRun wrong = runQdyn({"import", sample, "--format", "inadyn"});
    EXPECT_EQ(wrong.code, kExitUsage);
    EXPECT_NE(wrong.err.find("(read as inadyn.conf)"), std::string::npos) << wrong.err;
    const auto broken = dir.write("inadyn.conf", "provider dyndns.org {\n  username = a\n");
    const CliRun syntax = runQdyn({"import", broken.string()});
    EXPECT_EQ(syntax.code, kExitUsage);
    EXPECT_EQ(syntax.err, "qdyn import: " + broken.string() +
                              ": line 3: expected a setting or }, found the end of the file (read as inadyn.conf)\n");
    EXPECT_EQ(runQdyn({"import", (dir.path() / "none.conf").string()}).code, kExitUsage);
    EXPECT_EQ(runQdyn({"import", kExamples, "--format", "yaml"}).code, kExitUsage);
}

}  // namespace cli_import_test
}  // namespace
}  // namespace qdyn::test
