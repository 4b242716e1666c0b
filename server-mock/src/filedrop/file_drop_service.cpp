// The file-drop service: reads an account's address file when the watcher says it may have
// changed, and applies what it asks for to every host of the account. Each version of a file is
// handled once; a refused file changes nothing and is logged once.
#include "filedrop/file_drop_service.hpp"

#include <algorithm>
#include <exception>

#include "filedrop/drop_file_reader.hpp"
#include "log.hpp"

namespace qdyn::server {

namespace {

// The shortest expiry among the hosts, halved: what the file says is applied again that often.
// Expiry counts whole seconds, so a host may go up to a second early: that second comes off first.
std::chrono::seconds refreshInterval(const Config& config, const Account& account) {
    std::uint32_t shortest = 0;
    for (const auto& host : account.hosts) {
        const auto expire = config.expireFor(host);
        if (expire != 0 && (shortest == 0 || expire < shortest)) shortest = expire;
    }
    if (shortest == 0) return std::chrono::seconds(0);
    return std::chrono::seconds(std::max<std::uint32_t>(1, (shortest - 1) / 2));
}

}  // namespace

FileDropService::FileDropService(const Config& config, UpdateService& updates, Counter count)
    : m_updates(updates),
      m_count(std::move(count)),
      m_kind(config.fileDrop->watcher),
      m_interval(std::chrono::seconds(config.fileDrop->pollInterval)) {
    const auto& options = *config.fileDrop;
    for (const auto& account : config.accounts) {
        const auto& listed = options.accounts;
        if (!listed.empty() && std::find(listed.begin(), listed.end(), account.name) == listed.end()) continue;
        Watched watched{account, options.pathFor(account.name)};
        watched.refreshEvery = refreshInterval(config, account);
        m_watched.push_back(std::move(watched));
    }
}

FileDropService::~FileDropService() { stop(); }

void FileDropService::start() {
    if (m_thread.joinable()) return;
    std::vector<std::filesystem::path> files;
    files.reserve(m_watched.size());
    for (const auto& watched : m_watched) files.push_back(watched.path);
    // The watcher is set up before the first read, so nothing written in between is missed.
    m_watcher = filedrop::makeFileWatcher(m_kind, std::move(files), m_interval);
    logLine("file drop: watching " + std::to_string(m_watched.size()) +
            (m_watched.size() == 1 ? " address file (" : " address files (") + m_watcher->kind() +
            ", checked every " + std::to_string(m_interval.count() / 1000) + " s)");
    m_stopping = false;
    m_thread = std::thread([this] { run(); });
}

void FileDropService::stop() {
    if (!m_thread.joinable()) return;
    m_stopping = true;
    m_watcher->wake();
    m_thread.join();
}

void FileDropService::run() {
    // Whatever one file does wrong must not end the watching of every other file.
    const auto guarded = [](const auto& body) {
        try {
            body();
        } catch (const std::exception& e) {
            logLine(std::string("file drop: unexpected exception: ") + e.what());
        }
    };
    for (auto& watched : m_watched) {
        if (m_stopping) return;
        guarded([&] { check(watched); });
    }
    while (!m_stopping) {
        auto changed = m_watcher->wait(m_interval);
        std::sort(changed.begin(), changed.end());
        changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
        for (const auto index : changed) {
            if (m_stopping) return;
            if (index < m_watched.size()) guarded([&] { check(m_watched[index]); });
        }
        guarded([&] { refreshDue(); });
    }
}

void FileDropService::check(Watched& watched) {
    const auto read = filedrop::readDropFile(watched.path);
    // The kind of result and its content in one key, so that one version is handled once.
    std::string seen = !read ? "error:" + read.message() : *read ? "file:" + **read : "missing";
    if (watched.lastRead == seen) return;
    const bool existed = watched.lastRead.has_value() && *watched.lastRead != "missing";
    watched.lastRead = std::move(seen);
    const auto who = "file drop " + watched.account.name + ": " + watched.path.string();
    if (!read) {
        logLine(who + " " + read.message() + "; nothing applied");
        return count("rejected");
    }
    if (!*read) {
        if (existed) logLine(who + " was removed; the hosts keep their addresses");
        return;
    }
    const auto parsed = filedrop::parseAddressFile(**read);
    if (!parsed) {
        logLine(who + ": " + parsed.message() + "; nothing applied");
        return count("rejected");
    }
    // Empty or only comments: also what a writer leaves between truncating and writing.
    if (parsed->asksNothing()) return;
    if (watched.lastApplied == *parsed) return;
    apply(watched, *parsed, "");
}

void FileDropService::apply(Watched& watched, const filedrop::AddressFile& file, std::string_view why) {
    // The file is the whole wish: a family it does not name is cleared (static records stay),
    // except for `offline`, which withholds both and keeps them for the way back.
    HostUpdate update;
    update.v4 = file.v4;
    update.v6 = file.v6;
    update.offline = file.offline;
    update.clearV4 = !file.offline && !file.v4;
    update.clearV6 = !file.offline && !file.v6;
    std::string results;
    for (const auto& host : watched.account.hosts) {
        const auto outcome = m_updates.apply(watched.account, host, update);
        const auto status = std::string(toString(outcome.status));
        count(status);
        if (!results.empty()) results += ", ";
        results += host.toString() + " " + status;
        if (outcome.upstreamRefuses) results += " (the [forward] primary refuses it)";
        // No client waits for an acknowledgement; a failed write is only worth a line.
        m_updates.whenDurable(outcome.ticket, [name = host.toString()](const Result<void>& done) {
            if (!done) logLine("file drop: store write for " + name + " failed: " + done.message());
        });
    }
    watched.lastApplied = file;
    watched.appliedAt = std::chrono::steady_clock::now();
    logLine("file drop " + watched.account.name + ": " + filedrop::describe(file) + (why.empty() ? "" : " (") +
            std::string(why) + (why.empty() ? "" : ")") + " from " + watched.path.string() + ": " + results);
}

void FileDropService::refreshDue() {
    const auto now = std::chrono::steady_clock::now();
    for (auto& watched : m_watched) {
        if (m_stopping) return;
        if (!watched.lastApplied || watched.refreshEvery.count() == 0) continue;
        if (now - watched.appliedAt < watched.refreshEvery) continue;
        apply(watched, *watched.lastApplied, "refresh");
    }
}

void FileDropService::count(std::string_view outcome) const {
    if (m_count) m_count(outcome);
}

}  // namespace qdyn::server
