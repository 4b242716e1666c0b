// The file drop client: the file's content, the comparison with what is there, and the atomic
// replacement (POSIX: mkstemp, fsync, rename, fsync of the directory).
#include "qdyn/protocols/file_drop.hpp"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <system_error>
#include <utility>

#if !defined(_WIN32)
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace qdyn::filedrop {

namespace {

// Far more than two addresses: a file this large is not ours to compare byte by byte.
constexpr std::size_t kMaxCompare = 4096;

std::string lastError() {
    return std::error_code(errno, std::generic_category()).message();
}

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
    const std::filesystem::path dir = file.parent_path();
#if !defined(_WIN32)
    // A hidden name in the same directory: rename() is atomic only within one file system.
    std::string temp = (dir / ("." + file.filename().string() + ".qdyn-XXXXXX")).string();
    const int fd = ::mkstemp(temp.data());
    if (fd < 0) return makeError("cannot create a temporary file in " + dir.string() + ": " + lastError());
    auto fail = [&](const std::string& what) -> Result<void> {
        const std::string reason = what + ": " + lastError();
        ::close(fd);
        ::unlink(temp.c_str());
        return makeError(reason);
    };
    struct stat existing {};
    const mode_t mode = ::stat(file.c_str(), &existing) == 0 ? (existing.st_mode & 07777) : 0644;
    if (::fchmod(fd, mode) != 0) return fail("cannot set the mode of " + temp);
    for (std::size_t written = 0; written < content.size();) {
        const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return fail("cannot write " + temp);
        written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) return fail("cannot flush " + temp);
    if (::close(fd) != 0) {
        const std::string reason = "cannot write " + temp + ": " + lastError();
        ::unlink(temp.c_str());
        return makeError(reason);
    }
    if (::rename(temp.c_str(), file.c_str()) != 0) {
        const std::string reason = "cannot replace " + file.string() + ": " + lastError();
        ::unlink(temp.c_str());
        return makeError(reason);
    }
    // The rename itself is durable only once the directory is.
    if (const int dirFd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dirFd >= 0) {
        (void)::fsync(dirFd);
        ::close(dirFd);
    }
    return {};
#else
    const std::filesystem::path temp = dir / ("." + file.filename().string() + ".qdyn-tmp");
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        out.flush();
        if (!out) return makeError("cannot write " + temp.string());
    }
    std::error_code ec;
    std::filesystem::rename(temp, file, ec);
    if (ec) return makeError("cannot replace " + file.string() + ": " + ec.message());
    return {};
#endif
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
