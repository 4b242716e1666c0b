// The Windows command line and environment block built from an argv vector (portable code, so
// tested here; tests/windows/ runs the real CreateProcessW round trip under Wine).
#include "qdyn/windows_command_line.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {
namespace windows_command_line_test {

using qdyn::appendWindowsArgument;
using qdyn::windowsCommandLine;
using qdyn::windowsEnvironment;

// CommandLineToArgvW's rules (and the C runtime's since 2008), written from Microsoft's
// "Parsing C command-line arguments": the program name runs to the next space or tab, or when it
// starts with a quote to the next quote; then 2n backslashes before a quote give n and the quote
// opens or closes quoting, 2n+1 give n and a literal quote, other backslashes are literal, and
// "" inside quotes is a literal quote.
std::vector<std::string> splitLikeWindows(std::string_view line) {
    std::vector<std::string> args;
    std::size_t i = 0;
    std::string program;
    if (!line.empty() && line[0] == '"') {
        const std::size_t close = line.find('"', 1);
        program = std::string(line.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
        i = close == std::string_view::npos ? line.size() : close + 1;
    } else {
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') program += line[i++];
    }
    args.push_back(program);
    while (true) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        if (i >= line.size()) break;
        std::string arg;
        bool quoted = false;
        while (i < line.size()) {
            const char c = line[i];
            if (c == '\\') {
                std::size_t run = 0;
                while (i < line.size() && line[i] == '\\') ++run, ++i;
                if (i < line.size() && line[i] == '"') {
                    arg.append(run / 2, '\\');
                    if (run % 2 == 1) {
                        arg += '"';
                        ++i;
                    }
                } else {
                    arg.append(run, '\\');
                }
            } else if (c == '"') {
                if (quoted && i + 1 < line.size() && line[i + 1] == '"') {
                    arg += '"';
                    i += 2;
                } else {
                    quoted = !quoted;
                    ++i;
                }
            } else if ((c == ' ' || c == '\t') && !quoted) {
                break;
            } else {
                arg += c;
                ++i;
            }
        }
        args.push_back(arg);
    }
    return args;
}

std::string quoted(std::string_view argument) {
    std::string line;
    appendWindowsArgument(line, argument);
    return line;
}

TEST(WindowsCommandLine, QuotesOnlyWhatNeedsIt) {
    EXPECT_EQ(quoted("plain"), "plain");
    EXPECT_EQ(quoted(R"(C:\dir\file.txt)"), R"(C:\dir\file.txt)");
    EXPECT_EQ(quoted(R"(ends\)"), R"(ends\)");
    EXPECT_EQ(quoted(""), R"("")");
    EXPECT_EQ(quoted("a b"), R"("a b")");
    EXPECT_EQ(quoted("tab\there"), "\"tab\there\"");
    EXPECT_EQ(quoted(R"(say "hi")"), R"("say \"hi\"")");
    EXPECT_EQ(quoted(R"(a\"b)"), R"("a\\\"b")");
    EXPECT_EQ(quoted(R"(C:\Program Files\)"), R"("C:\Program Files\\")");
    EXPECT_EQ(quoted(R"(two\\ back)"), R"("two\\ back")");
    // Characters only cmd.exe would treat specially stay as they are: no shell reads this line.
    EXPECT_EQ(quoted("a&b|c>d^e%PATH%!x!"), "a&b|c>d^e%PATH%!x!");
}

TEST(WindowsCommandLine, ProgramIsQuotedAsAWhole) {
    const auto line = windowsCommandLine({R"(C:\Program Files\qdyn\hook.exe)", "--host", "home example"});
    ASSERT_TRUE(line.ok()) << line.message();
    EXPECT_EQ(*line, R"("C:\Program Files\qdyn\hook.exe" --host "home example")");
}

TEST(WindowsCommandLine, RefusesWhatCannotBeRunSafely) {
    EXPECT_FALSE(windowsCommandLine({}).ok());
    EXPECT_FALSE(windowsCommandLine({""}).ok());
    EXPECT_FALSE(windowsCommandLine({"prog", std::string("a\0b", 3)}).ok());
    EXPECT_FALSE(windowsCommandLine({R"(odd"name.exe)"}).ok());
    for (const char* batch : {"run.bat", R"(C:\x\RUN.CMD)", "run.Bat", "run.bat.", "run.cmd . "}) {
        const auto line = windowsCommandLine({batch, "arg"});
        ASSERT_FALSE(line.ok()) << batch;
        EXPECT_NE(line.message().find("batch file"), std::string::npos) << line.message();
    }
    EXPECT_TRUE(windowsCommandLine({"run.bat.exe"}).ok());
    EXPECT_TRUE(windowsCommandLine({"bat"}).ok());
    EXPECT_TRUE(windowsCommandLine({"cmd.exe", "/d", "/c", "run.bat"}).ok());
}

TEST(WindowsCommandLine, SplitsBackIntoTheSameArgv) {
    const std::vector<std::vector<std::string>> cases = {
        {"prog"},
        {"prog", ""},
        {"prog", "", ""},
        {R"(C:\Program Files\a b\prog.exe)", R"(\\server\share\)", R"(\")", R"(\\")", R"(x\\\"y)"},
        {"prog", "\"", "\"\"", " ", "\t", "a\nb", "\xC3\xA9t\xC3\xA9 \xE2\x9C\x93"},
    };
    for (const auto& argv : cases) {
        const auto line = windowsCommandLine(argv);
        ASSERT_TRUE(line.ok()) << line.message();
        EXPECT_EQ(splitLikeWindows(*line), argv) << *line;
    }
}

TEST(WindowsCommandLine, RandomArgumentsRoundTrip) {
    std::mt19937 random(20261206);
    const std::string alphabet = "ab \t\"\\\\\\\"\xC3\xA9";
    for (int round = 0; round < 5000; ++round) {
        std::vector<std::string> argv{"prog.exe"};
        const int count = 1 + static_cast<int>(random() % 5);
        for (int a = 0; a < count; ++a) {
            std::string argument;
            const auto length = random() % 10;
            for (unsigned c = 0; c < length; ++c) argument += alphabet[random() % alphabet.size()];
            argv.push_back(argument);
        }
        const auto line = windowsCommandLine(argv);
        ASSERT_TRUE(line.ok()) << line.message();
        ASSERT_EQ(splitLikeWindows(*line), argv) << *line;
    }
}

TEST(WindowsEnvironment, ReplacesByNameWithoutCaseAndSorts) {
    const auto merged = windowsEnvironment({"Path=C:\\Windows", "TEMP=C:\\t", "=C:=C:\\work", "qdyn_host=old"},
                                           {"PATH=C:\\qdyn", "QDYN_HOST=home.example.test", "QDYN_EVENT=updated"});
    ASSERT_TRUE(merged.ok()) << merged.message();
    const std::vector<std::string> expected = {"=C:=C:\\work", "PATH=C:\\qdyn", "QDYN_EVENT=updated",
                                               "QDYN_HOST=home.example.test", "TEMP=C:\\t"};
    EXPECT_EQ(*merged, expected);
}

TEST(WindowsEnvironment, TheLastOfTwoReplacementsCounts) {
    const auto merged = windowsEnvironment({"A=1"}, {"B=first", "b=second", "A=2"});
    ASSERT_TRUE(merged.ok()) << merged.message();
    EXPECT_EQ(*merged, (std::vector<std::string>{"A=2", "b=second"}));
}

TEST(WindowsEnvironment, KeepsAnEmptyValueAndRefusesBadEntries) {
    const auto merged = windowsEnvironment({"EMPTY=x"}, {"EMPTY="});
    ASSERT_TRUE(merged.ok()) << merged.message();
    EXPECT_EQ(*merged, (std::vector<std::string>{"EMPTY="}));
    EXPECT_FALSE(windowsEnvironment({}, {"NOVALUE"}).ok());
    EXPECT_FALSE(windowsEnvironment({}, {"=C:=C:\\"}).ok());
    EXPECT_FALSE(windowsEnvironment({}, {std::string("A=b\0c", 5)}).ok());
}

}  // namespace windows_command_line_test
}  // namespace
