// Sources named in text (`qdyn detect --source`): every kind, the presets that stand for lists,
// and the errors that say what is wrong.
#include <gtest/gtest.h>

#include <string>

#include "qdyn/detect/source_spec.hpp"

namespace qdyn::detect {
namespace {
namespace detect_source_spec_test {

// The kind and description of each source a spec makes.
std::vector<std::string> described(std::string_view spec) {
    auto made = sourcesFromSpec(spec);
    EXPECT_TRUE(made) << spec << ": " << made.message();
    std::vector<std::string> out;
    if (!made) return out;
    for (const auto& source : *made) out.push_back(std::string(source->kind()) + "|" + source->describe());
    return out;
}

TEST(DetectSourceSpecTest, EveryKindMakesItsSource) {
    EXPECT_EQ(described("interface").at(0).rfind("interface|", 0), 0U);
    EXPECT_NE(described("interface:eth0").at(0).find("eth0"), std::string::npos);
    EXPECT_NE(described("static:192.0.2.7").at(0).find("192.0.2.7"), std::string::npos);
    EXPECT_EQ(described("file:/tmp/address").at(0).rfind("file|", 0), 0U);
    EXPECT_EQ(described("command:/bin/echo 192.0.2.1").at(0).rfind("command|", 0), 0U);
    EXPECT_EQ(described("http:http://127.0.0.1:8245/ip").at(0).rfind("http|", 0), 0U);
    EXPECT_EQ(described("http-json:http://127.0.0.1:8245/ip.json").at(0).rfind("http|", 0), 0U);
    EXPECT_EQ(described("checkip:http://127.0.0.1:8245/checkip").at(0).rfind("http|", 0), 0U);
    EXPECT_EQ(described("dns:127.0.0.1:5353/whoami.dyn.example.test").at(0).rfind("dns|", 0), 0U);
    EXPECT_EQ(described("dns:127.0.0.1/whoami.dyn.example.test/txt").size(), 1U);
    EXPECT_EQ(described("dns:opendns").size(), 1U);
    EXPECT_EQ(described("stun:127.0.0.1:3478").at(0).rfind("stun|", 0), 0U);
    EXPECT_EQ(described("stun:[::1]:3478").size(), 1U);
    EXPECT_EQ(described("myip:127.0.0.1").at(0).rfind("myip|", 0), 0U);
}

TEST(DetectSourceSpecTest, PresetsStandForTheirLists) {
    EXPECT_GE(described("dns").size(), 3U);
    EXPECT_GE(described("stun").size(), 1U);
    EXPECT_EQ(described("http").size(), 1U);  // one source trying the known services in turn
    EXPECT_EQ(defaultSourceSpecs().front(), "interface");
}

TEST(DetectSourceSpecTest, ErrorsSayWhatIsWrong) {
    const std::pair<const char*, const char*> bad[] = {
        {"teleport", "unknown source"},
        {"static:nope", "not an address"},
        {"static:", "nothing after ':'"},
        {"file", "needs a path"},
        {"command", "needs a program"},
        {"command:   ", "needs a program"},
        {"http-json", "needs a URL"},
        {"http:ftp://example.test/", "http:// or https://"},
        {"dns:nowhere", "neither opendns"},
        {"dns:resolver.example.test/whoami.example.test", "must be an address"},
        {"dns:127.0.0.1:0/whoami.example.test", "bad port"},
        {"dns:127.0.0.1/", "no name"},
        {"stun:[::1", "missing ']'"},
        {"stun:host:99999", "bad port"},
        {"myip", "needs a server"},
    };
    for (const auto& [spec, why] : bad) {
        const auto made = sourcesFromSpec(spec);
        ASSERT_FALSE(made) << spec;
        EXPECT_NE(made.message().find(why), std::string::npos) << spec << ": " << made.message();
    }
}

TEST(DetectSourceSpecTest, CommandArgumentsAreSplitAtBlanksNeverByAShell) {
#ifdef _WIN32
    GTEST_SKIP() << "runs /bin/echo; tests/windows runs the Windows command runner under Wine";
#else
    // The argument reaches the program as it is: "$(id)" is not expanded.
    auto made = sourcesFromSpec("command:/bin/echo $(id)");
    ASSERT_TRUE(made) << made.message();
    auto answer = made->at(0)->detect(AddressFamily::V4);
    ASSERT_FALSE(answer);
    EXPECT_NE(answer.message().find("$(id)"), std::string::npos) << answer.message();
#endif
}

}  // namespace detect_source_spec_test
}  // namespace
}  // namespace qdyn::detect
