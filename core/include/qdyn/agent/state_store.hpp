// StateStore: what the agent knows about one profile across runs: for each host the last address
// published per family, the last attempt and its outcome, the backoff in progress, and any stop.
// One small JSON file per profile, replaced atomically, so a crash never leaves half a state.
// Its jobs: no update when nothing changed, a refresh before providers expire idle hosts, and
// stops that survive restarts until the profile changes or `qdyn reset`.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/ip_address.hpp"
#include "qdyn/protocols/outcome.hpp"
#include "qdyn/result.hpp"

namespace qdyn::agent {

using TimePoint = std::chrono::system_clock::time_point;

struct PublishedAddress {
    IpAddress address;
    TimePoint when;
};

// A fatal reply: the profile (AuthFailed, Abuse) or one host (HostRejected) sends nothing more
// until the profile's fingerprint differs from the one recorded here, or `qdyn reset`.
struct Stop {
    OutcomeClass outcome = OutcomeClass::AuthFailed;
    std::string code;    // the server's word: "badauth", "abuse", "nohost"
    std::string detail;  // the protocol's explanation
    TimePoint since{};
    std::string fingerprint;  // the profile's fingerprint when it stopped
};

struct HostState {
    std::optional<PublishedAddress> v4;
    std::optional<PublishedAddress> v6;
    TimePoint lastChange{};  // the last update that changed an address (epoch: never)

    // The last request sent for this host.
    std::optional<OutcomeClass> lastOutcome;
    std::string lastCode;
    std::string lastDetail;
    TimePoint lastAttempt{};

    unsigned failures = 0;     // RetryLater (or ClockSkew) replies in a row
    TimePoint retryAt{};       // nothing is sent before this (backoff); epoch: no backoff
    unsigned unchangedReplies = 0;  // "already had it" replies in a row to updates that were sent
    std::optional<Stop> stop;  // HostRejected

    [[nodiscard]] const std::optional<PublishedAddress>& published(AddressFamily family) const {
        return family == AddressFamily::V4 ? v4 : v6;
    }
};

class StateStore {
public:
    // A missing file is an empty state. A corrupt one is reported through warning() and treated
    // as empty: the worst case is one redundant update, never a lost one. (A stop is lost with
    // it; the next fatal reply records it again: one request, not a loop.)
    static StateStore open(const std::filesystem::path& file);
    // The same from the file's content (the fuzz target's entry).
    static StateStore parse(std::string_view content, const std::filesystem::path& file);

    [[nodiscard]] std::optional<PublishedAddress> published(const std::string& host, AddressFamily family) const;
    void recordPublished(const std::string& host, const IpAddress& address, TimePoint when);

    [[nodiscard]] const HostState* find(const std::string& host) const;
    HostState& host(const std::string& host);
    [[nodiscard]] const std::map<std::string, HostState>& hosts() const noexcept { return m_hosts; }
    // Drops hosts no longer in the profile.
    void retainOnly(const std::vector<std::string>& hosts);

    std::optional<Stop> profileStop;

    // Clears every stop and backoff (qdyn reset); published addresses stay.
    void clearStopsAndBackoff();

    // Writes to a temporary file in the same directory, flushes it to disk, then renames it over
    // the old one. Creates the directory (mode 0700) when needed; the file is 0600.
    Result<void> save() const;
    // The file's content as save() writes it.
    [[nodiscard]] std::string serialize() const;

    [[nodiscard]] const std::string& warning() const noexcept { return m_warning; }
    [[nodiscard]] const std::filesystem::path& file() const noexcept { return m_file; }

private:
    std::filesystem::path m_file;
    std::map<std::string, HostState> m_hosts;
    std::string m_warning;
};

// The state of a profile lives in <state dir>/<profile name>.state.
std::filesystem::path stateFile(const std::filesystem::path& stateDir, const std::string& profileName);

// $QDYN_STATE_DIR, else /var/lib/qdyn for root, else $XDG_STATE_HOME (or ~/.local/state)/qdyn.
std::filesystem::path defaultStateDirectory();

// Hosts whose published address is older than this get refreshed even when unchanged
// (dyndns2 providers expire hosts idle for 28 days or more). Profiles may say refresh_after.
inline constexpr std::chrono::hours kRefreshAfter{24 * 25};

}  // namespace qdyn::agent
