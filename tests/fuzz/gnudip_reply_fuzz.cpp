// Fuzz target: the GnuDIP meta tag reader, the salt page reader and the reply classifier on
// arbitrary pages. Tags come back within their limits, challenges are well-formed, and a
// success needs the right retc. Input: 2 bytes status, 1 byte reqc, then the page.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "qdyn/protocols/gnudip.hpp"

namespace {

bool clean(std::string_view text) {
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f || c == '"' || c == '<' || c == '>') return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 3) return 0;
    const long status = 100 + (data[0] | (data[1] << 8)) % 500;
    const auto code = static_cast<qdyn::gnudip::RequestCode>(data[2] % 3);
    const std::string_view page(reinterpret_cast<const char*>(data + 3), size - 3);

    if (const auto tags = qdyn::gnudip::parseMetaTags(page)) {
        if (tags->size() > 32) std::abort();
        std::set<std::string> names;
        for (const auto& tag : *tags) {
            if (tag.name.empty() || tag.name.size() > 32 || tag.content.size() > 256) std::abort();
            if (!clean(tag.name) || !clean(tag.content) || !names.insert(tag.name).second) std::abort();
        }
    }
    if (const auto challenge = qdyn::gnudip::parseChallenge(page)) {
        if (challenge->salt.empty() || challenge->time.empty() || challenge->sign.empty()) std::abort();
        for (char c : challenge->time) {
            if (c < '0' || c > '9') std::abort();
        }
    }
    const auto outcome = qdyn::gnudip::classifyReply("alice.example.net", status, page, code);
    if (outcome.host != "alice.example.net" || outcome.code.empty() || outcome.detail.empty()) std::abort();
    if (qdyn::isSuccess(outcome.outcome)) {
        const auto tags = qdyn::gnudip::parseMetaTags(page);
        if (!tags) std::abort();
        std::string retc;
        for (const auto& tag : *tags) {
            if (tag.name == "retc") retc = tag.content;
        }
        const bool offline = code == qdyn::gnudip::RequestCode::Offline;
        if (retc != (offline ? "2" : "0")) std::abort();
    }
    for (const auto& address : outcome.addresses) {
        if (!address.isV4()) std::abort();
    }
    return 0;
}
