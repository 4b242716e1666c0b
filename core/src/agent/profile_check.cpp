// A profile tried without changing anything (profile_check.hpp).
#include "qdyn/agent/profile_check.hpp"

#include <memory>
#include <utility>

#include "qdyn/detect/source_spec.hpp"
#include "qdyn/protocols/registry.hpp"

namespace qdyn::agent {

namespace {

// The sources a family's specs name; the defaults when it names none. Unlike the agent, which
// skips a bad spec and goes on, a test stops at one: the user asked exactly about this profile.
Result<detect::Detector::SourceList> sourcesOf(const std::vector<std::string>& specs) {
    std::vector<std::string> names = specs;
    if (names.empty()) {
        for (const auto spec : detect::defaultSourceSpecs())
            names.emplace_back(spec);
    }
    detect::Detector::SourceList sources;
    for (const auto& spec : names) {
        auto made = detect::sourcesFromSpec(spec);
        if (!made) return makeError(spec + ": " + made.message());
        sources.insert(sources.end(), made->begin(), made->end());
    }
    return sources;
}

Result<std::vector<detect::DetectionReport>> detectAll(const config::Profile& profile) {
    const config::AgentSettings& agent = profile.agent;
    auto v4 = sourcesOf(agent.detectV4);
    if (!v4) return v4.error();
    auto v6 = sourcesOf(agent.detectV6);
    if (!v6) return v6.error();
    detect::DetectorOptions options;
    options.requiredAgreement = agent.agreement;
    options.check.allowPrivate = agent.allowPrivate;
    options.ipv6 = agent.ipv6Policy;
    detect::Detector detector(std::move(*v4), std::move(*v6), options);
    std::vector<detect::DetectionReport> reports;
    if (agent.ipv4) reports.push_back(detector.detect(AddressFamily::V4));
    if (agent.ipv6) reports.push_back(detector.detect(AddressFamily::V6));
    return reports;
}

}  // namespace

std::vector<AddressFamily> ProfileCheck::familiesWithoutAddress() const {
    std::vector<AddressFamily> missing;
    for (const auto& report : detection) {
        if (!report.chosen) missing.push_back(report.family);
    }
    return missing;
}

bool ProfileCheck::credentialsFailed() const noexcept {
    return credentials.status == CredentialCheck::Status::Invalid ||
           credentials.status == CredentialCheck::Status::Unknown;
}

Result<ProfileCheck> checkProfile(const config::Profile& profile, const ProfileCheckOptions& options) {
    ProfileCheck check;
    // Checking an empty password would only tell the server (and its abuse counter) a wrong one.
    if (const std::string problem = config::keychainPasswordProblem(profile); !problem.empty()) {
        return makeError("profile " + profile.name + ": " + problem);
    }
    if (options.detect) {
        auto detected = detectAll(profile);
        if (!detected) return detected.error();
        check.detection = std::move(*detected);
    }
    auto protocol = makeProtocol(profile);
    if (!protocol) return protocol.error();
    const std::string host = profile.hosts.empty() ? std::string() : profile.hosts.front();
    check.credentials = (*protocol)->checkCredentials(host);
    return check;
}

std::string_view familyName(AddressFamily family) noexcept {
    return family == AddressFamily::V4 ? "IPv4" : "IPv6";
}

std::string describeCredentials(const CredentialCheck& check) {
    switch (check.status) {
        case CredentialCheck::Status::Valid:
            return "valid: " + check.outcome.detail;
        case CredentialCheck::Status::NotSupported:
            return "not checked: " + check.reason;
        case CredentialCheck::Status::Invalid:
            return "refused (" + std::string(toString(check.outcome.outcome)) + ", " + check.outcome.code +
                   "): " + check.outcome.detail;
        case CredentialCheck::Status::Unknown:
            return "could not be checked (" + std::string(toString(check.outcome.outcome)) + ", " + check.outcome.code +
                   "): " + check.outcome.detail;
    }
    return {};
}

std::vector<std::string> describeCheck(const ProfileCheck& check) {
    std::vector<std::string> lines;
    for (const auto& report : check.detection) {
        lines.push_back(std::string(familyName(report.family)) + ": " +
                        (report.chosen ? report.chosen->toString() : std::string("none")) + " (" + report.reason + ")");
        // Why a source gave nothing: its error, or what it said and why that cannot be published.
        for (const auto& source : report.sources) {
            if (source.status == detect::SourceStatus::Failed) {
                lines.push_back("  " + source.description + ": " + source.error);
                continue;
            }
            for (const auto& candidate : source.candidates) {
                if (candidate.check.verdict == detect::Verdict::Publishable) continue;
                lines.push_back("  " + source.description + ": " + candidate.candidate.address.toString() + " [" +
                                std::string(detect::toString(candidate.check.verdict)) + ": " + candidate.check.why +
                                "]");
            }
        }
    }
    lines.push_back("credentials: " + describeCredentials(check.credentials));
    return lines;
}

}  // namespace qdyn::agent
