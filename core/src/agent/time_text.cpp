// Formatting of times (UTC, so logs from machines in different zones line up) and durations.
#include "qdyn/agent/time_text.hpp"

#include <cstdio>

namespace qdyn::agent {

std::string formatTime(std::chrono::system_clock::time_point when) {
    if (when == std::chrono::system_clock::time_point{}) return "never";
    const auto days = std::chrono::floor<std::chrono::days>(when);
    const std::chrono::year_month_day date{days};
    const std::chrono::hh_mm_ss time{std::chrono::floor<std::chrono::seconds>(when - days)};
    char text[128];  // room for any value the fields could hold, so the compiler sees no truncation
    std::snprintf(text, sizeof text, "%04d-%02u-%02u %02ld:%02ld:%02ld UTC", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<long>(time.hours().count()), static_cast<long>(time.minutes().count()),
                  static_cast<long>(time.seconds().count()));
    return text;
}

std::string formatDuration(std::chrono::seconds duration) {
    const long long s = duration.count() < 0 ? 0 : duration.count();
    if (s < 120) return std::to_string(s) + " s";
    if (s < 7200) return std::to_string((s + 30) / 60) + " min";
    if (s < 2 * 86400) {
        const long long minutes = (s % 3600) / 60;
        return std::to_string(s / 3600) + " h" + (minutes != 0 ? " " + std::to_string(minutes) + " min" : "");
    }
    return std::to_string(s / 86400) + " days";
}

}  // namespace qdyn::agent
