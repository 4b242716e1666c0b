// The file drop on a temporary directory: files present at the start, created later, renamed
// into place, in directories made later; refused content changes nothing; an unchanged rewrite
// is not applied again. Every case runs with inotify and with polling.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "filedrop/file_drop_service.hpp"
#include "demo_server_config.hpp"
#include "qdyn_server/server.hpp"
#include "qdyn_server/zone.hpp"
#include "temp_dir.hpp"
#include "test_values.hpp"

namespace {
namespace server_file_drop_test {

using namespace qdyn::server;
using qdyn::IpAddress;
using qdyn::test::ip;
using qdyn::test::name;
namespace fs = std::filesystem;

using Watcher = FileDropOptions::Watcher;

// Waits up to five seconds for `done`, checking often: never a fixed sleep.
bool eventually(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return done();
}

void writeFile(const fs::path& path, const std::string& content) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
}

// What an editor or a careful script does: a temporary file, then rename over the real one.
void writeByRename(const fs::path& path, const std::string& content) {
    const auto temporary = path.parent_path() / (".tmp-" + path.filename().string());
    writeFile(temporary, content);
    fs::rename(temporary, path);
}

HostAddresses both(const char* v4, const char* v6) { return {{ip(v4)}, {ip(v6)}}; }
HostAddresses onlyV4(const char* v4) { return {{ip(v4)}, {}}; }
HostAddresses onlyV6(const char* v6) { return {{}, {ip(v6)}}; }

// The demo zone (alice: home, nas; bob: office) with a file drop under a temporary directory,
// driven directly: the outcomes it reports tell when it has handled a file.
class FileDropTest : public ::testing::TestWithParam<Watcher> {
protected:
    ~FileDropTest() override {
        if (m_drop) m_drop->stop();
    }

    Config config(const std::string& pattern) const {
        Config config = qdyn::test::demoServerConfig();
        config.fileDrop = FileDropOptions{(m_dir.path() / pattern).string(), {}, 1, GetParam()};
        return config;
    }

    void start(Config config) {
        m_config = std::move(config);
        m_zone = std::make_unique<Zone>(buildInitialSnapshot(m_config, 1000).value());
        m_updates = std::make_unique<UpdateService>(m_config, *m_zone);
        m_drop = std::make_unique<FileDropService>(m_config, *m_updates, [this](std::string_view outcome) {
            const std::lock_guard lock(m_mutex);
            m_outcomes.emplace_back(outcome);
        });
        m_drop->start();
    }
    void start() { start(config("drop/{account}.addr")); }

    [[nodiscard]] fs::path fileOf(const std::string& account) const {
        return m_config.fileDrop->pathFor(account);
    }
    [[nodiscard]] HostAddresses published(const char* host) const {
        return m_zone->snapshot()->addressesOf(name(host));
    }
    [[nodiscard]] std::uint32_t serial() const { return m_zone->snapshot()->soa.serial; }
    [[nodiscard]] std::vector<std::string> outcomes() const {
        const std::lock_guard lock(m_mutex);
        return m_outcomes;
    }
    [[nodiscard]] std::size_t count(const std::string& outcome) const {
        const auto all = outcomes();
        return static_cast<std::size_t>(std::count(all.begin(), all.end(), outcome));
    }
    // bob's file refused: once it has been handled, everything written before it has been too
    // (the service handles changes in the order it learns of them, alice before bob), and the
    // zone has not changed for it.
    void settle() {
        const auto before = count("rejected");
        writeFile(fileOf("bob"), "not an address " + std::to_string(before) + "\n");
        ASSERT_TRUE(eventually([&] { return count("rejected") > before; }));
    }

    qdyn::test::TempDir m_dir;
    Config m_config;
    std::unique_ptr<Zone> m_zone;
    std::unique_ptr<UpdateService> m_updates;
    std::unique_ptr<FileDropService> m_drop;
    mutable std::mutex m_mutex;
    std::vector<std::string> m_outcomes;
};

TEST_P(FileDropTest, AppliesAFilePresentAtStart) {
    writeFile(m_dir.path() / "drop/alice.addr", "203.0.113.7\n2001:db8::7\n");
    start();
    ASSERT_TRUE(eventually([&] { return published("home.dyn.example.test") == both("203.0.113.7", "2001:db8::7"); }));
    EXPECT_EQ(published("nas.dyn.example.test"), both("203.0.113.7", "2001:db8::7"));
}

TEST_P(FileDropTest, PicksUpAFileCreatedAfterStart) {
    fs::create_directories(m_dir.path() / "drop");
    start();
    writeFile(fileOf("alice"), "203.0.113.8\n");
    ASSERT_TRUE(eventually([&] { return published("home.dyn.example.test") == onlyV4("203.0.113.8"); }));
    // And every later change of it.
    writeFile(fileOf("alice"), "203.0.113.9\n");
    EXPECT_TRUE(eventually([&] { return published("home.dyn.example.test") == onlyV4("203.0.113.9"); }));
}

TEST_P(FileDropTest, PicksUpAFileRenamedIntoPlace) {
    writeFile(m_dir.path() / "drop/alice.addr", "203.0.113.7\n");
    start();
    ASSERT_TRUE(eventually([&] { return published("home.dyn.example.test") == onlyV4("203.0.113.7"); }));
    writeByRename(fileOf("alice"), "203.0.113.10\n");
    EXPECT_TRUE(eventually([&] { return published("home.dyn.example.test") == onlyV4("203.0.113.10"); }));
}

TEST_P(FileDropTest, PicksUpADirectoryCreatedAfterStart) {
    start(config("homes/{account}/.dynamicdns"));  // homes/ itself does not exist yet
    writeFile(fileOf("alice"), "203.0.113.11\n");
    EXPECT_TRUE(eventually([&] { return published("home.dyn.example.test") == onlyV4("203.0.113.11"); }));
    // The directory removed and made again: followed as well.
    fs::remove_all(m_dir.path() / "homes/alice");
    writeByRename(fileOf("alice"), "203.0.113.12\n");
    EXPECT_TRUE(eventually([&] { return published("home.dyn.example.test") == onlyV4("203.0.113.12"); }));
}

TEST_P(FileDropTest, RefusedContentChangesNothing) {
    writeFile(m_dir.path() / "drop/alice.addr", "203.0.113.7\n");
    start();
    // Both of alice's hosts (home, nas) applied, each a change of its own, before the serial is read.
    ASSERT_TRUE(eventually([&] { return count("updated") == 2; }));
    ASSERT_EQ(published("home.dyn.example.test"), onlyV4("203.0.113.7"));
    const auto before = serial();
    // The first line alone would be valid: nothing of a bad file is applied.
    writeFile(fileOf("alice"), "198.51.100.1\n198.51.100.2\n");
    ASSERT_TRUE(eventually([&] { return count("rejected") == 1; }));
    settle();
    EXPECT_EQ(published("home.dyn.example.test"), onlyV4("203.0.113.7"));
    EXPECT_EQ(serial(), before);
}

TEST_P(FileDropTest, RefusesASymbolicLink) {
    writeFile(m_dir.path() / "elsewhere", "203.0.113.13\n");
    fs::create_directories(m_dir.path() / "drop");
    std::error_code error;
    fs::create_symlink(m_dir.path() / "elsewhere", m_dir.path() / "drop/alice.addr", error);
    // Windows makes symbolic links only with a privilege (or Developer Mode).
    if (error) GTEST_SKIP() << "cannot make a symbolic link here: " << error.message();
    start();
    ASSERT_TRUE(eventually([&] { return count("rejected") == 1; }));
    settle();
    EXPECT_EQ(published("home.dyn.example.test"), HostAddresses{});
}

TEST_P(FileDropTest, AnUnchangedRewriteIsNotAppliedAgain) {
    writeFile(m_dir.path() / "drop/alice.addr", "203.0.113.7\n");
    start();
    ASSERT_TRUE(eventually([&] { return count("updated") == 2; }));  // home and nas
    const auto before = serial();
    writeFile(fileOf("alice"), "203.0.113.7\n");
    writeByRename(fileOf("alice"), "# same address, new comment\n203.0.113.7\n");
    writeFile(fileOf("alice"), "");  // what a writer leaves between truncating and writing: nothing
    writeFile(fileOf("alice"), "203.0.113.7\n");
    settle();
    EXPECT_EQ(serial(), before);
    EXPECT_EQ(outcomes(), (std::vector<std::string>{"updated", "updated", "rejected"}));
    EXPECT_EQ(published("home.dyn.example.test"), onlyV4("203.0.113.7"));
}

TEST_P(FileDropTest, ChangesOnlyTheAccountsHosts) {
    start();
    writeFile(fileOf("bob"), "2001:db8::b0b\n");
    ASSERT_TRUE(eventually([&] { return published("office.dyn.example.test") == onlyV6("2001:db8::b0b"); }));
    EXPECT_EQ(published("home.dyn.example.test"), HostAddresses{});
    EXPECT_EQ(published("nas.dyn.example.test"), HostAddresses{});
}

TEST_P(FileDropTest, AFamilyLeftOutIsClearedAndOfflineWithholdsBoth) {
    writeFile(m_dir.path() / "drop/alice.addr", "203.0.113.7\n2001:db8::7\n");
    start();
    ASSERT_TRUE(eventually([&] { return published("home.dyn.example.test") == both("203.0.113.7", "2001:db8::7"); }));
    writeFile(fileOf("alice"), "2001:db8::7\n");
    ASSERT_TRUE(eventually([&] { return published("home.dyn.example.test") == onlyV6("2001:db8::7"); }));
    writeFile(fileOf("alice"), "offline\n");
    ASSERT_TRUE(eventually([&] { return published("home.dyn.example.test") == HostAddresses{}; }));
    writeFile(fileOf("alice"), "203.0.113.14\n");
    EXPECT_TRUE(eventually([&] { return published("home.dyn.example.test") == onlyV4("203.0.113.14"); }));
}

TEST_P(FileDropTest, OnlyTheListedAccountsAreWatched) {
    auto listed = config("drop/{account}.addr");
    listed.fileDrop->accounts = {"bob"};
    writeFile(m_dir.path() / "drop/alice.addr", "203.0.113.7\n");
    writeFile(m_dir.path() / "drop/bob.addr", "203.0.113.15\n");
    start(std::move(listed));
    ASSERT_TRUE(eventually([&] { return published("office.dyn.example.test") == onlyV4("203.0.113.15"); }));
    EXPECT_EQ(published("home.dyn.example.test"), HostAddresses{});
    EXPECT_EQ(outcomes(), std::vector<std::string>{"updated"});
}

INSTANTIATE_TEST_SUITE_P(Watchers, FileDropTest, ::testing::Values(Watcher::Inotify, Watcher::Poll),
                         [](const ::testing::TestParamInfo<Watcher>& param) {
                             return param.param == Watcher::Poll ? "Poll" : "Inotify";
                         });

// The file is a standing wish: applied again before the hosts would expire.
TEST(FileDropRefresh, KeepsTheHostsFromExpiring) {
    qdyn::test::TempDir dir;
    Config config = qdyn::test::demoServerConfig();
    config.hosts.push_back({name("home.dyn.example.test"), std::nullopt, 4});
    config.fileDrop = FileDropOptions{(dir.path() / "{account}").string(), {"alice"}, 1, Watcher::Auto};
    writeFile(dir.path() / "alice", "203.0.113.7\n");
    Zone zone(buildInitialSnapshot(config, 1000).value());
    UpdateService updates(config, zone);
    FileDropService drop(config, updates);
    drop.start();
    ASSERT_TRUE(eventually([&] { return !zone.snapshot()->addressesOf(name("home.dyn.example.test")).v4.empty(); }));
    // Past the four seconds of expiry, expiring whatever is due all along.
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(5000);
    while (std::chrono::steady_clock::now() < until) {
        updates.expireDue();
        ASSERT_EQ(zone.snapshot()->addressesOf(name("home.dyn.example.test")), onlyV4("203.0.113.7"));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    drop.stop();
}

// The whole server: the service starts with it, follows a reload, and stops with it.
TEST(FileDropServer, StartsWithTheServerAndFollowsAReload) {
    qdyn::test::TempDir dir;
    Config config = qdyn::test::demoServerConfig();
    config.fileDrop = FileDropOptions{(dir.path() / "a/{account}").string(), {}, 1, Watcher::Auto};
    writeFile(dir.path() / "a/alice", "203.0.113.7\n");
    Server server(config);
    auto started = server.start();
    ASSERT_TRUE(started) << started.message();
    const auto servedBy = [&](const char* host, const char* address) {
        return server.addressesOf(name(host)) == std::vector{ip(address)};
    };
    ASSERT_TRUE(eventually([&] { return servedBy("home.dyn.example.test", "203.0.113.7"); }));

    config.fileDrop->pattern = (dir.path() / "b/{account}").string();
    auto reloaded = server.reload(config);
    ASSERT_TRUE(reloaded) << reloaded.message();
    writeFile(dir.path() / "b/bob", "203.0.113.16\n");
    EXPECT_TRUE(eventually([&] { return servedBy("office.dyn.example.test", "203.0.113.16"); }));
    server.stop();
}

}  // namespace server_file_drop_test
}  // namespace
