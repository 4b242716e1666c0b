// The static, file and command sources, including hostile content: bad lines, oversized files,
// commands that hang, print garbage, fail, or get arguments a shell would have interpreted.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "qdyn/detect/command_source.hpp"
#include "qdyn/detect/file_source.hpp"
#include "qdyn/detect/static_source.hpp"
#include "temp_dir.hpp"

namespace qdyn::detect {
namespace {
namespace detect_simple_sources_test {

using namespace std::chrono_literals;

IpAddress ip(const char* text) {
    auto parsed = IpAddress::parse(text);
    EXPECT_TRUE(parsed.has_value()) << text;
    return parsed.value_or(IpAddress{});
}

// The single address a source reported, or a failure explaining what it said instead.
::testing::AssertionResult reports(AddressSource& source, AddressFamily family, const char* expected) {
    auto result = source.detect(family);
    if (!result) return ::testing::AssertionFailure() << "error: " << result.message();
    if (result->size() != 1) return ::testing::AssertionFailure() << result->size() << " candidates";
    if (result->front().address != ip(expected)) {
        return ::testing::AssertionFailure() << "got " << result->front().address.toString();
    }
    return ::testing::AssertionSuccess();
}

std::string errorOf(AddressSource& source, AddressFamily family) {
    auto result = source.detect(family);
    return result ? std::string("(no error)") : result.message();
}

// --- static ---

TEST(DetectStaticSourceTest, ReportsItsAddressForItsFamilyOnly) {
    auto source = makeStaticSource(ip("203.0.113.4"));
    EXPECT_EQ(source->kind(), "static");
    EXPECT_EQ(source->describe(), "static 203.0.113.4");
    EXPECT_TRUE(reports(*source, AddressFamily::V4, "203.0.113.4"));
    EXPECT_EQ(errorOf(*source, AddressFamily::V6), "the static address 203.0.113.4 is not IPv6");
}

// --- file ---

TEST(DetectFileSourceTest, ParserSkipsCommentsAndBlankLines) {
    auto parsed = parseAddressFile("# written by the router\n\n   \n  203.0.113.5 \r\nignored\n");
    ASSERT_TRUE(parsed) << parsed.message();
    EXPECT_EQ(*parsed, ip("203.0.113.5"));
    auto v6 = parseAddressFile("2001:db8::5");
    ASSERT_TRUE(v6) << v6.message();
    EXPECT_EQ(*v6, ip("2001:db8::5"));
}

TEST(DetectFileSourceTest, ParserRejectsAnythingButOneAddress) {
    for (const char* bad : {"", "\n\n# only comments\n", "203.0.113.5 203.0.113.6\n", "203.0.113.5,\n",
                            "ip=203.0.113.5\n", "<html>error</html>\n", "203.0.113.05\n", "[2001:db8::1]\n",
                            "fe80::1%eth0\n", "203.0.113.256\n"}) {
        EXPECT_FALSE(parseAddressFile(bad)) << '"' << bad << '"';
    }
    using namespace std::string_literals;
    EXPECT_EQ(parseAddressFile("203.0.113.5\n\0"s).message(), "contains a NUL byte");
}

TEST(DetectFileSourceTest, ReadsTheFileAtEveryDetection) {
    test::TempDir dir;
    const auto path = dir.write("address", "203.0.113.5\n");
    auto source = makeFileSource(path);
    EXPECT_EQ(source->kind(), "file");
    EXPECT_TRUE(reports(*source, AddressFamily::V4, "203.0.113.5"));
    dir.write("address", "# changed\n198.51.100.6\n");
    EXPECT_TRUE(reports(*source, AddressFamily::V4, "198.51.100.6"));
    EXPECT_NE(errorOf(*source, AddressFamily::V6).find("not an IPv6 address"), std::string::npos);
}

TEST(DetectFileSourceTest, SizeCapMissingFileAndBadContent) {
    test::TempDir dir;
    const auto exact = dir.write("exact", std::string("203.0.113.5\n") + std::string(20, '\n'));
    EXPECT_TRUE(reports(*makeFileSource(exact, 32), AddressFamily::V4, "203.0.113.5"));
    auto big = makeFileSource(exact, 31);
    EXPECT_NE(errorOf(*big, AddressFamily::V4).find("larger than 31 bytes"), std::string::npos);

    auto missing = makeFileSource(dir.path() / "missing");
    EXPECT_NE(errorOf(*missing, AddressFamily::V4).find("missing"), std::string::npos);
    auto directory = makeFileSource(dir.path());
    EXPECT_NE(errorOf(*directory, AddressFamily::V4).find("not a regular file"), std::string::npos);
    auto garbage = makeFileSource(dir.write("garbage", "Current IP Address: 203.0.113.5\n"));
    EXPECT_NE(errorOf(*garbage, AddressFamily::V4).find("not exactly one IP address"), std::string::npos);
}

// --- command ---

CommandOptions command(std::vector<std::string> argv, std::chrono::milliseconds timeout = 5s) {
    CommandOptions options;
    options.argv = std::move(argv);
    options.timeout = timeout;
    return options;
}

// The command source running POSIX tools (printf, echo, sh, a #!/bin/sh script, kill -9). On
// Windows the command runner is checked on its own programs under Wine (tests/windows).
class DetectCommandSourceTest : public ::testing::Test {
protected:
    void SetUp() override {
#ifdef _WIN32
        GTEST_SKIP() << "runs POSIX tools; tests/windows runs the Windows command runner under Wine";
#endif
    }
};

TEST(DetectCommandOutputTest, OutputParser) {
    EXPECT_EQ(*parseCommandOutput("203.0.113.5\n"), ip("203.0.113.5"));
    EXPECT_EQ(*parseCommandOutput("203.0.113.5"), ip("203.0.113.5"));
    EXPECT_EQ(*parseCommandOutput("2001:db8::5\r\nmore\n"), ip("2001:db8::5"));
    for (const char* bad : {"", "\n203.0.113.5\n", " 203.0.113.5\n", "203.0.113.5 \n", "203.0.113.5\t\n",
                            "addr 203.0.113.5\n"}) {
        EXPECT_FALSE(parseCommandOutput(bad)) << '"' << bad << '"';
    }
}

TEST_F(DetectCommandSourceTest, RunsArgvAndReadsTheFirstLine) {
    auto source = makeCommandSource(command({"printf", "%s\\n%s\\n", "203.0.113.7", "second line"}));
    EXPECT_EQ(source->kind(), "command");
    EXPECT_TRUE(reports(*source, AddressFamily::V4, "203.0.113.7"));
    EXPECT_NE(errorOf(*source, AddressFamily::V6).find("not an IPv6 address"), std::string::npos);
}

TEST_F(DetectCommandSourceTest, ArgumentsAreNotInterpretedByAShell) {
    test::TempDir dir;
    const auto marker = dir.path() / "marker";
    // Through a shell this would print an address and create the marker; as argv it is one
    // literal argument that echo prints back.
    auto source = makeCommandSource(command({"echo", "$(echo 203.0.113.7); touch " + marker.string()}));
    const std::string error = errorOf(*source, AddressFamily::V4);
    EXPECT_NE(error.find("not exactly one IP address: \"$(echo 203.0.113.7); touch"), std::string::npos) << error;
    EXPECT_FALSE(std::filesystem::exists(marker));

    // An argument with spaces arrives as one argument.
    const auto script = dir.write("count.sh", "#!/bin/sh\n[ \"$#\" = 1 ] && [ \"$1\" = 'a b  c' ] && echo 203.0.113.9\n",
                                  0700);
    EXPECT_TRUE(reports(*makeCommandSource(command({script.string(), "a b  c"})), AddressFamily::V4, "203.0.113.9"));
}

TEST_F(DetectCommandSourceTest, TimeoutKillsTheCommandAndItsChildren) {
    const auto started = std::chrono::steady_clock::now();
    auto source = makeCommandSource(command({"sh", "-c", "sleep 30; echo 203.0.113.7"}, 300ms));
    const std::string error = errorOf(*source, AddressFamily::V4);
    EXPECT_EQ(error, "sh did not finish within 300 ms");
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST_F(DetectCommandSourceTest, NonZeroExitGarbageAndOversizedOutput) {
    auto failing = makeCommandSource(command({"sh", "-c", "echo 203.0.113.7; echo 'no route' >&2; exit 3"}));
    EXPECT_EQ(errorOf(*failing, AddressFamily::V4), "sh exited with status 3: no route");

    auto garbage = makeCommandSource(command({"sh", "-c", "echo '<html>502 Bad Gateway</html>'"}));
    EXPECT_NE(errorOf(*garbage, AddressFamily::V4).find("not exactly one IP address"), std::string::npos);

    auto silent = makeCommandSource(command({"true"}));
    EXPECT_EQ(errorOf(*silent, AddressFamily::V4), "true: printed no address");

    CommandOptions flood = command({"sh", "-c", "echo 203.0.113.7; yes"});
    flood.maxOutputBytes = 1024;
    EXPECT_EQ(errorOf(*makeCommandSource(flood), AddressFamily::V4), "sh wrote more than 1024 bytes to stdout");

    auto signalled = makeCommandSource(command({"sh", "-c", "kill -9 $$"}));
    EXPECT_EQ(errorOf(*signalled, AddressFamily::V4), "sh was killed by signal 9");

    auto missing = makeCommandSource(command({"/nonexistent/qdyn-no-such-program"}));
    EXPECT_NE(errorOf(*missing, AddressFamily::V4).find("cannot run /nonexistent/qdyn-no-such-program"),
              std::string::npos);
    auto empty = makeCommandSource(command({}));
    EXPECT_EQ(errorOf(*empty, AddressFamily::V4), "no command given");
}

}  // namespace detect_simple_sources_test
}  // namespace
}  // namespace qdyn::detect
