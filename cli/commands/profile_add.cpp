// `qdyn profile add NAME`: appends one [profile.NAME] section to the profile file, leaving every
// other byte of it alone, after checking that the result loads. An inline password comes only
// from stdin (never from the command line, where `ps` and shell history would show it), and
// only into a file private to its owner.
#include <charconv>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "commands/profile_common.hpp"
#include "exit_codes.hpp"
#include "qdyn/private_file.hpp"

namespace qdyn::cli::profiles {

namespace {

// 300, "300s", "5m", "12h", "1d".
std::optional<std::int64_t> seconds(std::string_view text) {
    std::int64_t count = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
    if (error != std::errc() || end == text.data() || count < 0) return std::nullopt;
    const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
    if (unit.empty() || unit == "s") return count;
    if (unit == "m") return count * 60;
    if (unit == "h") return count * 3600;
    if (unit == "d") return count * 86400;
    return std::nullopt;
}

// Sets an unset environment variable for as long as it lives: a profile's password_env is
// usually set only where qdyn runs (a systemd unit), not in the shell that adds the profile,
// and the check that the new file loads must not fail for that.
class EnvPlaceholder {
public:
    explicit EnvPlaceholder(std::string name) : m_name(std::move(name)) {
#if defined(_WIN32)
        _putenv_s(m_name.c_str(), "placeholder");
#else
        ::setenv(m_name.c_str(), "placeholder", 0);
#endif
    }
    ~EnvPlaceholder() {
#if defined(_WIN32)
        _putenv_s(m_name.c_str(), "");
#else
        ::unsetenv(m_name.c_str());
#endif
    }
    EnvPlaceholder(const EnvPlaceholder&) = delete;
    EnvPlaceholder& operator=(const EnvPlaceholder&) = delete;

private:
    std::string m_name;
};

// An absolute path: a path given on the command line is relative to the working directory,
// one in the profile file to the file's directory.
std::string absolute(const std::string& path) {
    std::error_code error;
    const auto full = std::filesystem::absolute(path, error);
    return error ? path : full.lexically_normal().string();
}

class AddCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override {
        CLI::App* sub = app.add_subcommand("add", "Add a profile to the profile file (the rest of the file is left as it is)");
        sub->add_option("NAME", m_entry.name, "The new profile's name: letters, digits, '-' and '_'")->required();
        sub->add_option("-c,--config", m_config, kConfigHelp);
        sub->add_option("--provider", m_entry.provider, "A provider from `qdyn providers` (sets protocol, server, path, ipv6)");
        sub->add_option("--protocol", m_entry.protocol, "A protocol (dyndns2, rfc2136, qdns, custom, ...), with --server");
        sub->add_option("--server", m_entry.server, "The server URL (https://..., dns://ADDRESS, qdns://HOST, ...)");
        sub->add_option("--host", m_entry.hosts, "A name to keep updated (repeatable, at least one)")->required();
        sub->add_option("--username", m_entry.username, "The user name (for rfc2136: the TSIG key's name)");
        auto* file = sub->add_option("--password-file", m_passwordFile,
                                     "Read the password from this file's first line at every run (systemd credentials, "
                                     "container secrets)");
        auto* env = sub->add_option("--password-env", m_passwordEnv, "Read the password from this environment variable");
        auto* stdinFlag = sub->add_flag("--password-stdin", m_passwordStdin,
                                        "Read the password from the first line of stdin and store it in the file, which "
                                        "must then be private (mode 0600)");
        file->excludes(env)->excludes(stdinFlag);
        env->excludes(stdinFlag);
        sub->add_option("--path", m_entry.path, "The request path, when not the protocol's default");
        sub->add_option("--url", m_entry.url, "protocol custom: the URL template (<domain> <ipaddr> <pass> or %h %i %p)");
        sub->add_option("--ipv6", m_entry.ipv6, "dyndns2: how IPv6 travels: comma, myipv6 or separate");
        sub->add_option("--zone", m_entry.zone, "rfc2136: the zone (default: found by SOA queries)");
        sub->add_option("--ttl", m_ttl, "rfc2136: the TTL of the records (default 60)")->check(CLI::Range(0, 2147483647));
        sub->add_option("--tsig-algorithm", m_entry.tsigAlgorithm, "rfc2136: hmac-sha256 (default), hmac-sha1 or hmac-sha512");
        sub->add_option("--timeout", m_timeout, "Seconds per request (default 15)")->check(CLI::Range(1, 300));
        sub->add_option("--ca-file", m_caFile, "A PEM CA bundle to check the server's certificate with");
        sub->add_option("--family", m_entry.families, "ipv4 and/or ipv6 (repeatable; default ipv4)");
        sub->add_option("--detect", m_entry.detect,
                        "An address source for both families, in order (repeatable; see qdyn detect --help)");
        sub->add_option("--detect-ipv4", m_entry.detectIpv4, "An address source for IPv4 only (repeatable)");
        sub->add_option("--detect-ipv6", m_entry.detectIpv6, "An address source for IPv6 only (repeatable)");
        sub->add_option("--agreement", m_agreement, "How many sources must agree (1 to 8)")->check(CLI::Range(1, 8));
        sub->add_flag("--allow-private", m_allowPrivate, "Publish private, CGNAT and ULA addresses (a LAN-only zone)");
        sub->add_option("--poll-interval", m_poll, "The agent's poll: seconds, or 30s, 5m, 1h (10 s to 1 day)");
        auto* verify = sub->add_option("--verify", m_entry.verifyServers,
                                       "Verify at this server, ADDRESS[:PORT] (repeatable; default: the zone's "
                                       "authoritative servers)");
        sub->add_flag("--no-verify", m_noVerify, "Do not verify updates")->excludes(verify);
        sub->add_option("--comment", m_comment, "A comment line above the section");
        sub->add_flag("-n,--dry-run", m_dryRun, "Print the section and check it, write nothing");
        sub->footer(
            "Examples:\n"
            "  qdyn profile add home --provider dynu --host home.example.net --username alice \\\n"
            "      --password-file /etc/qdyn/dynu.secret\n"
            "  printf '%s\\n' \"$TOKEN\" | qdyn profile add lab --protocol qdns --server qdnss://ddns.example.net \\\n"
            "      --host lab.example.net --password-stdin\n"
            "A password is never taken from the command line. The result is checked to load before the\n"
            "file is replaced (atomically; a new file is created with mode 0600).\n"
            "Exit codes: 0 added, 1 the file could not be written, 2 bad options or a profile that would not load.");
        return sub;
    }

    int run(Streams& io) override {
        if (m_entry.provider.empty() && m_entry.protocol.empty()) {
            io.err << "qdyn profile add: give --provider NAME, or --protocol NAME with --server URL\n";
            return kExitUsage;
        }
        if (!m_entry.protocol.empty() && m_entry.provider.empty() && m_entry.server.empty() && m_entry.protocol != "file") {
            io.err << "qdyn profile add: --protocol " << m_entry.protocol << " needs --server URL\n";
            return kExitUsage;
        }
        if (auto ready = complete(io); ready != kExitOk) return ready;
        const std::filesystem::path path = configPath(m_config);
        auto current = config::readProfileFile(path);
        if (!current) {
            io.err << "qdyn profile add: " << current.message() << '\n';
            return kExitUsage;
        }
        const std::string before = current->value_or(std::string());
        std::optional<EnvPlaceholder> placeholder;
        if (m_entry.passwordFrom == config::ProfileEntry::PasswordFrom::Env && std::getenv(m_passwordEnv.c_str()) == nullptr) {
            io.err << "qdyn profile add: note: " << m_passwordEnv
                   << " is not set here; set it in the environment qdyn runs in\n";
            placeholder.emplace(m_passwordEnv);
        }
        auto after = config::addProfileText(before, m_entry, path.string(), path.parent_path());
        placeholder.reset();
        if (!after) {
            io.err << "qdyn profile add: " << after.message() << '\n';
            return kExitUsage;
        }
        if (m_dryRun) {
            Secret shown("***");
            std::swap(shown, m_entry.password);
            io.out << config::renderProfile(m_entry);
            std::swap(shown, m_entry.password);
            return kExitOk;
        }
        if (m_entry.passwordFrom == config::ProfileEntry::PasswordFrom::Inline && current->has_value()) {
            if (const std::string problem = privateProblem(path); !problem.empty()) {
                io.err << "qdyn profile add: " << problem << '\n';
                return kExitUsage;
            }
        }
        std::error_code error;
        if (!current->has_value() && path.has_parent_path() && !std::filesystem::exists(path.parent_path(), error)) {
            std::filesystem::create_directories(path.parent_path(), error);
            std::filesystem::permissions(path.parent_path(), std::filesystem::perms::owner_all, error);
        }
        if (auto written = config::writeFileAtomically(path, *after, before); !written) {
            io.err << "qdyn profile add: " << written.message() << '\n';
            return kExitInternal;
        }
        io.out << "added profile " << m_entry.name << " to " << path.string() << "; check it with: qdyn profile test "
               << m_entry.name << '\n';
        return kExitOk;
    }

private:
    // The options that need more than a copy into the entry.
    int complete(Streams& io) {
        using From = config::ProfileEntry::PasswordFrom;
        if (!m_passwordFile.empty()) {
            m_entry.passwordFrom = From::File;
            m_entry.passwordRef = absolute(m_passwordFile);
            std::error_code missing;
            if (std::filesystem::exists(m_entry.passwordRef, missing)) {
                if (auto checked = checkPrivateFile(m_entry.passwordRef, "a password"); !checked) {
                    io.err << "qdyn profile add: warning: " << checked.message() << '\n';
                }
            }
        } else if (!m_passwordEnv.empty()) {
            m_entry.passwordFrom = From::Env;
            m_entry.passwordRef = m_passwordEnv;
        } else if (m_passwordStdin) {
            std::string line;
            std::getline(std::cin, line);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.empty()) {
                io.err << "qdyn profile add: --password-stdin read an empty line\n";
                return kExitUsage;
            }
            m_entry.passwordFrom = From::Inline;
            m_entry.password = Secret(std::move(line));
        }
        if (!m_caFile.empty()) m_entry.caFile = absolute(m_caFile);
        if (m_ttl) m_entry.ttl = *m_ttl;
        if (m_timeout) m_entry.timeout = *m_timeout;
        if (m_agreement) m_entry.agreement = *m_agreement;
        if (m_allowPrivate) m_entry.allowPrivate = true;
        if (m_noVerify) m_entry.verify = false;
        if (!m_comment.empty()) m_entry.comments.push_back(m_comment);
        if (!m_poll.empty()) {
            const auto poll = seconds(m_poll);
            if (!poll) {
                io.err << "qdyn profile add: --poll-interval " << m_poll << ": give seconds, or a number with s, m, h or d\n";
                return kExitUsage;
            }
            m_entry.pollInterval = *poll;
        }
        return kExitOk;
    }

    // Why an existing file may not take an inline password, or "".
    static std::string privateProblem(const std::filesystem::path& path) {
        if (auto checked = checkPrivateFile(path, "profiles"); !checked) {
            return checked.message() + "; an inline password needs a private file (or use --password-file or "
                                       "--password-env)";
        }
        return {};
    }

    config::ProfileEntry m_entry;
    std::string m_config;
    std::string m_passwordFile;
    std::string m_passwordEnv;
    bool m_passwordStdin = false;
    std::optional<std::int64_t> m_ttl;
    std::optional<std::int64_t> m_timeout;
    std::optional<std::int64_t> m_agreement;
    std::string m_caFile;
    bool m_allowPrivate = false;
    std::string m_poll;
    bool m_noVerify = false;
    std::string m_comment;
    bool m_dryRun = false;
};

}  // namespace

std::unique_ptr<Command> makeAddCommand() { return std::make_unique<AddCommand>(); }

}  // namespace qdyn::cli::profiles
