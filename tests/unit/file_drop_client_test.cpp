// The file drop client: the file named by a profile, its content, Unchanged for the same
// content, and an atomic replacement that keeps the file's mode.
#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

#include "qdyn/protocols/file_drop.hpp"
#include "temp_dir.hpp"

namespace qdyn::filedrop {
namespace {
namespace file_drop_client_test {

using Strings = std::vector<std::string>;

const std::optional<IpAddress> kV4 = IpAddress::parse("203.0.113.7");
const std::optional<IpAddress> kV6 = IpAddress::parse("2001:db8::7");

std::string readAll(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

UpdateRequest request(std::optional<IpAddress> v4 = kV4, std::optional<IpAddress> v6 = std::nullopt) {
    return UpdateRequest{{"john.dyn.example.test", "john.dyn.example.org"}, std::move(v4), std::move(v6)};
}

TEST(FileDropTest, NamesTheFile) {
#ifdef _WIN32
    // An absolute name on Windows starts with a drive; in a URL a slash comes before it.
    const auto chosen = fileOf("file:///ignored", "C:/srv/dyn/john");
    ASSERT_TRUE(chosen) << chosen.message();
    EXPECT_EQ(*chosen, "C:/srv/dyn/john") << "path wins";
    EXPECT_EQ(fileOf("file:///C:/srv/dyn/john", "").value(), "C:/srv/dyn/john");
    EXPECT_EQ(fileOf("file://localhost/d:/dyn/john", "").value(), "d:/dyn/john");
    EXPECT_FALSE(fileOf("file:///C:/", "")) << "a drive, no file";
    EXPECT_FALSE(fileOf("file:///C:dyn", "")) << "relative to the drive's current folder";
#else
    EXPECT_EQ(fileOf("file:///home/john/.dynamicdns", "").value(), "/home/john/.dynamicdns");
    EXPECT_EQ(fileOf("file://localhost/home/john/.dynamicdns", "").value(), "/home/john/.dynamicdns");
    EXPECT_EQ(fileOf("file:///ignored", "/srv/dyn/john").value(), "/srv/dyn/john") << "path wins";
    // No drives here: "/C:/x" is a name like any other.
    EXPECT_EQ(fileOf("file:///C:/x", "").value(), "/C:/x");
#endif
    const char* home = std::getenv("HOME");
    if (home != nullptr && *home != '\0') {
        EXPECT_EQ(fileOf("file://~/.dynamicdns", "").value(), std::filesystem::path(home) / ".dynamicdns");
    }
    EXPECT_FALSE(fileOf("file://relative/name", ""));
    EXPECT_FALSE(fileOf("https://x.example.test/", ""));
    EXPECT_FALSE(fileOf("file://", ""));
    EXPECT_FALSE(fileOf("file:///dir/", ""));
#ifdef _WIN32
    GTEST_SKIP() << "file:///home/... URLs name POSIX absolute paths; without a drive they are not absolute on Windows";
#endif
}

TEST(FileDropTest, OneAddressPerLineIpv4First) {
    EXPECT_EQ(contentFor(kV4, kV6), "203.0.113.7\n2001:db8::7\n");
    EXPECT_EQ(contentFor(std::nullopt, kV6), "2001:db8::7\n");
    EXPECT_EQ(contentFor(std::nullopt, std::nullopt), "");
}

TEST(FileDropClientTest, WritesThenReportsUnchanged) {
    const test::TempDir dir;
    const std::filesystem::path file = dir.path() / ".dynamicdns";
    Client client(Settings{file});
    const auto first = client.update(request(kV4, kV6));
    ASSERT_EQ(first.size(), 2U);
    for (const auto& outcome : first) {
        EXPECT_EQ(outcome.outcome, OutcomeClass::Updated) << outcome.detail;
        EXPECT_EQ(outcome.addresses, (std::vector<IpAddress>{*kV4, *kV6}));
    }
    EXPECT_EQ(first[1].host, "john.dyn.example.org");
    EXPECT_EQ(readAll(file), "203.0.113.7\n2001:db8::7\n");
#ifndef _WIN32
    // Mode bits are POSIX (Windows files carry access lists, which the new file inherits).
    ASSERT_TRUE(std::filesystem::exists(file));
    EXPECT_EQ(test::fileMode(file) & 0777, 0644U) << "the server must be able to read it";
#endif

    const auto second = client.update(request(kV4, kV6));
    EXPECT_EQ(second.at(0).outcome, OutcomeClass::Unchanged);

    const auto third = client.update(request(IpAddress::parse("198.51.100.1")));
    EXPECT_EQ(third.at(0).outcome, OutcomeClass::Updated);
    EXPECT_EQ(readAll(file), "198.51.100.1\n");
    // Nothing but the file is left in the directory (no temporary file).
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path()))
        ++entries;
    EXPECT_EQ(entries, 1U);
}

TEST(FileDropClientTest, ReplacesOtherContentAndKeepsTheMode) {
    const test::TempDir dir;
    const std::filesystem::path file = dir.write(".dynamicdns", "# my address\n203.0.113.7\n", 0640);
    Client client(Settings{file});
    EXPECT_EQ(client.update(request()).at(0).outcome, OutcomeClass::Updated) << "a comment is other content";
    EXPECT_EQ(readAll(file), "203.0.113.7\n");
#ifdef _WIN32
    GTEST_SKIP() << "file mode bits are POSIX; Windows uses access lists";
#else
    ASSERT_TRUE(std::filesystem::exists(file));
    EXPECT_EQ(test::fileMode(file) & 0777, 0640U);
#endif
}

TEST(FileDropClientTest, FailuresAreRetryLater) {
    const test::TempDir dir;
    Client missingDir(Settings{dir.path() / "no-such-dir" / ".dynamicdns"});
    const auto outcomes = missingDir.update(request());
    EXPECT_EQ(outcomes.at(0).outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(outcomes.at(0).code, "file");
    EXPECT_NE(outcomes.at(0).detail.find("no-such-dir"), std::string::npos) << outcomes.at(0).detail;

    Client noAddress(Settings{dir.path() / ".dynamicdns"});
    const auto none = noAddress.update(request(std::nullopt));
    EXPECT_EQ(none.at(0).outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(none.at(0).code, "no-address");
    EXPECT_FALSE(std::filesystem::exists(dir.path() / ".dynamicdns"));
}

TEST(FileDropClientTest, DescribeShowsTheContent) {
    Client client(Settings{"/home/john/.dynamicdns"});
    EXPECT_EQ(
        client.describe(request(kV4, kV6)),
        (Strings{"write /home/john/.dynamicdns (atomically), for every host:", "  203.0.113.7", "  2001:db8::7"}));
}

}  // namespace file_drop_client_test
}  // namespace
}  // namespace qdyn::filedrop
