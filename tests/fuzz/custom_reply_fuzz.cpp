// Fuzz target: the custom protocol's reply classifier and its URL template checker/expander.
// Input: 1 byte mode; mode even: 2 bytes status, then the body (classified against fixed
// patterns); mode odd: the rest is a URL template, checked and, when valid, expanded.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "qdyn/protocols/custom.hpp"
#include "qdyn/protocols/http_update.hpp"

namespace {

const qdyn::custom::Patterns& patterns() {
    static const qdyn::custom::Patterns value{
        {"good"}, {"nochg"}, {{"badauth", qdyn::OutcomeClass::AuthFailed}, {"abuse", qdyn::OutcomeClass::Abuse}}};
    return value;
}

void classify(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return;
    const long status = 100 + (data[0] | (data[1] << 8)) % 500;
    const std::string_view body(reinterpret_cast<const char*>(data + 2), size - 2);
    const std::string_view word = qdyn::httpupdate::firstToken(body);
    const bool ok = status >= 200 && status <= 299;
    const auto outcome = qdyn::custom::classifyReply(patterns(), "h.example.test", status, body);
    if (outcome.host != "h.example.test" || outcome.code.empty() || outcome.detail.empty()) std::abort();
    if (outcome.outcome == qdyn::OutcomeClass::Updated && !(ok && word == "good")) std::abort();
    if (outcome.outcome == qdyn::OutcomeClass::Unchanged && !(ok && word == "nochg")) std::abort();
    if (outcome.outcome == qdyn::OutcomeClass::Abuse && word != "abuse") std::abort();
    const auto bare = qdyn::custom::classifyReply({}, "h.example.test", status, body);
    if (qdyn::isSuccess(bare.outcome) != ok) std::abort();
}

void expand(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (!qdyn::custom::checkTemplate(text)) return;
    qdyn::custom::Settings settings;
    settings.urlTemplate = std::string(text);
    settings.username = "al ice";
    settings.password = qdyn::Secret("p&ss<w>");
    const std::string url = qdyn::custom::expandTemplate(
        settings, "h.example.test", qdyn::IpAddress::parse("203.0.113.7"), qdyn::IpAddress::parse("2001:db8::7"), true);
    if (url.substr(0, 7) != "http://" && url.substr(0, 8) != "https://") std::abort();
    for (char c : url) {
        const auto byte = static_cast<unsigned char>(c);
        // Substituted values are encoded and a valid template holds none of these itself.
        if (byte <= 0x20 || byte >= 0x7f || c == '<' || c == '>') std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    if (data[0] % 2 == 0) {
        classify(data + 1, size - 1);
    } else {
        expand(data + 1, size - 1);
    }
    return 0;
}
