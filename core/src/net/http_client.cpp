// HttpClient: plain http:// through plain_http.cpp, everything else over libcurl (with
// curl_api.cpp the only files in qdyn that include curl).
#include "qdyn/net/http_client.hpp"

#include <algorithm>
#include <cctype>

#include "curl_api.hpp"
#include "plain_http.hpp"

namespace qdyn::net {

namespace {

// A header list, freed through the loaded library.
class HeaderList {
public:
    explicit HeaderList(const CurlApi& api) : m_api(api) {}
    HeaderList(const HeaderList&) = delete;
    HeaderList& operator=(const HeaderList&) = delete;
    ~HeaderList() {
        if (m_list != nullptr) m_api.slistFreeAll(m_list);
    }
    bool append(const std::string& line) {
        curl_slist* appended = m_api.slistAppend(m_list, line.c_str());
        if (appended == nullptr) return false;
        m_list = appended;
        return true;
    }
    curl_slist* get() const noexcept { return m_list; }

private:
    const CurlApi& m_api;
    curl_slist* m_list = nullptr;
};

struct Sink {
    std::string* body = nullptr;
    std::size_t limit = 0;
    bool overflow = false;
    std::vector<std::pair<std::string, std::string>>* headers = nullptr;
};

std::size_t onBody(char* data, std::size_t size, std::size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    const std::size_t bytes = size * count;
    if (sink->body->size() + bytes > sink->limit) {
        sink->overflow = true;
        return 0;  // makes curl abort with CURLE_WRITE_ERROR
    }
    sink->body->append(data, bytes);
    return bytes;
}

std::string trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n')) {
        text.remove_suffix(1);
    }
    return std::string(text);
}

std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    const std::size_t bytes = size * count;
    const std::string_view line(data, bytes);
    if (line.rfind("HTTP/", 0) == 0) {
        sink->headers->clear();  // a new response (e.g. after 100 Continue): keep only the last
        return bytes;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || sink->headers->size() >= 100) return bytes;
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    sink->headers->emplace_back(std::move(name), trim(line.substr(colon + 1)));
    return bytes;
}

Error curlError(const CurlApi& api, CURLcode code, const char* detail, const std::string& url) {
    std::string message = "HTTP request to " + url + " failed: ";
    message += (detail != nullptr && *detail != '\0') ? detail : api.easyStrerror(code);
    return makeError(std::move(message));
}

// A URL for messages: without user information, so a password in a URL is never printed.
std::string redactUrl(const std::string& url) {
    const std::size_t scheme = url.find("://");
    if (scheme == std::string::npos) return url;
    const std::size_t hostStart = scheme + 3;
    const std::size_t hostEnd = url.find_first_of("/?#", hostStart);
    const std::size_t at = url.rfind('@', hostEnd == std::string::npos ? url.size() : hostEnd);
    std::string out = url;
    if (at != std::string::npos && at >= hostStart) out.erase(hostStart, at + 1 - hostStart);
    const std::size_t query = out.find('?');
    if (query != std::string::npos) out.erase(query);  // query strings carry tokens in some APIs
    return out;
}

}  // namespace

std::optional<std::string_view> HttpResponse::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (key.size() == name.size() &&
            std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
            })) {
            return value;
        }
    }
    return std::nullopt;
}

// The easy handle is made on the first request: a client that never sends one (a run with
// nothing to update) never loads libcurl.
struct HttpClient::Impl {
    const CurlApi* api = nullptr;
    CURL* handle = nullptr;

    Impl() = default;
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl() {
        if (handle != nullptr) api->easyCleanup(handle);
    }
};

HttpClient::HttpClient() : m_impl(std::make_unique<Impl>()) {}

HttpClient::~HttpClient() = default;

Result<HttpResponse> HttpClient::get(const HttpRequest& request) {
    const std::string shownUrl = redactUrl(request.url);
    if (plainHttpTakes(request)) return plainHttpGet(request, shownUrl);
    if (m_impl->handle == nullptr) {
        std::string why;
        m_impl->api = curlApi(why);
        if (m_impl->api == nullptr) return makeError("HTTP request to " + shownUrl + " failed: " + why);
        m_impl->handle = m_impl->api->easyInit();
        if (m_impl->handle == nullptr) return makeError("HTTP client: libcurl could not be initialised");
    }
    const CurlApi& api = *m_impl->api;
    CURL* curl = m_impl->handle;
    api.easyReset(curl);

    HttpResponse response;
    Sink sink{&response.body, request.maxBodyBytes, false, &response.headers};
    char errorBuffer[CURL_ERROR_SIZE] = {};

    api.easySetopt(curl, CURLOPT_URL, request.url.c_str());
    api.easySetopt(curl, CURLOPT_HTTPGET, 1L);
    api.easySetopt(curl, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: safe in threads
    api.easySetopt(curl, CURLOPT_ERRORBUFFER, errorBuffer);
    api.easySetopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    api.easySetopt(curl, CURLOPT_FOLLOWLOCATION, 0L);  // an update must not wander elsewhere
    api.easySetopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    api.easySetopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connectTimeout.count()));
    api.easySetopt(curl, CURLOPT_SSL_VERIFYPEER, request.verifyTls ? 1L : 0L);
    api.easySetopt(curl, CURLOPT_SSL_VERIFYHOST, request.verifyTls ? 2L : 0L);
    if (!request.caFile.empty()) api.easySetopt(curl, CURLOPT_CAINFO, request.caFile.c_str());
    api.easySetopt(curl, CURLOPT_WRITEFUNCTION, onBody);
    api.easySetopt(curl, CURLOPT_WRITEDATA, &sink);
    api.easySetopt(curl, CURLOPT_HEADERFUNCTION, onHeader);
    api.easySetopt(curl, CURLOPT_HEADERDATA, &sink);
    if (!request.userAgent.empty()) api.easySetopt(curl, CURLOPT_USERAGENT, request.userAgent.c_str());
    if (request.family) {
        api.easySetopt(curl, CURLOPT_IPRESOLVE,
                         *request.family == AddressFamily::V4 ? CURL_IPRESOLVE_V4 : CURL_IPRESOLVE_V6);
    }
    std::string password;
    if (request.username) {
        api.easySetopt(curl, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
        api.easySetopt(curl, CURLOPT_USERNAME, request.username->c_str());
        password = request.password != nullptr ? std::string(request.password->reveal()) : std::string();
        api.easySetopt(curl, CURLOPT_PASSWORD, password.c_str());
    }
    HeaderList headerList(api);
    for (const auto& [name, value] : request.headers) {
        if (!headerList.append(name + ": " + value)) return makeError("HTTP client: out of memory building headers");
    }
    if (headerList.get() != nullptr) api.easySetopt(curl, CURLOPT_HTTPHEADER, headerList.get());

    const CURLcode code = api.easyPerform(curl);
    // The password copy and curl's own copy go away before anything else happens.
    Secret wipe(std::move(password));
    api.easySetopt(curl, CURLOPT_PASSWORD, "");

    if (sink.overflow) {
        return makeError("HTTP response from " + shownUrl + " is larger than " +
                         std::to_string(request.maxBodyBytes) + " bytes");
    }
    if (code != CURLE_OK) return curlError(api, code, errorBuffer, shownUrl);
    api.easyGetinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    char* primaryIp = nullptr;
    if (api.easyGetinfo(curl, CURLINFO_PRIMARY_IP, &primaryIp) == CURLE_OK && primaryIp != nullptr) {
        response.peerAddress = IpAddress::parse(primaryIp);
    }
    return response;
}

std::string urlEncode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size() * 3);
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += kHex[byte >> 4];
            out += kHex[byte & 0x0f];
        }
    }
    return out;
}

}  // namespace qdyn::net
