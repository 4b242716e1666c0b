// BulkHeap (bulk_heap.hpp): glibc's main heap grown in pieces malloc serves from the heap itself,
// each piece's whole huge pages marked, then freed back into the heap for the load to use.
#include "zone/bulk_heap.hpp"

#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>
#endif

namespace qdyn::server {

#if defined(__linux__) && defined(__GLIBC__)

namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;
// Under glibc's largest mmap threshold (32 MiB on 64-bit), so each piece comes from the heap.
constexpr std::size_t kPiece = std::size_t{16} << 20;
// glibc's defaults, which the load's settings replace until it ends.
constexpr int kDefaultThreshold = 128 * 1024;
constexpr std::size_t kMaxBytes = std::size_t{1} << 30;

}  // namespace

BulkHeap::BulkHeap(std::size_t bytes) {
    if (bytes < kMinBytes) return;
    // mallopt takes an int: a load beyond ~1 GiB gets huge pages for its first GiB only.
    bytes = std::min(bytes, kMaxBytes);
    // The pieces freed below stay in the heap (free memory at its top is trimmed only beyond
    // the threshold), and each piece comes from the heap rather than a mapping of its own.
    if (mallopt(M_TRIM_THRESHOLD, static_cast<int>(bytes + 2 * kPiece)) == 0) return;
    if (mallopt(M_MMAP_THRESHOLD, static_cast<int>(kPiece + kHugePage)) == 0) {
        mallopt(M_TRIM_THRESHOLD, kDefaultThreshold);
        return;
    }
    m_tuned = true;
    std::vector<void*> pieces;
    pieces.reserve(bytes / kPiece + 1);
    for (std::size_t taken = 0; taken < bytes; taken += kPiece) {
        void* piece = std::malloc(kPiece);
        if (piece == nullptr) break;
        pieces.push_back(piece);
    }
    for (void* piece : pieces) {
        // Only whole huge pages inside the piece: malloc has already written its bookkeeping
        // next to the piece's ends.
        const auto begin = reinterpret_cast<std::uintptr_t>(piece);
        const std::uintptr_t first = (begin + kHugePage - 1) & ~(kHugePage - 1);
        const std::uintptr_t last = (begin + kPiece) & ~(kHugePage - 1);
        if (last > first && madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE) == 0) {
            m_marked += last - first;
        }
    }
    for (void* piece : pieces) std::free(piece);
}

BulkHeap::~BulkHeap() {
    if (!m_tuned) return;
    mallopt(M_MMAP_THRESHOLD, kDefaultThreshold);
    mallopt(M_TRIM_THRESHOLD, kDefaultThreshold);
}

#else

BulkHeap::BulkHeap(std::size_t) {}
BulkHeap::~BulkHeap() = default;

#endif

}  // namespace qdyn::server
