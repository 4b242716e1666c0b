// Fuzz target: the HTTP echo body parsers (plain text, JSON, checkip HTML). The first octet
// picks the format, the rest is the body. An accepted body names one address whose text
// appears in the body exactly as IpAddress prints it or parses back to the same address.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "qdyn/detect/http_echo_source.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const auto format = static_cast<qdyn::detect::EchoFormat>(data[0] % 3);
    const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
    const auto address = qdyn::detect::parseEchoBody(body, format);
    if (!address) {
        if (address.message().empty()) std::abort();
        return 0;
    }
    // Whatever was accepted must round-trip through its own text.
    const auto text = address->toString();
    const auto again = qdyn::IpAddress::parse(text);
    if (!again || *again != *address) std::abort();
    // Two different addresses can never both be in an accepted plain body.
    if (format == qdyn::detect::EchoFormat::PlainText && body.find_first_of(",;") != std::string_view::npos)
        std::abort();
    return 0;
}
