// Fuzz target: the QDNS client's reply reader, its code-to-outcome sorting and the QUERY address
// list on arbitrary lines. A reply is read back exactly as it came, success needs code 200,
// and a login stops the profile only on 400, 401 or 403. Input: the reply line.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "qdyn/protocols/qdns.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    const auto reply = qdyn::qdns::parseReply(line);
    if (!reply) return 0;
    if (reply->code < 100 || reply->code > 599) std::abort();
    const std::string again = std::to_string(reply->code) + (line.size() > 3 ? " " + reply->text : std::string());
    if (again != line) std::abort();
    for (char c : reply->text) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) std::abort();
    }
    const auto update = qdyn::qdns::classifyUpdateReply("h.example.test", *reply);
    if (update.host != "h.example.test" || update.code.empty() || update.detail.empty()) std::abort();
    if (qdyn::isSuccess(update.outcome) != (reply->code == 200)) std::abort();
    if (update.outcome == qdyn::OutcomeClass::Unchanged && reply->text != "Unchanged") std::abort();
    const auto login = qdyn::qdns::classifyLoginReply("h.example.test", *reply);
    const bool refused = reply->code == 400 || reply->code == 401 || reply->code == 403;
    if ((login.outcome == qdyn::OutcomeClass::AuthFailed) != refused) std::abort();
    if (const auto addresses = qdyn::qdns::parseAddresses(reply->text)) {
        if (addresses->empty() || addresses->size() > 64) std::abort();
        for (const auto& address : *addresses) {
            if (qdyn::IpAddress::parse(address.toString()) != address) std::abort();
        }
    }
    return 0;
}
