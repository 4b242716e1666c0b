// runAll: a few blocking network calls at once, one thread each, so the slowest server (not the
// sum of them) bounds how long verification takes. Private to core/src/agent.
#pragma once

#include <cstddef>
#include <future>
#include <system_error>
#include <vector>

namespace qdyn::agent::detail {

// fn(0) ... fn(count - 1), concurrently; the results in index order. When no thread can be
// started the remaining calls run here, one after another: slower, never lost.
template <typename T, typename Fn>
std::vector<T> runAll(std::size_t count, Fn fn) {
    std::vector<std::future<T>> futures;
    futures.reserve(count);
    try {
        for (std::size_t i = 0; i < count; ++i)
            futures.push_back(std::async(std::launch::async, fn, i));
    } catch (const std::system_error&) {
        // Out of threads: futures holds the calls that did start.
    }
    std::vector<T> results;
    results.reserve(count);
    for (auto& future : futures)
        results.push_back(future.get());
    for (std::size_t i = futures.size(); i < count; ++i)
        results.push_back(fn(i));
    return results;
}

}  // namespace qdyn::agent::detail
