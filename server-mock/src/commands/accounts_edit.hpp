// The [accounts] file as the commands edit it: a plain document of accounts and keys, rendered
// to TOML, and a session that holds the lock, knows the rest of the configuration, and writes a
// new version only after the config parser has accepted it together with server.toml.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/accounts_file.hpp"
#include "commands/command_support.hpp"
#include "qdyn_server/config.hpp"

namespace qdyn::server::commands {

using accounts::AccountsDocument;
using accounts::ManagedAccount;
using accounts::ManagedKey;

// A name as the config would read it: presentation form without the final dot.
std::string nameText(const dns::Name& name);

class AccountsSession {
public:
    // Reads `configPath`, locks the directory of its [accounts] file, reads that file (a missing
    // one is empty) and parses both as the server would. A configuration that does not load now
    // is refused: no change could be checked against it.
    static Outcome<AccountsSession> open(const std::filesystem::path& configPath);

    [[nodiscard]] const Config& config() const { return m_config; }
    [[nodiscard]] AccountsDocument& document() { return m_document; }
    [[nodiscard]] const std::filesystem::path& file() const { return m_file; }
    [[nodiscard]] const std::filesystem::path& configPath() const { return m_configPath; }
    // Where an account or a key of the running configuration is defined (for messages).
    [[nodiscard]] std::string whereAccount(std::string_view name);
    [[nodiscard]] std::string whereKey(const dns::Name& name) const;

    // Parses the edited document with server.toml exactly as the server will, then replaces the
    // file. Validation failures are exit code 2 and write nothing; I/O failures are 1.
    [[nodiscard]] std::optional<Failure> commit();

private:
    explicit AccountsSession(accounts::AccountsFileLock lock) : m_lock(std::move(lock)) {}

    accounts::AccountsFileLock m_lock;
    std::filesystem::path m_configPath;
    std::string m_mainText;
    std::filesystem::path m_file;
    Config m_config;
    AccountsDocument m_document;
};

}  // namespace qdyn::server::commands
