// Hooks run through the same argv-only runner as the command address source.
#include "qdyn/agent/hooks.hpp"

#include "../detect/command_runner.hpp"

namespace qdyn::agent {

namespace {

constexpr std::size_t kMaxValue = 512;

std::string clean(std::string_view value) {
    std::string out;
    out.reserve(std::min(value.size(), kMaxValue));
    for (char c : value.substr(0, kMaxValue)) {
        const auto octet = static_cast<unsigned char>(c);
        out += (octet < 0x20 || octet == 0x7f) ? ' ' : c;
    }
    return out;
}

}  // namespace

std::vector<std::string> hookEnvironment(const HookEvent& event) {
    const std::string& oldFirst = !event.newIpv4.empty() ? event.oldIpv4 : event.oldIpv6;
    const std::string& newFirst = !event.newIpv4.empty() ? event.newIpv4 : event.newIpv6;
    return {
        "QDYN_EVENT=" + clean(event.event),       "QDYN_PROFILE=" + clean(event.profile),
        "QDYN_HOST=" + clean(event.host),         "QDYN_OUTCOME=" + clean(event.outcome),
        "QDYN_CODE=" + clean(event.code),         "QDYN_DETAIL=" + clean(event.detail),
        "QDYN_OLD_ADDRESS=" + clean(oldFirst),    "QDYN_NEW_ADDRESS=" + clean(newFirst),
        "QDYN_OLD_IPV4=" + clean(event.oldIpv4),  "QDYN_NEW_IPV4=" + clean(event.newIpv4),
        "QDYN_OLD_IPV6=" + clean(event.oldIpv6),  "QDYN_NEW_IPV6=" + clean(event.newIpv6),
    };
}

Result<void> runHook(const std::vector<std::string>& argv, const HookEvent& event, std::chrono::milliseconds timeout) {
    auto run = detect::runCommand(argv, timeout, 64 * 1024, hookEnvironment(event));
    if (!run) return run.error();
    if (run->signal != 0) return makeError(argv.front() + " was killed by signal " + std::to_string(run->signal));
    if (run->exitCode != 0) {
        std::string message = argv.front() + " exited with status " + std::to_string(run->exitCode);
        if (!run->errHead.empty()) message += ": " + clean(run->errHead.substr(0, 200));
        return makeError(std::move(message));
    }
    return {};
}

}  // namespace qdyn::agent
