// Fuzz target: the miniupdate client's reply reader, challenge check, "HOST mapped to ADDR"
// reader and A_UPDATE sorting on arbitrary lines. Only OK can be success, ERR never is, and a reported address comes
// from the exact mapped form. Input: the reply line.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "qdyn/protocols/miniupdate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    const auto reply = qdyn::miniupdate::parseReply(line);
    if (!reply) return 0;
    if (reply->text.size() >= line.size() && !line.empty()) std::abort();
    for (char c : reply->text) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) std::abort();
    }
    if (qdyn::miniupdate::isChallenge(reply->text)) {
        const auto response = qdyn::miniupdate::challengeResponse(qdyn::Secret("a"), reply->text);
        if (response && response->reveal().size() != 32) std::abort();
    }
    const auto outcome = qdyn::miniupdate::classifyUpdateReply("h.example.test", *reply);
    if (outcome.host != "h.example.test" || outcome.code.empty() || outcome.detail.empty()) std::abort();
    if (qdyn::isSuccess(outcome.outcome) && reply->status != qdyn::miniupdate::Status::Ok) std::abort();
    if (reply->status == qdyn::miniupdate::Status::Err && qdyn::isSuccess(outcome.outcome)) std::abort();
    if (outcome.outcome == qdyn::OutcomeClass::Unchanged) std::abort();
    const auto mapped = qdyn::miniupdate::parseMapped(reply->text, "h.example.test");
    if (!outcome.addresses.empty() && (outcome.addresses.size() != 1 || !mapped || outcome.addresses[0] != *mapped)) {
        std::abort();
    }
    return 0;
}
