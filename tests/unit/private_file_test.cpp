// replaceFileAtomically and checkPrivateFile (qdyn/private_file.hpp), the one writer behind the
// profile writer, the file drop, the agent's state and qdyn-server's accounts file: modes (new,
// kept, forced), owners, links followed or replaced, the check before writing, refusals, and the
// privacy check's words. Mode and owner rules are POSIX; the Windows access lists are run under
// Wine (tests/windows/private_file_check.cpp).
#include <gtest/gtest.h>

#ifndef _WIN32
#include <sys/stat.h>
#include <unistd.h>
#endif

#include <filesystem>
#include <string>

#include "qdyn/private_file.hpp"
#include "temp_dir.hpp"

namespace qdyn {
namespace {
namespace private_file_test {

using test::fileMode;
using test::readFile;
using test::TempDir;

// The names in a directory: a replacement leaves nothing but the file behind.
std::size_t entriesIn(const std::filesystem::path& dir) {
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++entries;
    return entries;
}

TEST(PrivateFile, ReplacesTheContentWholeAndLeavesNothingElse) {
    const TempDir dir;
    const auto file = dir.path() / "profiles.toml";
    ASSERT_TRUE(replaceFileAtomically(file, "one\n"));
    EXPECT_EQ(readFile(file), "one\n");
    ASSERT_TRUE(replaceFileAtomically(file, "two, longer\n"));
    EXPECT_EQ(readFile(file), "two, longer\n");
    ASSERT_TRUE(replaceFileAtomically(file, ""));
    EXPECT_EQ(readFile(file), "");
    EXPECT_TRUE(std::filesystem::is_regular_file(file));
    EXPECT_EQ(entriesIn(dir.path()), 1U);
}

TEST(PrivateFile, ANewFileGetsTheNewModeAnExistingOneKeepsItsOwnUnlessForced) {
#ifdef _WIN32
    GTEST_SKIP() << "file modes are POSIX; Windows access lists are checked under Wine (tests/windows)";
#else
    const TempDir dir;
    const auto secret = dir.path() / "secret";
    ASSERT_TRUE(replaceFileAtomically(secret, "x"));
    EXPECT_EQ(fileMode(secret), 0600U) << "the default for a new file";
    const auto drop = dir.path() / "drop";
    FileReplaceOptions readable;
    readable.newFileMode = 0644;
    ASSERT_TRUE(replaceFileAtomically(drop, "x", readable));
    EXPECT_EQ(fileMode(drop), 0644U);
    std::filesystem::permissions(drop, std::filesystem::perms(0640), std::filesystem::perm_options::replace);
    ASSERT_TRUE(replaceFileAtomically(drop, "y", readable));
    EXPECT_EQ(fileMode(drop), 0640U) << "an existing file keeps the mode its user gave it";
    FileReplaceOptions forced;
    forced.forcedMode = 0600;
    ASSERT_TRUE(replaceFileAtomically(drop, "z", forced));
    EXPECT_EQ(fileMode(drop), 0600U);
    EXPECT_EQ(readFile(drop), "z");
#endif
}

TEST(PrivateFile, TheCheckBeforeWritingSeesTheFileAndCanStopTheReplacement) {
    const TempDir dir;
    const auto file = dir.write("profiles.toml", "theirs\n");
    std::filesystem::path seen;
    FileReplaceOptions options;
    options.beforeWrite = [&](const std::filesystem::path& target) -> Result<void> {
        seen = target;
        return makeError("changed meanwhile");
    };
    const auto refused = replaceFileAtomically(file, "ours\n", options);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.message(), "changed meanwhile");
    EXPECT_EQ(seen, file);
    EXPECT_EQ(readFile(file), "theirs\n");
    EXPECT_EQ(entriesIn(dir.path()), 1U) << "no temporary file is left";
}

TEST(PrivateFile, WhatIsNoRegularFileOrHasNoFolderIsRefused) {
    const TempDir dir;
    const auto folder = dir.path() / "a-folder";
    std::filesystem::create_directory(folder);
    const auto onFolder = replaceFileAtomically(folder, "x");
    ASSERT_FALSE(onFolder);
    EXPECT_NE(onFolder.message().find("is not a regular file"), std::string::npos) << onFolder.message();
    EXPECT_TRUE(std::filesystem::is_directory(folder));
    const auto nowhere = replaceFileAtomically(dir.path() / "missing" / "file", "x");
    ASSERT_FALSE(nowhere);
    EXPECT_NE(nowhere.message().find("cannot create a temporary file"), std::string::npos) << nowhere.message();
}

TEST(PrivateFile, ALinkIsFollowedOrReplacedAsAsked) {
    const TempDir dir;
    const auto real = dir.write("real.toml", "old\n", 0640);
    const auto link = dir.path() / "link.toml";
    std::error_code error;
    std::filesystem::create_symlink(real, link, error);
    if (error) GTEST_SKIP() << "cannot make a symbolic link here: " << error.message();
    ASSERT_TRUE(replaceFileAtomically(link, "through the link\n"));
    EXPECT_TRUE(std::filesystem::is_symlink(link)) << "the link stays";
    EXPECT_EQ(readFile(real), "through the link\n");
#ifndef _WIN32
    EXPECT_EQ(fileMode(real), 0640U);
#endif
    FileReplaceOptions itself;
    itself.followSymlink = false;
    ASSERT_TRUE(replaceFileAtomically(link, "instead of the link\n", itself));
    EXPECT_FALSE(std::filesystem::is_symlink(link)) << "the link itself was replaced";
    EXPECT_EQ(readFile(link), "instead of the link\n");
    EXPECT_EQ(readFile(real), "through the link\n") << "the file it led to is untouched";

    const auto dangling = dir.path() / "dangling.toml";
    std::filesystem::create_symlink(dir.path() / "gone", dangling, error);
    ASSERT_FALSE(error) << error.message();
    const auto refused = replaceFileAtomically(dangling, "x");
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.message().find("leads nowhere"), std::string::npos) << refused.message();
}

TEST(PrivateFile, RootKeepsTheOwnerOfAUsersFileWhereAsked) {
#ifdef _WIN32
    GTEST_SKIP() << "owners by uid are POSIX";
#else
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (only root can give a file to another user)";
    const TempDir dir;
    const auto file = dir.write("user.toml", "x");
    ASSERT_EQ(::chown(file.c_str(), 4321, 4321), 0);
    const auto ownerOf = [&] {
        struct stat info {};
        EXPECT_EQ(::stat(file.c_str(), &info), 0);
        return info.st_uid;
    };
    for (const ReplacedOwner kept : {ReplacedOwner::KeptByRoot, ReplacedOwner::Kept}) {
        FileReplaceOptions options;
        options.owner = kept;
        ASSERT_TRUE(replaceFileAtomically(file, "y", options));
        EXPECT_EQ(ownerOf(), 4321U);
    }
    ASSERT_TRUE(replaceFileAtomically(file, "z"));  // ReplacedOwner::Writer
    EXPECT_EQ(ownerOf(), 0U);
#endif
}

TEST(PrivateFile, TheCheckNamesWhatOthersMayDoAndTheFix) {
#ifdef _WIN32
    GTEST_SKIP() << "file modes are POSIX; the access list check is run under Wine (tests/windows)";
#else
    const TempDir dir;
    const auto file = dir.write("profiles.toml", "password = \"x\"\n", 0600);
    EXPECT_TRUE(checkPrivateFile(file, "a password"));
    const auto refusal = [&](unsigned mode) {
        std::filesystem::permissions(file, std::filesystem::perms(mode), std::filesystem::perm_options::replace);
        const auto checked = checkPrivateFile(file, "a password");
        return checked ? std::string("accepted") : checked.message();
    };
    const std::string fix = "; fix it with: chmod 600 " + file.string();
    EXPECT_EQ(refusal(0644), file.string() + " holds a password but other users can read it (mode 0644)" + fix);
    EXPECT_EQ(refusal(0620), file.string() + " holds a password but other users can change it (mode 0620)" + fix);
    EXPECT_EQ(refusal(0666), file.string() + " holds a password but other users can read and change it (mode 0666)" + fix);
    EXPECT_EQ(refusal(0400), "accepted");
    EXPECT_FALSE(checkPrivateFile(dir.path() / "missing", "a password"));
    EXPECT_EQ(privateFileWords(), "mode 0600");
#endif
}

}  // namespace private_file_test
}  // namespace
}  // namespace qdyn
