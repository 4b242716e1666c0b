// StateStore: a line-oriented state file, "host<TAB>v4|v6<TAB>address<TAB>unix-seconds".
#include "qdyn/agent/state_store.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#if !defined(_WIN32)
#include <fcntl.h>
#include <unistd.h>
#endif

namespace qdyn::agent {

namespace {

constexpr std::size_t kMaxStateBytes = 1024 * 1024;

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

std::optional<long long> parseSeconds(std::string_view text) {
    if (text.empty() || text.size() > 12) return std::nullopt;
    long long value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

Result<void> writeDurably(const std::filesystem::path& file, const std::string& content) {
    std::error_code ec;
    const std::filesystem::path dir = file.parent_path();
    if (!dir.empty() && !std::filesystem::exists(dir, ec)) {
        std::filesystem::create_directories(dir, ec);
        if (ec) return makeError("cannot create state directory " + dir.string() + ": " + ec.message());
        std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
    }
    const std::filesystem::path temp = file.string() + ".tmp";
#if !defined(_WIN32)
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return makeError("cannot write state file " + temp.string());
    std::size_t written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n <= 0) {
            ::close(fd);
            return makeError("cannot write state file " + temp.string());
        }
        written += static_cast<std::size_t>(n);
    }
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced) return makeError("cannot flush state file " + temp.string());
#else
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out << content;
        if (!out) return makeError("cannot write state file " + temp.string());
    }
#endif
    std::filesystem::rename(temp, file, ec);
    if (ec) return makeError("cannot replace state file " + file.string() + ": " + ec.message());
    return {};
}

}  // namespace

StateStore StateStore::open(const std::filesystem::path& file) {
    StateStore store;
    store.m_file = file;
    std::ifstream in(file, std::ios::binary);
    if (!in) return store;
    std::string line;
    std::size_t total = 0;
    std::size_t lineNumber = 0;
    while (std::getline(in, line)) {
        ++lineNumber;
        total += line.size() + 1;
        if (total > kMaxStateBytes) {
            store.m_entries.clear();
            store.m_warning = file.string() + " is larger than 1 MiB; ignoring it";
            return store;
        }
        if (line.empty() || line[0] == '#') continue;
        const auto fields = splitTabs(line);
        const auto address = fields.size() == 4 ? IpAddress::parse(fields[2]) : std::nullopt;
        const auto seconds = fields.size() == 4 ? parseSeconds(fields[3]) : std::nullopt;
        const bool familyOk = fields.size() == 4 && ((fields[1] == "v4" && address && address->isV4()) ||
                                                     (fields[1] == "v6" && address && address->isV6()));
        if (!address || !seconds || !familyOk || fields[0].empty()) {
            store.m_entries.clear();
            store.m_warning = file.string() + ":" + std::to_string(lineNumber) +
                              ": unreadable state line; ignoring the state (the next update is sent)";
            return store;
        }
        store.m_entries[{std::string(fields[0]), address->family()}] =
            PublishedAddress{*address, std::chrono::system_clock::time_point(std::chrono::seconds(*seconds))};
    }
    return store;
}

std::optional<PublishedAddress> StateStore::published(const std::string& host, AddressFamily family) const {
    const auto it = m_entries.find({host, family});
    if (it == m_entries.end()) return std::nullopt;
    return it->second;
}

void StateStore::recordPublished(const std::string& host, const IpAddress& address,
                                 std::chrono::system_clock::time_point when) {
    m_entries[{host, address.family()}] = PublishedAddress{address, when};
}

Result<void> StateStore::save() const {
    std::ostringstream out;
    out << "# qdyn state: host, family, last published address, unix time. Safe to delete.\n";
    for (const auto& [key, value] : m_entries) {
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(value.when.time_since_epoch()).count();
        out << key.first << '\t' << (key.second == AddressFamily::V4 ? "v4" : "v6") << '\t'
            << value.address.toString() << '\t' << seconds << '\n';
    }
    return writeDurably(m_file, out.str());
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
