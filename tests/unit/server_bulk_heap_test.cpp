// BulkHeap: a large load's heap is marked for transparent huge pages, a small one is left alone,
// and malloc keeps working across it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "zone/bulk_heap.hpp"

namespace {
namespace server_bulk_heap_test {

using qdyn::server::BulkHeap;

#if defined(__SANITIZE_ADDRESS__)
// Under AddressSanitizer malloc is not glibc's and mallopt refuses: BulkHeap must then do nothing.
TEST(BulkHeap, UnderAnotherMallocNothingIsDone) {
    const BulkHeap bulk(BulkHeap::kMinBytes * 2);
    EXPECT_EQ(bulk.marked(), 0U);
    void* block = std::malloc(200);
    ASSERT_NE(block, nullptr);
    std::free(block);
}
#elif defined(__linux__) && defined(__GLIBC__)
// Bytes of mappings whose VmFlags carry "hg" (madvise MADV_HUGEPAGE) in /proc/self/smaps.
std::size_t hugePageAdvisedBytes() {
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    std::size_t size = 0;
    std::size_t total = 0;
    while (std::getline(smaps, line)) {
        if (line.rfind("Size:", 0) == 0) size = std::stoul(line.substr(5)) * 1024;
        if (line.rfind("VmFlags:", 0) == 0 && (line + " ").find(" hg ") != std::string::npos) total += size;
    }
    return total;
}

TEST(BulkHeap, ALargeLoadGetsHeapMarkedForHugePages) {
    const std::size_t before = hugePageAdvisedBytes();
    {
        const BulkHeap bulk(BulkHeap::kMinBytes * 2);
        EXPECT_GE(bulk.marked(), BulkHeap::kMinBytes) << "most of the requested range is marked";
        EXPECT_GE(hugePageAdvisedBytes(), before + BulkHeap::kMinBytes) << "the kernel sees the advice";
        // The load allocates in small pieces from that heap, as usual.
        std::vector<void*> blocks;
        for (int i = 0; i < 10000; ++i) blocks.push_back(std::malloc(200));
        for (void* block : blocks) {
            ASSERT_NE(block, nullptr);
            std::free(block);
        }
    }
    // Afterwards large blocks are mapped and freed as before.
    void* large = std::malloc(std::size_t{8} << 20);
    ASSERT_NE(large, nullptr);
    std::free(large);
}
#else
TEST(BulkHeap, ALargeLoadGetsHeapMarkedForHugePages) {
    GTEST_SKIP() << "BulkHeap steers glibc's malloc on Linux only; elsewhere it does nothing by design";
}
#endif

TEST(BulkHeap, ASmallLoadIsLeftToOrdinaryPages) {
    const BulkHeap bulk(BulkHeap::kMinBytes - 1);
    EXPECT_EQ(bulk.marked(), 0U);
}

}  // namespace server_bulk_heap_test
}  // namespace
