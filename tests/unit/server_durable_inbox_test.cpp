// store::DurableInbox: completions delivered from the store's writer thread run on the io thread,
// every one exactly once, in the order they were delivered, and a burst shares one io handler.
#include "store/durable_inbox.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <thread>
#include <vector>

namespace {
namespace server_durable_inbox_test {

using qdyn::server::store::DurableInbox;

TEST(DurableInboxTest, EveryCompletionRunsOnceOnTheIoThreadInDeliveryOrder) {
    boost::asio::io_context io;
    DurableInbox inbox(io);
    constexpr int kCount = 1000;
    std::vector<int> ran;
    std::vector<bool> outcomes;
    std::thread::id ioThread;
    bool allOnIoThread = true;
    std::thread writer([&] {
        for (int i = 0; i < kCount; ++i) {
            inbox.deliver(
                [&, i](bool durable) {
                    allOnIoThread = allOnIoThread && std::this_thread::get_id() == ioThread;
                    ran.push_back(i);
                    outcomes.push_back(durable);
                },
                i % 7 != 0);
        }
    });
    writer.join();
    ioThread = std::this_thread::get_id();
    // Delivered while the io thread was not running: one burst, so one handler runs them all.
    EXPECT_EQ(io.poll(), 1U);
    ASSERT_EQ(ran.size(), static_cast<std::size_t>(kCount));
    for (int i = 0; i < kCount; ++i) {
        EXPECT_EQ(ran[static_cast<std::size_t>(i)], i);
        EXPECT_EQ(outcomes[static_cast<std::size_t>(i)], i % 7 != 0);
    }
    EXPECT_TRUE(allOnIoThread);

    // A later burst posts again (poll() left the context stopped once out of work).
    io.restart();
    bool late = false;
    inbox.deliver([&](bool) { late = true; }, true);
    EXPECT_EQ(io.poll(), 1U);
    EXPECT_TRUE(late);
}

TEST(DurableInboxTest, ACompletionThatDeliversAnotherIsRunInALaterHandler) {
    boost::asio::io_context io;
    DurableInbox inbox(io);
    int order = 0;
    int first = 0;
    int second = 0;
    inbox.deliver(
        [&](bool) {
            first = ++order;
            inbox.deliver([&](bool) { second = ++order; }, true);
        },
        true);
    io.run();
    EXPECT_EQ(first, 1);
    EXPECT_EQ(second, 2);
}

}  // namespace server_durable_inbox_test
}  // namespace
