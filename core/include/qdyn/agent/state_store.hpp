// StateStore: what was last published for each host and address family, kept in one small
// file per profile that is replaced atomically, so a crash never leaves half a state.
// Its job: no update when nothing changed, a refresh before providers expire idle hosts.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "qdyn/ip_address.hpp"
#include "qdyn/result.hpp"

namespace qdyn::agent {

struct PublishedAddress {
    IpAddress address;
    std::chrono::system_clock::time_point when;
};

class StateStore {
public:
    // A missing file is an empty state. A corrupt one is reported through warning() and
    // treated as empty: the worst case is one redundant update, never a lost one.
    static StateStore open(const std::filesystem::path& file);

    [[nodiscard]] std::optional<PublishedAddress> published(const std::string& host, AddressFamily family) const;
    void recordPublished(const std::string& host, const IpAddress& address, std::chrono::system_clock::time_point when);

    // Writes to a temporary file in the same directory, flushes it to disk, then renames it over
    // the old one. Creates the directory (mode 0700) when needed.
    Result<void> save() const;

    [[nodiscard]] const std::string& warning() const noexcept { return m_warning; }
    [[nodiscard]] const std::filesystem::path& file() const noexcept { return m_file; }

private:
    std::filesystem::path m_file;
    std::map<std::pair<std::string, AddressFamily>, PublishedAddress> m_entries;
    std::string m_warning;
};

// $QDYN_STATE_DIR, else /var/lib/qdyn for root, else $XDG_STATE_HOME (or ~/.local/state)/qdyn.
std::filesystem::path defaultStateDirectory();

// Hosts whose published address is older than this get refreshed even when unchanged
// (dyndns2 providers expire hosts idle for 28 days or more).
inline constexpr std::chrono::hours kRefreshAfter{24 * 25};

}  // namespace qdyn::agent
