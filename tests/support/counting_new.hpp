// Counts every operator new of a test or benchmark program, so it can prove that a piece of code
// allocates nothing (or how much it allocates). It DEFINES the replaceable allocation functions:
// include it in exactly one source file of a program.
//
// Every allocating form is replaced, the nothrow and array ones too: a form left to the runtime
// would, under a sanitizer, be allocated by the sanitizer's operator new and freed here with
// free() (std::stable_sort, for one, takes its buffer with the nothrow form).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace qdyn::test {
// The number of allocations so far; read it before and after the code under test.
inline std::atomic<std::size_t> allocationCount{0};
}  // namespace qdyn::test

void* operator new(std::size_t size, const std::nothrow_t& /*tag*/) noexcept {
    qdyn::test::allocationCount.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(size == 0 ? 1 : size);
}
void* operator new(std::size_t size) {
    if (void* memory = operator new(size, std::nothrow)) return memory;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return operator new(size, tag); }
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t /*size*/) noexcept { std::free(memory); }
void operator delete(void* memory, const std::nothrow_t& /*tag*/) noexcept { std::free(memory); }
void operator delete[](void* memory) noexcept { std::free(memory); }
void operator delete[](void* memory, std::size_t /*size*/) noexcept { std::free(memory); }
void operator delete[](void* memory, const std::nothrow_t& /*tag*/) noexcept { std::free(memory); }
