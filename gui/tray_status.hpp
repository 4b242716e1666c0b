// What the tray shows at a glance: one line per host (where it points, since when, what is wrong)
// and the state of the whole app. Qt-free, so the rules are tested as plain data.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "qdyn/agent/agent.hpp"
#include "qdyn/config/profile.hpp"
#include "qdyn/ip_address.hpp"

namespace qdyn::gui {

// The icon's four faces. Attention means "a name may not point home": the user should look.
enum class TrayState { UpToDate, Updating, Attention, Paused };
std::string_view toString(TrayState state) noexcept;

struct HostLine {
    std::string profile;
    std::string host;
    std::vector<IpAddress> published;  // what the agent last published (state file)
    agent::TimePoint lastChange{};     // epoch: never changed by this agent
    std::string problem;               // plain words; empty when the name points home

    [[nodiscard]] bool ok() const noexcept { return problem.empty(); }
};

struct StatusSnapshot {
    std::vector<HostLine> hosts;
    std::string profileError;  // the profile file could not be read (the running profiles stay)
    std::filesystem::path profilePath;
    bool cycleDone = false;  // at least one cycle ran since the app started
};

// The face of the icon: Paused wins, then a running cycle, then any problem (a broken profile
// file, no profile at all, a host that is not up to date), else UpToDate.
TrayState trayState(const StatusSnapshot& snapshot, bool paused, bool updating);

// The snapshot after a cycle (or, with no report, from the state files alone, at start):
// every host of every profile, its published addresses and last change from the state files,
// its problem from the report's action for it.
StatusSnapshot makeSnapshot(const config::ProfileSet& profiles, const std::filesystem::path& stateDir,
                            const agent::CycleReport* report);

// The problem a host report describes, or "" when the host points home.
std::string problemOf(const agent::HostReport& host);

// The tooltip: a headline, then one line per host ("home.example.net 198.51.100.7, changed
// 5 min ago" or its problem), at most `maxHosts` of them and "and N more". Windows cuts tray
// tooltips at 127 characters, so the headline alone must say what matters.
std::string tooltipText(const StatusSnapshot& snapshot, TrayState state, agent::TimePoint now,
                        std::size_t maxHosts = 6);
// "198.51.100.7, 2001:db8::7" (or with another separator).
std::string addressList(const std::vector<IpAddress>& addresses, std::string_view separator);

// The headline alone ("All 3 names up to date", "2 names need attention", "Paused").
std::string headline(const StatusSnapshot& snapshot, TrayState state);

}  // namespace qdyn::gui
