// A command as a source: runs it (command_runner_*.cpp) and reads the address from the first line
// of its stdout, strictly.
#include "qdyn/detect/command_source.hpp"

#include <utility>

#include "command_runner.hpp"

namespace qdyn::detect {

namespace {

// A short, printable excerpt of something hostile, for an error message.
std::string excerpt(std::string_view text) {
    std::string out;
    for (char c : text.substr(0, 80)) {
        if (c == '\n') break;
        out += (c >= 0x20 && c < 0x7f) ? c : '?';
    }
    return out;
}

class CommandSource final : public AddressSource {
public:
    explicit CommandSource(CommandOptions options) : m_options(std::move(options)) {}

    [[nodiscard]] std::string_view kind() const override { return "command"; }
    [[nodiscard]] std::string describe() const override {
        std::string text = "command";
        for (const auto& arg : m_options.argv) text += " " + arg;
        return text;
    }

    Result<std::vector<Candidate>> detect(AddressFamily family) override {
        auto run = runCommand(m_options.argv, m_options.timeout, m_options.maxOutputBytes);
        if (!run) return run.error();
        const std::string& name = m_options.argv.front();
        if (run->signal != 0) return makeError(name + " was killed by signal " + std::to_string(run->signal));
        if (run->exitCode != 0) {
            std::string message = name + " exited with status " + std::to_string(run->exitCode);
            if (!run->errHead.empty()) message += ": " + excerpt(run->errHead);
            return makeError(std::move(message));
        }
        auto address = parseCommandOutput(run->out);
        if (!address) return makeError(name + ": " + address.message());
        if (address->family() != family) {
            return makeError(name + " printed " + address->toString() + ", not an " + std::string(toString(family)) +
                             " address");
        }
        Candidate candidate;
        candidate.address = *address;
        return std::vector<Candidate>{candidate};
    }

private:
    CommandOptions m_options;
};

}  // namespace

Result<IpAddress> parseCommandOutput(std::string_view stdoutText) {
    std::string_view line = stdoutText.substr(0, stdoutText.find('\n'));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) return makeError("printed no address");
    auto address = IpAddress::parse(line);
    if (!address) return makeError("the first line is not exactly one IP address: \"" + excerpt(line) + "\"");
    return *address;
}

std::unique_ptr<AddressSource> makeCommandSource(CommandOptions options) {
    return std::make_unique<CommandSource>(std::move(options));
}

}  // namespace qdyn::detect
