// The agent's keys of a profile (AgentSettings): families, detection sources and policy, poll and
// refresh intervals, verification and hooks. Each key is checked here so a typo fails at load.
#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <sstream>
#include <tuple>
#include <utility>

#include "profile_toml.hpp"
#include "qdyn/crypto/hmac.hpp"
#include "qdyn/agent/verifier.hpp"
#include "qdyn/detect/source_spec.hpp"

namespace qdyn::config {

namespace {

constexpr std::array kAgentKeys{
    std::string_view{"families"},          std::string_view{"detect"},
    std::string_view{"detect_ipv4"},       std::string_view{"detect_ipv6"},
    std::string_view{"agreement"},         std::string_view{"allow_private"},
    std::string_view{"ipv6_interface"},    std::string_view{"ipv6_temporary"},
    std::string_view{"ipv6_deprecated"},   std::string_view{"ipv6_prefer_stable"},
    std::string_view{"ipv6_interface_id"}, std::string_view{"ipv6_prefix_length"},
    std::string_view{"poll_interval"},     std::string_view{"refresh_after"},
    std::string_view{"verify"},            std::string_view{"on_change"},
    std::string_view{"on_failure"},
};

constexpr std::size_t kMaxAgreement = 8;
constexpr std::size_t kMaxSpecs = 32;
constexpr std::size_t kMaxArgv = 64;
constexpr std::chrono::seconds kMinPoll{10};
constexpr std::chrono::seconds kMaxPoll{std::chrono::hours(24)};
// Providers expire hosts idle for 28 days; a refresh must come before that.
constexpr std::chrono::seconds kMaxRefresh{std::chrono::hours(24 * 27)};
constexpr std::chrono::seconds kMinRefresh{std::chrono::hours(1)};

std::string at(const toml::node& node, const Context& context) { return where(context.source, node.source()); }

Result<std::vector<std::string>> stringArray(const toml::node& node, std::string_view key, const Context& context,
                                             std::size_t maxItems) {
    const auto* array = node.as_array();
    if (array == nullptr || array->empty() || array->size() > maxItems) {
        return makeError(at(node, context) + ": \"" + std::string(key) + "\" must be an array of 1 to " +
                         std::to_string(maxItems) + " strings");
    }
    std::vector<std::string> items;
    for (const auto& element : *array) {
        const auto* text = element.as_string();
        if (text == nullptr || text->get().empty()) {
            return makeError(at(element, context) + ": every item of \"" + std::string(key) +
                             "\" must be a non-empty string");
        }
        items.push_back(text->get());
    }
    return items;
}

Result<bool> boolean(const toml::node& node, std::string_view key, const Context& context) {
    const auto* flag = node.as_boolean();
    if (flag == nullptr) return makeError(at(node, context) + ": " + std::string(key) + " must be true or false");
    return flag->get();
}

// 300, "300s", "5m", "12h", "25d".
std::optional<std::chrono::seconds> parseDuration(const toml::node& node) {
    if (const auto* number = node.as_integer()) {
        if (number->get() < 0) return std::nullopt;
        return std::chrono::seconds(number->get());
    }
    const auto* text = node.as_string();
    if (text == nullptr || text->get().size() < 2 || text->get().size() > 12) return std::nullopt;
    const std::string& value = text->get();
    std::int64_t count = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size() - 1, count);
    if (error != std::errc() || end != value.data() + value.size() - 1 || count < 0) return std::nullopt;
    switch (value.back()) {
        case 's': return std::chrono::seconds(count);
        case 'm': return std::chrono::seconds(count * 60);
        case 'h': return std::chrono::seconds(count * 3600);
        case 'd': return std::chrono::seconds(count * 86400);
        default: return std::nullopt;
    }
}

Result<std::chrono::seconds> duration(const toml::node& node, std::string_view key, std::chrono::seconds min,
                                      std::chrono::seconds max, const std::string& range, const Context& context) {
    const auto value = parseDuration(node);
    if (!value || *value < min || *value > max) {
        return makeError(at(node, context) + ": " + std::string(key) + " must be " + range +
                         " (seconds, or a number with s, m, h or d: \"5m\", \"25d\")");
    }
    return *value;
}

Result<void> readFamilies(const toml::node& node, const Context& context, AgentSettings& settings) {
    auto names = stringArray(node, "families", context, 2);
    if (!names) return names.error();
    settings.ipv4 = settings.ipv6 = false;
    for (const auto& name : *names) {
        bool& slot = name == "ipv4" ? settings.ipv4 : settings.ipv6;
        if ((name != "ipv4" && name != "ipv6") || slot) {
            return makeError(at(node, context) + ": families must list \"ipv4\" and/or \"ipv6\", each once");
        }
        slot = true;
    }
    return {};
}

Result<std::vector<std::string>> readSpecs(const toml::node& node, std::string_view key, const Context& context) {
    auto specs = stringArray(node, key, context, kMaxSpecs);
    if (!specs) return specs.error();
    for (const auto& spec : *specs) {
        if (auto sources = detect::sourcesFromSpec(spec); !sources) {
            return makeError(at(node, context) + ": " + std::string(key) + ": " + sources.message());
        }
    }
    return specs;
}

Result<void> readDetection(const toml::table& table, const Context& context, AgentSettings& settings) {
    if (const toml::node* node = table.get("detect")) {
        auto specs = readSpecs(*node, "detect", context);
        if (!specs) return specs.error();
        settings.detectV4 = *specs;
        settings.detectV6 = std::move(*specs);
    }
    for (auto [key, slot] : {std::pair{"detect_ipv4", &settings.detectV4}, std::pair{"detect_ipv6", &settings.detectV6}}) {
        if (const toml::node* node = table.get(key)) {
            auto specs = readSpecs(*node, key, context);
            if (!specs) return specs.error();
            *slot = std::move(*specs);
        }
    }
    if (const toml::node* node = table.get("agreement")) {
        const auto* count = node->as_integer();
        if (count == nullptr || count->get() < 1 || count->get() > static_cast<std::int64_t>(kMaxAgreement)) {
            return makeError(at(*node, context) + ": agreement must be 1 to 8 sources");
        }
        settings.agreement = static_cast<std::size_t>(count->get());
    }
    if (const toml::node* node = table.get("allow_private")) {
        auto flag = boolean(*node, "allow_private", context);
        if (!flag) return flag.error();
        settings.allowPrivate = *flag;
    }
    return {};
}

Result<void> readIpv6Policy(const toml::table& table, const Context& context, detect::Ipv6Policy& policy) {
    auto interfaceName = optionalString(table, "ipv6_interface", context);
    if (!interfaceName) return interfaceName.error();
    policy.interfaceName = std::move(*interfaceName);
    for (auto [key, slot, invert] : {std::tuple{"ipv6_temporary", &policy.skipTemporary, true},
                                     std::tuple{"ipv6_deprecated", &policy.skipDeprecated, true},
                                     std::tuple{"ipv6_prefer_stable", &policy.preferStable, false}}) {
        if (const toml::node* node = table.get(key)) {
            auto flag = boolean(*node, key, context);
            if (!flag) return flag.error();
            *slot = invert ? !*flag : *flag;
        }
    }
    if (const toml::node* node = table.get("ipv6_interface_id")) {
        const auto* text = node->as_string();
        const auto id = text != nullptr ? IpAddress::parse(text->get()) : std::nullopt;
        if (!id || !id->isV6()) {
            return makeError(at(*node, context) + ": ipv6_interface_id must be an IPv6 address such as ::1234:5678:9abc:def0");
        }
        policy.interfaceId = *id;
    }
    if (const toml::node* node = table.get("ipv6_prefix_length")) {
        const auto* length = node->as_integer();
        if (length == nullptr || length->get() < 1 || length->get() > 127) {
            return makeError(at(*node, context) + ": ipv6_prefix_length must be 1 to 127");
        }
        if (!policy.interfaceId) return makeError(at(*node, context) + ": ipv6_prefix_length needs ipv6_interface_id");
        policy.prefixLength = static_cast<unsigned>(length->get());
    }
    return {};
}

Result<void> readVerify(const toml::node& node, const Context& context, AgentSettings& settings) {
    if (const auto* flag = node.as_boolean()) {
        settings.verify = flag->get() ? VerifyMode::Auto : VerifyMode::Off;
        return {};
    }
    auto servers = stringArray(node, "verify", context, 16);
    if (!servers) {
        return makeError(at(node, context) +
                         ": verify must be true, false or an array of servers (\"192.0.2.53\", \"[2001:db8::53]:5353\")");
    }
    for (const auto& server : *servers) {
        if (auto parsed = agent::parseServerAddress(server); !parsed) {
            return makeError(at(node, context) + ": verify: " + parsed.message());
        }
    }
    settings.verify = VerifyMode::Servers;
    settings.verifyServers = std::move(*servers);
    return {};
}

Result<void> readHooks(const toml::table& table, const Context& context, AgentSettings& settings) {
    for (auto [key, slot] : {std::pair{"on_change", &settings.onChange}, std::pair{"on_failure", &settings.onFailure}}) {
        const toml::node* node = table.get(key);
        if (node == nullptr) continue;
        if (node->is_string()) {
            return makeError(at(*node, context) + ": " + key +
                             " is run without a shell, so give it as an array: [\"/usr/local/bin/notify\", \"--quiet\"]");
        }
        auto argv = stringArray(*node, key, context, kMaxArgv);
        if (!argv) return argv.error();
        *slot = std::move(*argv);
    }
    return {};
}

}  // namespace

std::span<const std::string_view> agentSettingKeys() noexcept { return kAgentKeys; }

Result<void> readAgentSettings(const toml::table& table, const Context& context, AgentSettings& settings) {
    if (const toml::node* node = table.get("families")) {
        if (auto families = readFamilies(*node, context, settings); !families) return families;
    }
    if (auto detection = readDetection(table, context, settings); !detection) return detection;
    if (auto policy = readIpv6Policy(table, context, settings.ipv6Policy); !policy) return policy;
    if (const toml::node* node = table.get("poll_interval")) {
        auto poll = duration(*node, "poll_interval", kMinPoll, kMaxPoll, "10 s to 1 day", context);
        if (!poll) return poll.error();
        settings.pollInterval = *poll;
    }
    if (const toml::node* node = table.get("refresh_after")) {
        auto refresh = duration(*node, "refresh_after", kMinRefresh, kMaxRefresh,
                                "1 hour to 27 days (providers expire hosts idle for 28 days)", context);
        if (!refresh) return refresh.error();
        settings.refreshAfter = *refresh;
    }
    if (const toml::node* node = table.get("verify")) {
        if (auto verify = readVerify(*node, context, settings); !verify) return verify;
    }
    return readHooks(table, context, settings);
}

std::string canonicalDefinition(const toml::table& table) {
    std::ostringstream text;
    text << toml::toml_formatter(table, toml::format_flags::none);
    return text.str();
}

std::string Profile::fingerprint() const {
    const std::string& canonical = definition;
    constexpr std::string_view kKey = "qdyn profile fingerprint v1";
    const std::string_view secret = password.reveal();
    const std::array<std::span<const std::uint8_t>, 3> parts{crypto::asBytes(canonical), crypto::asBytes(std::string_view("\0", 1)),
                                                             crypto::asBytes(secret)};
    auto mac = crypto::hmac(crypto::HmacAlgorithm::Sha256, crypto::asBytes(kKey), parts);
    if (!mac) return std::string();  // no OpenSSL HMAC: no fingerprint, stops then hold until reset
    mac->resize(8);
    return crypto::hexEncode(*mac);
}

}  // namespace qdyn::config
