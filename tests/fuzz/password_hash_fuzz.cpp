// Fuzz target: the PHC scrypt string parser of [[account]] password_hash. Any text either parses
// into parameters within the limits whose canonical form is exactly the input (one spelling per
// hash), or is refused with a message; it never crashes. Cheap hashes are also verified, so the
// scrypt call sees what the parser lets through.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "accounts/password_hash.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace accounts = qdyn::server::accounts;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = accounts::parsePasswordHash(text);
    if (!parsed) {
        if (parsed.message().empty()) std::abort();
        if (accounts::verifyPassword("password", text)) std::abort();
        return 0;
    }
    const auto& params = parsed->params;
    if (params.logN < accounts::kMinLogN || params.logN > accounts::kMaxLogN || params.r < 1 ||
        params.r > accounts::kMaxR || params.p < 1 || params.p > accounts::kMaxP) {
        std::abort();
    }
    if (128ULL * params.r * (1ULL << params.logN) > accounts::kMaxScryptMemory) std::abort();
    if (parsed->salt.size() < accounts::kMinSaltSize || parsed->salt.size() > accounts::kMaxSaltSize) std::abort();
    if (parsed->hash.size() < accounts::kMinHashSize || parsed->hash.size() > accounts::kMaxHashSize) std::abort();
    if (accounts::formatPasswordHash(*parsed) != text) std::abort();
    // 128 KiB and well under a millisecond: affordable on every input of that shape.
    if (params.logN == accounts::kMinLogN && params.r == 1 && params.p == 1) {
        static_cast<void>(accounts::verifyPassword("password", text));
    }
    return 0;
}
