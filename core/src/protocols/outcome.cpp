// Names and properties of the outcome classes.
#include "qdyn/protocols/outcome.hpp"

namespace qdyn {

std::string_view toString(OutcomeClass outcome) noexcept {
    switch (outcome) {
        case OutcomeClass::Updated: return "updated";
        case OutcomeClass::Unchanged: return "unchanged";
        case OutcomeClass::RetryLater: return "retry-later";
        case OutcomeClass::AuthFailed: return "auth-failed";
        case OutcomeClass::HostRejected: return "host-rejected";
        case OutcomeClass::Abuse: return "abuse";
        case OutcomeClass::ClockSkew: return "clock-skew";
    }
    return "unknown";
}

std::optional<OutcomeClass> parseOutcomeClass(std::string_view text) noexcept {
    for (const auto outcome : {OutcomeClass::Updated, OutcomeClass::Unchanged, OutcomeClass::RetryLater,
                               OutcomeClass::AuthFailed, OutcomeClass::HostRejected, OutcomeClass::Abuse,
                               OutcomeClass::ClockSkew}) {
        if (toString(outcome) == text) return outcome;
    }
    return std::nullopt;
}

bool isStopping(OutcomeClass outcome) noexcept {
    return outcome == OutcomeClass::AuthFailed || outcome == OutcomeClass::HostRejected ||
           outcome == OutcomeClass::Abuse || outcome == OutcomeClass::ClockSkew;
}

bool isSuccess(OutcomeClass outcome) noexcept {
    return outcome == OutcomeClass::Updated || outcome == OutcomeClass::Unchanged;
}

}  // namespace qdyn
