// The file-drop address file parser: every accepted form, every refused one, and that the
// errors point at the line without quoting what the file holds.
#include <gtest/gtest.h>

#include <string>

#include "filedrop/address_file.hpp"
#include "test_values.hpp"

namespace {
namespace server_address_file_test {

using qdyn::server::filedrop::AddressFile;
using qdyn::server::filedrop::describe;
using qdyn::server::filedrop::kMaxAddressFileSize;
using qdyn::server::filedrop::parseAddressFile;
using qdyn::test::ip;

AddressFile accepted(const std::string& content) {
    auto parsed = parseAddressFile(content);
    EXPECT_TRUE(parsed) << parsed.message();
    return parsed ? *parsed : AddressFile{};
}

std::string refused(const std::string& content) {
    auto parsed = parseAddressFile(content);
    EXPECT_FALSE(parsed) << "accepted: " << describe(*parsed);
    return parsed ? std::string() : parsed.message();
}

TEST(AddressFile, OneIpv4Address) {
    const auto file = accepted("203.0.113.7\n");
    EXPECT_EQ(file.v4, ip("203.0.113.7"));
    EXPECT_FALSE(file.v6);
    EXPECT_FALSE(file.offline);
    EXPECT_FALSE(file.asksNothing());
}

TEST(AddressFile, WithoutFinalNewline) { EXPECT_EQ(accepted("203.0.113.7").v4, ip("203.0.113.7")); }

TEST(AddressFile, OneIpv6Address) {
    const auto file = accepted("2001:db8::1\n");
    EXPECT_FALSE(file.v4);
    EXPECT_EQ(file.v6, ip("2001:db8::1"));
}

TEST(AddressFile, OneOfEachFamilyInEitherOrder) {
    const AddressFile both{ip("203.0.113.7"), ip("2001:db8::1"), false};
    EXPECT_EQ(accepted("203.0.113.7\n2001:db8::1\n"), both);
    EXPECT_EQ(accepted("2001:db8::1\n203.0.113.7\n"), both);
}

TEST(AddressFile, BlanksCommentsAndCrlfAreIgnored) {
    const AddressFile both{ip("203.0.113.7"), ip("2001:db8::1"), false};
    EXPECT_EQ(accepted("# written by my router\r\n\r\n  203.0.113.7\t\r\n\t2001:db8::1   # the v6 one\r\n\n"), both);
    EXPECT_EQ(accepted("203.0.113.7#no blank before the comment\n"), (AddressFile{ip("203.0.113.7"), {}, false}));
}

TEST(AddressFile, EmptyOrCommentsOnlyAsksNothing) {
    EXPECT_TRUE(accepted("").asksNothing());
    EXPECT_TRUE(accepted("\n\n   \n").asksNothing());
    EXPECT_TRUE(accepted("# nothing yet\n#203.0.113.7\n").asksNothing());
}

TEST(AddressFile, OfflineAlone) {
    const auto file = accepted("offline\n");
    EXPECT_TRUE(file.offline);
    EXPECT_FALSE(file.v4);
    EXPECT_FALSE(file.v6);
    EXPECT_FALSE(file.asksNothing());
    EXPECT_TRUE(accepted("# on holiday\n  offline  # back in May\n").offline);
}

TEST(AddressFile, UpToTheSizeCap) {
    std::string content = "203.0.113.7\n#";
    content.resize(kMaxAddressFileSize, 'x');
    EXPECT_EQ(accepted(content).v4, ip("203.0.113.7"));
    content.push_back('x');
    EXPECT_EQ(refused(content), "the file is larger than 4096 bytes");
}

TEST(AddressFile, TwoAddressesOfOneFamilyAreRefused) {
    EXPECT_EQ(refused("203.0.113.7\n198.51.100.1\n"), "line 2: a second IPv4 address (the first is on line 1)");
    EXPECT_EQ(refused("2001:db8::1\n\n# x\n2001:db8::2\n"), "line 4: a second IPv6 address (the first is on line 1)");
    EXPECT_EQ(refused("203.0.113.7\n203.0.113.7\n"), "line 2: a second IPv4 address (the first is on line 1)");
}

TEST(AddressFile, TwoWordsOnALineAreRefused) {
    EXPECT_EQ(refused("203.0.113.7 2001:db8::1\n"), "line 1: more than one word (one address per line)");
    EXPECT_EQ(refused("\n203.0.113.7,198.51.100.1\n"), "line 2: not an IPv4 or IPv6 address, nor 'offline'");
}

TEST(AddressFile, WhatIsNotAnAddressIsRefusedWithoutQuotingIt) {
    for (const char* bad : {"hello", "203.0.113", "203.0.113.256", "203.0.113.07", "[2001:db8::1]", "fe80::1%eth0",
                            "2001:db8::1/64", "203.0.113.7:80", "OFFLINE", "offline:",
                            "root:x:0:0:root:/root:/bin/sh"}) {
        const auto message = refused(std::string(bad) + "\n");
        EXPECT_EQ(message, "line 1: not an IPv4 or IPv6 address, nor 'offline'") << bad;
    }
}

TEST(AddressFile, ControlCharactersAreRefused) {
    EXPECT_EQ(refused(std::string("203.0.113.7\0\n", 13)), "line 1: a control character");
    EXPECT_EQ(refused("203.0.113.7\r198.51.100.1\n"), "line 1: a control character");
    EXPECT_EQ(refused("# fine\n\x1b[31m\n"), "line 2: a control character");
    // Inside a comment as well: nothing in the file is meant to be binary.
    EXPECT_EQ(refused("203.0.113.7 # \x7f\n"), "line 1: a control character");
}

TEST(AddressFile, OfflineExcludesAddresses) {
    EXPECT_EQ(refused("offline\n203.0.113.7\n"), "line 2: 'offline' must be the only entry (it is on line 1)");
    EXPECT_EQ(refused("2001:db8::1\noffline\n"), "line 2: 'offline' must be the only entry (an address is on line 1)");
    EXPECT_EQ(refused("offline\noffline\n"), "line 2: 'offline' must be the only entry (it is on line 1)");
}

TEST(AddressFile, Describe) {
    EXPECT_EQ(describe(AddressFile{ip("203.0.113.7"), ip("2001:db8::1"), false}), "203.0.113.7 2001:db8::1");
    EXPECT_EQ(describe(AddressFile{{}, ip("2001:db8::1"), false}), "2001:db8::1");
    EXPECT_EQ(describe(AddressFile{{}, {}, true}), "offline");
    EXPECT_EQ(describe(AddressFile{}), "nothing");
}

}  // namespace server_address_file_test
}  // namespace
