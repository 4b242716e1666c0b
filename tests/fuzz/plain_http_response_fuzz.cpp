// Fuzz target: the reader of a plain HTTP reply (core/src/net/plain_http.cpp), fed the way a
// connection would: the first octet sets the size of the pieces, the rest is the reply; then the
// connection closes. A reply taken has a final status (101, 200-599), at most 100 headers with
// lower-case names and a body within the cap; a refusal always says why.
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "net/plain_http.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    constexpr std::size_t kCap = 512;
    const std::size_t piece = data[0] % 64 + 1;
    const std::string_view reply(reinterpret_cast<const char*>(data + 1), size - 1);
    qdyn::net::ResponseReader reader(kCap);
    bool complete = false;
    for (std::size_t at = 0; at < reply.size() && !complete; at += piece) {
        const auto fed = reader.feed(reply.substr(at, piece));
        if (!fed) {
            if (fed.message().empty()) std::abort();
            return 0;
        }
        complete = *fed == qdyn::net::ResponseReader::State::Done;
    }
    if (!complete) {
        const auto finished = reader.finish();
        if (!finished) {
            if (finished.message().empty()) std::abort();
            return 0;
        }
    }
    const auto response = reader.take();
    // Interim replies are skipped; only 101 (never asked for) could end a reply among them.
    if (response.status < 101 || response.status > 599 || (response.status < 200 && response.status != 101)) std::abort();
    if (response.body.size() > kCap || response.headers.size() > 100) std::abort();
    for (const auto& [name, value] : response.headers) {
        for (char c : name) {
            if (std::isupper(static_cast<unsigned char>(c)) != 0) std::abort();
        }
    }
    return 0;
}
