// StateStore: a JSON document per profile ({"qdyn_state": 1, "stop": ..., "hosts": {...}}); the
// tab-separated files of earlier versions ("host<TAB>v4|v6<TAB>address<TAB>unix-seconds") are
// still read. Every field is checked: the file is ours, but a disk or an editor can break it.
#include "qdyn/agent/state_store.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "qdyn/private_file.hpp"

namespace qdyn::agent {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxStateBytes = 1024 * 1024;
constexpr std::size_t kMaxText = 512;  // code and detail are cut here: they come from servers

struct Corrupt {
    std::string why;
};

long long toUnix(TimePoint when) {
    return std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch()).count();
}

TimePoint fromUnix(const json& value, const char* what) {
    if (!value.is_number_integer() || value.get<long long>() < 0 || value.get<long long>() > 32503680000LL) {
        throw Corrupt{std::string(what) + " is not a time"};
    }
    return TimePoint(std::chrono::seconds(value.get<long long>()));
}

std::string text(const json& value, const char* what) {
    if (!value.is_string()) throw Corrupt{std::string(what) + " is not a string"};
    std::string result = value.get<std::string>();
    if (result.size() > kMaxText) result.resize(kMaxText);
    return result;
}

json stopToJson(const Stop& stop) {
    return json{{"outcome", std::string(toString(stop.outcome))}, {"code", stop.code}, {"detail", stop.detail},
                {"since", toUnix(stop.since)}, {"fingerprint", stop.fingerprint}};
}

Stop stopFromJson(const json& value) {
    if (!value.is_object()) throw Corrupt{"a stop is not an object"};
    Stop stop;
    const auto outcome = parseOutcomeClass(text(value.at("outcome"), "stop outcome"));
    if (!outcome || !isStopping(*outcome)) throw Corrupt{"a stop has no stopping outcome"};
    stop.outcome = *outcome;
    stop.code = text(value.at("code"), "stop code");
    stop.detail = text(value.at("detail"), "stop detail");
    stop.since = fromUnix(value.at("since"), "stop since");
    stop.fingerprint = text(value.at("fingerprint"), "stop fingerprint");
    return stop;
}

json publishedToJson(const PublishedAddress& published) {
    return json{{"address", published.address.toString()}, {"when", toUnix(published.when)}};
}

PublishedAddress publishedFromJson(const json& value, AddressFamily family) {
    if (!value.is_object()) throw Corrupt{"a published address is not an object"};
    const auto address = IpAddress::parse(text(value.at("address"), "address"));
    if (!address || address->family() != family) throw Corrupt{"a published address is not an address of its family"};
    return PublishedAddress{*address, fromUnix(value.at("when"), "published time")};
}

json hostToJson(const HostState& host) {
    json out = json::object();
    if (host.v4) out["v4"] = publishedToJson(*host.v4);
    if (host.v6) out["v6"] = publishedToJson(*host.v6);
    if (host.lastChange != TimePoint{}) out["last_change"] = toUnix(host.lastChange);
    if (host.lastOutcome) {
        out["last"] = json{{"outcome", std::string(toString(*host.lastOutcome))}, {"code", host.lastCode},
                           {"detail", host.lastDetail}, {"when", toUnix(host.lastAttempt)}};
    }
    if (host.failures != 0) out["failures"] = host.failures;
    if (host.retryAt != TimePoint{}) out["retry_at"] = toUnix(host.retryAt);
    if (host.unchangedReplies != 0) out["unchanged_replies"] = host.unchangedReplies;
    if (host.stop) out["stop"] = stopToJson(*host.stop);
    return out;
}

unsigned counter(const json& value, const char* what) {
    if (!value.is_number_unsigned() || value.get<unsigned long long>() > 1000000) throw Corrupt{std::string(what) + " is not a count"};
    return static_cast<unsigned>(value.get<unsigned long long>());
}

HostState hostFromJson(const json& value) {
    if (!value.is_object()) throw Corrupt{"a host is not an object"};
    HostState host;
    if (value.contains("v4")) host.v4 = publishedFromJson(value["v4"], AddressFamily::V4);
    if (value.contains("v6")) host.v6 = publishedFromJson(value["v6"], AddressFamily::V6);
    if (value.contains("last_change")) host.lastChange = fromUnix(value["last_change"], "last_change");
    if (value.contains("last")) {
        const json& last = value["last"];
        if (!last.is_object()) throw Corrupt{"last is not an object"};
        host.lastOutcome = parseOutcomeClass(text(last.at("outcome"), "last outcome"));
        if (!host.lastOutcome) throw Corrupt{"last outcome is not an outcome class"};
        host.lastCode = text(last.at("code"), "last code");
        host.lastDetail = text(last.at("detail"), "last detail");
        host.lastAttempt = fromUnix(last.at("when"), "last time");
    }
    if (value.contains("failures")) host.failures = counter(value["failures"], "failures");
    if (value.contains("retry_at")) host.retryAt = fromUnix(value["retry_at"], "retry_at");
    if (value.contains("unchanged_replies")) host.unchangedReplies = counter(value["unchanged_replies"], "unchanged_replies");
    if (value.contains("stop")) host.stop = stopFromJson(value["stop"]);
    return host;
}

std::vector<std::string_view> splitTabs(std::string_view line) {
    std::vector<std::string_view> fields;
    while (fields.size() < 8) {
        const std::size_t tab = line.find('\t');
        fields.push_back(line.substr(0, tab));
        if (tab == std::string_view::npos) break;
        line.remove_prefix(tab + 1);
    }
    return fields;
}

// The format before the agent kept outcomes: only published addresses.
void readTabSeparated(std::string_view content, StateStore& store) {
    std::size_t lineNumber = 0;
    while (!content.empty()) {
        const std::size_t end = content.find('\n');
        const std::string_view line = content.substr(0, end);
        content.remove_prefix(end == std::string_view::npos ? content.size() : end + 1);
        ++lineNumber;
        if (line.empty() || line[0] == '#') continue;
        const auto fields = splitTabs(line);
        const auto address = fields.size() == 4 ? IpAddress::parse(fields[2]) : std::nullopt;
        const bool familyOk = address && ((fields[1] == "v4" && address->isV4()) || (fields[1] == "v6" && address->isV6()));
        long long seconds = -1;
        if (familyOk && !fields[3].empty() && fields[3].size() <= 12 &&
            std::all_of(fields[3].begin(), fields[3].end(), [](char c) { return c >= '0' && c <= '9'; })) {
            seconds = std::stoll(std::string(fields[3]));
        }
        if (seconds < 0 || fields[0].empty()) throw Corrupt{"line " + std::to_string(lineNumber) + " is unreadable"};
        store.recordPublished(std::string(fields[0]), *address, TimePoint(std::chrono::seconds(seconds)));
    }
}

Result<void> writeDurably(const std::filesystem::path& file, const std::string& content) {
    std::error_code ec;
    const std::filesystem::path dir = file.parent_path();
    if (!dir.empty() && !std::filesystem::exists(dir, ec)) {
        std::filesystem::create_directories(dir, ec);
        if (ec) return makeError("cannot create state directory " + dir.string() + ": " + ec.message());
        std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
    }
    FileReplaceOptions options;
    // 0600 on POSIX, whatever the file had, as it has always been; on Windows the folder's list:
    // the state holds addresses and outcomes, no secret.
    options.forcedMode = 0600;
    options.accessList = AccessList::Inherited;
    // The state file is qdyn's own, written only here: whatever is in its place, a link too, is
    // replaced by it.
    options.followSymlink = false;
    if (auto written = replaceFileAtomically(file, content, options); !written) {
        return makeError("cannot write state file " + file.string() + ": " + written.message());
    }
    return {};
}

}  // namespace

StateStore StateStore::open(const std::filesystem::path& file) {
    StateStore store;
    store.m_file = file;
    std::ifstream in(file, std::ios::binary);
    if (!in) return store;
    // Read in small steps up to the limit: a state file is a few hundred octets, and a buffer of
    // the limit's size would cost a megabyte of page faults on every run.
    std::string content;
    std::array<char, 4096> chunk{};
    while (content.size() <= kMaxStateBytes && in.read(chunk.data(), chunk.size()).gcount() > 0) {
        content.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (content.size() > kMaxStateBytes) {
        store.m_warning = file.string() + " is larger than 1 MiB; ignoring it (the next update is sent)";
        return store;
    }
    return parse(content, file);
}

StateStore StateStore::parse(std::string_view content, const std::filesystem::path& file) {
    StateStore store;
    store.m_file = file;
    try {
        const std::size_t first = content.find_first_not_of(" \t\r\n");
        if (first == std::string::npos || content[first] != '{') {
            readTabSeparated(content, store);
            return store;
        }
        const json document = json::parse(content);
        if (!document.is_object() || document.value("qdyn_state", 0) != 1) throw Corrupt{"not a qdyn state version 1"};
        if (document.contains("stop")) store.profileStop = stopFromJson(document["stop"]);
        const json& hosts = document.at("hosts");
        if (!hosts.is_object()) throw Corrupt{"hosts is not an object"};
        for (const auto& [name, value] : hosts.items()) {
            if (name.empty() || name.size() > 253) throw Corrupt{"a host name is empty or too long"};
            store.m_hosts[name] = hostFromJson(value);
        }
    } catch (const Corrupt& corrupt) {
        store = StateStore{};
        store.m_file = file;
        store.m_warning = file.string() + ": " + corrupt.why + "; ignoring the state (the next update is sent)";
    } catch (const json::exception&) {
        store = StateStore{};
        store.m_file = file;
        store.m_warning = file.string() + " is not valid; ignoring the state (the next update is sent)";
    }
    return store;
}

std::optional<PublishedAddress> StateStore::published(const std::string& host, AddressFamily family) const {
    const HostState* state = find(host);
    return state == nullptr ? std::nullopt : state->published(family);
}

void StateStore::recordPublished(const std::string& host, const IpAddress& address, TimePoint when) {
    HostState& state = m_hosts[host];
    (address.isV4() ? state.v4 : state.v6) = PublishedAddress{address, when};
}

const HostState* StateStore::find(const std::string& host) const {
    const auto it = m_hosts.find(host);
    return it == m_hosts.end() ? nullptr : &it->second;
}

HostState& StateStore::host(const std::string& host) { return m_hosts[host]; }

void StateStore::retainOnly(const std::vector<std::string>& hosts) {
    std::erase_if(m_hosts, [&](const auto& entry) {
        return std::find(hosts.begin(), hosts.end(), entry.first) == hosts.end();
    });
}

void StateStore::clearStopsAndBackoff() {
    profileStop.reset();
    for (auto& [name, state] : m_hosts) {
        state.stop.reset();
        state.failures = 0;
        state.retryAt = TimePoint{};
        state.unchangedReplies = 0;
    }
}

Result<void> StateStore::save() const { return writeDurably(m_file, serialize()); }

std::string StateStore::serialize() const {
    json document{{"qdyn_state", 1}, {"hosts", json::object()}};
    if (profileStop) document["stop"] = stopToJson(*profileStop);
    for (const auto& [name, state] : m_hosts) document["hosts"][name] = hostToJson(state);
    // Replace invalid UTF-8 from a server's detail rather than fail to save.
    return document.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

std::filesystem::path stateFile(const std::filesystem::path& stateDir, const std::string& profileName) {
    return stateDir / (profileName + ".state");
}

std::filesystem::path defaultStateDirectory() {
    if (const char* dir = std::getenv("QDYN_STATE_DIR"); dir != nullptr && *dir != '\0') return dir;
#if !defined(_WIN32)
    if (::geteuid() == 0) return "/var/lib/qdyn";
#endif
    if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg != nullptr && *xdg != '\0') {
        return std::filesystem::path(xdg) / "qdyn";
    }
#if defined(_WIN32)
    if (const char* local = std::getenv("LOCALAPPDATA"); local != nullptr && *local != '\0') {
        return std::filesystem::path(local) / "qdyn" / "state";
    }
#endif
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
        return std::filesystem::path(home) / ".local" / "state" / "qdyn";
    }
    return "qdyn-state";
}

}  // namespace qdyn::agent
