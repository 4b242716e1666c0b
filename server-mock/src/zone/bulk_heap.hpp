// Transparent huge pages for a bulk load. Restoring a million names touches some 300 MB of
// fresh heap in small pieces; with 4 KiB pages a good part of the start-up goes to page faults
// and TLB misses (a million-name restore ran 13-24% faster on huge pages, as with glibc's
// glibc.malloc.hugetlb=1 for a whole process). While a BulkHeap lives, the heap has grown once
// by the load's size and that range is marked for huge pages (madvise MADV_HUGEPAGE, which the
// kernel's default "madvise" mode honours); malloc then hands it out for the names.
//
// Linux with glibc only (it steers glibc's malloc through mallopt); elsewhere, or when mallopt
// refuses (another malloc, such as AddressSanitizer's, is in use), it does nothing.
// It must be created and destroyed on one thread while no other thread allocates heavily:
// malloc's trim and mmap thresholds are process-wide, held for the load, and set back to glibc's
// initial values after it (glibc then keeps them fixed: a threshold set through mallopt ends
// its dynamic adjustment for the rest of the process).
#pragma once

#include <cstddef>

namespace qdyn::server {

class BulkHeap {
public:
    // Below this a load is small enough for ordinary pages: nothing is done.
    static constexpr std::size_t kMinBytes = std::size_t{64} << 20;

    explicit BulkHeap(std::size_t bytes);
    ~BulkHeap();
    BulkHeap(const BulkHeap&) = delete;
    BulkHeap& operator=(const BulkHeap&) = delete;

    // Bytes of heap marked for huge pages (0 when nothing was done).
    [[nodiscard]] std::size_t marked() const noexcept { return m_marked; }

private:
    std::size_t m_marked = 0;
    [[maybe_unused]] bool m_tuned = false;  // used on Linux with glibc only
};

}  // namespace qdyn::server
