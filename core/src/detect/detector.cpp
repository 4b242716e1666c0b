// Detector: sources in order, fallback on errors, checkAddress on every answer, the IPv6 policy,
// the required agreement and per-source backoff. Everything it decides is written into the
// report in plain words, because "why did qdyn publish that?" must have an answer.
#include "qdyn/detect/detector.hpp"

#include <algorithm>
#include <utility>

namespace qdyn::detect {

namespace {

std::vector<Detector::SourceList::value_type> nonNull(Detector::SourceList list) {
    std::erase(list, nullptr);
    return list;
}

std::string seconds(std::chrono::milliseconds duration) {
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(duration + std::chrono::milliseconds(999));
    return std::to_string(s.count()) + " s";
}

}  // namespace

std::string_view toString(SourceStatus status) noexcept {
    switch (status) {
        case SourceStatus::Answered: return "answered";
        case SourceStatus::Failed: return "failed";
        case SourceStatus::BackingOff: return "backing off";
        case SourceStatus::NotAsked: return "not asked";
    }
    return "not asked";
}

Detector::Detector(SourceList v4Sources, SourceList v6Sources, DetectorOptions options)
    : m_options(std::move(options)) {
    if (!m_options.now) m_options.now = [] { return std::chrono::steady_clock::now(); };
    if (m_options.requiredAgreement == 0) m_options.requiredAgreement = 1;
    for (auto& source : nonNull(std::move(v4Sources))) m_v4.push_back({std::move(source)});
    for (auto& source : nonNull(std::move(v6Sources))) m_v6.push_back({std::move(source)});
}

std::chrono::milliseconds Detector::backoffAfter(unsigned failures) const {
    auto delay = m_options.backoff.initial;
    for (unsigned i = 1; i < failures && delay < m_options.backoff.max; ++i) delay *= 2;
    return std::min(delay, m_options.backoff.max);
}

// Fills an answered source's report: every candidate with its verdict, then the one address
// this source stands for (the IPv6 policy for IPv6, the first publishable one for IPv4).
void Detector::answer(SourceReport& report, AddressFamily family, std::vector<Candidate> candidates) const {
    for (auto& candidate : candidates) {
        Checked checked = checkAddress(candidate.address, m_options.check);
        if (candidate.address.family() != family) checked = {Verdict::Rejected, "wrong address family"};
        report.candidates.push_back({std::move(candidate), std::move(checked)});
    }
    if (family == AddressFamily::V6) {
        std::vector<Candidate> plain;
        plain.reserve(report.candidates.size());
        for (const auto& checked : report.candidates) plain.push_back(checked.candidate);
        Ipv6Choice choice = chooseIpv6(plain, m_options.ipv6, m_options.check);
        report.answer = choice.address;
        report.behindNat = choice.behindNat;
        report.note = std::move(choice.reason);
        for (const auto& skipped : choice.skipped) {
            report.note += "; skipped " + skipped.address.toString() + ": " + skipped.why;
        }
        return;
    }
    for (const auto& checked : report.candidates) {
        if (checked.check.verdict == Verdict::Publishable) {
            report.answer = checked.candidate.address;
            report.note = checked.check.why;
            return;
        }
        if (checked.check.verdict == Verdict::BehindNat && !report.behindNat) {
            report.behindNat = checked.candidate.address;
        }
    }
    if (report.behindNat) {
        report.note = "only " + report.behindNat->toString() + " (behind NAT)";
    } else if (report.candidates.empty()) {
        report.note = "no address reported";
    } else {
        report.note = "no usable address: " + report.candidates.front().candidate.address.toString() + " is " +
                      report.candidates.front().check.why;
    }
}

DetectionReport Detector::detect(AddressFamily family) {
    DetectionReport report;
    report.family = family;
    std::vector<Slot>& slots = family == AddressFamily::V4 ? m_v4 : m_v6;
    const std::size_t needed = m_options.requiredAgreement;
    const auto now = m_options.now();

    std::vector<IpAddress> votes;
    for (Slot& slot : slots) {
        SourceReport& source = report.sources.emplace_back();
        source.kind = std::string(slot.source->kind());
        source.description = slot.source->describe();
        if (votes.size() >= needed) continue;  // NotAsked
        if (slot.failures > 0 && now < slot.retryAt) {
            source.status = SourceStatus::BackingOff;
            source.error = "failed " + std::to_string(slot.failures) + " time(s); next try in " +
                           seconds(std::chrono::duration_cast<std::chrono::milliseconds>(slot.retryAt - now));
            continue;
        }
        auto result = slot.source->detect(family);
        if (!result) {
            source.status = SourceStatus::Failed;
            source.error = result.message();
            ++slot.failures;
            slot.retryAt = now + backoffAfter(slot.failures);
            continue;
        }
        slot.failures = 0;
        source.status = SourceStatus::Answered;
        answer(source, family, std::move(result).value());
        if (source.answer) votes.push_back(*source.answer);
        if (source.behindNat) report.behindNat = true;
    }

    const std::string familyName(toString(family));
    if (votes.empty()) {
        const bool anyAnswered = std::any_of(report.sources.begin(), report.sources.end(),
                                             [](const SourceReport& s) { return s.status == SourceStatus::Answered; });
        if (report.sources.empty()) {
            report.reason = "no " + familyName + " source is configured";
        } else if (report.behindNat) {
            report.reason = "behind NAT: sources saw only private or shared addresses and none reported a public " +
                            familyName + " address (allow private addresses in the profile to publish them)";
        } else if (anyAnswered) {
            report.reason = "no source reported a publishable " + familyName + " address";
        } else {
            report.reason = "every " + familyName + " source failed or is backing off";
        }
        return report;
    }
    if (votes.size() < needed) {
        report.reason = "only " + std::to_string(votes.size()) + " of the " + std::to_string(needed) +
                        " agreeing sources required reported an address";
        return report;
    }
    const bool agree = std::all_of(votes.begin(), votes.end(), [&](const IpAddress& v) { return v == votes.front(); });
    if (!agree) {
        report.disagreement = true;
        report.reason = "sources disagree:";
        for (const auto& source : report.sources) {
            if (source.answer) report.reason += " " + source.description + " says " + source.answer->toString() + ";";
        }
        report.reason += " nothing is published";
        return report;
    }
    report.chosen = votes.front();
    const auto first = std::find_if(report.sources.begin(), report.sources.end(),
                                    [](const SourceReport& s) { return s.answer.has_value(); });
    report.reason = needed == 1 ? first->description + " reported it (" + first->note + ")"
                                : std::to_string(needed) + " sources agree";
    return report;
}

}  // namespace qdyn::detect
