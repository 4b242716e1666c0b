// The file-drop front end (seed 003): each account of [file_drop] has an address file; when
// what it asks for changes, every host of the account is updated through the update service,
// like any other update. Runs on a thread of its own; a reload replaces the whole service.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "filedrop/address_file.hpp"
#include "filedrop/file_watcher.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/update_service.hpp"

namespace qdyn::server {

class FileDropService {
public:
    // Told the outcome of every host update it makes ("updated", "unchanged", ...) and of every
    // refused file ("rejected"), for /metrics; may be empty. Called on the service's thread.
    using Counter = std::function<void(std::string_view outcome)>;

    // `config.fileDrop` must be set. Copies what it needs: `config` may go after the call.
    FileDropService(const Config& config, UpdateService& updates, Counter count = {});
    ~FileDropService();  // stops
    FileDropService(const FileDropService&) = delete;
    FileDropService& operator=(const FileDropService&) = delete;

    // Sets up the watcher, then on its thread applies every file present and follows changes.
    void start();
    // Returns once the thread has ended; an update in progress is finished. Idempotent.
    void stop();

private:
    struct Watched {
        Account account;
        std::filesystem::path path;
        // Half the shortest expiry of the account's hosts: the file stands until it changes, so
        // what it says is applied again before the hosts would expire. Zero: never expire.
        std::chrono::seconds refreshEvery{0};
        // The raw content last read, or the last reason it could not be read: each version of
        // the file is handled (and a refusal logged) once, however often it is reported.
        std::optional<std::string> lastRead{};
        std::optional<filedrop::AddressFile> lastApplied{};
        std::chrono::steady_clock::time_point appliedAt{};
    };

    void run();
    void check(Watched& watched);
    void apply(Watched& watched, const filedrop::AddressFile& file, std::string_view why);
    void refreshDue();
    void count(std::string_view outcome) const;

    UpdateService& m_updates;
    Counter m_count;
    FileDropOptions::Watcher m_kind;
    std::chrono::milliseconds m_interval;
    std::vector<Watched> m_watched;
    std::unique_ptr<filedrop::FileWatcher> m_watcher;
    std::atomic<bool> m_stopping{false};
    std::thread m_thread;
};

}  // namespace qdyn::server
