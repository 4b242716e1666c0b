// The provider catalog: every row names a registered protocol, a well-formed name and IPv6
// convention, and the public services the README promises are present.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "qdyn/config/profile.hpp"
#include "qdyn/protocols/custom.hpp"
#include "qdyn/protocols/dyndns2.hpp"
#include "qdyn/protocols/registry.hpp"
#include "qdyn/providers/catalog.hpp"

namespace qdyn::providers {
namespace {
namespace provider_catalog_test {

bool isNameCharacter(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

TEST(ProviderCatalogTest, TheRequiredProvidersArePresent) {
    for (const char* name : {"dyn", "noip", "dynu", "desec", "dynv6", "nsupdate-info", "dnsomatic", "he", "ovh",
                             "strato", "nanodnsd", "minidns", "dynonym", "gnudip", "qdyn-server"}) {
        EXPECT_NE(findProvider(name), nullptr) << name;
    }
}

TEST(ProviderCatalogTest, NamesAreUniqueSortedAndLowerCase) {
    std::set<std::string_view> seen;
    for (const Provider& provider : catalog()) {
        EXPECT_FALSE(provider.name.empty());
        EXPECT_TRUE(std::all_of(provider.name.begin(), provider.name.end(), isNameCharacter)) << provider.name;
        EXPECT_TRUE(seen.insert(provider.name).second) << "listed twice: " << provider.name;
        EXPECT_FALSE(provider.title.empty()) << provider.name;
        EXPECT_FALSE(provider.notes.empty()) << provider.name;
        EXPECT_EQ(provider.notes.find('\n'), std::string_view::npos) << "notes are one line: " << provider.name;
    }
    EXPECT_TRUE(std::is_sorted(catalog().begin(), catalog().end(),
                               [](const Provider& a, const Provider& b) { return a.name < b.name; }));
}

// The other protocols are added to the registry by their own change; this test is the list's
// guard that no row points at a protocol qdyn cannot build.
TEST(ProviderCatalogTest, EveryProtocolIsRegistered) {
    for (const Provider& provider : catalog()) {
        EXPECT_NE(findProtocol(provider.protocol), nullptr)
            << provider.name << " names protocol \"" << provider.protocol << "\", which is not in protocolRegistry()";
    }
}

TEST(ProviderCatalogTest, PublicServersAreHttpsAndSelfHostedOnesAreEmpty) {
    for (const char* name : {"nanodnsd", "minidns", "dynonym", "gnudip", "qdyn-server"}) {
        const Provider* provider = findProvider(name);
        ASSERT_NE(provider, nullptr) << name;
        EXPECT_TRUE(provider->server.empty()) << name << " is self-hosted: the profile gives the server";
    }
    for (const Provider& provider : catalog()) {
        if (provider.server.empty()) continue;
        EXPECT_EQ(provider.server.rfind("https://", 0), 0U) << provider.name << ": " << provider.server;
        EXPECT_GT(provider.server.size(), std::string_view("https://").size()) << provider.name;
        EXPECT_NE(provider.server.back(), '/') << provider.name << ": the path is separate";
        if (!provider.path.empty()) {
            EXPECT_EQ(provider.path.front(), '/') << provider.name;
        }
    }
}

// A custom row's path is its URL template, joined to the server as a profile does.
TEST(ProviderCatalogTest, CustomRowsCarryAValidTemplate) {
    std::size_t customRows = 0;
    for (const Provider& provider : catalog()) {
        if (provider.protocol != "custom") continue;
        ++customRows;
        ASSERT_FALSE(provider.server.empty()) << provider.name;
        ASSERT_FALSE(provider.path.empty()) << provider.name;
        const std::string url = std::string(provider.server) + std::string(provider.path);
        const auto valid = custom::checkTemplate(url);
        EXPECT_TRUE(valid) << provider.name << ": " << url << ": " << (valid ? "" : valid.message());
    }
    EXPECT_GE(customRows, 1U);
    EXPECT_EQ(findProvider("dynv6-api")->protocol, "custom");
}

TEST(ProviderCatalogTest, Ipv6ConventionsAreKnownValues) {
    for (const Provider& provider : catalog()) {
        if (provider.ipv6.empty()) continue;
        EXPECT_EQ(provider.protocol, "dyndns2") << provider.name << ": only dyndns2 has IPv6 conventions";
        EXPECT_TRUE(dyndns2::parseIpv6Convention(provider.ipv6).has_value()) << provider.name << ": " << provider.ipv6;
    }
    // Spot checks against the providers' documentation.
    EXPECT_EQ(findProvider("dynu")->ipv6, "myipv6");
    EXPECT_EQ(findProvider("desec")->ipv6, "myipv6");
    EXPECT_EQ(findProvider("noip")->ipv6, "comma");
    EXPECT_EQ(findProvider("nsupdate-info")->ipv6, "separate");
}

// Every row is usable as written: a profile naming it (plus the server of a self-hosted one)
// loads, and the protocol registry builds its client.
TEST(ProviderCatalogTest, EveryRowLoadsAsAProfileAndBuildsAClient) {
    for (const Provider& provider : catalog()) {
        std::string text = "[profile.p]\nprovider = \"" + std::string(provider.name) +
                           "\"\nhosts = [\"home.example.test\"]\nusername = \"user\"\npassword = \"secret\"\n";
        if (provider.server.empty()) text += "server = \"http://127.0.0.1:8245\"\n";
        const auto profiles = config::parseProfiles(text, "catalog-row.toml");
        ASSERT_TRUE(profiles) << provider.name << ": " << profiles.message();
        ASSERT_EQ(profiles->profiles.size(), 1U);
        const config::Profile& profile = profiles->profiles.front();
        EXPECT_EQ(profile.protocol, provider.protocol) << provider.name;
        const auto client = makeProtocol(profile);
        EXPECT_TRUE(client) << provider.name << ": " << (client ? "" : client.message());
    }
}

TEST(ProviderCatalogTest, FindIsCaseInsensitiveAndNullForUnknownNames) {
    const Provider* dynu = findProvider("dynu");
    ASSERT_NE(dynu, nullptr);
    EXPECT_EQ(dynu->name, "dynu");
    EXPECT_EQ(findProvider("DYNU"), dynu);
    EXPECT_EQ(findProvider("DyNu"), dynu);
    EXPECT_EQ(findProvider("NSUPDATE-INFO"), findProvider("nsupdate-info"));
    EXPECT_EQ(findProvider("no-such-provider"), nullptr);
    EXPECT_EQ(findProvider(""), nullptr);
    EXPECT_EQ(findProvider("dyn "), nullptr);
    EXPECT_EQ(findProvider("dy"), nullptr);  // a prefix is not a name
    EXPECT_EQ(findProvider("dynux"), nullptr);
}

}  // namespace provider_catalog_test
}  // namespace
}  // namespace qdyn::providers
