// A profile tried without changing anything: the addresses its detection would publish (its own
// sources, agreement and IPv6 policy, per family) and whether the server accepts its credentials.
// One implementation for `qdyn profile test` and the tray app's Test button.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "qdyn/config/profile.hpp"
#include "qdyn/detect/detector.hpp"
#include "qdyn/ip_address.hpp"
#include "qdyn/protocols/protocol.hpp"
#include "qdyn/result.hpp"

namespace qdyn::agent {

struct ProfileCheckOptions {
    bool detect = true;  // false: only the credentials (`qdyn profile test --no-detect`)
};

struct ProfileCheck {
    // One report per family the profile keeps, IPv4 first; empty when detection was not asked for.
    std::vector<detect::DetectionReport> detection;
    CredentialCheck credentials;

    // The families the detection found nothing publishable for, in report order.
    [[nodiscard]] std::vector<AddressFamily> familiesWithoutAddress() const;
    // True when the server refused the credentials or could not be asked (Invalid or Unknown).
    [[nodiscard]] bool credentialsFailed() const noexcept;
};

// Detects (when asked), then asks the protocol to check the credentials. Blocking: every source
// and the server are bounded by their own timeouts, so run it off a UI thread. An Error only for
// a profile that cannot be tried at all (a detection source that cannot be made, a protocol that
// cannot be built), never for what the network or the server answered.
Result<ProfileCheck> checkProfile(const config::Profile& profile, const ProfileCheckOptions& options = {});

// "IPv4" or "IPv6".
std::string_view familyName(AddressFamily family) noexcept;

// The result in plain lines, as `qdyn profile test` prints them after its first line: per family
// "IPv4: ADDRESS (reason)" or "IPv4: none (reason)", each source that gave nothing usable
// indented below it with why, then "credentials: ...". Never a secret.
std::vector<std::string> describeCheck(const ProfileCheck& check);

// What "credentials: " is followed by: "valid: ...", "not checked: ...", "refused (class, code): ...",
// "could not be checked (class, code): ...".
std::string describeCredentials(const CredentialCheck& check);

}  // namespace qdyn::agent
