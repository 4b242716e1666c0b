// `qdyn completion bash|zsh|fish`: each script is loaded by its real shell, which is then asked
// to complete a few command lines (bash through its completion function, zsh through the
// function with compsys's _describe and _files stood in, fish through `complete -C`).
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "app.hpp"
#include "exit_codes.hpp"
#include "process.hpp"
#include "temp_dir.hpp"

namespace qdyn::test {
namespace {
namespace cli_completion_test {

std::string script(const char* shell) {
    std::vector<const char*> args{"qdyn", "completion", shell};
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(cli::runCli(static_cast<int>(args.size()), args.data(), out, err), cli::kExitOk) << err.str();
    return out.str();
}

class CliCompletionTest : public ::testing::Test {
protected:
    // Runs `shell -c program` with the script at $QDYN_COMPLETION; fails loudly when the shell
    // is missing (packaging/deps/debian.sh installs bash, zsh and fish).
    std::string runShell(const char* shell, const std::string& program) {
        const auto path = m_dir.write(std::string("qdyn.") + shell, script(shell));
        const auto result = runProcess({std::string("/usr/bin/") + shell, "-c", program}, {{"QDYN_COMPLETION", path.string()}});
        EXPECT_EQ(result.exitCode, 0) << shell << " is needed for this test (packaging/deps/debian.sh installs it)\n"
                                      << result.err;
        return result.out;
    }

    std::string bash(const std::string& line) {
        // COMP_WORDS as bash splits the line; the last word is the one being completed.
        return runShell("bash", "source \"$QDYN_COMPLETION\"; COMP_WORDS=(" + line + "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1));"
                                " _qdyn; printf '%s\\n' \"${COMPREPLY[@]}\"");
    }

    std::string zsh(const std::string& line) {
        // The completion function with compsys's two helpers replaced by printers; the script's
        // last line calls _qdyn, which these stand-ins make harmless outside completion.
        return runShell("zsh", "_describe() { local -a list; list=(\"${(@P)2}\"); print -rl -- \"${list[@]%%:*}\"; };"
                               " _files() { print FILES; };"
                               " words=(" + line + "); CURRENT=${#words}; source \"$QDYN_COMPLETION\"");
    }

    std::string fish(const std::string& line) {
        return runShell("fish", "source $QDYN_COMPLETION; complete -C '" + line + "'");
    }

    TempDir m_dir;
};

bool hasLine(const std::string& text, const std::string& line) {
    std::istringstream in(text);
    std::string each;
    while (std::getline(in, each)) {
        if (each == line || each.rfind(line + "\t", 0) == 0) return true;
    }
    return false;
}

TEST_F(CliCompletionTest, BashCompletesCommandsSubcommandsAndOptions) {
    const auto commands = bash("qdyn ''");
    for (const char* command : {"update", "run", "status", "profile", "completion", "--help"}) {
        EXPECT_TRUE(hasLine(commands, command)) << command << " in:\n" << commands;
    }
    EXPECT_EQ(bash("qdyn up"), "update\n");
    EXPECT_TRUE(hasLine(bash("qdyn update --f"), "--force"));
    const auto profile = bash("qdyn profile ''");
    for (const char* sub : {"list", "show", "add", "remove", "test"}) EXPECT_TRUE(hasLine(profile, sub)) << profile;
    EXPECT_FALSE(hasLine(profile, "update")) << profile;
    // After an option that takes a value, the shell's own (file) completion takes over; the
    // same name as a flag of another command (detect --ipv6) does not.
    EXPECT_EQ(bash("qdyn update --config ''"), "\n");
    EXPECT_EQ(bash("qdyn profile add --ipv6 ''"), "\n");
    EXPECT_TRUE(hasLine(bash("qdyn detect --ipv6 ''"), "--json"));
}

TEST_F(CliCompletionTest, ZshCompletesCommandsSubcommandsAndOptions) {
    const auto commands = zsh("qdyn ''");
    for (const char* command : {"update", "run", "profile", "completion"}) {
        EXPECT_TRUE(hasLine(commands, command)) << command << " in:\n" << commands;
    }
    EXPECT_TRUE(hasLine(zsh("qdyn update ''"), "--force"));
    EXPECT_TRUE(hasLine(zsh("qdyn profile ''"), "add"));
    EXPECT_EQ(zsh("qdyn update --config ''"), "FILES\n");
}

TEST_F(CliCompletionTest, FishCompletesCommandsSubcommandsAndOptions) {
    const auto commands = fish("qdyn ");
    for (const char* command : {"update", "run", "profile", "completion"}) {
        EXPECT_TRUE(hasLine(commands, command)) << command << " in:\n" << commands;
    }
    EXPECT_TRUE(hasLine(fish("qdyn update --f"), "--force"));
    const auto profile = fish("qdyn profile ");
    EXPECT_TRUE(hasLine(profile, "add")) << profile;
    EXPECT_FALSE(hasLine(profile, "update")) << profile;
}

TEST_F(CliCompletionTest, AnUnknownShellIsAUsageError) {
    std::vector<const char*> args{"qdyn", "completion", "tcsh"};
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(cli::runCli(static_cast<int>(args.size()), args.data(), out, err), cli::kExitUsage);
    EXPECT_NE(err.str().find("tcsh"), std::string::npos) << err.str();
}

}  // namespace cli_completion_test
}  // namespace
}  // namespace qdyn::test
