// When a write cannot be made durable, each HTTP API says so in its own words instead of
// acknowledging the update: dyndns2 `911` (500), nanodnsd `update failed` (500). The store is
// made to fail the way it fails in the field: another program holds SQLite's write lock past
// the busy timeout.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <future>

#include "demo_server_config.hpp"
#include "qdyn/net/http_client.hpp"
#include "qdyn_server/server.hpp"
#include "temp_dir.hpp"
#include "test_values.hpp"

namespace qdyn::test {
namespace {
namespace server_store_failure_replies_test {

TEST(StoreFailureReplies, EachApiAnswersWithItsOwnFailureAndTheServerRecovers) {
    TempDir dir;
    auto config = demoServerConfig();
    config.dnsTcp.clear();
    config.storePath = dir.path() / "store.db";
    config.accounts[0].token = "alice-token-1";
    server::Server server(config);
    ASSERT_TRUE(server.start());
    const std::string base = "http://127.0.0.1:" + std::to_string(server.port("http"));
    const Secret password("s3cret");
    const auto get = [&](const std::string& target, bool basic) {
        net::HttpClient client;
        net::HttpRequest request;
        request.url = base + target;
        request.userAgent = "qdyn-test/1.0";
        if (basic) {
            request.username = "alice";
            request.password = &password;
        }
        request.timeout = std::chrono::milliseconds(20000);
        return client.get(request);
    };

    sqlite3* other = nullptr;
    ASSERT_EQ(sqlite3_open(config.storePath.string().c_str(), &other), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
    auto dyndns2 = std::async(std::launch::async, get, "/nic/update?hostname=home.dyn.example.test&myip=192.0.2.61", true);
    auto nanodnsd = std::async(std::launch::async, get,
                               "/api/update?hostname=nas.dyn.example.test&ipv4=192.0.2.62&token=alice-token-1", false);
    const auto first = dyndns2.get();
    const auto second = nanodnsd.get();
    ASSERT_EQ(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(other);
    ASSERT_TRUE(first) << first.message();
    EXPECT_EQ(first->status, 500);
    EXPECT_EQ(first->body, "911\n");
    ASSERT_TRUE(second) << second.message();
    EXPECT_EQ(second->status, 500);
    EXPECT_EQ(second->body, "update failed\n");

    // The lock is gone: the next update is durable and acknowledged.
    const auto after = get("/nic/update?hostname=home.dyn.example.test&myip=192.0.2.63", true);
    ASSERT_TRUE(after) << after.message();
    EXPECT_EQ(after->body, "good 192.0.2.63\n");
    server.stop();
}

}  // namespace server_store_failure_replies_test
}  // namespace
}  // namespace qdyn::test
