// Fuzzes the DNS codec: whatever decodes must survive encode + decode unchanged, and the same
// bytes read as presentation or wire-form names must round-trip through Name.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>
#include <vector>

#include "qdyn/dns/message.hpp"
#include "qdyn/dns/name.hpp"

namespace {

using namespace qdyn::dns;

[[noreturn]] void failure(const char* what) {
    std::fprintf(stderr, "dns fuzz: %s\n", what);
    std::abort();
}

bool sameHeader(const Header& a, const Header& b) {
    return a.id == b.id && a.qr == b.qr && a.opcode == b.opcode && a.aa == b.aa && a.tc == b.tc &&
           a.rd == b.rd && a.ra == b.ra && a.ad == b.ad && a.cd == b.cd && a.rcode == b.rcode;
}

bool sameMessage(const Message& a, const Message& b) {
    return sameHeader(a.header, b.header) && a.questions == b.questions && a.answers == b.answers &&
           a.authority == b.authority && a.additional == b.additional;
}

void checkMessage(std::span<const std::uint8_t> input) {
    const auto first = decodeMessage(input);
    if (!first) return;
    const std::vector<std::uint8_t> wire = encodeMessage(*first);
    const auto second = decodeMessage(wire);
    if (!second) {
        std::fprintf(stderr, "re-decode error: %s\n", second.message().c_str());
        failure("re-encoded message does not decode");
    }
    if (!sameMessage(*first, *second)) failure("message changed across encode/decode");
    // Encoding a decoded message must be stable: the second encoding is byte-identical.
    if (encodeMessage(*second) != wire) failure("encoding is not deterministic");
}

void checkName(std::string_view text) {
    if (const auto name = Name::parse(text)) {
        const auto again = Name::parse(name->toString());
        if (!again) failure("printed name does not parse");
        if (again->wire() != name->wire()) failure("name changed across toString/parse");
        const Name lower = name->lowercased();
        if (!(lower == *name) || NameHash{}(lower) != NameHash{}(*name)) failure("case folding broke equality");
        if (!name->isSubdomainOf(name->parent())) failure("name is not below its parent");
    }
    if (const auto name = Name::fromWire(text)) {
        const auto again = Name::parse(name->toString());
        if (!again || again->wire() != name->wire()) failure("wire name does not survive printing");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> input(data, size);
    checkMessage(input);
    checkName(std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
