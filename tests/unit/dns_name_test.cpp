// Name: presentation parsing and printing, wire validation, limits, and the case-insensitive,
// label-aligned comparisons zone lookups rely on.
#include "qdyn/dns/name.hpp"

#include <gtest/gtest.h>

#include <string>
#include <unordered_set>

namespace qdyn::dns {
namespace {
namespace dns_name_test {

using namespace std::string_literals;

Name mustParse(std::string_view text) {
    auto name = Name::parse(text);
    EXPECT_TRUE(name) << "parse(\"" << text << "\"): " << (name ? "" : name.message());
    return name ? *name : Name();
}

std::string label(std::size_t length, char c = 'a') { return std::string(length, c); }

TEST(DnsName, ParsesPresentationForm) {
    const Name name = mustParse("home.dyn.example.test");
    EXPECT_EQ(name.wire(), "\x04home\x03" "dyn\x07" "example\x04test\x00"s);
    EXPECT_EQ(name.toString(), "home.dyn.example.test.");
    EXPECT_EQ(name.labelCount(), 4U);
    const auto labels = name.labels();
    ASSERT_EQ(labels.size(), 4U);
    EXPECT_EQ(labels[0], "home");
    EXPECT_EQ(labels[3], "test");
    EXPECT_FALSE(name.isRoot());
}

TEST(DnsName, TrailingDotIsOptional) {
    EXPECT_EQ(mustParse("a.b.").wire(), mustParse("a.b").wire());
}

TEST(DnsName, RootForms) {
    for (const char* text : {"", "."}) {
        const Name root = mustParse(text);
        EXPECT_TRUE(root.isRoot());
        EXPECT_EQ(root.wire(), "\0"s);
        EXPECT_EQ(root.toString(), ".");
        EXPECT_EQ(root.labelCount(), 0U);
        EXPECT_TRUE(root.labels().empty());
        EXPECT_TRUE(root == Name());
    }
}

TEST(DnsName, Escapes) {
    const Name dotted = mustParse(R"(a\.b.c)");
    ASSERT_EQ(dotted.labelCount(), 2U);
    EXPECT_EQ(dotted.labels()[0], "a.b");
    EXPECT_EQ(dotted.toString(), R"(a\.b.c.)");

    EXPECT_EQ(mustParse(R"(back\\slash)").labels()[0], "back\\slash");
    EXPECT_EQ(mustParse(R"(back\\slash)").toString(), R"(back\\slash.)");
    EXPECT_EQ(mustParse(R"(\065bc)").labels()[0], "Abc");
    EXPECT_EQ(mustParse(R"(\xyz)").labels()[0], "xyz");

    const Name binary = mustParse(R"(\000\032\255)");
    EXPECT_EQ(binary.wire(), "\x03\x00\x20\xff\x00"s);
    EXPECT_EQ(binary.toString(), R"(\000\032\255.)");
}

TEST(DnsName, EveryOctetSurvivesPrinting) {
    for (int octet = 0; octet < 256; ++octet) {
        std::string wire = "\x03x";
        wire.push_back(static_cast<char>(octet));
        wire += "y"s + "\x00"s;
        const auto name = Name::fromWire(wire);
        ASSERT_TRUE(name) << name.message();
        const auto again = Name::parse(name->toString());
        ASSERT_TRUE(again) << octet << ": " << again.message();
        EXPECT_EQ(again->wire(), wire) << octet;
    }
}

TEST(DnsName, RejectsMalformedText) {
    for (const char* text : {"a..b", ".a", "..", "a\\", R"(\25)", R"(a\2)", R"(\256)", R"(\2a5)", "a b",
                             "a\tb", "caf\xc3\xa9.test", "a.\x7f"}) {
        const auto name = Name::parse(text);
        EXPECT_FALSE(name) << text;
        if (!name) {
            EXPECT_NE(name.message().find("DNS name: "), std::string::npos);
        }
    }
}

TEST(DnsName, LabelLengthLimit) {
    EXPECT_TRUE(Name::parse(label(63) + ".test"));
    const auto tooLong = Name::parse("x." + label(64) + ".test");
    ASSERT_FALSE(tooLong);
    EXPECT_EQ(tooLong.message(), "DNS name: label longer than 63 octets at offset 65");
    // Escapes count as one octet each.
    EXPECT_TRUE(Name::parse(label(62) + R"(\255)"));
    EXPECT_FALSE(Name::parse(label(63) + R"(\255)"));
}

TEST(DnsName, TotalLengthLimit) {
    // 3 * (1 + 63) + (1 + 62) + 1 = 256 octets: one too many.
    const std::string longest = label(63) + "." + label(63) + "." + label(63) + "." + label(61);
    const auto ok = Name::parse(longest);
    ASSERT_TRUE(ok) << ok.message();
    EXPECT_EQ(ok->wire().size(), 255U);
    const auto tooLong = Name::parse(longest + "a");
    ASSERT_FALSE(tooLong);
    EXPECT_NE(tooLong.message().find("255"), std::string::npos);
    EXPECT_FALSE(Name::parse(longest + ".a"));
    // A very long text is rejected without scanning it all.
    EXPECT_FALSE(Name::parse(std::string(1'000'000, 'a')));
}

TEST(DnsName, FromWireValidates) {
    const auto good = Name::fromWire("\x04test\x00"s);
    ASSERT_TRUE(good);
    EXPECT_EQ(good->toString(), "test.");
    EXPECT_TRUE(Name::fromWire("\x00"s));

    EXPECT_FALSE(Name::fromWire(""));
    EXPECT_FALSE(Name::fromWire("\x04test"s));             // no root label
    EXPECT_FALSE(Name::fromWire("\x05test\x00"s));         // label overruns
    EXPECT_FALSE(Name::fromWire("\x04test\x00\x00"s));     // trailing bytes
    EXPECT_FALSE(Name::fromWire("\xc0\x0c"s));             // compression pointer
    EXPECT_FALSE(Name::fromWire("\x40"s + label(64) + "\x00"s));  // 64-octet label

    std::string wire256;
    for (int i = 0; i < 3; ++i) wire256 += "\x3f" + label(63);
    wire256 += "\x3e" + label(62) + "\x00"s;
    ASSERT_EQ(wire256.size(), 256U);
    EXPECT_FALSE(Name::fromWire(wire256));
    EXPECT_TRUE(Name::fromWire(wire256.substr(0, 192) + "\x3d" + label(61) + "\x00"s));
}

TEST(DnsName, CaseInsensitiveEquality) {
    const Name lower = mustParse("home.dyn.example.test");
    const Name mixed = mustParse("Home.DYN.example.TEST.");
    EXPECT_TRUE(lower == mixed);
    EXPECT_EQ(NameHash{}(lower), NameHash{}(mixed));
    EXPECT_FALSE(lower == mustParse("home.dyn.example.tes"));
    EXPECT_FALSE(mustParse("a.bc") == mustParse("ab.c"));
    // Only ASCII folds: Latin-1 A-tilde and a-tilde stay different octets.
    EXPECT_FALSE(mustParse(R"(\195)") == mustParse(R"(\227)"));
    EXPECT_FALSE(mustParse("[") == mustParse("{"));

    std::unordered_set<Name, NameHash> set{lower};
    EXPECT_EQ(set.count(mixed), 1U);
}

// Every pair of octets against the plain definition (fold A-Z, compare), including the pairs
// 0x20 apart that are not letters ('@' and '`', '[' and '{', 0xC1 and 0xE1).
TEST(DnsName, EqualityFoldsExactlyTheAsciiLetters) {
    const auto fold = [](unsigned c) { return c >= 'A' && c <= 'Z' ? c + 0x20U : c; };
    const auto oneOctet = [](unsigned c) {
        std::string wire(1, '\x01');
        wire.push_back(static_cast<char>(c));
        wire.push_back('\0');
        return *Name::fromWire(wire);
    };
    for (unsigned x = 0; x < 256; ++x) {
        const Name a = oneOctet(x);
        for (unsigned y = 0; y < 256; ++y) {
            ASSERT_EQ(a == oneOctet(y), fold(x) == fold(y)) << x << " vs " << y;
        }
    }
}

TEST(DnsName, Lowercased) {
    const Name name = mustParse(R"(MiXeD.\195.Test)");
    EXPECT_EQ(name.lowercased().wire(), "\x05mixed\x01\xc3\x04test\x00"s);
    EXPECT_EQ(name.lowercasedWire(), name.lowercased().wire());
    EXPECT_EQ(name.wire(), "\x05MiXeD\x01\xc3\x04Test\x00"s);
    std::array<char, Name::kMaxWireLength> buffer{};
    EXPECT_EQ(name.lowercasedWire(buffer), "\x05mixed\x01\xc3\x04test\x00"s);
    // The longest name fills the buffer exactly.
    std::string longest;
    for (int i = 0; i < 3; ++i) longest += std::string(63, 'A') + ".";
    longest += std::string(61, 'B');
    const Name big = mustParse(longest);
    ASSERT_EQ(big.wire().size(), Name::kMaxWireLength);
    EXPECT_EQ(big.lowercasedWire(buffer), big.lowercasedWire());
}

TEST(DnsName, Parent) {
    EXPECT_EQ(mustParse("a.b.c").parent().wire(), mustParse("b.c").wire());
    EXPECT_TRUE(mustParse("c").parent().isRoot());
    EXPECT_TRUE(Name().parent().isRoot());
}

TEST(DnsName, IsSubdomainOf) {
    const Name zone = mustParse("example.test");
    EXPECT_TRUE(zone.isSubdomainOf(zone));
    EXPECT_TRUE(mustParse("home.dyn.example.test").isSubdomainOf(zone));
    EXPECT_TRUE(mustParse("HOME.Example.Test").isSubdomainOf(zone));
    EXPECT_TRUE(mustParse("example.test").isSubdomainOf(Name()));
    EXPECT_TRUE(Name().isSubdomainOf(Name()));

    EXPECT_FALSE(mustParse("example.test").isSubdomainOf(mustParse("ample.test")));
    EXPECT_FALSE(mustParse("notexample.test").isSubdomainOf(zone));
    EXPECT_FALSE(mustParse("test").isSubdomainOf(zone));
    EXPECT_FALSE(Name().isSubdomainOf(zone));
    EXPECT_FALSE(mustParse("example.test.other").isSubdomainOf(zone));
    // The escaped dot is inside a label: "a.example" is one label, so not below example.test.
    EXPECT_FALSE(mustParse(R"(a\.example.test)").isSubdomainOf(zone));
    EXPECT_TRUE(mustParse(R"(a\.example.test)").isSubdomainOf(mustParse("test")));
}

}  // namespace dns_name_test
}  // namespace
}  // namespace qdyn::dns
