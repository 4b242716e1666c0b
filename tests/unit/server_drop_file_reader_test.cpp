// readDropFile: what the file drop reads and what it refuses unread (links, FIFOs, directories,
// oversized files), so a user cannot point the server at something else or stall it.
#include <gtest/gtest.h>

#ifndef _WIN32
#include <sys/stat.h>
#endif

#include <filesystem>
#include <string>

#include "filedrop/address_file.hpp"
#include "filedrop/drop_file_reader.hpp"
#include "temp_dir.hpp"

namespace {
namespace server_drop_file_reader_test {

using qdyn::server::filedrop::kMaxAddressFileSize;
using qdyn::server::filedrop::readDropFile;

TEST(DropFileReader, ReadsARegularFile) {
    qdyn::test::TempDir dir;
    const auto file = dir.write("alice", "203.0.113.7\n");
    auto read = readDropFile(file);
    ASSERT_TRUE(read) << read.message();
    ASSERT_TRUE(*read);
    EXPECT_EQ(**read, "203.0.113.7\n");
}

TEST(DropFileReader, AMissingFileOrDirectoryIsNothing) {
    qdyn::test::TempDir dir;
    for (const auto& path : {dir.path() / "alice", dir.path() / "no-such-dir/alice"}) {
        auto read = readDropFile(path);
        ASSERT_TRUE(read) << read.message();
        EXPECT_FALSE(*read) << path;
    }
    // A path through a regular file (ENOTDIR) is missing as well.
    dir.write("plain", "x");
    auto through = readDropFile(dir.path() / "plain/alice");
    ASSERT_TRUE(through) << through.message();
    EXPECT_FALSE(*through);
}

TEST(DropFileReader, UpToTheSizeCap) {
    qdyn::test::TempDir dir;
    const auto file = dir.write("alice", std::string(kMaxAddressFileSize, '#'));
    auto read = readDropFile(file);
    ASSERT_TRUE(read) << read.message();
    EXPECT_EQ((*read)->size(), kMaxAddressFileSize);
    const auto large = dir.write("bob", std::string(kMaxAddressFileSize + 1, '#'));
    auto refused = readDropFile(large);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.message(), "larger than 4096 bytes");
}

TEST(DropFileReader, RefusesWhatIsNotARegularFile) {
    qdyn::test::TempDir dir;
    std::filesystem::create_directory(dir.path() / "directory");
    auto directory = readDropFile(dir.path() / "directory");
    ASSERT_FALSE(directory);
    EXPECT_EQ(directory.message(), "is not a regular file");

    const auto target = dir.write("secret", "203.0.113.7\n");
    std::error_code linkError;
    std::filesystem::create_symlink(target, dir.path() / "link", linkError);
#ifdef _WIN32
    if (linkError) GTEST_SKIP() << "symlinks need Developer Mode or the symlink privilege: " << linkError.message();
#endif
    ASSERT_FALSE(linkError) << linkError.message();
    auto link = readDropFile(dir.path() / "link");
    ASSERT_FALSE(link);
    EXPECT_EQ(link.message(), "is a symbolic link, which is not followed");
}

TEST(DropFileReader, RefusesAFifoAtOnce) {
#ifdef _WIN32
    GTEST_SKIP() << "FIFOs in the file system are POSIX; Windows has no such file";
#else
    // Opening a FIFO for reading would wait for a writer: it must be refused at once.
    qdyn::test::TempDir dir;
    ASSERT_EQ(::mkfifo((dir.path() / "fifo").c_str(), 0600), 0);
    auto fifo = readDropFile(dir.path() / "fifo");
    ASSERT_FALSE(fifo);
    EXPECT_EQ(fifo.message(), "is not a regular file");
#endif
}

}  // namespace server_drop_file_reader_test
}  // namespace
