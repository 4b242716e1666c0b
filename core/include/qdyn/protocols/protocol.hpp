// UpdateProtocol: the one interface every update protocol implements. A protocol owns only the
// wire; when to update, backoff and stopping belong to the agent.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qdyn/ip_address.hpp"
#include "qdyn/protocols/outcome.hpp"

namespace qdyn {

// What checkCredentials() found out. Kept apart from the outcome classes because "the server
// accepted the login" is neither Updated nor Unchanged, and "could not ask" is not "refused".
struct CredentialCheck {
    enum class Status {
        Valid,         // the server accepted the credentials; nothing was changed
        Invalid,       // the server refused them (outcome: AuthFailed, Abuse, HostRejected, ...)
        Unknown,       // the check could not be made (network, busy server: outcome RetryLater, ClockSkew)
        NotSupported,  // the protocol has no request that checks without changing a record (reason)
    };
    Status status = Status::NotSupported;
    // Valid: the server's answer (code, detail); Invalid and Unknown: why, with the class that
    // decides the exit code. The host field is empty: a check concerns the account, not a host.
    HostOutcome outcome;
    std::string reason;  // NotSupported: why, in one sentence

    static CredentialCheck valid(std::string code, std::string detail) {
        return make(Status::Valid, OutcomeClass::Unchanged, std::move(code), std::move(detail));
    }
    // Invalid for a class that stops (the server said no), Unknown for one that heals by itself.
    static CredentialCheck failed(OutcomeClass outcome, std::string code, std::string detail) {
        const Status status = outcome == OutcomeClass::RetryLater || outcome == OutcomeClass::ClockSkew
                                  ? Status::Unknown
                                  : Status::Invalid;
        return make(status, outcome, std::move(code), std::move(detail));
    }
    static CredentialCheck notSupported(std::string why) {
        CredentialCheck check;
        check.reason = std::move(why);
        return check;
    }

private:
    static CredentialCheck make(Status status, OutcomeClass outcome, std::string code, std::string detail) {
        CredentialCheck check;
        check.status = status;
        check.outcome.outcome = outcome;
        check.outcome.code = std::move(code);
        check.outcome.detail = std::move(detail);
        return check;
    }
};

// "valid", "invalid", "unknown", "not-supported" (the words of `qdyn profile test --json`).
inline std::string_view toString(CredentialCheck::Status status) noexcept {
    switch (status) {
        case CredentialCheck::Status::Valid: return "valid";
        case CredentialCheck::Status::Invalid: return "invalid";
        case CredentialCheck::Status::Unknown: return "unknown";
        case CredentialCheck::Status::NotSupported: return "not-supported";
    }
    return "unknown";
}

struct UpdateRequest {
    std::vector<std::string> hosts;
    // Absent: let the server take the connecting address, where the protocol allows that.
    std::optional<IpAddress> ipv4;
    std::optional<IpAddress> ipv6;
};

class UpdateProtocol {
public:
    virtual ~UpdateProtocol() = default;
    [[nodiscard]] virtual std::string_view name() const = 0;
    // Exactly one outcome per requested host, in request order. Never throws for network or
    // server trouble: that is an outcome (RetryLater) too.
    virtual std::vector<HostOutcome> update(const UpdateRequest& request) = 0;
    // What update() would send, one line per request, secrets left out (for --dry-run).
    [[nodiscard]] virtual std::vector<std::string> describe(const UpdateRequest& request) const = 0;
    // Asks the server whether the credentials are good WITHOUT changing any record (for
    // `qdyn profile test`). `host` is one of the profile's hosts, for protocols that must find
    // the zone first (RFC 2136). The default: most protocols (dyndns2 and the other HTTP APIs)
    // have no request that logs in without updating, so they are not asked at all.
    virtual CredentialCheck checkCredentials(std::string_view host) {
        (void)host;
        return CredentialCheck::notSupported(std::string(name()) +
                                             " has no request that checks credentials without changing the record");
    }
};

}  // namespace qdyn
