// A file as a source: read at most maxBytes of a regular file and parse it strictly.
#include "qdyn/detect/file_source.hpp"

#include <fstream>
#include <string>
#include <system_error>
#include <utility>

namespace qdyn::detect {

namespace {

std::string_view trimBlanks(std::string_view text) {
    constexpr std::string_view kBlank = " \t\r";
    const auto first = text.find_first_not_of(kBlank);
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(kBlank);
    return text.substr(first, last - first + 1);
}

class FileSource final : public AddressSource {
public:
    FileSource(std::filesystem::path path, std::size_t maxBytes) : m_path(std::move(path)), m_maxBytes(maxBytes) {}

    [[nodiscard]] std::string_view kind() const override { return "file"; }
    [[nodiscard]] std::string describe() const override { return "file " + m_path.string(); }

    Result<std::vector<Candidate>> detect(AddressFamily family) override {
        auto content = read();
        if (!content) return content.error();
        auto address = parseAddressFile(*content);
        if (!address) return makeError(m_path.string() + ": " + address.message());
        if (address->family() != family) {
            return makeError(m_path.string() + " holds " + address->toString() + ", not an " +
                             std::string(toString(family)) + " address");
        }
        Candidate candidate;
        candidate.address = *address;
        return std::vector<Candidate>{candidate};
    }

private:
    Result<std::string> read() const {
        std::error_code ec;
        // A FIFO or a device would block or never end: only regular files are read.
        if (!std::filesystem::is_regular_file(m_path, ec)) {
            return makeError(m_path.string() + ": " + (ec ? ec.message() : std::string("not a regular file")));
        }
        std::ifstream in(m_path, std::ios::binary);
        if (!in) return makeError(m_path.string() + ": cannot be opened");
        // One byte more than allowed tells an oversized file from one exactly at the cap.
        std::string content(m_maxBytes + 1, '\0');
        in.read(content.data(), static_cast<std::streamsize>(content.size()));
        if (in.bad()) return makeError(m_path.string() + ": read error");
        const auto got = static_cast<std::size_t>(in.gcount());
        if (got > m_maxBytes) {
            return makeError(m_path.string() + ": larger than " + std::to_string(m_maxBytes) + " bytes");
        }
        content.resize(got);
        return content;
    }

    std::filesystem::path m_path;
    std::size_t m_maxBytes;
};

}  // namespace

Result<IpAddress> parseAddressFile(std::string_view content) {
    if (content.find('\0') != std::string_view::npos) return makeError("contains a NUL byte");
    while (!content.empty()) {
        const auto end = content.find('\n');
        const std::string_view raw = content.substr(0, end);
        content = end == std::string_view::npos ? std::string_view{} : content.substr(end + 1);
        const std::string_view line = trimBlanks(raw);
        if (line.empty() || line.front() == '#') continue;
        auto address = IpAddress::parse(line);
        if (!address) return makeError("the first line is not exactly one IP address");
        return *address;
    }
    return makeError("no address in the file");
}

std::unique_ptr<AddressSource> makeFileSource(std::filesystem::path path, std::size_t maxBytes) {
    return std::make_unique<FileSource>(std::move(path), maxBytes);
}

}  // namespace qdyn::detect
