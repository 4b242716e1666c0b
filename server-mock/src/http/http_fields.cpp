// Query strings and Basic credentials, decoded strictly and without allocation surprises: these
// bytes come straight from the network.
#include "qdyn_server/http_fields.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>

namespace qdyn::server {

namespace {

int hexValue(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

constexpr std::array<std::int8_t, 256> makeBase64Table() {
    std::array<std::int8_t, 256> table{};
    for (auto& entry : table) entry = -1;
    constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (std::size_t i = 0; i < alphabet.size(); ++i) {
        table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
    }
    return table;
}
constexpr auto kBase64 = makeBase64Table();

// Standard base64 with mandatory padding; anything else (whitespace, URL alphabet, junk after
// padding) is rejected rather than guessed at.
std::optional<std::string> decodeBase64(std::string_view text) {
    if (text.empty() || text.size() % 4 != 0) return std::nullopt;
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        std::uint32_t group = 0;
        int padding = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            const char c = text[i + j];
            if (c == '=') {
                // Padding only at the end of the last group, and at most two.
                if (!last || j < 2) return std::nullopt;
                ++padding;
                group <<= 6U;
                continue;
            }
            if (padding > 0) return std::nullopt;
            const std::int8_t value = kBase64[static_cast<unsigned char>(c)];
            if (value < 0) return std::nullopt;
            group = (group << 6U) | static_cast<std::uint32_t>(value);
        }
        out.push_back(static_cast<char>((group >> 16U) & 0xFFU));
        if (padding < 2) out.push_back(static_cast<char>((group >> 8U) & 0xFFU));
        if (padding < 1) out.push_back(static_cast<char>(group & 0xFFU));
    }
    return out;
}

}  // namespace

bool equalsIgnoreCase(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

std::string percentDecode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            const int high = hexValue(text[i + 1]);
            const int low = hexValue(text[i + 2]);
            if (high >= 0 && low >= 0) {
                out.push_back(static_cast<char>(high * 16 + low));
                i += 2;
                continue;
            }
        }
        out.push_back(text[i]);
    }
    return out;
}

QueryParams parseQuery(std::string_view query) {
    QueryParams params;
    // One allocation for the list: a parameter per '&'-separated piece at most.
    if (!query.empty()) params.reserve(static_cast<std::size_t>(std::count(query.begin(), query.end(), '&')) + 1);
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view piece = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (piece.empty()) continue;
        const auto eq = piece.find('=');
        if (eq == std::string_view::npos) {
            params.emplace_back(percentDecode(piece), std::string{});
        } else {
            params.emplace_back(percentDecode(piece.substr(0, eq)), percentDecode(piece.substr(eq + 1)));
        }
    }
    return params;
}

std::optional<std::string_view> findParam(const QueryParams& params, std::string_view name) {
    for (const auto& [key, value] : params) {
        if (key == name) return std::string_view(value);
    }
    return std::nullopt;
}

QueryParams requestParams(const HttpRequestInfo& request) {
    auto params = parseQuery(splitTarget(request.target).second);
    constexpr std::string_view kForm = "application/x-www-form-urlencoded";
    const std::string_view type = std::string_view(request.contentType).substr(0, request.contentType.find(';'));
    if (request.method == "POST" && equalsIgnoreCase(type, kForm)) {
        auto form = parseQuery(request.body);
        params.insert(params.end(), std::make_move_iterator(form.begin()), std::make_move_iterator(form.end()));
    }
    return params;
}

std::optional<std::string_view> duplicatedParam(const QueryParams& params, std::initializer_list<std::string_view> names) {
    for (const auto name : names) {
        const auto count = std::count_if(params.begin(), params.end(), [&](const auto& param) { return param.first == name; });
        if (count > 1) return name;
    }
    return std::nullopt;
}

std::optional<dns::Name> parseFqdn(std::string_view text) {
    if (text.empty()) return std::nullopt;
    auto name = dns::Name::parse(text);
    if (!name || name->labelCount() < 2) return std::nullopt;
    return *name;
}

std::pair<std::string_view, std::string_view> splitTarget(std::string_view target) {
    const auto question = target.find('?');
    if (question == std::string_view::npos) return {target, {}};
    return {target.substr(0, question), target.substr(question + 1)};
}

std::optional<BasicCredentials> parseBasicAuth(std::string_view header) {
    constexpr std::string_view kScheme = "basic";
    if (header.size() <= kScheme.size() || !equalsIgnoreCase(header.substr(0, kScheme.size()), kScheme)) {
        return std::nullopt;
    }
    std::string_view rest = header.substr(kScheme.size());
    if (rest.front() != ' ') return std::nullopt;
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
    auto decoded = decodeBase64(rest);
    if (!decoded) return std::nullopt;
    const auto colon = decoded->find(':');
    if (colon == std::string::npos) return std::nullopt;
    return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

}  // namespace qdyn::server
