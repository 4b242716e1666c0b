// The file drop client: the file's content, the comparison with what is there, and the atomic
// replacement (private_file.hpp).
#include "qdyn/protocols/file_drop.hpp"

#include <cstdlib>
#include <fstream>
#include <utility>

#include "qdyn/private_file.hpp"

namespace qdyn::filedrop {

namespace {

// Far more than two addresses: a file this large is not ours to compare byte by byte.
constexpr std::size_t kMaxCompare = 4096;

// The file's content when it is small enough to be ours, nullopt when absent or unreadable.
std::optional<std::string> readSmall(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    std::string content(kMaxCompare + 1, '\0');
    in.read(content.data(), static_cast<std::streamsize>(content.size()));
    content.resize(static_cast<std::size_t>(in.gcount()));
    return content;
}

HostOutcome make(const std::string& host, OutcomeClass outcome, std::string code, std::string detail) {
    return HostOutcome{host, outcome, std::move(code), std::move(detail), {}, {}};
}

}  // namespace

Result<std::filesystem::path> fileOf(std::string_view server, std::string_view path) {
    std::string_view name = path;
    if (name.empty()) {
        constexpr std::string_view kScheme = "file://";
        if (server.substr(0, kScheme.size()) != kScheme) {
            return makeError("server must be a file:///path URL (or give the file in path)");
        }
        name = server.substr(kScheme.size());
        if (name.substr(0, 9) == "localhost") name.remove_prefix(9);
        // file:///C:/dir/file: the slash before a drive letter is the URL's, not the name's, where
        // a drive makes a name absolute (Windows; elsewhere "/C:/dir" is a name of its own).
        const bool driveLetter = name.size() >= 3 && name[0] == '/' && name[2] == ':' &&
                                 ((name[1] >= 'A' && name[1] <= 'Z') || (name[1] >= 'a' && name[1] <= 'z'));
        if (driveLetter && std::filesystem::path(name.substr(1)).is_absolute()) name.remove_prefix(1);
    }
    if (name.substr(0, 2) == "~/") {
        const char* home = std::getenv("HOME");
        if (home == nullptr || *home == '\0') return makeError("the file " + std::string(name) + " needs $HOME");
        return std::filesystem::path(home) / std::filesystem::path(name.substr(2));
    }
    const std::filesystem::path file(name);
    if (name.empty() || !file.is_absolute() || !file.has_filename()) {
        return makeError("the file drop needs an absolute file name (file:///home/me/.dynamicdns), not \"" +
                         std::string(name) + "\"");
    }
    return file;
}

std::string contentFor(const std::optional<IpAddress>& ipv4, const std::optional<IpAddress>& ipv6) {
    std::string content;
    if (ipv4) content += ipv4->toString() + "\n";
    if (ipv6) content += ipv6->toString() + "\n";
    return content;
}

Result<void> replaceFile(const std::filesystem::path& file, std::string_view content) {
    FileReplaceOptions options;
    // Addresses, no secret, and the server (another program, often run by another user) must
    // read them.
    options.newFileMode = 0644;
    options.accessList = AccessList::Inherited;
    // The server refuses a link for a drop file, so a link here is replaced by the file itself.
    options.followSymlink = false;
    return replaceFileAtomically(file, content, options);
}

Client::Client(Settings settings) : m_settings(std::move(settings)) {}

std::vector<std::string> Client::describe(const UpdateRequest& request) const {
    std::vector<std::string> lines;
    const std::string content = contentFor(request.ipv4, request.ipv6);
    if (content.empty()) {
        lines.push_back("nothing for " + m_settings.file.string() + ": no address is known");
        return lines;
    }
    lines.push_back("write " + m_settings.file.string() + " (atomically), for every host:");
    for (std::size_t start = 0; start < content.size();) {
        const std::size_t end = content.find('\n', start);
        lines.push_back("  " + content.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

std::vector<HostOutcome> Client::update(const UpdateRequest& request) {
    const std::string content = contentFor(request.ipv4, request.ipv6);
    HostOutcome outcome;
    if (content.empty()) {
        outcome = make("", OutcomeClass::RetryLater, "no-address",
                       "no address is known, and a file has no server to see the connecting address");
    } else if (readSmall(m_settings.file) == content) {
        outcome = make("", OutcomeClass::Unchanged, "unchanged", m_settings.file.string() + " already holds it");
    } else if (auto written = replaceFile(m_settings.file, content); !written) {
        outcome = make("", OutcomeClass::RetryLater, "file", written.message());
    } else {
        outcome = make("", OutcomeClass::Updated, "written", "wrote " + m_settings.file.string());
    }
    if (isSuccess(outcome.outcome)) {
        if (request.ipv4) outcome.addresses.push_back(*request.ipv4);
        if (request.ipv6) outcome.addresses.push_back(*request.ipv6);
    }
    std::vector<HostOutcome> outcomes;
    for (const auto& host : request.hosts) {
        outcomes.push_back(outcome);
        outcomes.back().host = host;
    }
    return outcomes;
}

}  // namespace qdyn::filedrop
