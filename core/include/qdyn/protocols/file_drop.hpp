// The file drop client ("file", dns-updater's update channel, PROTOCOLS.md "dns-updater file
// drop"): writes the detected addresses into a local file that a server watches, such as
// ~/.dynamicdns on the machine qdyn-server runs on. The file holds one address per line, at
// most one IPv4 then one IPv6 address, which is what the server's reader accepts (it also
// skips blank lines and '#' comments, which this client never writes).
//
// The file is replaced atomically (a temporary file in the same directory, flushed to disk,
// then renamed over it), so the watcher never reads half a file. Every host of the profile
// gets the same outcome: one file updates all of its owner's names at once.
//   the file already holds exactly that content -> Unchanged (nothing is written)
//   otherwise, written                         -> Updated
//   no address known (the file drop has no server to see the connecting address) -> RetryLater
//   the file cannot be read, written or renamed -> RetryLater with the reason
// For a remote server there is no network client here: `qdyn update --dry-run` prints the
// content, and `ssh host 'cat > ~/.dynamicdns'` carries it (the seed's "remote updates").
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/protocols/protocol.hpp"
#include "qdyn/result.hpp"

namespace qdyn::filedrop {

struct Settings {
    std::filesystem::path file;
};

// The file named by a profile: "file:///abs/path" or "file://localhost/abs/path"; a path
// starting with "~/" is taken from $HOME. The profile's path setting, when given, wins.
Result<std::filesystem::path> fileOf(std::string_view server, std::string_view path);

// "203.0.113.7\n2001:db8::7\n": what the file holds for these addresses (IPv4 first; empty
// when neither is known).
std::string contentFor(const std::optional<IpAddress>& ipv4, const std::optional<IpAddress>& ipv6);

// Replaces `file` with `content` atomically and durably; a new file gets mode 0644 (the
// server must read it), an existing one keeps its mode.
Result<void> replaceFile(const std::filesystem::path& file, std::string_view content);

class Client final : public UpdateProtocol {
public:
    explicit Client(Settings settings);
    [[nodiscard]] std::string_view name() const override { return "file"; }
    std::vector<HostOutcome> update(const UpdateRequest& request) override;
    // The file name and its content, line by line.
    [[nodiscard]] std::vector<std::string> describe(const UpdateRequest& request) const override;

private:
    Settings m_settings;
};

}  // namespace qdyn::filedrop
